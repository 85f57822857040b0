"""The quarterly return of the YJB's key performance indicators (KPIs) for one service: one line
per measure of catalogue/kpis.py, with its numerator and denominator, counted from the facts
kept when each intervention ended (`intervention_end`), by the day it ended.

Quarters are the financial year's: April to June is Q1, January to March Q4 (of the year that
began the April before). The return to the Youth Justice Board is a statutory return and is
unsuppressed (`kpi_return`); what pages show goes through `published`, which suppresses small
counts as every published count is (evaluation/suppression.py), within each measure's group and
down each "of those" chain, so that no hidden count can be worked out from the others.

Also counted: interventions that ended in the quarter with no facts recorded (they ended before
the product asked for them), which the return says it leaves out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import kpis
from oocd_panel.evaluation.suppression import WITHHELD, Cell, few, hidden, suppress
from oocd_panel.models import DecisionPoint, InterventionEnd

# The facts a line can count, as the intervention_end columns hold them.
FACT_COLUMNS = ("ending", *kpis.QUESTIONS, *kpis.FROM_THE_CHILD_RECORD)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a financial year: `year` is the calendar year the financial year begins
    in (2026 for April 2026 to March 2027), `number` 1 to 4."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def parse(cls, text: str | None) -> Quarter | None:
        """From its slug ("2026-27-Q1"), or None if it is not one."""
        parts = (text or "").strip().upper().split("-")
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) != 4:
            return None
        year, next_year, q = parts
        if next_year != f"{(int(year) + 1) % 100:02d}" or q not in {"Q1", "Q2", "Q3", "Q4"}:
            return None
        return cls(int(year), int(q[1]))

    @property
    def start(self) -> dt.date:
        month = 4 + 3 * (self.number - 1)
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.number}"

    @property
    def label(self) -> str:
        first, last = MONTHS[self.start.month - 1], MONTHS[self.end.month - 1]
        return f"Q{self.number} {self.year} to {self.year + 1} ({first} to {last} {self.end.year})"


def recent_quarters(today: dt.date, count: int = 8) -> list[Quarter]:
    """The quarter `today` is in and the ones before it, newest first."""
    found = [Quarter.containing(today)]
    while len(found) < count:
        found.append(found[-1].previous())
    return found


@dataclass(frozen=True)
class Line:
    """One measure of the return: `numerator` of `denominator` (numbers, or the words a page
    shows instead), with the note the return carries beside it."""

    measure: kpis.Measure
    numerator: Cell
    denominator: Cell

    @property
    def kpi(self) -> kpis.Kpi:
        return kpis.KPIS[self.measure.kpi]

    @property
    def note(self) -> str:
        return self.kpi.check_note if self.kpi.needs_checking else ""

    @property
    def percent(self) -> str:
        """The numerator as a share of the denominator, when both are shown and it is not 0."""
        n, d = self.numerator, self.denominator
        if isinstance(n, int) and isinstance(d, int) and d > 0:
            return f"{100 * n / d:.0f}%"
        return ""


@dataclass(frozen=True)
class KpiReturn:
    service_id: int
    quarter: Quarter
    lines: list[Line]
    # Interventions that ended in the quarter: all of them, and those without facts (not
    # counted in the lines).
    ended: Cell
    without_facts: Cell
    suppressed: bool = False

    def by_kpi(self) -> list[tuple[kpis.Kpi, list[Line]]]:
        grouped: dict[int, list[Line]] = {}
        for line in self.lines:
            grouped.setdefault(line.measure.kpi, []).append(line)
        return [(kpis.KPIS[k], lines) for k, lines in grouped.items()]


Facts = Mapping[str, Any]


def _value(facts: Facts, field: str) -> str | None:
    if field == kpis.VICTIM_IDENTIFIED:
        consent = facts.get("victim_consent")
        if consent is None:
            return None
        return kpis.NO if consent == kpis.NO_VICTIM else kpis.YES
    value = facts.get(field)
    return None if value is None else str(value)


def _in(facts: Facts, group: kpis.Group) -> bool:
    return all(_value(facts, field) == value for field, value in group)


class _Counts:
    """The quarter's facts, as (facts, how many rows have them)."""

    def __init__(self, combinations: Iterable[tuple[Facts, int]]) -> None:
        self.combinations = list(combinations)

    def count(self, group: kpis.Group, field: str | None = None, value: str | None = None) -> int:
        return sum(
            n
            for facts, n in self.combinations
            if _in(facts, group) and (field is None or _value(facts, field) == value)
        )

    def split(self, split: kpis.Split) -> dict[str, int]:
        return {c: self.count(split.within, split.field, c) for c in split.categories}


def _counts(session: Session, service_id: int, quarter: Quarter) -> _Counts:
    """One GROUP BY over the quarter's rows of the service (a range of its index)."""
    IE = InterventionEnd
    columns = [getattr(IE, name) for name in FACT_COLUMNS]
    rows = session.execute(
        select(*columns, func.count())
        .where(
            IE.service_id == service_id,
            IE.ended_on >= quarter.start,
            IE.ended_on <= quarter.end,
        )
        .group_by(*columns)
    )
    return _Counts(
        (
            {
                name: (v.value if hasattr(v, "value") else v)
                for name, v in zip(FACT_COLUMNS, row[:-1], strict=True)
            },
            int(row[-1]),
        )
        for row in rows
    )


def _without_facts(session: Session, service_id: int, quarter: Quarter) -> int:
    """Interventions that ended in the quarter (the evaluation's decision points) with no
    facts kept."""
    DP, IE = DecisionPoint, InterventionEnd
    return int(
        session.scalar(
            select(func.count())
            .select_from(DP)
            .outerjoin(IE, and_(IE.referral_id == DP.referral_id))
            .where(
                DP.service_id == service_id,
                DP.point == "intervention_ended",
                DP.occurred_on >= quarter.start,
                DP.occurred_on <= quarter.end,
                IE.id.is_(None),
            )
        )
        or 0
    )


def _assemble(service_id: int, quarter: Quarter, counts: _Counts, missing: int) -> KpiReturn:
    lines = [
        Line(m, counts.count(m.within, m.field, m.value), counts.count(m.within))
        for m in kpis.MEASURES
    ]
    return KpiReturn(service_id, quarter, lines, counts.count(kpis.EVERY) + missing, missing)


def kpi_return(session: Session, service_id: int, quarter: Quarter) -> KpiReturn:
    """The return as counted: every number, unsuppressed (the statutory return to the YJB)."""
    counts = _counts(session, service_id, quarter)
    return _assemble(service_id, quarter, counts, _without_facts(session, service_id, quarter))


# --- Suppression -------------------------------------------------------------------------------


def _parent(split: kpis.Split) -> tuple[kpis.Split, str] | None:
    """The split whose category is this split's group, and that category (None at the top)."""
    if not split.within:
        return None
    field, value = split.within[-1]
    above = next(s for s in kpis.SPLITS if s.field == field and s.within == split.within[:-1])
    return above, value


def _same_fact_above(split: kpis.Split) -> kpis.Split | None:
    """The same fact split over the group above (ETE of every child, for ETE of those with
    SEND): what is published there and here together gives away the difference."""
    if not split.within:
        return None
    return next(
        (s for s in kpis.SPLITS if s.field == split.field and s.within == split.within[:-1]),
        None,
    )


def _published_splits(counts: _Counts, threshold: int) -> dict[kpis.Split, dict[str, Cell]]:
    """Each split's cells as published, parents first (SPLITS is in that order)."""
    total = counts.count(kpis.EVERY)
    shown: dict[kpis.Split, dict[str, Cell]] = {}
    for split in kpis.SPLITS:
        cells = counts.split(split)
        parent = _parent(split)
        group: Cell = total if parent is None else shown[parent[0]][parent[1]]
        if group == WITHHELD:
            # The group's own count is withheld: its parts would add up to it.
            shown[split] = dict.fromkeys(cells, WITHHELD)
            continue
        also: set[str] = set()
        above = _same_fact_above(split)
        if above is not None:
            for category, count in cells.items():
                rest = counts.split(above)[category] - count
                if hidden(rest, threshold) or not isinstance(shown[above][category], int):
                    also.add(category)
        shown[split], _ = suppress(cells, threshold, also=also)
    return shown


def published(counted: KpiReturn, counts: _Counts, threshold: int) -> KpiReturn:
    """The return as a page may show it: small counts suppressed. The count of interventions
    ended without facts is shown on its own; the number ended in all is not (with the lines'
    denominators it would give that count away)."""
    shown = _published_splits(counts, threshold)
    total = counts.count(kpis.EVERY)
    lines = []
    for line in counted.lines:
        split = line.measure.split
        parent = _parent(split)
        if parent is None:
            denominator: Cell = few(threshold) if hidden(total, threshold) else total
        else:
            denominator = shown[parent[0]][parent[1]]
        numerator = shown[split][line.measure.value]
        lines.append(replace(line, numerator=numerator, denominator=denominator))
    missing = counted.without_facts
    assert isinstance(missing, int)
    return replace(
        counted,
        lines=lines,
        ended=WITHHELD,
        without_facts=few(threshold) if hidden(missing, threshold) else missing,
        suppressed=True,
    )


def published_return(
    session: Session, service_id: int, quarter: Quarter, threshold: int
) -> KpiReturn:
    """The quarter's return for a page: counted, then suppressed."""
    counts = _counts(session, service_id, quarter)
    missing = _without_facts(session, service_id, quarter)
    return published(_assemble(service_id, quarter, counts, missing), counts, threshold)
