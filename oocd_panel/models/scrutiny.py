"""Scrutiny panels: a sample of a service's decided cases drawn for the force's scrutiny panel,
each case's free texts as a reviewer redacted them, and the panel's rating of each decision.

A sample keeps its seed and its cases, so it is the same cases forever (and the same service,
period, size and seed draw the same cases again). Each case of a sample keeps the outcome and
the child's characteristics as they were at the decision (from its decision point), which the
pack and the report read: the report counts these rows alone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.service import Service
from oocd_panel.models.types import json_type
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from oocd_panel.models.referral import Referral


class ScrutinySample(Base):
    __tablename__ = "scrutiny_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    # Decisions made from this day to this day (in England and Wales) were sampled.
    decided_from: Mapped[dt.date]
    decided_to: Mapped[dt.date]
    # The size asked for; the sample has fewer cases when the period had fewer decisions.
    size: Mapped[int]
    seed: Mapped[str] = mapped_column(String(40))
    # How many decisions the period had when the sample was drawn, by outcome: {code: count}.
    decisions_by_outcome: Mapped[dict[str, int]] = mapped_column(json_type(), default=dict)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    service: Mapped[Service] = relationship()
    drawn_by: Mapped[User] = relationship()
    cases: Mapped[list[ScrutinyCase]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="ScrutinyCase.number"
    )

    def __repr__(self) -> str:
        return f"<ScrutinySample {self.id}>"


class ScrutinyCase(Base):
    """One case of a sample: 'Case <number>' in its pack, never the child's name or reference."""

    __tablename__ = "scrutiny_case"
    __table_args__ = (
        UniqueConstraint("sample_id", "number", name="uq_scrutiny_case_sample_number"),
        UniqueConstraint("sample_id", "referral_id", name="uq_scrutiny_case_sample_referral"),
        # The report reads a service's rated cases by decision date.
        Index("ix_scrutiny_case_service_decided", "service_id", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("scrutiny_sample.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    number: Mapped[int]
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    # As at the decision: the outcome (the stratum it was drawn from), the day (in England and
    # Wales), and the child's characteristics then.
    disposal: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[dt.date]
    age_band: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(20))
    ethnicity_group: Mapped[str] = mapped_column(String(20))
    care_experience: Mapped[str] = mapped_column(String(30))
    send: Mapped[str] = mapped_column(String(30))
    first_time_entrant: Mapped[bool]

    sample: Mapped[ScrutinySample] = relationship(back_populates="cases")
    referral: Mapped[Referral] = relationship()
    redactions: Mapped[list[ScrutinyRedaction]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    rating: Mapped[ScrutinyRating | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def label(self) -> str:
        return f"Case {self.number}"

    def redaction(self, key: str) -> ScrutinyRedaction | None:
        return next((r for r in self.redactions if r.text_key == key), None)

    def __repr__(self) -> str:
        return f"<ScrutinyCase {self.sample_id}.{self.number}>"


class ScrutinyRedaction(Base):
    """A free text of the case as a reviewer confirmed it may be shown: names, addresses, dates
    of birth and police references taken out. `source_sha256` is the text it was made from: if
    that text has changed since, the redaction no longer holds and the pack shows none."""

    __tablename__ = "scrutiny_redaction"
    __table_args__ = (UniqueConstraint("case_id", "text_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("scrutiny_case.id", ondelete="CASCADE"))
    # Which free text (catalogue/scrutiny.py FREE_TEXTS).
    text_key: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[ScrutinyCase] = relationship(back_populates="redactions")
    confirmed_by: Mapped[User] = relationship()


class ScrutinyRating(Base):
    """The scrutiny panel's rating of the decision (catalogue/scrutiny.py RATINGS), its comments
    and the day of the panel's meeting, as a manager recorded them."""

    __tablename__ = "scrutiny_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("scrutiny_case.id", ondelete="CASCADE"), unique=True
    )
    rating: Mapped[str] = mapped_column(String(40))
    comments: Mapped[str | None] = mapped_column(Text)
    meeting_on: Mapped[dt.date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[ScrutinyCase] = relationship(back_populates="rating")
    recorded_by: Mapped[User] = relationship()
