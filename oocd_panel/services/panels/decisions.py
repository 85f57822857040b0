"""The decision: the police decision-maker confirms the outcome after the vote; on an escalation
the named police inspector records the resolution and the named YJS manager, signed in as
themselves, says whether they agree, which makes it the decision."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import (
    Agency,
    AgendaItem,
    AgendaStatus,
    Escalation,
    PanelMember,
    Referral,
    User,
)
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.outcome_records import (
    Condition,
    DecisionDetails,
    ResolutionDetails,
    departs_from_gravity_default,
)
from oocd_panel.services import audit_trail
from oocd_panel.services.actions import take_action
from oocd_panel.services.panels._common import MAX_TEXT
from oocd_panel.services.panels.attendance import may_record_for
from oocd_panel.services.panels.meetings import item_for
from oocd_panel.workflow import Input, current_item


@dataclass(frozen=True)
class DecisionInput:
    disposal: str | None
    interventions: tuple[str, ...] = ()
    conditions: tuple[tuple[str, dt.date | None], ...] = ()
    confirmation_rationale: str | None = None
    departure_rationale: str | None = None


def police_decision_maker(item: AgendaItem) -> PanelMember | None:
    """The police decision-maker on the case: the one present and free of a conflict (the
    quorum needed one to close the vote), else the first named."""
    conflicted = item.conflicted_member_ids()
    police = [m for m in item.meeting.members if m.is_decision_maker and m.agency is Agency.POLICE]
    return next((m for m in police if m.present and m.id not in conflicted), None) or next(
        iter(police), None
    )


def may_confirm(item: AgendaItem, actor: User) -> tuple[bool, bool]:
    """(may `actor` confirm the decision, would it be on the police decision-maker's behalf).
    The chair confirms for them only when they have no account or no device at the meeting."""
    police = police_decision_maker(item)
    if police is not None and police.user_id == actor.id:
        return True, False
    return police is not None and may_record_for(item, actor, police), True


def _check_outcome(
    referral: Referral, given: DecisionInput, *, expected: str | None, today: dt.date
) -> tuple[dict[str, str], tuple[Condition, ...]]:
    errors: dict[str, str] = {}
    if given.disposal not in disposals.codes():
        errors["disposal"] = "Select the final decision"
        return errors, ()
    if (
        expected is not None
        and given.disposal != expected
        and not clean_text(given.confirmation_rationale)
    ):
        errors["confirmation_rationale"] = (
            "Give the rationale for deciding differently from the panel's vote"
        )
    if departs_from_gravity_default(referral, given.disposal) and not clean_text(
        given.departure_rationale
    ):
        default = disposals.gravity_default(referral.gravity_score)
        errors["departure_rationale"] = (
            f"Give the rationale for departing from the gravity-matrix default "
            f"({default.name if default else 'none'})"
        )
    codes = {c for c, _ in interventions.choices()}
    if any(code not in codes for code in given.interventions):
        errors["interventions"] = "Select interventions from the list"
    conditions = []
    for i, (text, due_on) in enumerate(given.conditions):
        text = clean_text(text)
        if not text and due_on is None:
            continue
        if not text:
            errors[f"conditions-{i}-text"] = f"Describe condition {i + 1}"
        elif len(text) > 1000:
            errors[f"conditions-{i}-text"] = f"Condition {i + 1} must be 1,000 characters or fewer"
        if due_on is None:
            errors[f"conditions-{i}-due_on"] = f"Enter the date condition {i + 1} must be done by"
        elif due_on <= today:
            errors[f"conditions-{i}-due_on"] = (
                f"The deadline for condition {i + 1} must be in the future"
            )
        if text and due_on is not None:
            conditions.append(Condition(text, due_on))
    disposal = disposals.find(given.disposal)
    assert disposal is not None
    conditional = disposal.work is disposals.Work.CONDITIONAL
    if not conditional and (conditions or any(k.startswith("conditions-") for k in errors)):
        for key in [k for k in errors if k.startswith("conditions-")]:
            del errors[key]
        errors["conditions-0-text"] = (
            f"{disposal.name} has no conditions"
            f"{': taking part is voluntary' if disposal.work_is_voluntary else ''}. "
            "Clear the conditions, or choose an outcome with conditions"
        )
    elif conditional and not conditions and not any(k.startswith("conditions-") for k in errors):
        errors["conditions-0-text"] = (
            f"{disposal.name} needs at least one condition with a deadline"
        )
    for name in ("confirmation_rationale", "departure_rationale"):
        if len(clean_text(getattr(given, name))) > MAX_TEXT:
            errors[name] = f"The rationale must be {MAX_TEXT:,} characters or fewer"
    return errors, tuple(conditions)


def confirm_decision(
    session: Session,
    actor: User,
    *,
    item_id: int,
    given: DecisionInput,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Referral:
    """The police decision-maker confirms the final decision (the chair may record it for them)."""
    item = item_for(session, actor, item_id)
    if item.status is not AgendaStatus.VOTE_CLOSED:
        raise ActionNotAllowed("The vote on this case has not closed with an outcome.")
    allowed, on_behalf = may_confirm(item, actor)
    if not allowed:
        police = police_decision_maker(item)
        raise ActionNotAllowed(
            f"Only the police decision-maker{', ' + police.name + ',' if police else ''} confirms "
            "the decision (the chair may record it for them only if they have no account or no "
            "device at the meeting)."
        )
    referral = item.referral
    errors, conditions = _check_outcome(
        referral, given, expected=item.rule_outcome, today=local_date(now or utcnow())
    )
    if errors:
        raise InvalidInput(errors)
    assert given.disposal is not None
    details = DecisionDetails(
        item_id=item.id,
        disposal=given.disposal,
        interventions=tuple(given.interventions),
        conditions=conditions,
        confirmation_rationale=clean_text(given.confirmation_rationale) or None,
        departure_rationale=clean_text(given.departure_rationale) or None,
        on_behalf=on_behalf,
    )
    reason = details.confirmation_rationale or item.rule_note
    return take_action(
        session,
        referral_id=referral.id,
        trigger="decide",
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        inputs={Input.DECISION: details},
        now=now,
    )


def _open_escalation(session: Session, actor: User, referral_id: int) -> Escalation:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in actor.service_ids:
        raise NotFound("There is no such case in your services.")
    escalation = referral.open_escalation
    if escalation is None:
        raise ActionNotAllowed("There is no open escalation on this case.")
    return escalation


def propose_resolution(
    session: Session,
    actor: User,
    *,
    referral_id: int,
    given: DecisionInput,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Escalation:
    """The named police inspector records the outcome they and the YJS manager reached. It is
    the decision once the named YJS manager, signed in as themselves, says whether they agree
    (answer_resolution); until then the inspector can change it."""
    escalation = _open_escalation(session, actor, referral_id)
    referral = escalation_referral(session, escalation)
    if actor.id != escalation.police_inspector_id:
        raise ActionNotAllowed(
            f"Only the named police inspector, {escalation.police_inspector.full_name}, records "
            "the resolution."
        )
    errors, conditions = _check_outcome(
        referral, given, expected=None, today=local_date(now or utcnow())
    )
    rationale = clean_text(given.confirmation_rationale)
    if not rationale:
        errors["confirmation_rationale"] = "Give the rationale for the resolution"
    elif len(rationale) > MAX_TEXT:
        errors["confirmation_rationale"] = f"The rationale must be {MAX_TEXT:,} characters or fewer"
    if errors:
        raise InvalidInput(errors)
    assert given.disposal is not None
    with unit_of_work(session):
        if expected_version is not None and referral.version != expected_version:
            raise CaseChanged()
        escalation.proposal = {
            "disposal": given.disposal,
            "interventions": list(given.interventions),
            "conditions": [{"text": c.text, "due_on": c.due_on.isoformat()} for c in conditions],
            "rationale": rationale,
            "departure_rationale": clean_text(given.departure_rationale) or None,
        }
        escalation.proposed_at = now or utcnow()
        # A new version of the case: a YJS manager who had the earlier proposal open is told
        # it changed, and never agrees to an outcome they did not see.
        referral.updated_at = escalation.proposed_at
        audit_trail.record(
            session,
            actor=actor,
            action="change",
            record_type="escalation",
            record_id=escalation.id,
            child_id=referral.child_id,
            details={"proposed": given.disposal},
        )
    return escalation


def escalation_referral(session: Session, escalation: Escalation) -> Referral:
    referral = session.get(Referral, escalation.referral_id)
    assert referral is not None
    return referral


def proposed_outcome(escalation: Escalation) -> ResolutionDetails | None:
    """The inspector's proposed resolution, as the decision it becomes (None: none yet)."""
    p = escalation.proposal
    if not p:
        return None
    return ResolutionDetails(
        disposal=p["disposal"],
        rationale=p["rationale"],
        interventions=tuple(p.get("interventions") or ()),
        conditions=tuple(
            Condition(c["text"], dt.date.fromisoformat(c["due_on"]))
            for c in p.get("conditions") or ()
        ),
        departure_rationale=p.get("departure_rationale"),
    )


def answer_resolution(
    session: Session,
    actor: User,
    *,
    referral_id: int,
    agreed: bool | None,
    view: str | None = None,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Referral:
    """The named YJS manager, signed in as themselves, says whether they agree with the
    inspector's proposed resolution: either way it becomes the decision (national guidance
    leaves the final decision with the police), and a disagreement is kept beside it."""
    escalation = _open_escalation(session, actor, referral_id)
    if actor.id != escalation.yjs_manager_id:
        raise ActionNotAllowed(
            f"Only the named YJS manager, {escalation.yjs_manager.full_name}, says whether they "
            "agree with the resolution."
        )
    proposal = proposed_outcome(escalation)
    if proposal is None:
        raise ActionNotAllowed(
            f"{escalation.police_inspector.full_name}, the police inspector, has not recorded "
            "the resolution yet."
        )
    errors: dict[str, str] = {}
    text = clean_text(view)
    if agreed is None:
        errors["yjs_manager_agreed"] = "Select whether you agree with this resolution"
    elif not agreed and not text:
        errors["yjs_manager_view"] = "Give your view: what you wanted, and why"
    elif len(text) > MAX_TEXT:
        errors["yjs_manager_view"] = f"Your view must be {MAX_TEXT:,} characters or fewer"
    if errors:
        raise InvalidInput(errors)
    details = dataclasses.replace(
        proposal, yjs_manager_agreed=bool(agreed), yjs_manager_view=None if agreed else text
    )
    return take_action(
        session,
        referral_id=escalation.referral_id,
        trigger="resolve_escalation",
        actor=actor,
        expected_version=expected_version,
        reason=proposal.rationale,
        inputs={Input.RESOLUTION: details},
        now=now,
    )


def current_item_for(referral: Referral) -> AgendaItem | None:
    return current_item(referral)
