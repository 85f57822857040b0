"""The scrutiny panels' ratings of decisions: by outcome, by quarter of the decision and by group
of children (ethnicity, sex, age band, care experience, SEND: the evaluation's groups), counted
from the rated cases of the samples (each with the child's characteristics at the decision).

A case rated in two samples counts twice: these are counts of reviews. `scrutiny_report` is
the one function that counts and publishes: every figure a page or file shows is in what it
returns (`ScrutinyReport.cells` lists them), suppressed as every published count is
(evaluation/suppression.py): a row of a table is published whole or not at all, and the rows
withheld are never one alone nor small together in any column, so none can be worked out from
the totals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.scrutiny import RATINGS
from oocd_panel.evaluation.kpi import Quarter
from oocd_panel.evaluation.reports import CHARACTERISTICS
from oocd_panel.evaluation.suppression import WITHHELD, Cell, few, hidden, publish_table, suppress
from oocd_panel.models import ScrutinyCase, ScrutinyRating

# The groups ratings are shown by (keys of the evaluation's characteristics).
GROUPS = ("ethnicity_group", "sex", "age_band", "care_experience", "send")
RATING_CODES = tuple(r.code for r in RATINGS)


@dataclass(frozen=True)
class Counted:
    """How many reviews gave `rating` to decisions of one outcome, day and group of children."""

    rating: str
    disposal: str
    decided_on: dt.date
    groups: dict[str, str]  # characteristic key -> value
    reviews: int


def count_ratings(
    session: Session, service_ids: Sequence[int], start: dt.date, end: dt.date
) -> list[Counted]:
    """The ratings of the services' sampled cases decided from `start` to `end`, grouped by
    rating, outcome, day of the decision and the child's characteristics then."""
    case = ScrutinyCase
    columns = [getattr(case, key) for key in GROUPS]
    rows = session.execute(
        select(ScrutinyRating.rating, case.disposal, case.decided_on, *columns, func.count())
        .join(case, case.id == ScrutinyRating.case_id)
        .where(case.service_id.in_(service_ids), case.decided_on >= start, case.decided_on <= end)
        .group_by(ScrutinyRating.rating, case.disposal, case.decided_on, *columns)
    )
    found = []
    for rating, disposal, decided_on, *values in rows:
        *groups, reviews = values
        found.append(
            Counted(
                rating,
                disposals.current_code(disposal),
                decided_on,
                dict(zip(GROUPS, groups, strict=True)),
                reviews,
            )
        )
    return found


@dataclass(frozen=True)
class Row:
    """One row of a table: the reviews of each rating, and all of them, as published."""

    key: str
    label: str
    cells: dict[str, Cell]
    total: Cell
    published: bool
    # The share of the row's reviews that found the decision appropriate (with or without
    # observations), only for a row published whole.
    share_appropriate: str | None = None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    first_header: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class PublishedCell:
    """A figure as a page or file shows it: its table, row, column (a rating, or "all")."""

    table: str
    row: str
    column: str
    value: Cell


@dataclass(frozen=True)
class ScrutinyReport:
    threshold: int
    start: dt.date
    end: dt.date
    overall: Row
    tables: tuple[Table, ...]

    @property
    def reviews(self) -> Cell:
        return self.overall.total

    def cells(self) -> list[PublishedCell]:
        """Every figure the report publishes."""
        found = [
            PublishedCell("overall", self.overall.key, column, value)
            for column, value in (*self.overall.cells.items(), ("all", self.overall.total))
        ]
        for table in self.tables:
            for row in table.rows:
                for column, value in (*row.cells.items(), ("all", row.total)):
                    found.append(PublishedCell(table.key, row.key, column, value))
        return found


def _share(cells: dict[str, int]) -> str | None:
    total = sum(cells.values())
    if not total:
        return None
    appropriate = cells["appropriate"] + cells["appropriate_with_observations"]
    return f"{100 * appropriate / total:.0f}%"


def _table(
    key: str,
    title: str,
    first_header: str,
    groups: Sequence[tuple[str, str]],
    counts: dict[str, dict[str, int]],
    threshold: int,
) -> Table:
    """A table of rows (group, label) by rating, published whole rows at a time."""
    full = {g: {r: counts.get(g, {}).get(r, 0) for r in RATING_CODES} for g, _ in groups}
    published = publish_table(full, threshold)
    rows = []
    for group, label in groups:
        cells = full[group]
        total = sum(cells.values())
        if published[group] or total == 0:
            rows.append(Row(group, label, dict(cells), total, True, _share(cells)))
            continue
        shown: dict[str, Cell] = {
            r: few(threshold) if hidden(v, threshold) else (0 if v == 0 else WITHHELD)
            for r, v in cells.items()
        }
        rows.append(
            Row(
                group, label, shown, few(threshold) if hidden(total, threshold) else WITHHELD, False
            )
        )
    return Table(key, title, first_header, tuple(rows))


def _quarters(start: dt.date, end: dt.date) -> list[Quarter]:
    found = [Quarter.containing(start)]
    while found[-1].end < end:
        found.append(found[-1].next())
    return found


def publish(
    counted: Iterable[Counted], threshold: int, start: dt.date, end: dt.date
) -> ScrutinyReport:
    """The report as published, from the counts (a pure function of them)."""
    counted = list(counted)
    overall: dict[str, int] = {r: 0 for r in RATING_CODES}
    by: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for c in counted:
        overall[c.rating] = overall.get(c.rating, 0) + c.reviews
        by["disposal"][c.disposal][c.rating] += c.reviews
        by["quarter"][Quarter.containing(c.decided_on).slug][c.rating] += c.reviews
        for key, value in c.groups.items():
            by[key][value][c.rating] += c.reviews
    cells, total = suppress(overall, threshold)
    whole = not any(isinstance(v, str) for v in (*cells.values(), total))
    overall_row = Row("all", "All reviews", cells, total, whole, _share(overall) if whole else None)
    used = set(by["disposal"])
    outcome_rows = [(d.code, d.name) for d in disposals.CATALOGUE if d.code in used]
    outcome_rows += [(code, code) for code in sorted(used - {d.code for d in disposals.CATALOGUE})]
    tables = [
        _table("disposal", "By outcome", "Outcome", outcome_rows, by["disposal"], threshold),
        _table(
            "quarter",
            "By quarter of the decision",
            "Quarter",
            [(q.slug, q.label) for q in _quarters(start, end)],
            by["quarter"],
            threshold,
        ),
    ]
    for key in GROUPS:
        characteristic = CHARACTERISTICS[key]
        groups = list(characteristic.values.items())
        groups += [(v, v) for v in sorted(set(by[key]) - set(characteristic.values))]
        tables.append(
            _table(
                key,
                f"By {characteristic.label[:1].lower()}{characteristic.label[1:]}",
                characteristic.label,
                groups,
                by[key],
                threshold,
            )
        )
    return ScrutinyReport(threshold, start, end, overall_row, tuple(tables))


def scrutiny_report(
    session: Session, service_ids: Sequence[int], start: dt.date, end: dt.date, threshold: int
) -> ScrutinyReport:
    """The ratings of the services' decisions from `start` to `end`, counted and published."""
    return publish(count_ratings(session, service_ids, start, end), threshold, start, end)
