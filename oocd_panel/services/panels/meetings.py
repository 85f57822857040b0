"""Panel meetings: planning, attendance, the agenda, conflicts, votes, the decision, escalation.

Every change to a case's state goes through `take_action`; the rest (attendance, votes) is
saved here in one transaction each. Votes lock the agenda item's row, so votes cast at the same
moment are all counted, and none can land after the chair has closed the vote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import (
    Agency,
    AgendaItem,
    AgendaStatus,
    Conflict,
    Decision,
    Escalation,
    MeetingStatus,
    PanelMeeting,
    PanelMember,
    Referral,
    ReferralStatus,
    Role,
    Service,
    User,
    Vote,
)
from oocd_panel.plumbing.clock import local_date, local_today, utcnow
from oocd_panel.plumbing.errors import (
    ActionNotAllowed,
    CaseChanged,
    DomainError,
    InvalidInput,
    NotFound,
)
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules import decision_rules
from oocd_panel.rules.outcome_records import (
    Condition,
    DecisionDetails,
    EscalationDetails,
    ResolutionDetails,
    departs_from_gravity_default,
)
from oocd_panel.rules.service_settings import ServiceSettings, settings_for
from oocd_panel.rules.working_days import add_working_days
from oocd_panel.services import audit_trail
from oocd_panel.services.actions import take_action
from oocd_panel.workflow import Input, current_item

PLANNER_ROLES = frozenset({Role.MANAGER, Role.PANEL_MEMBER})
MAX_TEXT = 5000


class EscalationNeedsNames(DomainError):
    """The vote would escalate: the chair must name a police inspector and a YJS manager."""

    def __init__(
        self, outcome: decision_rules.Outcome, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(outcome.note)
        self.outcome = outcome
        # Names given that cannot be used, by field.
        self.errors = errors or {}


@dataclass(frozen=True)
class MemberSpec:
    agency: Agency
    is_decision_maker: bool
    user_id: int | None = None
    name: str = ""


def _service_of(session: Session, user: User, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.id not in user.service_ids:
        raise NotFound("There is no such service among yours.")
    return service


def meeting_for(session: Session, user: User, meeting_id: int) -> PanelMeeting:
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting is None or meeting.service_id not in user.service_ids:
        raise NotFound("There is no such panel meeting in your services.")
    if not user.has_role(*PLANNER_ROLES):
        raise ActionNotAllowed("Only panel members and YJS managers can see panel meetings.")
    return meeting


def item_for(session: Session, user: User, item_id: int, *, lock: bool = False) -> AgendaItem:
    query = select(AgendaItem).where(AgendaItem.id == item_id)
    if lock:
        # Read the row afresh under the lock: an object already in the session would otherwise
        # keep the status it had before another session's change (a vote landing after close).
        query = query.with_for_update().execution_options(populate_existing=True)
    item = session.scalars(query).one_or_none()
    if item is None:
        raise NotFound("There is no such case on a panel agenda.")
    meeting_for(session, user, item.meeting_id)
    return item


def is_chair(meeting: PanelMeeting, user: User) -> bool:
    return meeting.chair_id == user.id


def _require_chair(meeting: PanelMeeting, user: User) -> None:
    if not is_chair(meeting, user):
        raise ActionNotAllowed(f"Only the chair, {meeting.chair.full_name}, can do this.")


def _require_open(meeting: PanelMeeting) -> None:
    if meeting.status is MeetingStatus.CLOSED:
        raise ActionNotAllowed("This meeting is closed: nothing more can be recorded at it.")


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise CaseChanged() from None
    except Exception:
        session.rollback()
        raise


def _audit(
    session: Session,
    actor: User,
    action: str,
    record_type: str,
    record_id: int,
    *,
    child_id: int | None = None,
    details: dict[str, object] | None = None,
) -> None:
    audit_trail.record(
        session,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        child_id=child_id,
        details=details,
    )


# --- Planning ------------------------------------------------------------------------------------


def plan_meeting(
    session: Session,
    actor: User,
    *,
    service_id: int,
    starts_at: dt.datetime | None,
    place: str,
    chair_id: int | None,
    members: Iterable[MemberSpec],
    today: dt.date | None = None,
) -> PanelMeeting:
    """Plan a meeting with its members. At least one police and one YJS decision-maker.

    `today` is the date planning happens (default: today); the demo data uses it for history."""
    if not actor.has_role(*PLANNER_ROLES):
        raise ActionNotAllowed("Only panel members and YJS managers can plan panel meetings.")
    try:
        service = _service_of(session, actor, service_id)
        errors: dict[str, str] = {}
        if starts_at is None:
            errors["starts_on"] = "Enter the date and time of the meeting"
        elif local_date(starts_at) < (today or local_today()):
            errors["starts_on"] = "The meeting must be today or in the future"
        place = clean_text(place)
        if not place:
            errors["place"] = "Enter where the meeting is, or the link to join it"
        elif len(place) > 300:
            errors["place"] = "The place must be 300 characters or fewer"
        rows: list[PanelMember] = []
        for spec in members:
            if spec.user_id is not None:
                user = session.get(User, spec.user_id)
                if user is None or service.id not in user.service_ids:
                    errors["members"] = "Choose members from your service"
                    continue
                rows.append(
                    PanelMember(
                        user_id=user.id,
                        name=user.full_name,
                        agency=spec.agency,
                        is_decision_maker=spec.is_decision_maker,
                    )
                )
            elif clean_text(spec.name):
                rows.append(
                    PanelMember(
                        name=clean_text(spec.name)[:200],
                        agency=spec.agency,
                        is_decision_maker=spec.is_decision_maker,
                    )
                )
        if not any(m.is_decision_maker and m.agency is Agency.POLICE for m in rows):
            errors.setdefault("police_decision_maker", "Choose the police decision-maker")
        if not any(m.is_decision_maker and m.agency is Agency.YJS for m in rows):
            errors.setdefault("yjs_decision_maker", "Choose the YJS decision-maker")
        if chair_id is None or chair_id not in {m.user_id for m in rows}:
            errors["chair_id"] = "Choose a chair from the panel's members"
        if errors:
            raise InvalidInput(errors)
        assert starts_at is not None
        assert chair_id is not None
        meeting = PanelMeeting(
            service_id=service.id,
            starts_at=starts_at,
            place=place,
            chair_id=chair_id,
            created_by_id=actor.id,
            members=rows,
        )
        session.add(meeting)
        session.flush()
        _audit(
            session, actor, "create", "panel_meeting", meeting.id, details={"members": len(rows)}
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return meeting


def record_attendance(
    session: Session,
    actor: User,
    *,
    meeting_id: int,
    present: Mapping[int, bool],
    without_device: Mapping[int, bool] | None = None,
    extra_member: MemberSpec | None = None,
) -> PanelMeeting:
    """The chair records who is present, who is here without a device (the chair then records
    their votes for them), and may add a member without an account on the day.

    A member marked absent while a vote is open loses that vote: only members present when the
    vote closes are counted."""
    meeting = meeting_for(session, actor, meeting_id)
    _require_chair(meeting, actor)
    _require_open(meeting)
    voting = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.status == AgendaStatus.VOTING)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    for member in meeting.members:
        if member.id in present:
            member.present = present[member.id]
        if without_device is not None and member.user_id is not None:
            member.without_device = bool(without_device.get(member.id)) and bool(member.present)
        if member.present is False:
            for item in voting:
                vote = item.vote_of(member)
                if vote is not None:
                    item.votes.remove(vote)
    if extra_member is not None and clean_text(extra_member.name):
        meeting.members.append(
            PanelMember(
                name=clean_text(extra_member.name)[:200],
                agency=extra_member.agency,
                is_decision_maker=extra_member.is_decision_maker,
                present=True,
            )
        )
    session.flush()
    _audit(
        session,
        actor,
        "change",
        "panel_meeting",
        meeting.id,
        details={
            "attendance": {
                str(m.id): {"present": m.present, "without_device": m.without_device}
                for m in meeting.members
            }
        },
    )
    _commit(session)
    return meeting


@dataclass(frozen=True)
class MeetingSummary:
    meeting: PanelMeeting
    cases: int


def recent_meetings(session: Session, user: User, limit: int = 100) -> list[MeetingSummary]:
    """The latest meetings of the user's services, with how many cases each heard."""
    cases = (
        select(func.count())
        .select_from(AgendaItem)
        .where(AgendaItem.meeting_id == PanelMeeting.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(PanelMeeting, cases)
        .where(PanelMeeting.service_id.in_(user.service_ids))
        .options(joinedload(PanelMeeting.chair), lazyload(PanelMeeting.members))
        .order_by(PanelMeeting.starts_at.desc(), PanelMeeting.id.desc())
        .limit(limit)
    )
    return [MeetingSummary(meeting, count) for meeting, count in rows]


def load_agenda(session: Session, meeting: PanelMeeting, *, minutes: bool = False) -> None:
    """Load the meeting's agenda with each case and child (and, for the minutes, decisions and
    escalations) in a fixed number of queries, however long the agenda."""
    referral = selectinload(PanelMeeting.items).joinedload(AgendaItem.referral)
    options = [referral.joinedload(Referral.child)]
    # People are shown by name: not each one's roles and services too.
    name_only = (lazyload(User.role_rows), lazyload(User.services))
    if minutes:
        options += [
            referral.joinedload(Referral.decision)
            .joinedload(Decision.confirmed_by)
            .options(*name_only),
            referral.selectinload(Referral.escalations).options(
                joinedload(Escalation.police_inspector).options(*name_only),
                joinedload(Escalation.yjs_manager).options(*name_only),
                joinedload(Escalation.resolved_by).options(*name_only),
            ),
            selectinload(PanelMeeting.items)
            .selectinload(AgendaItem.conflicts)
            .joinedload(Conflict.member),
        ]
    session.scalars(
        select(PanelMeeting).where(PanelMeeting.id == meeting.id).options(*options)
    ).all()


def agenda_candidates(session: Session, meeting: PanelMeeting) -> list[Referral]:
    """Cases ready for panel in the meeting's service that are on no live agenda."""
    # Checked case by case through the agenda's referral index (not a scan of every agenda).
    on_an_agenda = (
        select(AgendaItem.id)
        .where(
            AgendaItem.referral_id == Referral.id,
            AgendaItem.status.in_(
                [AgendaStatus.WAITING, AgendaStatus.VOTING, AgendaStatus.VOTE_CLOSED]
            ),
        )
        .exists()
    )
    return list(
        session.scalars(
            select(Referral)
            .where(
                Referral.service_id == meeting.service_id,
                Referral.status == ReferralStatus.READY_FOR_PANEL,
                ~on_an_agenda,
            )
            .options(joinedload(Referral.child))
            .order_by(Referral.received_on, Referral.id)
            .limit(200)
        )
    )


def add_to_agenda(
    session: Session, actor: User, *, meeting_id: int, referral_ids: Iterable[int]
) -> int:
    meeting = meeting_for(session, actor, meeting_id)
    _require_open(meeting)
    allowed = {r.id: r for r in agenda_candidates(session, meeting)}
    chosen = [allowed[i] for i in referral_ids if i in allowed]
    if not chosen:
        raise InvalidInput({"referral_ids": "Select at least one case that is ready for panel"})
    position = max((i.position for i in meeting.items), default=0)
    for offset, referral in enumerate(chosen, start=1):
        item = AgendaItem(referral_id=referral.id, position=position + offset)
        meeting.items.append(item)
        session.flush()
        _audit(
            session,
            actor,
            "create",
            "agenda_item",
            item.id,
            child_id=referral.child_id,
            details={"meeting": meeting.id},
        )
    _commit(session)
    return len(chosen)


def take_off_agenda(session: Session, actor: User, *, item_id: int) -> None:
    item = item_for(session, actor, item_id)
    _require_chair(item.meeting, actor)
    if item.status is not AgendaStatus.WAITING:
        raise ActionNotAllowed("Only a case whose vote has not opened can be taken off the agenda.")
    item.status = AgendaStatus.WITHDRAWN
    _audit(
        session,
        actor,
        "change",
        "agenda_item",
        item.id,
        child_id=item.referral.child_id,
        details={"status": "withdrawn"},
    )
    _commit(session)


def close_meeting(session: Session, actor: User, *, meeting_id: int) -> None:
    meeting = meeting_for(session, actor, meeting_id)
    _require_chair(meeting, actor)
    if any(i.status is AgendaStatus.VOTING for i in meeting.items):
        raise ActionNotAllowed("Close every open vote before closing the meeting.")
    not_heard = [item for item in meeting.items if item.status is AgendaStatus.WAITING]
    for item in not_heard:
        item.status = AgendaStatus.WITHDRAWN  # not heard: it can go on the next agenda
    meeting.status = MeetingStatus.CLOSED
    _audit(
        session,
        actor,
        "change",
        "panel_meeting",
        meeting.id,
        details={"status": "closed", "not_heard": [item.id for item in not_heard]},
    )
    _commit(session)


# --- The vote ------------------------------------------------------------------------------------


def chair_conflicted(item: AgendaItem) -> bool:
    chair = next((m for m in item.meeting.members if m.user_id == item.meeting.chair_id), None)
    return chair is not None and chair.id in item.conflicted_member_ids()


def may_record_for(item: AgendaItem, actor: User, member: PanelMember) -> bool:
    """Whether `actor` may record `member`'s vote: their own, or (for the chair, when free of a
    conflict in the case) that of a member with no account or no device at the meeting."""
    if member.user_id == actor.id:
        return True
    return (
        is_chair(item.meeting, actor)
        and not chair_conflicted(item)
        and (member.user_id is None or member.without_device)
    )


def seats(item: AgendaItem) -> list[decision_rules.Seat]:
    conflicted = item.conflicted_member_ids()
    return [
        decision_rules.Seat(
            m.id, m.name, m.agency, m.is_decision_maker, bool(m.present), m.id in conflicted
        )
        for m in item.meeting.members
    ]


def ballots(item: AgendaItem) -> list[decision_rules.Ballot]:
    return [decision_rules.Ballot(v.member_id, v.disposal) for v in item.votes]


def _settings(session: Session, item: AgendaItem) -> ServiceSettings:
    service = session.get(Service, item.meeting.service_id)
    assert service is not None
    return settings_for(service)


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


def declare_conflict(
    session: Session, actor: User, *, item_id: int, member_id: int, reason: str
) -> None:
    """A member declares a conflict of interest in a case; they then cannot vote on it."""
    item = item_for(session, actor, item_id, lock=True)
    _require_open(item.meeting)
    member = next((m for m in item.meeting.members if m.id == member_id), None)
    if member is None:
        raise NotFound("That person is not on this panel.")
    if member.user_id != actor.id and not is_chair(item.meeting, actor):
        raise ActionNotAllowed(
            "Members declare their own conflicts; the chair can record one for them."
        )
    if item.status not in (AgendaStatus.WAITING, AgendaStatus.VOTING):
        raise ActionNotAllowed("The vote on this case has closed.")
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput({"reason": "Say what the conflict of interest is"})
    if len(reason) > MAX_TEXT:
        raise InvalidInput({"reason": f"The reason must be {MAX_TEXT:,} characters or fewer"})
    if member.id in item.conflicted_member_ids():
        raise ActionNotAllowed(f"{member.name} has already declared a conflict in this case.")
    existing = item.vote_of(member)
    if existing is not None:
        item.votes.remove(existing)  # a conflicted member's vote does not count
    conflict = Conflict(member_id=member.id, reason=reason)
    item.conflicts.append(conflict)
    session.flush()
    _audit(
        session,
        actor,
        "create",
        "conflict",
        conflict.id,
        child_id=item.referral.child_id,
        details={"item": item.id, "member": member.id},
    )
    _commit(session)


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
    try:
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
        session.commit()
    except IntegrityError:
        session.rollback()
        raise CaseChanged() from None
    except Exception:
        session.rollback()
        raise
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
    try:
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
            session.commit()
            return outcome
        inspector, manager = _escalation_people(session, item, police_inspector_id, yjs_manager_id)
        if inspector is None or manager is None:
            errors = {}
            if inspector is None and police_inspector_id is not None:
                errors["police_inspector_id"] = (
                    "Choose a police inspector from the list: not one of this panel's "
                    "decision-makers"
                )
            if manager is None and yjs_manager_id is not None:
                errors["yjs_manager_id"] = (
                    "Choose a YJS manager from the list: not one of this panel's decision-makers"
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
    except Exception:
        session.rollback()
        raise
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


def escalation_candidates(session: Session, item: AgendaItem) -> tuple[list[User], list[User]]:
    """(police inspectors, YJS managers) who could resolve an escalation of this case: police
    officers and YJS managers of the service, never the decision-makers who disagreed."""
    deciders = {
        m.user_id for m in item.meeting.members if m.is_decision_maker and m.user_id is not None
    }
    users = [
        u
        for u in session.scalars(select(User).where(User.is_active))
        if item.meeting.service_id in u.service_ids and u.id not in deciders
    ]
    police = [
        u
        for u in users
        if u.agency is Agency.POLICE and u.has_role(Role.POLICE_OFFICER, Role.PANEL_MEMBER)
    ]
    managers = [u for u in users if u.has_role(Role.MANAGER) and u.agency is not Agency.POLICE]
    return sorted(police, key=lambda u: u.full_name), sorted(managers, key=lambda u: u.full_name)


def _escalation_people(
    session: Session, item: AgendaItem, inspector_id: int | None, manager_id: int | None
) -> tuple[User | None, User | None]:
    police, managers = escalation_candidates(session, item)
    inspector = next((u for u in police if u.id == inspector_id), None)
    manager = next((u for u in managers if u.id == manager_id), None)
    return inspector, manager


# --- The decision --------------------------------------------------------------------------------


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


def current_item_for(referral: Referral) -> AgendaItem | None:
    return current_item(referral)
