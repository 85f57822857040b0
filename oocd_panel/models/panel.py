"""Panel meetings: members and attendance, the agenda, conflicts, votes, decisions, escalations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import Agency, AgendaStatus, MeetingStatus
from oocd_panel.models.types import json_type, str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from oocd_panel.models.referral import Referral


class PanelMeeting(Base):
    __tablename__ = "panel_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    # A room, or a link to an online meeting.
    place: Mapped[str] = mapped_column(String(300))
    chair_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus), default=MeetingStatus.PLANNED
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="PanelMember.id",
        lazy="selectin",
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    def member_for(self, user: User) -> PanelMember | None:
        return next((m for m in self.members if m.user_id == user.id), None)

    def __repr__(self) -> str:
        return f"<PanelMeeting {self.id}>"


class PanelMember(Base):
    """Someone sitting on one meeting's panel: with an account, or named by the chair."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[Agency] = mapped_column(str_enum(Agency))
    is_decision_maker: Mapped[bool] = mapped_column(default=False)
    # Attendance on the day: None until the chair records it.
    present: Mapped[bool | None]
    # Has an account but no device at the meeting: the chair may record their vote for them.
    without_device: Mapped[bool] = mapped_column(default=False, server_default=false())

    meeting: Mapped[PanelMeeting] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()

    @property
    def role_label(self) -> str:
        dm = " decision-maker" if self.is_decision_maker else ""
        return f"{self.agency.label}{dm}"

    def __repr__(self) -> str:
        return f"<PanelMember {self.id}>"


class AgendaItem(Base):
    """One case on one meeting's agenda, and its vote."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "referral_id"),
        # The evaluation reads the votes that closed in a period, and how the two
        # decision-makers voted, from this index alone.
        Index(
            "ix_agenda_item_closed", "closed_at", "referral_id", "police_position", "yjs_position"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id", ondelete="CASCADE"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[AgendaStatus] = mapped_column(
        str_enum(AgendaStatus), default=AgendaStatus.WAITING
    )
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The service's decision rule (and, for a majority, its tie-break) in force when the vote
    # opened: it decides this vote whatever the settings say by the time it closes.
    rule: Mapped[str | None] = mapped_column(String(20))
    tie_break: Mapped[str | None] = mapped_column(String(30))
    # What that rule gave when the vote closed, and the police and YJS decision-makers' votes it
    # weighed (None: that decision-maker did not vote).
    rule_outcome: Mapped[str | None] = mapped_column(String(40))
    rule_note: Mapped[str | None] = mapped_column(Text)
    police_position: Mapped[str | None] = mapped_column(String(40))
    yjs_position: Mapped[str | None] = mapped_column(String(40))
    # Optimistic locking: opening, closing and confirming cannot race each other.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[PanelMeeting] = relationship(back_populates="items")
    referral: Mapped[Referral] = relationship(back_populates="agenda_items")
    votes: Mapped[list[Vote]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Vote.id", lazy="selectin"
    )
    conflicts: Mapped[list[Conflict]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="Conflict.id",
        lazy="selectin",
    )

    def conflicted_member_ids(self) -> set[int]:
        return {c.member_id for c in self.conflicts}

    def vote_of(self, member: PanelMember) -> Vote | None:
        return next((v for v in self.votes if v.member_id == member.id), None)

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} {self.status}>"


class Conflict(Base):
    __tablename__ = "panel_conflict"
    __table_args__ = (UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="conflicts")
    member: Mapped[PanelMember] = relationship()


class Vote(Base):
    """One member's vote on one case. One row per member: changing a vote updates it."""

    __tablename__ = "panel_vote"
    __table_args__ = (UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"))
    disposal: Mapped[str] = mapped_column(String(40))
    interventions: Mapped[list[str]] = mapped_column(json_type(), default=list)
    rationale: Mapped[str] = mapped_column(Text)
    # Who typed it in: the member, or the chair on behalf of a member with no account or device.
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    on_behalf: Mapped[bool] = mapped_column(default=False)
    cast_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="votes")
    member: Mapped[PanelMember] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship()


class Escalation(Base):
    """Police and YJS decision-makers disagreed: a police inspector and a YJS manager resolve it."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"))
    police_inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    yjs_manager_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[dt.date]
    police_position: Mapped[str | None] = mapped_column(String(40))
    yjs_position: Mapped[str | None] = mapped_column(String(40))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str | None] = mapped_column(String(40))
    rationale: Mapped[str | None] = mapped_column(Text)
    # The inspector records the resolution (the police hold the final decision) and whether the
    # YJS manager agreed with it; if not, the manager's view is kept beside it.
    yjs_manager_agreed: Mapped[bool | None]
    yjs_manager_view: Mapped[str | None] = mapped_column(Text)
    # The outcome the inspector proposes, waiting for the YJS manager to say (signed in as
    # themselves) whether they agree: {"disposal", "interventions", "conditions": [{"text",
    # "due_on"}], "rationale", "departure_rationale"}. The answer records the decision.
    proposal: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    proposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Closed without a resolution: the police withdrew the referral while it was escalated.
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=false())

    item: Mapped[AgendaItem] = relationship()
    police_inspector: Mapped[User] = relationship(foreign_keys=[police_inspector_id])
    yjs_manager: Mapped[User] = relationship(foreign_keys=[yjs_manager_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class Decision(Base):
    """The final decision on a referral, with everything that led to it."""

    __tablename__ = "decision"
    # The evaluation reads the decisions made in a period, with the disposal (from the index).
    __table_args__ = (Index("ix_decision_decided", "decided_at", "referral_id", "disposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), unique=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalation.id"))
    rule: Mapped[str] = mapped_column(String(20))
    rule_outcome: Mapped[str | None] = mapped_column(String(40))
    disposal: Mapped[str] = mapped_column(String(40))
    interventions: Mapped[list[str]] = mapped_column(json_type(), default=list)
    # Conditions of a conditional caution: [{"text": ..., "due_on": "YYYY-MM-DD"}].
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), default=list)
    # {disposal code: number of votes}, and every vote that differs from the decision.
    tally: Mapped[dict[str, int]] = mapped_column(json_type(), default=dict)
    dissent: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), default=list)
    # Why the police decision-maker decided other than the rule's outcome, if they did.
    confirmation_rationale: Mapped[str | None] = mapped_column(Text)
    # Why the decision departs from the gravity-matrix default, if it does.
    departure_rationale: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_on_behalf: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    confirmed_by: Mapped[User] = relationship()
