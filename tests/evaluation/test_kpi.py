"""The quarterly KPI return: counted exactly (checked against a count of the raw rows written
out by hand here, measure by measure), for one service and one quarter of the financial year,
unsuppressed for the YJB and suppressed for pages."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import kpis
from oocd_panel.evaluation import kpi
from oocd_panel.evaluation.suppression import WITHHELD
from oocd_panel.models import (
    InterventionEnd,
    InterventionEnding,
    ReferralStatus,
    Role,
    VictimContact,
    YesNoUnknown,
)
from oocd_panel.plumbing.clock import local_today
from oocd_panel.rules.intervention_end import kept
from tests.factories import Factory

S = ReferralStatus
Q1 = kpi.Quarter(2025, 1)  # April to June 2025
Y, NK = YesNoUnknown.YES, YesNoUnknown.NOT_KNOWN


def test_quarters_are_the_financial_years() -> None:
    assert kpi.Quarter.containing(dt.date(2026, 4, 1)) == kpi.Quarter(2026, 1)
    assert kpi.Quarter.containing(dt.date(2026, 3, 31)) == kpi.Quarter(2025, 4)
    assert kpi.Quarter.containing(dt.date(2026, 12, 31)) == kpi.Quarter(2026, 3)
    q4 = kpi.Quarter(2025, 4)
    assert (q4.start, q4.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (Q1.start, Q1.end) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert q4.next() == kpi.Quarter(2026, 1)
    assert kpi.Quarter(2026, 1).previous() == q4
    assert Q1.label == "Q1 2025 to 2026 (April to June 2025)"
    assert q4.label == "Q4 2025 to 2026 (January to March 2026)"
    assert kpi.Quarter.parse(q4.slug) == q4 == kpi.Quarter.parse("2025-26-q4")
    for wrong in ("2025-27-Q1", "2025-26-Q5", "25-26-Q1", "", None, "2025-26"):
        assert kpi.Quarter.parse(wrong) is None
    assert kpi.recent_quarters(dt.date(2026, 5, 1), 3) == [
        kpi.Quarter(2026, 1),
        kpi.Quarter(2025, 4),
        kpi.Quarter(2025, 3),
    ]


def _random_answers(rng: random.Random) -> dict[str, str | None]:
    answers: dict[str, str | None] = {}
    for key, question in kpis.QUESTIONS.items():
        values = [v for v, _ in question.choices]
        answers[key] = rng.choice([*values, "yes"])  # a little more yes, to reach follow-ups
    return kept(answers)


@pytest.fixture
def cohort(factory: Factory) -> list[InterventionEnd]:
    """60 ended interventions in Q1 2025 with random facts, and others that must not count:
    the days either side of the quarter, and another service's on a day inside it."""
    rng = random.Random(18)
    days = [Q1.start, Q1.end, Q1.start + dt.timedelta(days=40)]
    rows = [factory.ended_intervention(rng.choice(days), _random_answers(rng)) for _ in range(60)]
    for day in (Q1.start - dt.timedelta(days=1), Q1.end + dt.timedelta(days=1)):
        factory.ended_intervention(day, _random_answers(rng))
    other = factory.service("kpi-other-service")
    factory.ended_intervention(Q1.start, _random_answers(rng), service=other)
    return rows


Row = InterventionEnd


def _independent(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """Each measure's (numerator, denominator), counted here from the raw rows one by one."""

    def n(test: Callable[[Row], bool], among: Callable[[Row], bool] = lambda r: True) -> int:
        return sum(1 for r in rows if among(r) and test(r))

    def pair(test: Callable[[Row], bool], among: Callable[[Row], bool] = lambda r: True):  # type: ignore[no-untyped-def]
        return n(test, among), n(lambda r: True, among)

    send = lambda r: r.send_need is Y  # noqa: E731
    mh = lambda r: r.mental_health_need is Y  # noqa: E731
    mh_offered = lambda r: mh(r) and r.mental_health_offered is Y  # noqa: E731
    sm = lambda r: r.substance_need is Y  # noqa: E731
    sm_offered = lambda r: sm(r) and r.substance_offered is Y  # noqa: E731
    victim = lambda r: r.victim_consent is not VictimContact.NO_VICTIM  # noqa: E731
    agreed = lambda r: r.victim_consent is VictimContact.YES  # noqa: E731
    return {
        "1a": pair(lambda r: r.accommodation_suitable is Y),
        "1b": pair(lambda r: r.accommodation_suitable is NK),
        "2a": pair(lambda r: r.ete_suitable is Y),
        "2b": pair(lambda r: r.ete_suitable is NK),
        "3a": pair(send),
        "3b": pair(lambda r: r.send_need is NK),
        "3c": pair(lambda r: r.ete_suitable is Y, send),
        "3d": pair(lambda r: r.send_learning_plan is Y, send),
        "4a": pair(mh),
        "4b": pair(lambda r: r.mental_health_need is NK),
        "4c": pair(lambda r: r.mental_health_offered is Y, mh),
        "4d": pair(lambda r: r.mental_health_attending is Y, mh_offered),
        "5a": pair(sm),
        "5b": pair(lambda r: r.substance_need is NK),
        "5c": pair(lambda r: r.substance_offered is Y, sm),
        "5d": pair(lambda r: r.substance_attending is Y, sm_offered),
        "6a": pair(lambda r: r.ending is InterventionEnding.COMPLETED),
        "6b": pair(lambda r: r.ending is InterventionEnding.NOT_COMPLETED),
        "6c": pair(lambda r: r.ending is InterventionEnding.STOPPED),
        "8a": pair(lambda r: r.ehcp is Y),
        "8b": pair(lambda r: r.child_protection_plan is Y),
        "8c": pair(lambda r: r.looked_after is Y),
        "8d": pair(lambda r: r.child_in_need is Y),
        "10a": pair(victim),
        "10b": pair(agreed, victim),
        "10c": pair(lambda r: r.victim_views_sought is Y, agreed),
        "10d": pair(lambda r: r.victim_rj_offered is Y, agreed),
        "10e": pair(lambda r: r.victim_kept_informed is Y, agreed),
        "10f": pair(lambda r: r.victim_support_info is Y, agreed),
    }


def _raw_rows(session: Session, service_id: int, quarter: kpi.Quarter) -> list[Row]:
    every = session.scalars(select(InterventionEnd)).all()
    return [
        r
        for r in every
        if r.service_id == service_id and quarter.start <= r.ended_on <= quarter.end
    ]


def test_the_return_is_the_count_of_the_raw_rows(
    factory: Factory, session: Session, cohort: list[Row]
) -> None:
    service_id = factory.service().id
    raw = _raw_rows(session, service_id, Q1)
    assert sorted(r.id for r in raw) == sorted(r.id for r in cohort)  # the fixture's own 60
    expected = _independent(raw)
    counted = kpi.kpi_return(session, service_id, Q1)
    got = {line.measure.number: (line.numerator, line.denominator) for line in counted.lines}
    assert got == expected
    assert set(expected) == {m.number for m in kpis.MEASURES}  # every measure checked
    assert counted.without_facts == 0
    assert counted.ended == 60
    # The cohort reaches every "of those" measure with something to count.
    assert all(d > 0 for _, d in expected.values())


def test_interventions_ended_without_facts_are_counted_apart(
    factory: Factory, session: Session
) -> None:
    """An intervention that ended before the facts were asked for (no row) is not in the
    lines, and the return says how many there were."""
    with_facts = factory.referral_at(S.INTERVENTION)
    factory.act(with_facts, "complete_intervention", Role.PRACTITIONER)
    legacy = factory.referral_at(S.INTERVENTION)
    factory.act(legacy, "complete_intervention", Role.PRACTITIONER)
    session.execute(delete(InterventionEnd).where(InterventionEnd.referral_id == legacy.id))
    session.commit()
    counted = kpi.kpi_return(session, factory.service().id, kpi.Quarter.containing(local_today()))
    assert counted.without_facts == 1
    assert counted.ended == 2
    assert next(line for line in counted.lines if line.measure.number == "6a").numerator == 1


def test_pages_publish_no_small_count(
    factory: Factory, session: Session, cohort: list[Row]
) -> None:
    service_id = factory.service().id
    counted = kpi.kpi_return(session, service_id, Q1)
    assert any(0 < line.numerator < 10 for line in counted.lines)  # type: ignore[operator]
    for threshold in (3, 5, 10):
        shown = kpi.published_return(session, service_id, Q1, threshold)
        assert shown.suppressed
        for line, raw in zip(shown.lines, counted.lines, strict=True):
            for cell, value in (
                (line.numerator, raw.numerator),
                (line.denominator, raw.denominator),
            ):
                if isinstance(cell, int):
                    assert cell == value
                    assert cell == 0 or cell >= threshold, (line.measure.number, threshold)
        assert shown.ended == WITHHELD


def _rows(factory: Factory, answers: list[dict[str, str]]) -> None:
    base = {key: "no" for key in kpis.QUESTIONS}
    for a in answers:
        factory.ended_intervention(Q1.start, kept({**base, **a}))


def _line(found: kpi.KpiReturn, number: str) -> kpi.Line:
    return next(line for line in found.lines if line.measure.number == number)


def test_a_small_group_hides_every_measure_of_those_in_it(
    factory: Factory, session: Session
) -> None:
    """3 of 20 with a mental health need: the need, and everything counted of those 3."""
    need = {"mental_health_need": "yes", "mental_health_offered": "yes"}
    _rows(factory, [need] * 3 + [{}] * 17)
    shown = kpi.published_return(session, factory.service().id, Q1, 5)
    assert _line(shown, "4a").numerator == "fewer than 5"
    assert _line(shown, "4c").denominator == "fewer than 5"
    assert _line(shown, "4c").numerator == "fewer than 5"
    assert _line(shown, "4d").denominator == "fewer than 5"
    assert _line(shown, "1a").denominator == 20
    counted = kpi.kpi_return(session, factory.service().id, Q1)
    assert (_line(counted, "4c").numerator, _line(counted, "4c").denominator) == (3, 3)


def test_a_withheld_group_withholds_what_is_counted_within_it(
    factory: Factory, session: Session
) -> None:
    """17 of 20 agreed to be contacted and 3 did not: the 3 are too few, so the 17 is not
    shown either (it would give the 3 away), nor anything counted of the 17."""
    agreed = {"victim_consent": "yes", "victim_views_sought": "yes"}
    _rows(factory, [agreed] * 17 + [{"victim_consent": "no"}] * 3)
    shown = kpi.published_return(session, factory.service().id, Q1, 5)
    assert _line(shown, "10a").numerator == 20
    assert _line(shown, "10b").numerator == WITHHELD
    for number in ("10c", "10d", "10e", "10f"):
        assert _line(shown, number).denominator == WITHHELD
        assert _line(shown, number).numerator == WITHHELD


def test_a_part_is_hidden_when_the_rest_of_the_whole_is_small(
    factory: Factory, session: Session
) -> None:
    """ETE of every child and ETE of those with SEND are both published: 10 attending, 8 of
    them with SEND, would show that 2 without SEND attend."""
    send_ete = {"send_need": "yes", "ete_suitable": "yes", "send_learning_plan": "yes"}
    _rows(
        factory,
        [send_ete] * 8
        + [{"send_need": "yes", "send_learning_plan": "yes"}] * 6
        + [{"ete_suitable": "yes"}] * 2
        + [{}] * 6,
    )
    shown = kpi.published_return(session, factory.service().id, Q1, 5)
    assert _line(shown, "2a").numerator == 10
    assert _line(shown, "3a").numerator == 14
    assert _line(shown, "3c").numerator == WITHHELD
    assert _line(shown, "3d").numerator == 14


def test_every_check_kpi_says_so_on_every_line() -> None:
    checked = {k.number for k in kpis.KPIS.values() if k.needs_checking}
    assert checked == {6, 8, 10}
    found = kpi.KpiReturn(1, Q1, [kpi.Line(m, 0, 0) for m in kpis.MEASURES], 0, 0)
    for line in found.lines:
        assert bool(line.note) is (line.measure.kpi in checked)
        if line.note:
            assert line.note.startswith("Definition to check against the YJB's KPI guidance")
