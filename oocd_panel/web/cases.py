"""Cases: my work, the case list, a case page, new referrals and workflow actions."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from oocd_panel import workflow
from oocd_panel.catalogue import kpis
from oocd_panel.models import Child, Referral, ReferralStatus, User
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules import corrections as correction_rules
from oocd_panel.rules.intervention_end import ends_intervention
from oocd_panel.rules.referral_rules import validate
from oocd_panel.services import assessments, corrections, wording_approval
from oocd_panel.services import cases as case_queries
from oocd_panel.services.actions import take_action
from oocd_panel.services.referrals import create_referral
from oocd_panel.web import audit
from oocd_panel.web.access import ALL_ROLES, actor, allow, csrf_checked_by_form
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none, iter_fields
from oocd_panel.web.forms import ActionForm, CaseFilterForm
from oocd_panel.web.referral_forms import MAX_OFFENCES, ReferralForm
from oocd_panel.workflow import CASE_READER_ROLES, REFERRER_ROLES

bp = Blueprint("cases", __name__)

# Actions with pages of their own, which show what the generic confirmation page cannot.
DEDICATED_PAGES = {
    "submit_for_sign_off": "assessments.submit",
    "sign_off": "assessments.review",
    "return_for_rework": "assessments.review",
    "take_to_panel": "panels.item",
    "decide": "panels.item",
    "escalate": "panels.item",
    "resolve_escalation": "outcomes.escalation",
    "record_delivery": "outcomes.delivery",
    "decline_at_delivery": "outcomes.delivery",
    "decline_voluntary_at_delivery": "outcomes.delivery",
}


# When several actions share a page, the button says what the page is for.
_SHARED_PAGE_LABELS = {
    "assessments.review": "Review the assessment",
    "outcomes.delivery": "Record the delivery",
}


@dataclass(frozen=True)
class ActionButton:
    label: str
    url: str
    warning: bool


def action_buttons(referral: Referral, actions: list[workflow.Action]) -> list[ActionButton]:
    """One button per page the user can act through, in the workflow's order."""
    buttons: dict[str, ActionButton] = {}
    for action in actions:
        url = action_url(referral, action.trigger)
        if url not in buttons:
            label = _SHARED_PAGE_LABELS.get(DEDICATED_PAGES.get(action.trigger, ""), action.label)
            buttons[url] = ActionButton(label, url, action.warning)
    return list(buttons.values())


def _ends_intervention(referral: Referral, trigger: str) -> bool:
    """Ending an intervention under way asks for its KPI facts, on a page of its own."""
    return ends_intervention(trigger, referral.status)


def action_url(referral: Referral, trigger: str) -> str:
    if _ends_intervention(referral, trigger):
        return url_for("outcomes.end_intervention", referral_id=referral.id, trigger=trigger)
    endpoint = DEDICATED_PAGES.get(trigger)
    if endpoint == "panels.item":
        item = workflow.current_item(referral)
        if item is not None:
            return url_for(endpoint, meeting_id=item.meeting_id, item_id=item.id)
        return url_for("panels.index")
    if endpoint is not None:
        return url_for(endpoint, referral_id=referral.id)
    return url_for("cases.action", referral_id=referral.id, trigger=trigger)


Page = tuple[str, int] | str


@bp.route("/")
@allow(*ALL_ROLES)
def my_work() -> str:
    user = actor()
    queues = case_queries.my_work(db_session(), user) if case_queries.can_read_cases(user) else []
    return render_template(
        "cases/my_work.html",
        queues=queues,
        wording_drafts=wording_approval.awaiting(db_session(), user),
    )


def _filters_from(form: CaseFilterForm, user: User) -> case_queries.CaseFilters:
    known = {s.value for s in ReferralStatus}
    statuses = [ReferralStatus(s) for s in form.status.data or [] if s in known]
    gravity = [int(g) for g in form.gravity.data or [] if g in {"1", "2", "3", "4", "5"}]
    service_id = int_or_none(form.service.data)
    if service_id not in user.service_ids:
        service_id = None
    return case_queries.CaseFilters(
        statuses=statuses,
        received_from=form.received_from.data,
        received_to=form.received_to.data,
        gravity_scores=gravity,
        search=clean_text(form.q.data) if not form.q.errors else "",
        service_id=service_id,
    )


NAME_IN_ADDRESS = (
    "Search for a child's name with the search box: names are never read from the page's "
    "address, where browser history and proxy logs would keep them"
)


def _is_name(query: str | None) -> bool:
    text = clean_text(query)
    return bool(text) and not case_queries.is_reference(text)


@bp.route("/cases", methods=["GET", "POST"])
@allow(*CASE_READER_ROLES)
def case_list() -> Page | Response:
    """The case list. Filters, a reference and the page come in the address (links can be
    shared); a search by a child's name is posted, with its CSRF token, and the pages of its
    results are posted too, so a name never reaches the address bar, history or a proxy's log."""
    user = actor()
    posted = request.method == "POST"
    args = MultiDict(request.form if posted else request.args)
    args.pop("csrf_token", None)
    refused = not posted and _is_name(args.get("q"))
    if refused:
        args.pop("q")
    kept = [(k, v) for k, v in args.items(multi=True) if k in CaseFilterForm.FILTERS]
    if posted and not _is_name(args.get("q")):
        # Nothing personal: the usual address, to bookmark and share.
        query = [(k, v) for k, v in kept if v]
        return redirect(url_for("cases.case_list") + ("?" + urlencode(query) if query else ""))
    form = CaseFilterForm(formdata=args if args else None)
    form.service.choices = [("", "All your services")] + [
        (str(s.id), s.name) for s in user.services
    ]
    form.validate()
    if refused:
        form.q.errors = [NAME_IN_ADDRESS]
    filters = _filters_from(form, user)
    after = case_queries.Cursor.parse(args.get("after"))
    before = None if after else case_queries.Cursor.parse(args.get("before"))
    page = case_queries.list_cases(
        db_session(),
        user,
        filters,
        after=after,
        before=before,
        first=int_or_none(args.get("from")) or 1,
        per_page=int(current_app.config["CASES_PER_PAGE"]),
    )

    def page_url(direction: str, cursor: case_queries.Cursor, first: int) -> str:
        query = [*kept, (direction, str(cursor)), ("from", str(max(first, 1)))]
        return url_for("cases.case_list") + "?" + urlencode(query)

    def page_fields(direction: str, cursor: case_queries.Cursor, first: int) -> list[Pair]:
        """A page of a name search: the same search, posted."""
        return [*kept, (direction, str(cursor)), ("from", str(max(first, 1)))]

    errors = error_summary(form)
    return render_template(
        "cases/list.html",
        form=form,
        errors=errors,
        page=page,
        filters=filters,
        page_url=page_url,
        page_fields=page_fields if posted else None,
        page_size=int(current_app.config["CASES_PER_PAGE"]),
    ), (400 if refused else 200)


Pair = tuple[str, str]


def _service_choices(form: ReferralForm, user: User) -> None:
    form.service_id.choices = [("", "Select the service")] + [
        (str(s.id), s.name) for s in user.services
    ]


def _referral_page(form: ReferralForm, child: Child | None, extra: list[str]) -> Page:
    errors = error_summary(form, extra)
    return render_template(
        "cases/new.html",
        form=form,
        child=child,
        errors=errors,
        max_offences=MAX_OFFENCES,
    ), (400 if errors else 200)


def _new_referral(child: Child | None) -> Page | Response:
    user = actor()
    session = db_session()
    form = ReferralForm()
    if child is not None:
        form.for_known_child()
    several_services = len(user.services) > 1 and child is None
    if several_services:
        _service_choices(form, user)
    else:
        del form.service_id
    if request.method == "GET":
        if child is not None:
            audit.viewed_child(child.id, "new referral for a known child")
        return _referral_page(form, child, [])

    if form.add_offence.data:
        if len(form.offences.entries) < MAX_OFFENCES:
            form.offences.append_entry()
        return _referral_page(form, child, [])

    form.validate()  # parses dates and lengths; the rules are checked below
    if child is not None:
        service_id = child.service_id
    elif several_services:
        chosen = int_or_none(form.service_id.data)
        service_id = chosen if chosen in user.service_ids else 0
        if not service_id:
            form.service_id.errors = ["Select the service this referral is for"]
    else:
        service_id = user.services[0].id
    data = form.to_new_referral(service_id, child.id if child else None)
    problems = validate(data, local_today(), born=child.date_of_birth if child else None)
    attach_errors(form, {k: v for k, v in problems.items() if not _has_parse_error(form, k)})
    if any(f.errors for f in iter_fields(form)):
        return _referral_page(form, child, [])
    try:
        referral, linked = create_referral(session, user, data)
    except InvalidInput as exc:
        return _referral_page(form, child, attach_errors(form, exc.errors))
    except (ActionNotAllowed, NotFound) as exc:
        return _referral_page(form, child, [exc.message])
    if linked:
        flash(
            f"Referral saved and linked to the existing record for {referral.child.full_name} "
            f"(born {referral.child.date_of_birth:%-d %B %Y})."
        )
    else:
        flash("Referral saved.")
    return redirect(url_for("cases.show", referral_id=referral.id))


def _has_parse_error(form: ReferralForm, name: str) -> bool:
    return any(f.name == name and f.errors for f in iter_fields(form))


@bp.route("/cases/new", methods=["GET", "POST"])
@allow(*REFERRER_ROLES)
@csrf_checked_by_form
def new_referral() -> Page | Response:
    return _new_referral(None)


@bp.route("/children/<id:child_id>/referrals/new", methods=["GET", "POST"])
@allow(*REFERRER_ROLES)
@csrf_checked_by_form
def new_referral_for_child(child_id: int) -> Page | Response:
    child = db_session().get(Child, child_id)
    if child is None or child.service_id not in actor().service_ids or child.purged_at:
        abort(404)
    return _new_referral(child)


@bp.route("/cases/<id:referral_id>")
@allow(*CASE_READER_ROLES)
def show(referral_id: int) -> str:
    user = actor()
    try:
        referral = case_queries.get_case(db_session(), user, referral_id, page=True)
    except NotFound:
        abort(404)
    audit.viewed(referral, "case")
    buttons = action_buttons(referral, workflow.available_actions(referral, user))
    if assessments.is_editable(referral) and user.has_role(*assessments.EDITOR_ROLES):
        # The assessment is the work waiting: the first thing the page offers.
        url = url_for("assessments.task_list", referral_id=referral.id)
        buttons = [ActionButton("Continue the assessment", url, False), *buttons]
    escalation = referral.open_escalation
    if escalation is not None and escalation.police_inspector_id == user.id:
        # The named inspector records the resolution (the manager's answer is the action).
        label = "Change the resolution" if escalation.proposal else "Record the resolution"
        url = url_for("outcomes.escalation", referral_id=referral.id)
        buttons = [ActionButton(label, url, False), *buttons]
    return render_template(
        "cases/show.html",
        referral=referral,
        actions=buttons,
        corrections=corrections.history(db_session(), user, referral),
        may_correct_child=correction_rules.child_refusal(user) is None,
        may_correct_referral=correction_rules.referral_refusal(user, referral) is None,
        correction_field=correction_rules.field_for,
        sees_sensitive=case_queries.sees_sensitive_details(user),
        kpi_questions=kpis.QUESTIONS,
    )


@bp.route("/cases/<id:referral_id>/actions/<trigger>", methods=["GET", "POST"])
@allow(*CASE_READER_ROLES)
def action(referral_id: int, trigger: str) -> Page | Response:
    user = actor()
    session = db_session()
    try:
        referral = case_queries.get_case(session, user, referral_id)
    except NotFound:
        abort(404)
    chosen = workflow.ACTIONS_BY_TRIGGER.get(trigger)
    if chosen is None:
        abort(404)
    if trigger in DEDICATED_PAGES or _ends_intervention(referral, trigger):
        return redirect(action_url(referral, trigger))
    form = ActionForm()
    form.shape_for(chosen)
    extra: list[str] = []

    if request.method == "GET":
        audit.viewed(referral, "case action", trigger=trigger)
        form.version.data = str(referral.version)
        refused = workflow.refusal(chosen, workflow.Context(referral, user))
        if refused:
            extra.append(refused)
    elif form.validate_on_submit():
        try:
            take_action(
                session,
                referral_id=referral_id,
                trigger=trigger,
                actor=user,
                # A post without the version it was made from is treated as stale.
                expected_version=form.expected_version or 0,
                reason=form.reason.data if "reason" in form._fields else None,
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except (ActionNotAllowed, CaseChanged) as exc:
            extra.append(exc.message)
            form.version.data = str(referral.version)
        else:
            flash(f"Done: {chosen.label[0].lower()}{chosen.label[1:]}.")
            if trigger == "start_assessment":
                # Straight to the work now waiting, not back to a page with nothing to do.
                return redirect(url_for("assessments.task_list", referral_id=referral_id))
            return redirect(url_for("cases.show", referral_id=referral_id))
        session.expire_all()
        referral = case_queries.get_case(session, user, referral_id)
    errors = error_summary(form, extra)
    return render_template(
        "cases/action.html",
        referral=referral,
        action=chosen,
        form=form,
        errors=errors,
        can_act=workflow.refusal(chosen, workflow.Context(referral, user)) is None,
    ), (400 if errors and request.method == "POST" else 200)
