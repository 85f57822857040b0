"""Family feedback: each issued letter's one-time link, and the answers as counts.

Nothing here says who answered. A link (`FeedbackLink`) is made with its letter, holds only the
SHA-256 of its token and what the answers are counted by (the service, the month the letter
was issued, the outcome, and whether it was the child's letter or a parent's), and is deleted
when it is used: from then on nothing joins the letter to what was answered. Answers are not
kept one by one (a row per answer, in order, could be matched against when each link was
used): each answer adds one to a count (`FeedbackTally`) of its service, month, outcome,
audience, question and answer. `FeedbackMiss` keeps, for a few minutes, the addresses that
tried links that do not exist, to slow anyone guessing them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class FeedbackLink(Base):
    """A letter's feedback link, until it is used, revoked (the letter issued again) or
    expires. The token itself is printed on the letter and kept nowhere else."""

    __tablename__ = "feedback_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Only while the link is unused: the row goes when it is used.
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    month: Mapped[dt.date]  # the first day of the month the letter was issued
    disposal: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(10))  # child or parent
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class FeedbackTally(Base):
    """How many answered a question so, about the letters of a service, month, outcome and
    audience. The unique key is also the index the reports read."""

    __tablename__ = "feedback_tally"
    __table_args__ = (
        UniqueConstraint("service_id", "month", "disposal", "audience", "question", "answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    month: Mapped[dt.date]
    disposal: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(10))
    question: Mapped[str] = mapped_column(String(30))
    answer: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(default=0)


class FeedbackMiss(Base):
    """A feedback link that does not exist, tried from an address: kept only for the throttle's
    window (services/feedback.py), then removed."""

    __tablename__ = "feedback_miss"
    __table_args__ = (Index("ix_feedback_miss_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
