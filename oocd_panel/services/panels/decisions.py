"""The decision: the police decision-maker confirms the outcome after the vote, and the named
police inspector resolves an escalation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import Agency, AgendaItem, AgendaStatus, PanelMember, Referral, User
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules.outcome_records import (
    Condition,
    DecisionDetails,
    ResolutionDetails,
    departs_from_gravity_default,
)
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


def resolve_escalation(
    session: Session,
    actor: User,
    *,
    referral_id: int,
    given: DecisionInput,
    yjs_manager_agreed: bool | None,
    yjs_manager_view: str | None = None,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Referral:
    """The named police inspector records the outcome, and whether the named YJS manager agreed
    (national guidance leaves the final decision with the police; a disagreement is kept)."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in actor.service_ids:
        raise NotFound("There is no such case in your services.")
    escalation = referral.open_escalation
    if escalation is None:
        raise ActionNotAllowed("There is no open escalation on this case.")
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
    view = clean_text(yjs_manager_view)
    if yjs_manager_agreed is None:
        errors["yjs_manager_agreed"] = (
            f"Select whether {escalation.yjs_manager.full_name}, the YJS manager, agreed"
        )
    elif not yjs_manager_agreed and not view:
        errors["yjs_manager_view"] = "Give the YJS manager's view: what they wanted, and why"
    elif len(view) > MAX_TEXT:
        errors["yjs_manager_view"] = f"The view must be {MAX_TEXT:,} characters or fewer"
    if errors:
        raise InvalidInput(errors)
    assert given.disposal is not None
    details = ResolutionDetails(
        disposal=given.disposal,
        rationale=rationale,
        interventions=tuple(given.interventions),
        conditions=conditions,
        departure_rationale=clean_text(given.departure_rationale) or None,
        yjs_manager_agreed=bool(yjs_manager_agreed),
        yjs_manager_view=None if yjs_manager_agreed else view,
    )
    return take_action(
        session,
        referral_id=referral.id,
        trigger="resolve_escalation",
        actor=actor,
        expected_version=expected_version,
        reason=rationale,
        inputs={Input.RESOLUTION: details},
        now=now,
    )


def current_item_for(referral: Referral) -> AgendaItem | None:
    return current_item(referral)
