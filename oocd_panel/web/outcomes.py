"""After the vote: resolving escalations, the police outcome view and delivery, intervention
notes and the end of an intervention (with its KPI facts); and the service settings page for
administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from oocd_panel import workflow
from oocd_panel.catalogue import kpis
from oocd_panel.models import Referral, ReferralStatus, Role, Service
from oocd_panel.plumbing.errors import (
    ActionNotAllowed,
    CaseChanged,
    EditedMeanwhile,
    InvalidInput,
    NotFound,
)
from oocd_panel.rules import intervention_end
from oocd_panel.rules.referral_rules import normalise_police_reference
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.services import interventions as notes_service
from oocd_panel.services import panels as panel_service
from oocd_panel.services import police as police_service
from oocd_panel.services import settings as settings_service
from oocd_panel.services.cases import get_case
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, csrf_failed, error_summary, int_or_none
from oocd_panel.web.kpi_forms import EndOfInterventionForm
from oocd_panel.web.panel_forms import (
    AnswerForm,
    DeliveryForm,
    NoteForm,
    PoliceSearchForm,
    ResolutionForm,
    SettingsForm,
    yes_no,
)

bp = Blueprint("outcomes", __name__)

Page = tuple[str, int] | str


def _case(referral_id: int) -> Referral:
    try:
        return get_case(db_session(), actor(), referral_id)
    except NotFound:
        abort(404)


# --- Escalation ----------------------------------------------------------------------------------


@bp.route("/cases/<id:referral_id>/escalation", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.POLICE_OFFICER, Role.PANEL_MEMBER)
def escalation(referral_id: int) -> Page | Response:
    """The named inspector records the resolution (and may change it until it is answered); the
    named YJS manager, signed in as themselves, answers it, which makes it the decision."""
    referral = _case(referral_id)
    escalation_ = referral.open_escalation or (
        referral.escalations[-1] if referral.escalations else None
    )
    if escalation_ is None:
        abort(404)
    user = actor()
    open_ = escalation_.resolved_at is None
    inspector = open_ and user.id == escalation_.police_inspector_id
    manager = open_ and user.id == escalation_.yjs_manager_id and bool(escalation_.proposal)
    form = ResolutionForm()
    answer = AnswerForm(prefix="answer")
    extra: list[str] = []
    if request.method == "GET":
        audit.viewed(referral, "escalation")
        form.version.data = answer.version.data = str(referral.version)
        _fill_from_proposal(form, escalation_.proposal)
    elif request.form.get("answer-submit") is not None and manager:
        answer.validate()
        if csrf_failed(answer):
            extra.append("The form had expired: try again.")
        else:
            try:
                panel_service.answer_resolution(
                    db_session(),
                    user,
                    referral_id=referral.id,
                    agreed=yes_no(answer.yjs_manager_agreed.data),
                    view=answer.yjs_manager_view.data,
                    expected_version=int_or_none(answer.version.data) or 0,
                )
            except InvalidInput as exc:
                extra += attach_errors(answer, exc.errors)
            except (ActionNotAllowed, CaseChanged) as exc:
                extra.append(exc.message)
            else:
                flash("Your answer is recorded: the resolution is now the decision.")
                return redirect(url_for("cases.show", referral_id=referral.id))
        form.version.data = str(referral.version)
        _fill_from_proposal(form, escalation_.proposal)
    elif not inspector:
        abort(403)
    else:
        answer.version.data = str(referral.version)
        form.validate()
        if csrf_failed(form):
            extra.append("The form had expired: try again.")
        elif not any(e.form.due_on.errors for e in form.conditions.entries):
            try:
                panel_service.propose_resolution(
                    db_session(),
                    user,
                    referral_id=referral.id,
                    given=panel_service.DecisionInput(
                        form.disposal.data or None,
                        tuple(form.interventions.data or ()),
                        form.condition_pairs(),
                        form.confirmation_rationale.data,
                        form.departure_rationale.data,
                    ),
                    expected_version=int_or_none(form.version.data) or 0,
                )
            except InvalidInput as exc:
                extra += attach_errors(form, exc.errors)
            except (ActionNotAllowed, CaseChanged) as exc:
                extra.append(exc.message)
            else:
                flash(
                    f"Resolution recorded. It becomes the decision when "
                    f"{escalation_.yjs_manager.full_name}, the YJS manager, says whether they "
                    "agree."
                )
                return redirect(url_for("outcomes.escalation", referral_id=referral.id))
    form.confirmation_rationale.label.text = "Rationale for the resolution"
    errors = error_summary(form, extra) + error_summary(answer)
    return render_template(
        "outcomes/escalation.html",
        referral=referral,
        escalation=escalation_,
        proposal=panel_service.proposed_outcome(escalation_),
        form=form,
        answer=answer,
        inspector=inspector,
        manager=manager,
        errors=errors,
    ), (400 if errors and request.method == "POST" else 200)


def _fill_from_proposal(form: ResolutionForm, proposal: dict[str, Any] | None) -> None:
    """The inspector's form starts from what they proposed, so a change is an edit."""
    if not proposal:
        return
    form.disposal.data = proposal.get("disposal")
    form.interventions.data = list(proposal.get("interventions") or [])
    form.confirmation_rationale.data = proposal.get("rationale")
    form.departure_rationale.data = proposal.get("departure_rationale")
    for entry, condition in zip(
        form.conditions.entries, proposal.get("conditions") or [], strict=False
    ):
        entry.form.text.data = condition.get("text")
        entry.form.due_on.data = dt.date.fromisoformat(condition["due_on"])


# --- Police --------------------------------------------------------------------------------------


# Personal details a search must never read from the address (its query string is kept in
# browser history and every proxy's access log).
PERSONAL_SEARCH_FIELDS = ("first_name", "last_name", "date_of_birth")


@bp.route("/police", methods=["GET", "POST"])
@allow(Role.POLICE_OFFICER)
def police_search() -> Page:
    results: list[Referral] | None = None
    extra: list[str] = []
    searching = request.method == "POST" or "police_reference" in request.args
    if request.method == "POST":
        form = PoliceSearchForm()
    elif any(name in request.args for name in PERSONAL_SEARCH_FIELDS):
        # Only a police reference is read from the address; names and dates of birth are not.
        form = PoliceSearchForm(formdata=None)
        searching = False
        extra.append(
            "Search by the child's name and date of birth with the form on this page: they "
            "are not read from the address, to keep them out of browser history"
        )
    else:
        reference = MultiDict({"police_reference": request.args.get("police_reference", "")})
        form = PoliceSearchForm(formdata=reference if searching else None)
    if searching:
        form.validate()
        if normalise_police_reference(form.police_reference.data or ""):
            results = police_service.find_cases(
                db_session(), actor(), police_reference=form.police_reference.data or ""
            )
        elif (form.last_name.data or "").strip() and form.date_of_birth.data:
            results = police_service.find_cases(
                db_session(),
                actor(),
                first_name=form.first_name.data or "",
                last_name=form.last_name.data or "",
                date_of_birth=form.date_of_birth.data,
            )
        elif not form.date_of_birth.errors:
            extra.append("Enter the police reference, or the child's last name and date of birth")
    errors = error_summary(form, extra)
    return render_template(
        "outcomes/police_search.html", form=form, results=results, errors=errors
    ), (400 if errors else 200)


@bp.route("/police/cases/<id:referral_id>")
@allow(Role.POLICE_OFFICER)
def police_case(referral_id: int) -> str:
    """Status, decision and conditions: never the assessment, health, SEND or exploitation."""
    referral = _case(referral_id)
    audit.viewed(referral, "police outcome")
    return render_template("outcomes/police_case.html", referral=referral)


@bp.route("/police/cases/<id:referral_id>/delivery", methods=["GET", "POST"])
@allow(Role.POLICE_OFFICER)
def delivery(referral_id: int) -> Page | Response:
    referral = _case(referral_id)
    form = DeliveryForm()
    extra: list[str] = []
    if request.method == "GET":
        audit.viewed(referral, "police delivery")
        form.version.data = str(referral.version)
    elif form.validate_on_submit() or not csrf_failed(form):
        try:
            police_service.record_delivery(
                db_session(),
                actor(),
                referral_id=referral.id,
                given=police_service.DeliveryInput(
                    outcome=form.outcome.data or None,
                    delivered_on=form.delivered_on.data,
                    appropriate_adult_present=yes_no(form.appropriate_adult_present.data),
                    appropriate_adult_name=form.appropriate_adult_name.data,
                    legal_advice_offered=yes_no(form.legal_advice_offered.data),
                    legal_advice_taken=yes_no(form.legal_advice_taken.data),
                    admission_confirmed=yes_no(form.admission_confirmed.data),
                    consent_signed=yes_no(form.consent_signed.data),
                    notes=form.notes.data,
                ),
                expected_version=int_or_none(form.version.data) or 0,
            )
        except InvalidInput as exc:
            if form.delivered_on.errors:
                exc.errors.pop("delivered_on", None)
            extra += attach_errors(form, exc.errors)
        except (ActionNotAllowed, CaseChanged) as exc:
            extra.append(exc.message)
        else:
            flash("Recorded.")
            return redirect(url_for("outcomes.police_case", referral_id=referral.id))
    else:
        extra.append("The form had expired: try again.")
    errors = error_summary(form, extra)
    return render_template("outcomes/delivery.html", referral=referral, form=form, errors=errors), (
        400 if errors and request.method == "POST" else 200
    )


# --- Intervention notes --------------------------------------------------------------------------


@bp.route("/cases/<id:referral_id>/notes", methods=["GET", "POST"])
@allow(Role.PRACTITIONER, Role.MANAGER)
def notes(referral_id: int) -> Page | Response:
    referral = _case(referral_id)
    if request.method == "GET":
        audit.viewed(referral, "intervention notes")
    form = NoteForm()
    extra: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            notes_service.add_note(
                db_session(), actor(), referral_id=referral.id, text=form.text.data or ""
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except ActionNotAllowed as exc:
            extra.append(exc.message)
        else:
            flash("Note added.")
            return redirect(url_for("outcomes.notes", referral_id=referral.id))
    errors = error_summary(form, extra)
    return render_template(
        "outcomes/notes.html",
        referral=referral,
        form=form,
        writable=referral.status in notes_service.NOTE_STATUSES,
        errors=errors,
    ), (400 if errors and request.method == "POST" else 200)


@bp.route("/cases/<id:referral_id>/intervention-end/<trigger>", methods=["GET", "POST"])
@allow(Role.PRACTITIONER, Role.MANAGER)
def end_intervention(referral_id: int, trigger: str) -> Page | Response:
    """Ending the intervention (completed, conditions not completed, or the child chose to
    stop) with the facts the YJB's KPIs ask for, all on one page and saved with the action."""
    referral = _case(referral_id)
    chosen = workflow.ACTIONS_BY_TRIGGER.get(trigger)
    if chosen is None or trigger not in intervention_end.ENDING_TRIGGERS:
        abort(404)
    user = actor()
    form = EndOfInterventionForm()
    form.shape_for(chosen)
    extra: list[str] = []
    if request.method == "GET":
        audit.viewed(referral, "end of intervention", trigger=trigger)
        form.version.data = str(referral.version)
    elif form.validate_on_submit():
        try:
            notes_service.end_intervention(
                db_session(),
                user,
                referral_id=referral.id,
                trigger=trigger,
                answers=form.answers(),
                reason=form.reason.data,
                expected_version=form.expected_version or 0,
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except (ActionNotAllowed, CaseChanged) as exc:
            extra.append(exc.message)
            form.version.data = str(referral.version)
        else:
            flash(f"Done: {chosen.label[0].lower()}{chosen.label[1:]}. The KPI facts are saved.")
            return redirect(url_for("cases.show", referral_id=referral.id))
    under_way = referral.status is ReferralStatus.INTERVENTION
    refused = workflow.refusal(chosen, workflow.Context(referral, user))
    if request.method == "GET" and (refused or not under_way):
        extra.append(refused or "There is no intervention under way on this case.")
    child = referral.child
    errors = error_summary(form, extra)
    return render_template(
        "outcomes/end_intervention.html",
        referral=referral,
        action=chosen,
        form=form,
        errors=errors,
        sections=kpis.SECTIONS,
        kpis=kpis.KPIS,
        from_record=intervention_end.from_the_child_record(child.send, child.care_experience),
        can_act=refused is None and under_way,
    ), (400 if errors and request.method == "POST" else 200)


# --- Settings ------------------------------------------------------------------------------------


@bp.route("/admin/services")
@allow(Role.ADMIN)
def services() -> str:
    return render_template("outcomes/services.html", services=actor().services)


@bp.route("/admin/services/<id:service_id>/settings", methods=["GET", "POST"])
@allow(Role.ADMIN)
def service_settings(service_id: int) -> Page | Response:
    user = actor()
    service = db_session().get(Service, service_id)
    if service is None or service.id not in user.service_ids:
        abort(404)
    current = settings_for(service)
    form = SettingsForm()
    extra: list[str] = []
    if request.method == "GET":
        form.seen.data = settings_service.version(service)
        form.decision_rule.data = current.decision_rule
        form.majority_tie_break.data = current.majority_tie_break
        form.votes_hidden_until_all_cast.data = (
            "yes" if current.votes_hidden_until_all_cast else "no"
        )
        form.bilingual_letters.data = "yes" if current.bilingual_letters else "no"
        for name in settings_service.NUMBERS:
            form[name].data = str(getattr(current, name))
    elif form.validate_on_submit():
        values = {
            "decision_rule": form.decision_rule.data,
            "majority_tie_break": form.majority_tie_break.data,
            "votes_hidden_until_all_cast": yes_no(form.votes_hidden_until_all_cast.data),
            # Left out of the post (an older page): left as it is.
            **(
                {"bilingual_letters": yes_no(form.bilingual_letters.data)}
                if form.bilingual_letters.data
                else {}
            ),
            **{name: int_or_none(form[name].data) for name in settings_service.NUMBERS},
        }
        try:
            changed = settings_service.update_settings(
                db_session(),
                user,
                service_id=service.id,
                values=values,
                seen=form.seen.data or None,
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except EditedMeanwhile as exc:
            extra.append(exc.message)
            # Saving again from this page is a choice made knowing someone else saved.
            form.seen.data = settings_service.version(service)
        else:
            flash(f"Settings saved ({changed} changed).")
            return redirect(url_for("outcomes.service_settings", service_id=service.id))
    errors = error_summary(form, extra)
    return render_template(
        "outcomes/settings.html",
        service=service,
        form=form,
        errors=errors,
        history=settings_service.history(db_session(), service),
    ), (400 if errors and request.method == "POST" else 200)
