"""Quality audits of case work, in the inspectorate's format."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import AuditAnswer
from oocd_panel.models.types import str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from oocd_panel.models.referral import Referral


class QualityAudit(Base):
    __tablename__ = "quality_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    auditor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The practitioner whose work was audited, as allocated when the audit was done.
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    audited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    summary: Mapped[str | None] = mapped_column(Text)

    answers: Mapped[list[QualityAuditAnswer]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", lazy="selectin"
    )
    auditor: Mapped[User] = relationship(foreign_keys=[auditor_id])
    referral: Mapped[Referral] = relationship()
    practitioner: Mapped[User | None] = relationship(foreign_keys=[practitioner_id])

    def __repr__(self) -> str:
        return f"<QualityAudit {self.id}>"


class QualityAuditAnswer(Base):
    __tablename__ = "quality_audit_answer"
    __table_args__ = (UniqueConstraint("audit_id", "standard", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("quality_audit.id", ondelete="CASCADE"))
    # assessment / planning / delivery
    standard: Mapped[str] = mapped_column(String(20))
    # desistance / child_safety / others_safety
    question: Mapped[str] = mapped_column(String(20))
    answer: Mapped[AuditAnswer] = mapped_column(str_enum(AuditAnswer))
    comment: Mapped[str | None] = mapped_column(Text)

    audit: Mapped[QualityAudit] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<QualityAuditAnswer {self.standard}.{self.question}={self.answer}>"
