"""Panel meetings: finding a meeting or a case on its agenda, planning a meeting, the recent
meetings, the agenda (adding cases, taking one off) and closing the meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

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
    Service,
    User,
)
from oocd_panel.plumbing.clock import local_date, local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services.panels._common import PLANNER_ROLES, _audit, _require_chair, _require_open


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
    with unit_of_work(session):
        if not actor.has_role(*PLANNER_ROLES):
            raise ActionNotAllowed("Only panel members and YJS managers can plan panel meetings.")
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


# --- The agenda ----------------------------------------------------------------------------------


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
    with unit_of_work(session):
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
    return len(chosen)


def take_off_agenda(session: Session, actor: User, *, item_id: int) -> None:
    with unit_of_work(session):
        item = item_for(session, actor, item_id)
        _require_chair(item.meeting, actor)
        if item.status is not AgendaStatus.WAITING:
            raise ActionNotAllowed(
                "Only a case whose vote has not opened can be taken off the agenda."
            )
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


# --- Closing -------------------------------------------------------------------------------------


def close_meeting(session: Session, actor: User, *, meeting_id: int) -> None:
    with unit_of_work(session):
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
