"""Running a case through a panel meeting with the product's own services.

Used by the demo data (weekly meetings in the past) and by the tests, so both exercise the
real path: plan, attendance, agenda, open the vote, every member votes, close, confirm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.models import (
    Agency,
    AgendaItem,
    MeetingStatus,
    PanelMeeting,
    Referral,
    User,
)
from oocd_panel.plumbing.clock import LONDON, local_date
from oocd_panel.rules.decision_rules import Outcome
from oocd_panel.services import panels
from oocd_panel.services.panels import DecisionInput, MemberSpec, VoteInput

VOLUNTEER = Agency.COMMUNITY_VOLUNTEER


@dataclass
class PanelCast:
    chair: User  # also the YJS decision-maker
    police: User  # the police decision-maker
    advisers: list[User] = field(default_factory=list)  # other members with accounts
    volunteers: list[str] = field(default_factory=list)  # members with no account
    inspector: User | None = None
    yjs_manager: User | None = None


def _meeting_time(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), LONDON)


def meeting_on(
    session: Session,
    cast: PanelCast,
    service_id: int,
    day: dt.date,
    starts_at: dt.datetime | None = None,
) -> PanelMeeting:
    """The service's meeting on `day` (at 10:00, or `starts_at`), planned (everyone present) if
    there is none yet."""
    start = starts_at or _meeting_time(day)
    found = session.scalars(
        select(PanelMeeting).where(
            PanelMeeting.service_id == service_id,
            PanelMeeting.starts_at == start,
            PanelMeeting.status == MeetingStatus.PLANNED,
        )
    ).first()
    if found is not None:
        return found
    members = [
        MemberSpec(Agency.YJS, True, cast.chair.id),
        MemberSpec(Agency.POLICE, True, cast.police.id),
        *[MemberSpec(a.agency or Agency.HEALTH, False, a.id) for a in cast.advisers],
        *[MemberSpec(VOLUNTEER, False, None, name) for name in cast.volunteers],
    ]
    meeting = panels.plan_meeting(
        session,
        cast.chair,
        service_id=service_id,
        starts_at=start,
        place="Room 2, Civic Centre",
        chair_id=cast.chair.id,
        members=members,
        today=day,
    )
    panels.record_attendance(
        session, cast.chair, meeting_id=meeting.id, present={m.id: True for m in meeting.members}
    )
    return meeting


def to_panel(
    session: Session,
    cast: PanelCast,
    referral: Referral,
    when: dt.datetime,
    *,
    starts_at: dt.datetime | None = None,
) -> AgendaItem:
    """Put the case on that day's agenda (the meeting at `starts_at`, if given) and open the
    vote."""
    meeting = meeting_on(session, cast, referral.service_id, local_date(when), starts_at)
    panels.add_to_agenda(session, cast.chair, meeting_id=meeting.id, referral_ids=[referral.id])
    item = next(i for i in meeting.items if i.referral_id == referral.id)
    panels.open_vote(session, cast.chair, item_id=item.id, expected_version=None, now=when)
    return item


def conditions_for(disposal: str, day: dt.date) -> tuple[tuple[str, dt.date | None], ...]:
    found = disposals.find(disposal)
    if found is None or found.work is not disposals.Work.CONDITIONAL:
        return ()
    return (
        ("Go to six sessions with a youth worker", day + dt.timedelta(days=70)),
        ("Write a letter of apology to the person harmed", day + dt.timedelta(days=28)),
    )


def vote(
    session: Session,
    cast: PanelCast,
    item: AgendaItem,
    disposal: str,
    when: dt.datetime,
    *,
    police_vote: str | None = None,
) -> Outcome:
    """Every present member votes (the chair records volunteers' votes); then the chair closes."""
    meeting = item.meeting
    for member in meeting.members:
        if not member.present or member.id in item.conflicted_member_ids():
            continue
        choice = police_vote if (police_vote and member.user_id == cast.police.id) else disposal
        actor = next(
            (u for u in (cast.chair, cast.police, *cast.advisers) if u.id == member.user_id),
            cast.chair,
        )
        panels.cast_vote(
            session,
            actor,
            item_id=item.id,
            member_id=member.id,
            vote=VoteInput(
                choice,
                ("one_to_one",),
                f"{member.agency.label}: proportionate to the offence and the assessment.",
            ),
            now=when,
        )
    return panels.close_vote(
        session,
        cast.chair,
        item_id=item.id,
        police_inspector_id=cast.inspector.id if cast.inspector else None,
        yjs_manager_id=cast.yjs_manager.id if cast.yjs_manager else None,
        now=when,
    )


def departure_reason(referral: Referral, disposal: str) -> str | None:
    """A rationale when the decision departs from the gravity-matrix default."""
    default = disposals.gravity_default(referral.gravity_score)
    if default is not None and default.code != disposal:
        return "The assessment shows strong protective factors and an early admission."
    return None


def confirm(
    session: Session, cast: PanelCast, item: AgendaItem, disposal: str, when: dt.datetime
) -> None:
    """The police decision-maker confirms, giving the rationales the rules ask for."""
    referral = item.referral
    departure = departure_reason(referral, disposal)
    panels.confirm_decision(
        session,
        cast.police,
        item_id=item.id,
        given=DecisionInput(
            disposal,
            ("one_to_one",) if disposals.get(disposal).offers_intervention else (),
            conditions_for(disposal, local_date(when)),
            "Differs from the vote after hearing from the victim."
            if item.rule_outcome != disposal
            else None,
            departure,
        ),
        expected_version=None,
        now=when,
    )


def decide(
    session: Session, cast: PanelCast, referral: Referral, disposal: str, when: dt.datetime
) -> None:
    """From ready for panel to decided, as a panel would."""
    item = to_panel(session, cast, referral, when)
    vote(session, cast, item, disposal, when)
    confirm(session, cast, item, disposal, when)
