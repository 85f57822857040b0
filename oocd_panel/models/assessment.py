"""The pre-panel assessment of a referral: its sections (drafts) and submitted versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import AssessmentStatus, ReviewOutcome
from oocd_panel.models.types import json_type, str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class Assessment(Base):
    __tablename__ = "assessment"
    # The evaluation compares decisions with the practitioner's recommendation.
    __table_args__ = (
        Index("ix_assessment_referral_recommended", "referral_id", "recommended_disposal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus), default=AssessmentStatus.DRAFT
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # From the latest submission, for the panel and for evaluation.
    safety_rating: Mapped[str | None] = mapped_column(String(20))
    others_rating: Mapped[str | None] = mapped_column(String(20))
    recommended_disposal: Mapped[str | None] = mapped_column(String(40))
    # Everyone who has saved any part of it: none of them may sign it off.
    contributor_ids: Mapped[list[int]] = mapped_column(json_type(), default=list)

    sections: Mapped[list[AssessmentSection]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin"
    )
    versions: Mapped[list[AssessmentVersion]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="AssessmentVersion.number",
    )

    def section(self, key: str) -> AssessmentSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def answers(self) -> dict[str, dict[str, Any]]:
        return {s.key: dict(s.answers) for s in self.sections}

    @property
    def latest_version(self) -> AssessmentVersion | None:
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<Assessment {self.id} {self.status}>"


class AssessmentSection(Base):
    """One section's saved answers: a draft until the assessment is signed off."""

    __tablename__ = "assessment_section"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    completed: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Optimistic locking: two people saving the same section cannot overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship(back_populates="sections")
    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AssessmentSection {self.key}>"


class AssessmentVersion(Base):
    """What was sent for sign-off, kept whole, with the manager's review of it."""

    __tablename__ = "assessment_version"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    number: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(json_type())
    # The quality warnings shown when it was submitted.
    warnings: Mapped[list[str]] = mapped_column(json_type(), default=list)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[ReviewOutcome | None] = mapped_column(str_enum(ReviewOutcome))
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship(back_populates="versions")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"<AssessmentVersion {self.assessment_id}.{self.number}>"
