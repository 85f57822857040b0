"""Facts for evaluating diversion and disproportionality: one row per referral per decision point,
with the child's characteristics as they were when that decision was made.

Reports group these rows in SQL; later edits to a child never rewrite them. Two follow-up facts
are filled in when they happen (evaluation/decision_points.py, `follow_up`): whether a referral
went on to be assessed, and when a child diverted was next referred again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from oocd_panel.plumbing.db import Base

REPORT_INDEX_COLUMNS = (
    "service_id",
    "point",
    "occurred_on",
    "selected",
    "gravity_score",
    "disposal",
    "departure",
    "route",
    "window_end",
    "referral_id",
    "child_id",
    "ethnicity_group",
    "ethnicity",
    "sex",
    "age_band",
    "care_experience",
    "send",
    "neurodivergent",
    "first_time_entrant",
    "reached_assessment",
    "referred_again_on",
)


class DecisionPoint(Base):
    __tablename__ = "decision_point"
    __table_args__ = (
        # The reports read a service's rows at a point in a period and count by a
        # characteristic: every column they read is in the index, so they scan the index in
        # order and never visit the table (about five times faster at scale; bench/README.md).
        Index("ix_decision_point_report", *REPORT_INDEX_COLUMNS),
        # A referral's rows by point (the follow-up facts mark its referred row).
        Index("ix_decision_point_referral_point", "referral_id", "point"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    # referred, assessed, decided, intervention_ended (see evaluation/decision_points.py).
    point: Mapped[str] = mapped_column(String(30))
    route: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[dt.date]
    # What happened at the point: diverted (decided), completed (intervention_ended).
    selected: Mapped[bool] = mapped_column(default=False)
    disposal: Mapped[str | None] = mapped_column(String(40))
    # above, below or none: the decision against the gravity-matrix default (decided only).
    departure: Mapped[str | None] = mapped_column(String(10))
    # Reoffending is counted up to this date (a year after the decision).
    window_end: Mapped[dt.date | None]
    # Characteristics then. The age in whole years (None only on rows older than the column).
    age: Mapped[int | None]
    age_band: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(20))
    ethnicity: Mapped[str] = mapped_column(String(40))
    ethnicity_group: Mapped[str] = mapped_column(String(20))
    care_experience: Mapped[str] = mapped_column(String(30))
    send: Mapped[str] = mapped_column(String(30))
    neurodivergent: Mapped[str] = mapped_column(String(20))
    first_time_entrant: Mapped[bool]
    gravity_score: Mapped[int]
    offence_type: Mapped[str | None] = mapped_column(String(40))
    # Follow-up facts. On a referred row: the referral's assessment was signed off (later).
    reached_assessment: Mapped[bool] = mapped_column(default=False, server_default=false())
    # On decided and notified rows: the first date after this point on which the child was
    # referred again (a new referral received). Reoffending counts it up to `window_end`.
    referred_again_on: Mapped[dt.date | None]
