"""One case at a panel meeting: its page, conflicts of interest, the vote, the decision and
the printable pack.

The views are on the meetings' blueprint (`oocd_panel.web.panels.bp`), so their endpoints are
`panels.item`, `panels.vote` and so on; `init_web` imports this module before registering it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from oocd_panel.catalogue.assessment_sections import SECTIONS
from oocd_panel.evaluation.kept_briefing import BriefingCache
from oocd_panel.models import AgendaItem, AgendaStatus, AssessmentStatus, User
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.rules import decision_rules
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.services import panels as service
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session, reports_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none
from oocd_panel.web.panel_forms import (
    CloseVoteForm,
    ConflictForm,
    DecisionForm,
    SimpleForm,
    VoteForm,
)
from oocd_panel.web.panels import PANEL_ROLES, Page, bp


def _item(meeting_id: int, item_id: int) -> AgendaItem:
    try:
        item = service.item_for(db_session(), actor(), item_id)
    except NotFound:
        abort(404)
    if item.meeting_id != meeting_id:
        abort(404)
    return item


def _vote_form(item: AgendaItem, user: User, data: bool) -> VoteForm:
    form = VoteForm(prefix="vote") if data else VoteForm(formdata=None, prefix="vote")
    conflicted = item.conflicted_member_ids()
    members = [
        m
        for m in item.meeting.members
        if m.present and m.id not in conflicted and service.may_record_for(item, user, m)
    ]
    form.member_id.choices = [("", "Select the member")] + [
        (str(m.id), m.name + (" (you)" if m.user_id == user.id else " (on their behalf)"))
        for m in members
    ]
    own = item.meeting.member_for(user)
    if not data and own is not None:
        form.member_id.data = str(own.id)
        existing = item.vote_of(own)
        if existing is not None:
            form.disposal.data = existing.disposal
            form.interventions.data = list(existing.interventions)
            form.rationale.data = existing.rationale
    return form


def _conflict_form(item: AgendaItem, user: User, data: bool) -> ConflictForm:
    form = (
        ConflictForm(prefix="conflict") if data else ConflictForm(formdata=None, prefix="conflict")
    )
    chair = service.is_chair(item.meeting, user)
    form.member_id.choices = [("", "Select the member")] + [
        (str(m.id), m.name) for m in item.meeting.members if chair or m.user_id == user.id
    ]
    own = item.meeting.member_for(user)
    if not data and own is not None and not chair:
        form.member_id.data = str(own.id)
    return form


def _close_form(item: AgendaItem, data: bool) -> CloseVoteForm:
    form = CloseVoteForm(prefix="close") if data else CloseVoteForm(formdata=None, prefix="close")
    police, managers = service.escalation_candidates(db_session(), item)
    form.police_inspector_id.choices = [("", "Select the inspector")] + [
        (str(u.id), u.full_name) for u in police
    ]
    form.yjs_manager_id.choices = [("", "Select the YJS manager")] + [
        (str(u.id), u.full_name) for u in managers
    ]
    return form


def _decision_form(item: AgendaItem, data: bool) -> DecisionForm:
    form = DecisionForm() if data else DecisionForm(formdata=None)
    if not data:
        form.version.data = str(item.referral.version)
        form.disposal.data = item.rule_outcome or ""
        chosen = [v.interventions for v in item.votes if v.disposal == item.rule_outcome]
        form.interventions.data = sorted({code for codes in chosen for code in codes})
    return form


def _item_page(
    item: AgendaItem,
    *,
    vote: VoteForm | None = None,
    conflict: ConflictForm | None = None,
    close: CloseVoteForm | None = None,
    decision: DecisionForm | None = None,
    extra: list[str] | None = None,
    needs_names: str | None = None,
) -> Page:
    user = actor()
    settings = decision_rules.in_force(
        settings_for(item.referral.service), item.rule, item.tie_break
    )
    seats = service.seats(item)
    chair = service.is_chair(item.meeting, user)
    expected = service.expected_outcome(db_session(), item, user) if chair else None
    vote = vote or _vote_form(item, user, False)
    conflict = conflict or _conflict_form(item, user, False)
    close = close or _close_form(item, False)
    decision = decision or _decision_form(item, False)
    errors = []
    for form in (vote, conflict, close, decision):
        errors += error_summary(form)
    errors = [{"text": m} for m in extra or []] + errors
    own = item.meeting.member_for(user)
    return render_template(
        "panels/item.html",
        item=item,
        meeting=item.meeting,
        referral=item.referral,
        settings=settings,
        rules=decision_rules,
        seats=seats,
        quorum=decision_rules.quorum_problems(seats, settings),
        missing=decision_rules.missing_votes(seats, service.ballots(item)),
        visible=service.votes_visible(item, user, settings),
        chair=chair,
        # Ask for who resolves an escalation up front, when closing now would escalate.
        ask_names=bool(needs_names or (expected is not None and expected.escalate)),
        expected=expected,
        own=own,
        own_vote=item.vote_of(own) if own else None,
        can_confirm=item.status is AgendaStatus.VOTE_CLOSED and service.may_confirm(item, user)[0],
        vote_form=vote,
        conflict_form=conflict,
        close_form=close,
        decision_form=decision,
        open_form=SimpleForm(formdata=None, version=str(item.referral.version)),
        needs_names=needs_names,
        errors=errors,
    ), (400 if errors else 200)


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>")
@allow(*PANEL_ROLES)
def item(meeting_id: int, item_id: int) -> Page:
    item_ = _item(meeting_id, item_id)
    audit.viewed(item_.referral, "panel case", meeting=meeting_id)
    return _item_page(item_)


def _act(
    meeting_id: int, item_id: int, work: Callable[[AgendaItem], str | None], **forms: object
) -> Page | Response:
    """Run one step on the case; on a refusal, show the page again with what was typed."""
    item_ = _item(meeting_id, item_id)
    try:
        message = work(item_)
    except InvalidInput as exc:
        for form in forms.values():
            attach_errors(form, exc.errors)
        db_session().expire_all()
        return _item_page(_item(meeting_id, item_id), **forms)  # type: ignore[arg-type]
    except service.EscalationNeedsNames as exc:
        for form in forms.values():
            attach_errors(form, exc.errors)
        db_session().expire_all()
        return _item_page(_item(meeting_id, item_id), needs_names=exc.message, **forms)  # type: ignore[arg-type]
    except (ActionNotAllowed, CaseChanged, NotFound) as exc:
        db_session().expire_all()
        return _item_page(_item(meeting_id, item_id), extra=[exc.message], **forms)  # type: ignore[arg-type]
    if message:
        flash(message)
    return redirect(url_for("panels.item", meeting_id=meeting_id, item_id=item_id))


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>/open", methods=["POST"])
@allow(*PANEL_ROLES)
def open_vote(meeting_id: int, item_id: int) -> Page | Response:
    form = SimpleForm()

    def work(item_: AgendaItem) -> str:
        if not form.validate_on_submit():
            raise ActionNotAllowed("The form had expired: try again.")
        service.open_vote(
            db_session(),
            actor(),
            item_id=item_.id,
            expected_version=int_or_none(form.version.data) or 0,
        )
        return "The vote is open."

    return _act(meeting_id, item_id, work)


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>/conflict", methods=["POST"])
@allow(*PANEL_ROLES)
def conflict(meeting_id: int, item_id: int) -> Page | Response:
    item_ = _item(meeting_id, item_id)
    form = _conflict_form(item_, actor(), True)

    def work(item_: AgendaItem) -> str:
        if not form.validate_on_submit():
            raise ActionNotAllowed("The form had expired: try again.")
        member_id = int_or_none(form.member_id.data)
        if member_id is None:
            raise InvalidInput({"member_id": "Select who has the conflict of interest"})
        service.declare_conflict(
            db_session(),
            actor(),
            item_id=item_.id,
            member_id=member_id,
            reason=form.reason.data or "",
        )
        return "Conflict of interest recorded: that member cannot vote on this case."

    return _act(meeting_id, item_id, work, conflict=form)


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>/vote", methods=["POST"])
@allow(*PANEL_ROLES)
def vote(meeting_id: int, item_id: int) -> Page | Response:
    item_ = _item(meeting_id, item_id)
    form = _vote_form(item_, actor(), True)

    def work(item_: AgendaItem) -> str:
        if not form.validate_on_submit():
            raise ActionNotAllowed("The form had expired: try again.")
        member_id = int_or_none(form.member_id.data)
        if member_id is None:
            raise InvalidInput({"member_id": "Select whose vote this is"})
        service.cast_vote(
            db_session(),
            actor(),
            item_id=item_.id,
            member_id=member_id,
            vote=service.VoteInput(
                form.disposal.data or None,
                tuple(form.interventions.data or ()),
                form.rationale.data,
            ),
        )
        return "Vote recorded. It can be changed until the chair closes the vote."

    return _act(meeting_id, item_id, work, vote=form)


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>/close", methods=["POST"])
@allow(*PANEL_ROLES)
def close_vote(meeting_id: int, item_id: int) -> Page | Response:
    item_ = _item(meeting_id, item_id)
    form = _close_form(item_, True)

    def work(item_: AgendaItem) -> str:
        if not form.validate_on_submit():
            raise ActionNotAllowed("The form had expired: try again.")
        outcome = service.close_vote(
            db_session(),
            actor(),
            item_id=item_.id,
            police_inspector_id=int_or_none(form.police_inspector_id.data),
            yjs_manager_id=int_or_none(form.yjs_manager_id.data),
        )
        return "Vote closed. " + outcome.note

    return _act(meeting_id, item_id, work, close=form)


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>/decision", methods=["POST"])
@allow(*PANEL_ROLES)
def confirm(meeting_id: int, item_id: int) -> Page | Response:
    form = DecisionForm()

    def work(item_: AgendaItem) -> str:
        form.validate()
        if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
            raise ActionNotAllowed("The form had expired: try again.")
        if any(e.form.due_on.errors for e in form.conditions.entries):
            raise InvalidInput({})
        service.confirm_decision(
            db_session(),
            actor(),
            item_id=item_.id,
            given=service.DecisionInput(
                form.disposal.data or None,
                tuple(form.interventions.data or ()),
                form.condition_pairs(),
                form.confirmation_rationale.data,
                form.departure_rationale.data,
            ),
            expected_version=int_or_none(form.version.data) or 0,
        )
        return "Decision confirmed."

    return _act(meeting_id, item_id, work, decision=form)


def _briefings() -> BriefingCache:
    """This worker's kept briefings (see evaluation/kept_briefing.py)."""
    cache: BriefingCache = current_app.extensions.setdefault("oocd_briefings", BriefingCache())
    return cache


@bp.route("/panels/<id:meeting_id>/cases/<id:item_id>/pack")
@allow(*PANEL_ROLES)
def pack(meeting_id: int, item_id: int) -> str:
    """Everything the panel needs on one printable page."""
    item_ = _item(meeting_id, item_id)
    referral = item_.referral
    audit.viewed(referral, "panel pack", meeting=meeting_id)
    assessment = referral.assessment
    signed = None
    if assessment is not None and assessment.status is AssessmentStatus.SIGNED_OFF:
        signed = assessment.latest_version
    previous = [r for r in referral.child.referrals if r.id != referral.id]
    settings = settings_for(referral.service)
    kept = _briefings().get(
        reports_session(), referral.service_id, local_today(), settings.suppression_threshold
    )
    return render_template(
        "panels/pack.html",
        item=item_,
        referral=referral,
        version=signed,
        sections=SECTIONS,
        previous=previous,
        briefing=kept.briefing,
        briefing_counted_at=kept.worked_out_at,
        threshold=settings.suppression_threshold,
    )
