"""The evaluation's reports, counted in the database (GROUP BY over `decision_point`), then
published with small counts suppressed. Ratios are computed from the grouped counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, ethnicity
from oocd_panel.evaluation.decision_points import POINTS
from oocd_panel.evaluation.feedback import Summary as FeedbackSummary
from oocd_panel.evaluation.feedback import summary as feedback_summary
from oocd_panel.evaluation.rates import Count, Ratio, Stratum, mantel_haenszel, rri
from oocd_panel.evaluation.suppression import (
    WITHHELD,
    Cell,
    few,
    hidden,
    pair,
    publish_rows,
    suppress,
)
from oocd_panel.models import (
    CareExperience,
    ClosureReason,
    DecisionPoint,
    Referral,
    SendStatus,
    Sex,
    YesNoUnknown,
)
from oocd_panel.plumbing.clock import LONDON

DP = DecisionPoint


@dataclass(frozen=True)
class Characteristic:
    key: str
    label: str
    reference: str
    values: dict[str, str]  # value -> label

    def column(self) -> Any:
        if self.key == "first_time_entrant":
            return case((DP.first_time_entrant, literal("yes")), else_=literal("no"))
        return getattr(DP, self.key)


CHARACTERISTICS: dict[str, Characteristic] = {
    c.key: c
    for c in (
        Characteristic(
            "ethnicity_group",
            "Ethnicity (broad group)",
            "white",
            {g.value: g.label for g in ethnicity.BroadGroup},
        ),
        Characteristic(
            "ethnicity",
            "Ethnicity (detailed)",
            "white_british",
            {e.code: e.full_label for e in ethnicity.ONS_2021},
        ),
        Characteristic("sex", "Sex", "male", dict(Sex.choices())),
        Characteristic("age_band", "Age band", "15-17", {"10-14": "10 to 14", "15-17": "15 to 17"}),
        Characteristic(
            "care_experience", "Care experience", "none", dict(CareExperience.choices())
        ),
        Characteristic(
            "send", "Special educational needs (SEND)", "none", dict(SendStatus.choices())
        ),
        Characteristic("neurodivergent", "Neurodivergent", "no", dict(YesNoUnknown.choices())),
        Characteristic(
            "first_time_entrant", "First-time entrant", "yes", {"yes": "Yes", "no": "No"}
        ),
    )
}


def month_end(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Filters:
    service_ids: tuple[int, ...]
    start: dt.date
    end: dt.date

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, until) as timestamps: local midnights (timestamps are stored in UTC)."""
        return (
            dt.datetime.combine(self.start, dt.time(), LONDON),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), LONDON),
        )

    def where(self, *points: str) -> ColumnElement[bool]:
        return and_(
            DP.service_id.in_(self.service_ids),
            DP.point.in_(points),
            DP.occurred_on >= self.start,
            DP.occurred_on <= self.end,
        )


@dataclass(frozen=True)
class Measure:
    """A decision point as a rate: of the cases at the base point, how many were selected."""

    key: str
    label: str
    explanation: str
    base_point: str
    # (extra condition on the base rows, the condition for being selected), given the filters.
    build: Callable[[Filters], tuple[ColumnElement[bool] | None, ColumnElement[bool]]]
    # Other points whose cases count at the base too (reoffending follows every diversion).
    also_points: tuple[str, ...] = ()


def _assessed(_: Filters) -> tuple[ColumnElement[bool] | None, ColumnElement[bool]]:
    return DP.route == "panel", DP.reached_assessment.is_(True)


def referred_again() -> ColumnElement[bool]:
    """The child was referred again within the year after the point (a new referral received
    after the point and by the end of its window)."""
    return and_(DP.referred_again_on.is_not(None), DP.referred_again_on <= DP.window_end)


def _reoffended(filters: Filters) -> tuple[ColumnElement[bool] | None, ColumnElement[bool]]:
    # Only decisions whose year has passed by the end of the period can be counted.
    return and_(DP.selected, DP.window_end <= filters.end), referred_again()


FORMAL = tuple(d.code for d in disposals.CATALOGUE if d.counts_as_first_time_entrant)

MEASURES: tuple[Measure, ...] = (
    Measure(
        "assessed",
        "Assessed",
        "Of the referrals for panel, how many had an assessment signed off.",
        "referred",
        _assessed,
    ),
    Measure(
        "diverted",
        "Diverted from court",
        "Of the panel's decisions, how many were an out-of-court outcome rather than a charge.",
        "decided",
        lambda _: (None, DP.selected.is_(True)),
    ),
    Measure(
        "formal",
        "Given a caution",
        "Of the children diverted, how many were given a youth caution or conditional caution "
        "(which count as a first entry to the justice system).",
        "decided",
        lambda _: (DP.selected.is_(True), DP.disposal.in_(FORMAL)),
    ),
    Measure(
        "above_default",
        "Above the gravity default",
        "Of the panel's decisions, how many were more severe than the gravity-matrix default.",
        "decided",
        lambda _: (None, DP.departure == "above"),
    ),
    Measure(
        "below_default",
        "Below the gravity default",
        "Of the panel's decisions, how many were less severe than the gravity-matrix default.",
        "decided",
        lambda _: (None, DP.departure == "below"),
    ),
    Measure(
        "completed",
        "Completed the intervention",
        "Of the interventions that ended, how many were completed.",
        "intervention_ended",
        lambda _: (None, DP.selected.is_(True)),
    ),
    Measure(
        "reoffended",
        "Referred again within 12 months",
        "Of the children diverted (by the panel, or by the police alone) whose year has passed, "
        "how many were referred again within it.",
        "decided",
        _reoffended,
        also_points=("notified",),
    ),
)
MEASURES_BY_KEY = {m.key: m for m in MEASURES}


def grouped_counts_of(
    session: Session,
    filters: Filters,
    measures: Sequence[Measure],
    characteristic: Characteristic,
) -> dict[str, dict[tuple[str, int], Count]]:
    """For each measure, (group, gravity score) -> Count: all of them in one GROUP BY query, so
    the rows of the period are read once whatever the number of measures (each measure counts
    its base rows, and those selected, with a FILTER)."""
    group = characteristic.column().label("grp")
    columns: list[Any] = [group, DP.gravity_score]
    points: list[str] = []
    for measure in measures:
        extra, hit = measure.build(filters)
        base: ColumnElement[bool] = DP.point.in_((measure.base_point, *measure.also_points))
        if extra is not None:
            base = and_(base, extra)
        columns += [func.count().filter(base), func.count().filter(and_(base, hit))]
        points += [p for p in (measure.base_point, *measure.also_points) if p not in points]
    query = select(*columns).where(filters.where(*points)).group_by(group, DP.gravity_score)
    found: dict[str, dict[tuple[str, int], Count]] = {m.key: {} for m in measures}
    for g, score, *counts in session.execute(query):
        for i, measure in enumerate(measures):
            n, chosen = int(counts[2 * i]), int(counts[2 * i + 1])
            if n:
                found[measure.key][(str(g), int(score))] = Count(chosen, n)
    return found


def grouped_counts(
    session: Session, filters: Filters, measure: Measure, characteristic: Characteristic
) -> dict[tuple[str, int], Count]:
    """(group, gravity score) -> Count for one measure."""
    return grouped_counts_of(session, filters, (measure,), characteristic)[measure.key]


@dataclass
class GroupRow:
    value: str
    label: str
    total: Cell
    selected: Cell
    rate: float | None
    raw: Ratio
    adjusted: Ratio
    is_reference: bool = False


@dataclass
class Comparison:
    measure: Measure
    rows: list[GroupRow] = field(default_factory=list)
    reference_total: int = 0


def _broad(code: str) -> ethnicity.BroadGroup | None:
    try:
        return ethnicity.broad_group(code)
    except KeyError:
        return None


def _not_published(total: int, selected: int, threshold: int) -> tuple[Cell, Cell]:
    return (
        few(threshold) if hidden(total, threshold) else WITHHELD,
        few(threshold) if hidden(selected, threshold) else WITHHELD,
    )


def compare(
    session: Session,
    filters: Filters,
    characteristic: Characteristic,
    reference: str,
    threshold: int,
    measures: Sequence[Measure] = MEASURES,
) -> list[Comparison]:
    """Each measure's rate by group against the reference group: the raw RRI and the RRI
    adjusted for gravity (Mantel-Haenszel). A row is published whole or not at all, and no rate
    or ratio is computed from a row that is not published, nor against such a reference."""
    found = []
    counted = grouped_counts_of(session, filters, measures, characteristic)
    for measure in measures:
        counts = counted[measure.key]
        by_group: dict[str, dict[int, Count]] = defaultdict(dict)
        for (g, score), count in counts.items():
            by_group[g][score] = count
        groups = list(characteristic.values) + [
            g for g in by_group if g not in characteristic.values
        ]
        totals = {g: sum(c.total for c in by_group.get(g, {}).values()) for g in groups}
        chosen = {g: sum(c.selected for c in by_group.get(g, {}).values()) for g in groups}
        published = publish_rows(totals, chosen, threshold)
        if characteristic.key == "ethnicity":
            # The broad groups are published too: suppress each one's detailed categories as a
            # set of their own, so none can be worked out from its broad group's figures.
            for broad in ethnicity.BroadGroup:
                part = [g for g in groups if _broad(g) is broad]
                inner = publish_rows(
                    {g: totals[g] for g in part}, {g: chosen[g] for g in part}, threshold
                )
                for g, ok in inner.items():
                    published[g] = published[g] and ok
        ref = by_group.get(reference, {})
        ref_count = Count(chosen.get(reference, 0), totals.get(reference, 0))
        comparison = Comparison(measure, reference_total=ref_count.total)
        for g in groups:
            count = Count(chosen[g], totals[g])
            if totals[g] == 0:
                row_cells: tuple[Cell, Cell] = (0, 0)
            elif published[g]:
                row_cells = (totals[g], chosen[g])
            else:
                row_cells = _not_published(totals[g], chosen[g], threshold)
            if g == reference:
                raw = adjusted = (
                    Ratio(1.0, 1.0, 1.0)
                    if published[g]
                    else Ratio(None, why_not="too few cases to publish")
                )
            elif totals[g] == 0:
                raw = adjusted = Ratio(None, why_not="no cases in this group")
            elif not published[g]:
                raw = adjusted = Ratio(None, why_not="too few cases to publish")
            elif ref_count.total == 0:
                raw = adjusted = Ratio(None, why_not="the reference group has no cases here")
            elif not published.get(reference, False):
                raw = adjusted = Ratio(None, why_not="the reference group is too small to publish")
            else:
                raw = rri(count, ref_count, smallest=threshold)
                adjusted = mantel_haenszel(
                    (
                        Stratum(
                            by_group[g].get(k, Count(0, 0)).selected,
                            by_group[g].get(k, Count(0, 0)).total,
                            ref.get(k, Count(0, 0)).selected,
                            ref.get(k, Count(0, 0)).total,
                        )
                        for k in range(1, 6)
                    ),
                    smallest=threshold,
                )
            comparison.rows.append(
                GroupRow(
                    g,
                    characteristic.values.get(g, g),
                    row_cells[0],
                    row_cells[1],
                    count.rate if published[g] and totals[g] else None,
                    raw,
                    adjusted,
                    is_reference=g == reference,
                )
            )
        found.append(comparison)
    return found


FUNNEL = (
    ("referred", "Referred", None),
    ("assessed", "Assessed", None),
    ("decided", "Decided by the panel", None),
    ("diverted", "Diverted from court", "decided"),
    ("notified", "Outcome given by the police alone", None),
    ("intervention_ended", "Intervention ended", None),
    ("completed", "Intervention completed", "intervention_ended"),
)


def funnel(session: Session, filters: Filters, threshold: int) -> list[tuple[str, Cell]]:
    """How many cases reached each decision point in the period (one GROUP BY)."""
    rows = session.execute(
        select(DP.point, func.count(), func.sum(case((DP.selected, 1), else_=0)))
        .where(filters.where(*POINTS))
        .group_by(DP.point)
    ).all()
    counts = {p: (int(n), int(s or 0)) for p, n, s in rows}
    shown: dict[str, Cell] = {}
    for key, label, selected_of in FUNNEL:
        n, chosen = counts.get(selected_of or key, (0, 0))
        if selected_of is None:
            shown[label] = suppress({label: n}, threshold)[0][label]
        else:
            # A stage and the one it is part of are published together or not at all, so
            # their difference (charged, not completed) is never a small published count.
            base = next(lbl for k, lbl, _ in FUNNEL if k == selected_of)
            shown[label], shown[base] = pair(chosen, n, threshold)
    return [(label, shown[label]) for _, label, _ in FUNNEL]


def closures(
    session: Session, filters: Filters, threshold: int
) -> tuple[list[tuple[str, Cell]], Cell]:
    """How the cases closed in the period ended, by reason (one GROUP BY)."""
    start, until = filters.moments()
    rows = session.execute(
        select(Referral.closure_reason, func.count())
        .where(
            Referral.service_id.in_(filters.service_ids),
            Referral.closed_at >= start,
            Referral.closed_at < until,
        )
        .group_by(Referral.closure_reason)
    ).all()
    counts = {str(reason): int(n) for reason, n in rows}
    shown, total = suppress({r.value: counts.get(r.value, 0) for r in ClosureReason}, threshold)
    return [(ClosureReason(code).label, cell) for code, cell in shown.items()], total


def disposal_mix(
    session: Session, filters: Filters, threshold: int
) -> tuple[list[tuple[str, Cell]], Cell]:
    rows = session.execute(
        select(DP.disposal, func.count()).where(filters.where("decided")).group_by(DP.disposal)
    ).all()
    counts = {str(code): int(n) for code, n in rows}
    shown, total = suppress({d.code: counts.get(d.code, 0) for d in disposals.CATALOGUE}, threshold)
    return [(disposals.get(code).name, cell) for code, cell in shown.items()], total


def has_data(session: Session, filters: Filters) -> bool:
    return session.scalar(select(DP.id).where(filters.where(*POINTS)).limit(1)) is not None


@dataclass
class BriefingLine:
    characteristic: str
    group: str
    cases: Cell
    raw: Ratio
    adjusted: Ratio


@dataclass
class Briefing:
    """The latest figures for the panel pack: a year of decisions in the service."""

    start: dt.date
    end: dt.date
    decided: Cell
    diverted: Cell
    lines: list[BriefingLine]
    # What families answered about the letters issued in the same months.
    feedback: FeedbackSummary | None = None


BRIEFING_CHARACTERISTICS = ("ethnicity_group", "care_experience", "neurodivergent", "send")


def briefing(session: Session, service_id: int, today: dt.date, threshold: int) -> Briefing:
    # The last twelve whole months, like the evaluation pages' periods.
    end = month_end(today)
    start = end.replace(day=1, year=end.year - 1) + dt.timedelta(days=31)
    filters = Filters((service_id,), start.replace(day=1), end)
    diverted = MEASURES_BY_KEY["diverted"]
    lines = []
    for key in BRIEFING_CHARACTERISTICS:
        characteristic = CHARACTERISTICS[key]
        (comparison,) = compare(
            session, filters, characteristic, characteristic.reference, threshold, (diverted,)
        )
        for row in comparison.rows:
            if row.value != characteristic.reference:
                lines.append(
                    BriefingLine(characteristic.label, row.label, row.total, row.raw, row.adjusted)
                )
    counts = grouped_counts(session, filters, diverted, CHARACTERISTICS["sex"])
    decided_total = sum(c.total for c in counts.values())
    diverted_total = sum(c.selected for c in counts.values())
    chosen, shown = pair(diverted_total, decided_total, threshold)
    answers = feedback_summary(session, filters, threshold)
    return Briefing(filters.start, filters.end, shown, chosen, lines, answers)
