"""Who is at the meeting and who may vote: attendance, conflicts of interest, and whom the chair
may record a vote for."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AgendaItem, AgendaStatus, Conflict, PanelMeeting, PanelMember, User
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules import decision_rules
from oocd_panel.services.panels._common import (
    MAX_TEXT,
    _audit,
    _require_chair,
    _require_open,
    is_chair,
)
from oocd_panel.services.panels.meetings import MemberSpec, item_for, meeting_for


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
    with unit_of_work(session):
        meeting = meeting_for(session, actor, meeting_id)
        _require_chair(meeting, actor)
        _require_open(meeting)
        voting = list(
            session.scalars(
                select(AgendaItem)
                .where(
                    AgendaItem.meeting_id == meeting.id, AgendaItem.status == AgendaStatus.VOTING
                )
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
    return meeting


def declare_conflict(
    session: Session, actor: User, *, item_id: int, member_id: int, reason: str
) -> None:
    """A member declares a conflict of interest in a case; they then cannot vote on it."""
    with unit_of_work(session):
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


# --- Who may vote, and for whom ------------------------------------------------------------------


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
