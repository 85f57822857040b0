"""Corrections: a child's details, a parent's or carer's, or a referral's facts put right, with
the value each replaced, who corrected it, when and why."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import CorrectionReason
from oocd_panel.models.types import str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class Correction(Base):
    """One field of one record, corrected. The values are kept as the page showed them (text),
    so the history reads the same whatever the field's type; the retention schedule blanks
    them with the rest of the child's personal data."""

    __tablename__ = "correction"
    __table_args__ = (
        # A child's history, and the evaluation's count of corrections made in a period.
        Index("ix_correction_child", "child_id", "corrected_at"),
        Index("ix_correction_service_at", "service_id", "corrected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    # The case it belongs to, for a referral's facts (None for the child's own details).
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    # child, contact, referral or offence; the contact's or offence's id where there is one.
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column()
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[CorrectionReason] = mapped_column(str_enum(CorrectionReason))
    note: Mapped[str | None] = mapped_column(Text)
    corrected_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    corrected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    corrected_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Correction {self.id} {self.record_type}.{self.field}>"
