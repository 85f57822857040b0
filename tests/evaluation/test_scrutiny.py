"""The scrutiny panels' ratings report: counted from the rated cases of the samples, by outcome,
quarter of the decision and group, with every published figure suppressed."""

from __future__ import annotations

import datetime as dt

from oocd_panel.evaluation.scrutiny import Counted, count_ratings, publish, scrutiny_report
from oocd_panel.evaluation.suppression import WITHHELD, few, hidden
from oocd_panel.models import ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today
from oocd_panel.services import scrutiny
from tests.factories import Factory

START, END = dt.date(2026, 4, 1), dt.date(2027, 3, 31)
GROUPS = {
    "ethnicity_group": "white",
    "sex": "male",
    "age_band": "15-17",
    "care_experience": "none",
    "send": "none",
}


def _counted(
    rating: str, disposal: str, n: int, day: dt.date = dt.date(2026, 5, 1), **groups: str
) -> Counted:
    return Counted(rating, disposal, day, {**GROUPS, **groups}, n)


def _row(report, table: str, key: str):  # type: ignore[no-untyped-def]
    found = next(t for t in report.tables if t.key == table)
    return next(r for r in found.rows if r.key == key)


def test_ratings_by_outcome_quarter_and_group_are_counted_and_shared() -> None:
    report = publish(
        [
            _counted("appropriate", "youth_caution", 8),
            _counted("inappropriate", "youth_caution", 6, dt.date(2026, 8, 3)),
            _counted("appropriate", "community_resolution", 7, sex="female"),
            _counted("appropriate_with_observations", "community_resolution", 5, sex="female"),
        ],
        5,
        START,
        END,
    )
    assert report.overall.cells == {
        "appropriate": 15,
        "appropriate_with_observations": 5,
        "inappropriate": 6,
    }
    assert report.reviews == 26
    caution = _row(report, "disposal", "youth_caution")
    assert caution.published
    assert (caution.cells["appropriate"], caution.cells["inappropriate"], caution.total) == (
        8,
        6,
        14,
    )
    assert caution.share_appropriate == "57%"
    assert _row(report, "quarter", "2026-27-Q1").total == 20
    assert _row(report, "quarter", "2026-27-Q2").cells["inappropriate"] == 6
    assert _row(report, "quarter", "2026-27-Q4").total == 0  # every quarter of the period listed
    assert _row(report, "sex", "female").cells["appropriate_with_observations"] == 5
    # Every group of each characteristic is listed, with no reviews where there are none.
    ethnicity = next(t for t in report.tables if t.key == "ethnicity_group")
    assert [r.key for r in ethnicity.rows] == [
        "asian",
        "black",
        "mixed",
        "white",
        "other",
        "not_stated",
    ]
    assert _row(report, "ethnicity_group", "asian").total == 0


def test_a_row_with_a_small_count_is_withheld_with_another_so_neither_can_be_worked_out() -> None:
    report = publish(
        [
            _counted("appropriate", "youth_caution", 20),
            _counted("appropriate", "community_resolution", 9),
            _counted("inappropriate", "community_resolution", 2),
            _counted("appropriate", "outcome_22", 12),
            _counted("inappropriate", "outcome_22", 6),
        ],
        5,
        START,
        END,
    )
    resolution = _row(report, "disposal", "community_resolution")
    assert not resolution.published
    assert resolution.cells["inappropriate"] == few(5)
    assert resolution.cells["appropriate"] == WITHHELD
    assert resolution.share_appropriate is None
    # The next smallest row goes too, so the hidden counts are never one row's alone.
    assert not _row(report, "disposal", "outcome_22").published
    assert _row(report, "disposal", "youth_caution").published
    assert report.overall.cells == {
        "appropriate": 41,
        "appropriate_with_observations": 0,
        "inappropriate": 8,
    }


def test_a_column_whose_hidden_counts_would_add_up_to_a_small_number_hides_every_row() -> None:
    report = publish(
        [
            _counted("appropriate", "youth_caution", 20),
            _counted("appropriate", "community_resolution", 9),
            _counted("inappropriate", "community_resolution", 2),
        ],
        5,
        START,
        END,
    )
    assert not any(
        r.published for r in next(t for t in report.tables if t.key == "disposal").rows if r.total
    )
    assert report.overall.cells["inappropriate"] == few(5)
    assert not report.overall.published


def test_no_published_cell_is_a_small_number() -> None:
    report = publish(
        [
            _counted("appropriate", "youth_caution", 3, age_band="10-14"),
            _counted("inappropriate", "charge", 1, ethnicity_group="black"),
            _counted("appropriate", "youth_caution", 11),
            _counted("appropriate_with_observations", "outcome_22", 6, sex="female"),
        ],
        5,
        START,
        END,
    )
    cells = report.cells()
    assert {c.table for c in cells} == {"overall", "disposal", "quarter", *GROUPS}
    for cell in cells:
        assert not (isinstance(cell.value, int) and hidden(cell.value, 5)), cell


def test_the_report_counts_the_rated_cases_of_the_services_in_the_period(factory: Factory) -> None:
    today = local_today()
    for disposal in ("youth_caution", "youth_caution", "community_resolution"):
        factory.referral_at(ReferralStatus.DECIDED, disposal=disposal)
    manager = factory.cast(Role.MANAGER)
    drawn = [
        scrutiny.draw_sample(
            factory.session, manager, service_id=factory.service().id,
            start=today - dt.timedelta(days=7), end=today, size=3, seed="SAME0001",
        )
        for _ in range(2)
    ]  # fmt: skip
    for case in drawn[0].cases:
        scrutiny.record_rating(
            factory.session, manager, sample_id=drawn[0].id, number=case.number,
            rating="appropriate", comments="", meeting_on=today,
        )  # fmt: skip
    scrutiny.record_rating(
        factory.session, manager, sample_id=drawn[1].id, number=1, rating="inappropriate",
        comments="The child's views were not sought.", meeting_on=today,
    )  # fmt: skip
    counted = count_ratings(factory.session, [factory.service().id], today, today)
    assert sum(c.reviews for c in counted) == 4  # a case rated in both samples counts twice
    assert {c.rating for c in counted} == {"appropriate", "inappropriate"}
    assert count_ratings(factory.session, [factory.service("another").id], today, today) == []
    earlier = today - dt.timedelta(days=400)
    assert count_ratings(factory.session, [factory.service().id], earlier, earlier) == []
    report = scrutiny_report(factory.session, [factory.service().id], today, today, 5)
    assert report.reviews == few(5)  # four reviews: fewer than 5
