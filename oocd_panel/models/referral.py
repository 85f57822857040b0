"""A referral: one offence episode of one child, carried through the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.assessment import Assessment
from oocd_panel.models.child import Child
from oocd_panel.models.enums import (
    Admission,
    ClosureReason,
    ReferralStatus,
    RestorativeWish,
    Route,
)
from oocd_panel.models.letter import Letter
from oocd_panel.models.outcome import Delivery, InterventionEnd, InterventionNote
from oocd_panel.models.panel import AgendaItem, Decision, Escalation
from oocd_panel.models.service import Service
from oocd_panel.models.types import json_type, str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class Referral(Base):
    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint("gravity_score BETWEEN 1 AND 5", name="gravity_score_range"),
        # Lists, newest (or oldest) first within a service, or a service and a status: keyset
        # pages and "my work" read these in order and stop after a page.
        Index("ix_referral_service_received", "service_id", "received_on", "id"),
        Index("ix_referral_service_status", "service_id", "status", "received_on", "id"),
        # Finding a case by its police reference (or the start of it) within a service.
        Index("ix_referral_service_reference", "service_id", "police_reference"),
        # The evaluation's closures and timeliness in a period.
        # (with what they count, so the reports read the index alone)
        Index("ix_referral_service_closed", "service_id", "closed_at", "closure_reason"),
        Index("ix_referral_service_delivered", "service_id", "delivered_on", "received_on"),
        # A child's referrals by date: when was the child next referred (follow-up facts).
        Index("ix_referral_child_received", "child_id", "received_on"),
        # What the evaluation reads of a referral it reaches by id (its service, and the dates
        # timeliness counts from), without visiting the row.
        Index("ix_referral_report_facts", "id", "service_id", "received_on", "assessment_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    route: Mapped[Route] = mapped_column(str_enum(Route), default=Route.PANEL)

    # Police reference (crime number), stored upper-case without surrounding spaces. Compared
    # in code-point order on PostgreSQL too ("C" collation), so that searching for the start
    # of one reads a range of the index.
    police_reference: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql")
    )
    offence_date: Mapped[dt.date]
    received_on: Mapped[dt.date]
    # The pre-panel assessment is due by then (working days after receipt; a service setting).
    assessment_due_on: Mapped[dt.date | None]
    admission: Mapped[Admission] = mapped_column(str_enum(Admission))
    officer_name: Mapped[str] = mapped_column(String(200))
    officer_email: Mapped[str | None] = mapped_column(String(254))
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # A disposal code from oocd_panel.catalogue.disposals.
    proposed_outcome: Mapped[str] = mapped_column(String(40))
    # The highest gravity score among the offences (kept here to filter and report on).
    gravity_score: Mapped[int]

    victim_details: Mapped[str | None] = mapped_column(Text)
    victim_views: Mapped[str | None] = mapped_column(Text)
    victim_restorative_wish: Mapped[RestorativeWish] = mapped_column(
        str_enum(RestorativeWish), default=RestorativeWish.NOT_ASKED
    )

    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Set by a decision (or, for a notification, the outcome the police gave alone).
    disposal: Mapped[str | None] = mapped_column(String(40))
    delivered_on: Mapped[dt.date | None]
    closure_reason: Mapped[ClosureReason | None] = mapped_column(str_enum(ClosureReason))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # When the retention schedule removed the personal data of the case (services/retention.py).
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: every UPDATE checks and bumps it, so two people acting on the same
    # case at once cannot both succeed.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    service: Mapped[Service] = relationship()
    child: Mapped[Child] = relationship(back_populates="referrals")
    practitioner: Mapped[User | None] = relationship(foreign_keys=[practitioner_id])
    referred_by: Mapped[User | None] = relationship(foreign_keys=[referred_by_id])
    offences: Mapped[list[Offence]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="Offence.position"
    )
    assessment: Mapped[Assessment | None] = relationship(
        cascade="all, delete-orphan", single_parent=True
    )
    decision: Mapped[Decision | None] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="referral", order_by="AgendaItem.id"
    )
    escalations: Mapped[list[Escalation]] = relationship(order_by="Escalation.id")
    deliveries: Mapped[list[Delivery]] = relationship(order_by="Delivery.id")
    letters: Mapped[list[Letter]] = relationship(order_by="Letter.id", viewonly=True)
    intervention_notes: Mapped[list[InterventionNote]] = relationship(
        order_by="InterventionNote.written_at"
    )
    # The KPI facts recorded when the intervention ended (none before it ends).
    intervention_end: Mapped[InterventionEnd | None] = relationship()
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="ReferralEvent.id",
    )

    @property
    def open_escalation(self) -> Escalation | None:
        return next((e for e in self.escalations if e.resolved_at is None), None)

    @property
    def main_offence(self) -> Offence | None:
        """The offence with the highest gravity score (the first such when tied)."""
        if not self.offences:
            return None
        return max(self.offences, key=lambda o: (o.gravity_score, -o.position))

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.status}>"


class Offence(Base):
    __tablename__ = "offence"
    __table_args__ = (CheckConstraint("gravity_score BETWEEN 1 AND 5", name="gravity_score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # An offence type code from oocd_panel.catalogue.offences.
    offence_type: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    gravity_score: Mapped[int]

    referral: Mapped[Referral] = relationship(back_populates="offences")

    def __repr__(self) -> str:
        return f"<Offence {self.id}>"


class ReferralEvent(Base):
    """One step of a referral's journey: every state change, with who, when and why.

    `snapshot` keeps the child's characteristics and the case facts as they were at that
    decision, so evaluation is never rewritten by later edits.
    """

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ReferralStatus | None] = mapped_column(str_enum(ReferralStatus))
    to_status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus))
    trigger: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    # What the action recorded (for example the disposal decided, the delivery date).
    details: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    snapshot: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ReferralEvent {self.id} {self.trigger}>"
