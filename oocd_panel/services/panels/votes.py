"""The vote on a case: opening it, casting (or changing) a vote, and closing it by the service's
rule, escalating the case when the rule says so.

Votes lock the agenda item's row, so votes cast at the same moment are all counted, and none can
land after the chair has closed the vote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import Agency, AgendaItem, AgendaStatus, Role, Service, User, Vote
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules import decision_rules
from oocd_panel.rules.outcome_records import EscalationDetails
from oocd_panel.rules.service_settings import ServiceSettings, settings_for
from oocd_panel.rules.working_days import add_working_days
from oocd_panel.services import audit_trail
from oocd_panel.services.actions import take_action
from oocd_panel.services.panels._common import (
    MAX_TEXT,
    _audit,
    _require_chair,
    _require_open,
    is_chair,
)
from oocd_panel.services.panels.attendance import chair_conflicted, may_record_for, seats
from oocd_panel.services.panels.meetings import item_for
from oocd_panel.workflow import Input


class EscalationNeedsNames(DomainError):
    """The vote would escalate: the chair must name a police inspector and a YJS manager."""

    def __init__(
        self, outcome: decision_rules.Outcome, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(outcome.note)
        self.outcome = outcome
        # Names given that cannot be used, by field.
        self.errors = errors or {}


def ballots(item: AgendaItem) -> list[decision_rules.Ballot]:
    return [decision_rules.Ballot(v.member_id, v.disposal) for v in item.votes]


def _settings(session: Session, item: AgendaItem) -> ServiceSettings:
    """The service's settings, with the decision rule this item's vote opened under."""
    service = session.get(Service, item.meeting.service_id)
    assert service is not None
    return decision_rules.in_force(settings_for(service), item.rule, item.tie_break)


def open_vote(
    session: Session,
    actor: User,
    *,
    item_id: int,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> None:
    item = item_for(session, actor, item_id)
    _require_chair(item.meeting, actor)
    _require_open(item.meeting)
    if item.status is not AgendaStatus.WAITING:
        raise ActionNotAllowed(f"The vote cannot be opened: this case is '{item.status.label}'.")
    take_action(
        session,
        referral_id=item.referral_id,
        trigger="take_to_panel",
        actor=actor,
        expected_version=expected_version,
        now=now,
    )


@dataclass(frozen=True)
class VoteInput:
    disposal: str | None
    interventions: tuple[str, ...]
    rationale: str | None


def _check_vote(vote: VoteInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if vote.disposal not in disposals.codes():
        errors["disposal"] = "Select the outcome you vote for"
    if any(code not in {c for c, _ in interventions.choices()} for code in vote.interventions):
        errors["interventions"] = "Select interventions from the list"
    rationale = clean_text(vote.rationale)
    if not rationale:
        errors["rationale"] = "Give the rationale for your vote"
    elif len(rationale) > MAX_TEXT:
        errors["rationale"] = f"The rationale must be {MAX_TEXT:,} characters or fewer"
    return errors


def cast_vote(
    session: Session,
    actor: User,
    *,
    item_id: int,
    member_id: int,
    vote: VoteInput,
    now: dt.datetime | None = None,
) -> Vote:
    """Record (or change) a member's vote. The chair may record it on a member's behalf."""
    with unit_of_work(session, conflicts=(IntegrityError,)):
        item = item_for(session, actor, item_id, lock=True)
        meeting = item.meeting
        member = next((m for m in meeting.members if m.id == member_id), None)
        if member is None:
            raise NotFound("That person is not on this panel.")
        on_behalf = member.user_id != actor.id
        if on_behalf and not may_record_for(item, actor, member):
            if not is_chair(meeting, actor):
                raise ActionNotAllowed("You can only vote for yourself.")
            if chair_conflicted(item):
                raise ActionNotAllowed(
                    "You declared a conflict of interest in this case, so you cannot record "
                    "anyone's vote on it."
                )
            raise ActionNotAllowed(
                f"{member.name} has an account: they record their own vote, unless you mark "
                "them in the attendance as here without a device."
            )
        if item.status is not AgendaStatus.VOTING:
            raise ActionNotAllowed(
                "The vote on this case is not open"
                + (": it has closed." if item.closed_at else ".")
            )
        if not member.present:
            raise ActionNotAllowed(f"{member.name} is not recorded as present, so cannot vote.")
        if member.id in item.conflicted_member_ids():
            raise ActionNotAllowed(
                f"{member.name} declared a conflict of interest in this case, so cannot vote."
            )
        errors = _check_vote(vote)
        if errors:
            raise InvalidInput(errors)
        assert vote.disposal is not None
        row = item.vote_of(member)
        now = now or utcnow()
        if row is None:
            row = Vote(member_id=member.id, cast_at=now)
            item.votes.append(row)
        row.disposal = vote.disposal
        row.interventions = list(vote.interventions)
        row.rationale = clean_text(vote.rationale)
        row.recorded_by_id = actor.id
        row.on_behalf = on_behalf
        row.updated_at = now
        session.flush()
        audit_trail.record(
            session,
            actor=actor,
            action="change",
            record_type="vote",
            record_id=row.id,
            child_id=item.referral.child_id,
            details={"item": item.id, "member": member.id, "on_behalf": on_behalf},
        )
    return row


def close_vote(
    session: Session,
    actor: User,
    *,
    item_id: int,
    police_inspector_id: int | None = None,
    yjs_manager_id: int | None = None,
    now: dt.datetime | None = None,
) -> decision_rules.Outcome:
    """Close the vote and apply the service's rule. Escalation needs the two named people."""
    with unit_of_work(session):
        item = item_for(session, actor, item_id, lock=True)
        _require_chair(item.meeting, actor)
        if item.status is not AgendaStatus.VOTING:
            raise ActionNotAllowed(f"The vote is not open: this case is '{item.status.label}'.")
        settings = _settings(session, item)
        table = seats(item)
        problems = decision_rules.quorum_problems(table, settings)
        if problems:
            raise ActionNotAllowed("The panel is not quorate: " + "; ".join(problems) + ".")
        missing = decision_rules.missing_votes(table, ballots(item))
        if missing:
            names = ", ".join(s.name for s in missing)
            raise ActionNotAllowed(
                f"Not everyone present has voted: {names}. Record their votes (on their behalf if "
                "they have no device), record a conflict, or mark them absent."
            )
        chair_member = item.meeting.member_for(actor)
        outcome = decision_rules.apply_rule(
            table, ballots(item), settings, chair_member.id if chair_member else None
        )
        item.rule = settings.decision_rule
        item.rule_outcome = outcome.disposal
        item.rule_note = outcome.note
        item.police_position = outcome.police_position
        item.yjs_position = outcome.yjs_position
        item.closed_at = now or utcnow()
        if not outcome.escalate:
            item.status = AgendaStatus.VOTE_CLOSED
            _audit(
                session,
                actor,
                "change",
                "agenda_item",
                item.id,
                child_id=item.referral.child_id,
                details={"status": "vote closed", "outcome": outcome.disposal},
            )
            return outcome
        inspector, manager = _escalation_people(session, item, police_inspector_id, yjs_manager_id)
        if inspector is None or manager is None:
            errors = {}
            if inspector is None:
                errors["police_inspector_id"] = (
                    "Select the police inspector who will resolve the escalation"
                    if police_inspector_id is None
                    else "Choose a police inspector from the list: not one of this panel's "
                    "decision-makers"
                )
            if manager is None:
                errors["yjs_manager_id"] = (
                    "Select the YJS manager who will resolve the escalation"
                    if yjs_manager_id is None
                    else "Choose a YJS manager from the list: not one of this panel's "
                    "decision-makers"
                )
            raise EscalationNeedsNames(outcome, errors)
        details = EscalationDetails(
            item_id=item.id,
            police_inspector_id=inspector.id,
            yjs_manager_id=manager.id,
            due_on=add_working_days(local_date(now or utcnow()), settings.escalation_due_days),
            police_position=outcome.police_position,
            yjs_position=outcome.yjs_position,
        )
        # The case escalates in this same unit of work: the closed vote and the escalation are
        # committed together, or neither is.
        take_action(
            session,
            referral_id=item.referral_id,
            trigger="escalate",
            actor=actor,
            expected_version=None,
            reason=outcome.note,
            inputs={Input.ESCALATION: details},
            now=now,
        )
    return outcome


def expected_outcome(
    session: Session, item: AgendaItem, actor: User
) -> decision_rules.Outcome | None:
    """What closing the vote now would give, once the panel is quorate and everyone present has
    voted (None before): the chair's page asks for an inspector and a manager up front when it
    would escalate."""
    if item.status is not AgendaStatus.VOTING:
        return None
    settings = _settings(session, item)
    table = seats(item)
    if decision_rules.quorum_problems(table, settings):
        return None
    if decision_rules.missing_votes(table, ballots(item)):
        return None
    chair_member = item.meeting.member_for(actor)
    return decision_rules.apply_rule(
        table, ballots(item), settings, chair_member.id if chair_member else None
    )


def escalation_candidates(session: Session, item: AgendaItem) -> tuple[list[User], list[User]]:
    """(police inspectors, YJS managers) who could resolve an escalation of this case: the
    service's police officers an administrator has marked as inspectors who resolve escalations,
    and its YJS managers; never the decision-makers who disagreed."""
    deciders = {
        m.user_id for m in item.meeting.members if m.is_decision_maker and m.user_id is not None
    }
    users = [
        u
        for u in session.scalars(select(User).where(User.is_active))
        if item.meeting.service_id in u.service_ids and u.id not in deciders
    ]
    police = [u for u in users if u.agency is Agency.POLICE and u.has_role(Role.POLICE_INSPECTOR)]
    managers = [u for u in users if u.has_role(Role.MANAGER) and u.agency is not Agency.POLICE]
    return sorted(police, key=lambda u: u.full_name), sorted(managers, key=lambda u: u.full_name)


def _escalation_people(
    session: Session, item: AgendaItem, inspector_id: int | None, manager_id: int | None
) -> tuple[User | None, User | None]:
    police, managers = escalation_candidates(session, item)
    inspector = next((u for u in police if u.id == inspector_id), None)
    manager = next((u for u in managers if u.id == manager_id), None)
    return inspector, manager


# --- Who sees what -------------------------------------------------------------------------------


def votes_visible(item: AgendaItem, user: User, settings: ServiceSettings) -> bool:
    """With hidden voting, a member sees others' votes only once everyone eligible has voted
    (and they themselves have); everyone sees them once the vote has closed."""
    if item.status is not AgendaStatus.VOTING or not settings.votes_hidden_until_all_cast:
        return True
    if decision_rules.missing_votes(seats(item), ballots(item)):
        return False
    member = item.meeting.member_for(user)
    return member is None or item.vote_of(member) is not None or is_chair(item.meeting, user)
