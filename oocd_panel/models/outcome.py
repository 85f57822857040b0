"""After the decision: the police delivering the outcome, notes on the intervention, and the
facts recorded when it ends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import (
    DeliveryOutcome,
    InterventionEnding,
    Route,
    VictimContact,
    YesNoUnknown,
)
from oocd_panel.models.types import str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class Delivery(Base):
    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    outcome: Mapped[DeliveryOutcome] = mapped_column(str_enum(DeliveryOutcome))
    delivered_on: Mapped[dt.date]
    appropriate_adult_present: Mapped[bool | None]
    appropriate_adult_name: Mapped[str | None] = mapped_column(String(200))
    legal_advice_offered: Mapped[bool | None]
    legal_advice_taken: Mapped[bool | None]
    admission_confirmed: Mapped[bool | None]
    consent_signed: Mapped[bool | None]
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User] = relationship()


class InterventionNote(Base):
    __tablename__ = "intervention_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship()


def _fact() -> Mapped[YesNoUnknown | None]:
    return mapped_column(str_enum(YesNoUnknown, 20))


class InterventionEnd(Base):
    """The facts the YJB's key performance indicators ask for, recorded by the practitioner
    with the action that ends the intervention (in the same transaction: one row per ended
    intervention). The questions are in catalogue/kpis.py. A fact asked only after an earlier
    answer of yes (`asked_if`) is empty otherwise. `ehcp` and `looked_after` are copied from
    the child's record as it was then. No free text: nothing here is removed by the retention
    schedule, and the quarterly return is counted from these rows."""

    __tablename__ = "intervention_end"
    __table_args__ = (
        # The quarter's return for a service reads a range of this index.
        Index("ix_intervention_end_service_ended", "service_id", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    ended_on: Mapped[dt.date]
    ending: Mapped[InterventionEnding] = mapped_column(str_enum(InterventionEnding, 20))
    route: Mapped[Route] = mapped_column(str_enum(Route, 20))
    disposal: Mapped[str | None] = mapped_column(String(40))

    accommodation_suitable: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    ete_suitable: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    send_need: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    send_learning_plan: Mapped[YesNoUnknown | None] = _fact()
    mental_health_need: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    mental_health_offered: Mapped[YesNoUnknown | None] = _fact()
    mental_health_attending: Mapped[YesNoUnknown | None] = _fact()
    substance_need: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    substance_offered: Mapped[YesNoUnknown | None] = _fact()
    substance_attending: Mapped[YesNoUnknown | None] = _fact()
    ehcp: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    child_protection_plan: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    looked_after: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    child_in_need: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown, 20))
    victim_consent: Mapped[VictimContact] = mapped_column(str_enum(VictimContact, 20))
    victim_views_sought: Mapped[YesNoUnknown | None] = _fact()
    victim_rj_offered: Mapped[YesNoUnknown | None] = _fact()
    victim_kept_informed: Mapped[YesNoUnknown | None] = _fact()
    victim_support_info: Mapped[YesNoUnknown | None] = _fact()

    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User] = relationship()


class SettingChange(Base):
    """A change to a service's settings: who, when, from what to what."""

    __tablename__ = "setting_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    setting: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str] = mapped_column(String(200))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    changed_by: Mapped[User] = relationship()
