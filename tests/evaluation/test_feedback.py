"""Family feedback counted by outcome and by reader, in the period, suppressed row by row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from oocd_panel.catalogue.feedback import QUESTIONS
from oocd_panel.evaluation import feedback, reports
from oocd_panel.models import FeedbackTally
from tests.factories import Factory

MONTH = dt.date(2026, 9, 1)


def _tally(
    session: Session,
    service_id: int,
    disposal: str,
    audience: str,
    n: int,
    *,
    month: dt.date = MONTH,
) -> None:
    """n families' answers, all the first answer of each question."""
    for question in QUESTIONS:
        session.add(
            FeedbackTally(
                service_id=service_id, month=month, disposal=disposal, audience=audience,
                question=question.key, answer=question.values[0], count=n,
            )
        )  # fmt: skip
    session.flush()


def _filters(service_id: int, start: dt.date = MONTH, end: dt.date = MONTH) -> reports.Filters:
    return reports.Filters((service_id,), start, reports.month_end(end))


def test_answers_are_counted_by_outcome_and_by_reader(factory: Factory, session: Session) -> None:
    service = factory.service().id
    _tally(session, service, "outcome_22", "child", 7)
    _tally(session, service, "outcome_22", "parent", 6)
    _tally(session, service, "community_resolution", "child", 9)
    found = feedback.report(session, _filters(service), 5)
    assert found.answered == 22
    clear = found.tables[0]
    assert clear.question.key == "letter_clear"
    by_disposal = {r.key: (r.cells, r.total) for r in clear.by_disposal}
    assert by_disposal["outcome_22"] == ({"yes": 13, "partly": 0, "no": 0}, 13)
    assert by_disposal["community_resolution"] == ({"yes": 9, "partly": 0, "no": 0}, 9)
    assert by_disposal["charge"] == ({"yes": 0, "partly": 0, "no": 0}, 0)  # listed, none
    by_reader = {r.label: r.total for r in clear.by_audience}
    assert by_reader == {"The child": 16, "A parent or carer": 6}


def test_only_the_period_and_the_services_asked_for_are_counted(
    factory: Factory, session: Session
) -> None:
    service = factory.service().id
    other = factory.service("other-yjs").id
    _tally(session, service, "outcome_22", "child", 5)
    _tally(session, service, "outcome_22", "child", 50, month=dt.date(2026, 10, 1))
    _tally(session, other, "outcome_22", "child", 500)
    assert feedback.report(session, _filters(service), 5).answered == 5
    both = _filters(service, MONTH, dt.date(2026, 10, 1))
    assert feedback.report(session, both, 5).answered == 55
    assert feedback.summary(session, both, 5).answered == 55


def test_a_small_row_is_withheld_with_the_next_and_the_summary_suppresses_too(
    factory: Factory, session: Session
) -> None:
    service = factory.service().id
    _tally(session, service, "outcome_22", "child", 20)
    _tally(session, service, "youth_caution", "parent", 3)
    found = feedback.report(session, _filters(service), 5)
    rows = {r.key: (r.cells["yes"], r.total) for r in found.tables[0].by_disposal}
    # 3 is hidden; outcome 22's 20 is withheld too, or 23 - 20 would give the 3 away.
    assert rows["youth_caution"] == ("fewer than 5", "fewer than 5")
    assert rows["outcome_22"] == ("not shown", "not shown")
    # The readers' table: the parents' 3 are hidden and the children's 20 with them.
    readers = {r.key: r.total for r in found.tables[0].by_audience}
    assert readers == {"child": "not shown", "parent": "fewer than 5"}
    # The whole service's figure, as the briefing gives it: 23 is fine to publish.
    assert found.answered == 23
    summary = feedback.summary(session, _filters(service), 5)
    assert summary.answered == 23
    assert summary.lines[0].cells == {"yes": 23, "partly": 0, "no": 0}
    small_service = factory.service("small-yjs").id
    _tally(session, small_service, "outcome_22", "child", 2)
    small = feedback.summary(session, _filters(small_service), 5)
    assert small.answered == "fewer than 5"
    assert small.lines[0].cells["yes"] == "fewer than 5"
