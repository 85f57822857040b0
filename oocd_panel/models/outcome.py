"""After the decision: the police delivering the outcome, and notes on the intervention."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import DeliveryOutcome
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
