"""What families answered about their letters (services/feedback.py), counted by outcome and by
who the letter was for, suppressed like every other published count.

Answers are kept only as counts by service, the month the letter was issued, outcome and
audience (the child, or a parent or carer): nothing about the child is kept with them, so they
cannot be broken down by the evaluation's groups (ethnicity, care experience and the rest).
A row of a table (an outcome, or an audience) is published whole, for all three questions, or
not at all, like the evaluation's comparisons (`suppression.publish_table`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.feedback import AUDIENCES, QUESTIONS, Question
from oocd_panel.evaluation.suppression import WITHHELD, Cell, few, hidden, publish_table, suppress
from oocd_panel.models import FeedbackTally

if TYPE_CHECKING:
    from oocd_panel.evaluation.reports import Filters

T = FeedbackTally


@dataclass
class Row:
    key: str
    label: str
    cells: dict[str, Cell]  # answer -> count as published
    total: Cell  # how many answered the question


@dataclass
class QuestionTable:
    question: Question
    by_disposal: list[Row]
    by_audience: list[Row]


@dataclass
class FeedbackReport:
    answered: Cell  # how many answered (every answer answers all three questions)
    tables: list[QuestionTable]


# (disposal, audience, question, answer) -> how many
Counts = dict[tuple[str, str, str, str], int]


def counts(session: Session, service_ids: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    """The counts of the services' letters issued from `start` to `end` (one GROUP BY)."""
    rows = session.execute(
        select(T.disposal, T.audience, T.question, T.answer, func.sum(T.count))
        .where(T.service_id.in_(list(service_ids)), T.month >= start, T.month <= end)
        .group_by(T.disposal, T.audience, T.question, T.answer)
    ).all()
    return {(d, a, q, ans): int(n or 0) for d, a, q, ans, n in rows}


def _disposal_label(code: str) -> str:
    found = disposals.find(code)
    return found.name if found is not None else code


def _rows_by(found: Counts, position: int, keys: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """(row key: "question:answer": count), every row of `keys` listed, empty or not."""
    table: dict[str, dict[str, int]] = {k: {} for k in keys}
    for key, n in found.items():
        row = table.setdefault(key[position], {})
        column = f"{key[2]}:{key[3]}"
        row[column] = row.get(column, 0) + n
    return table


def _published_rows(
    table: dict[str, dict[str, int]], labels: Mapping[str, str], threshold: int
) -> dict[str, list[Row]]:
    """For each question, its rows as published."""
    published = publish_table(table, threshold)
    by_question: dict[str, list[Row]] = defaultdict(list)
    for key, cells in table.items():
        for question in QUESTIONS:
            counted = {a: cells.get(f"{question.key}:{a}", 0) for a in question.values}
            total = sum(counted.values())
            shown: dict[str, Cell]
            total_shown: Cell
            if total == 0 or published[key]:
                shown, total_shown = dict(counted), total
            else:
                shown = {
                    a: few(threshold) if hidden(n, threshold) else WITHHELD
                    for a, n in counted.items()
                }
                total_shown = few(threshold) if hidden(total, threshold) else WITHHELD
            by_question[question.key].append(Row(key, labels.get(key, key), shown, total_shown))
    return by_question


def report(session: Session, filters: Filters, threshold: int) -> FeedbackReport:
    """Each question's answers by outcome and by audience, in the filters' services and
    period (by the month each letter was issued)."""
    found = counts(session, filters.service_ids, filters.start, filters.end)
    disposal_labels = {d.code: d.name for d in disposals.CATALOGUE}
    for code, *_ in found:
        disposal_labels.setdefault(code, _disposal_label(code))
    audience_labels = dict(AUDIENCES)
    by_disposal = _published_rows(_rows_by(found, 0, disposal_labels), disposal_labels, threshold)
    by_audience = _published_rows(_rows_by(found, 1, audience_labels), audience_labels, threshold)
    first = QUESTIONS[0].key
    answered = sum(n for (_, _, q, _), n in found.items() if q == first)
    return FeedbackReport(
        suppress({"answered": answered}, threshold)[1],
        [QuestionTable(q, by_disposal[q.key], by_audience[q.key]) for q in QUESTIONS],
    )


@dataclass
class SummaryLine:
    question: Question
    cells: dict[str, Cell]  # answer -> count as published


@dataclass
class Summary:
    """All the service's answers together, for the panel briefing."""

    answered: Cell
    lines: list[SummaryLine]


def summary(session: Session, filters: Filters, threshold: int) -> Summary:
    found = counts(session, filters.service_ids, filters.start, filters.end)
    lines = []
    answered: Cell = 0
    for question in QUESTIONS:
        cells = {
            a: sum(n for (_, _, q, ans), n in found.items() if q == question.key and ans == a)
            for a in question.values
        }
        shown, total = suppress(cells, threshold)
        if question is QUESTIONS[0]:
            answered = total
        lines.append(SummaryLine(question, shown))
    return Summary(answered, lines)
