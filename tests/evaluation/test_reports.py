"""The reports, counted in the database from the decision points the workflow records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from oocd_panel.evaluation import reports
from oocd_panel.evaluation.decision_points import fill_in_referred_again
from oocd_panel.models import DecisionPoint, ReferralStatus
from oocd_panel.plumbing.clock import local_today
from tests.factories import Factory, child_details

S = ReferralStatus


def _filters(factory: Factory, end: dt.date | None = None) -> reports.Filters:
    today = local_today()
    return reports.Filters((factory.service().id,), today - dt.timedelta(days=60), end or today)


def _decided(factory: Factory, ethnicity: str, disposal: str) -> None:
    factory.referral_at(S.DECIDED, disposal=disposal, child=child_details(ethnicity=ethnicity))


def test_each_decision_keeps_the_characteristics_as_they_were(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(
        S.DECIDED, disposal="youth_caution", child=child_details(ethnicity="black_caribbean")
    )
    points = {
        p.point: p
        for p in session.scalars(
            select(DecisionPoint).where(DecisionPoint.referral_id == referral.id)
        )
    }
    assert set(points) == {"referred", "assessed", "decided"}
    decided = points["decided"]
    assert (decided.selected, decided.disposal, decided.departure) == (
        True,
        "youth_caution",
        "none",
    )
    assert decided.ethnicity_group == "black"
    assert decided.window_end == decided.occurred_on + dt.timedelta(days=365)
    referral.child.ethnicity = "white_british"  # a later correction
    session.commit()
    session.refresh(decided)
    assert decided.ethnicity_group == "black"  # history is not rewritten


def test_diversion_by_ethnic_group_raw_and_adjusted(factory: Factory, session: Session) -> None:
    for _ in range(3):
        _decided(factory, "white_british", "youth_caution")
    _decided(factory, "white_british", "charge")
    _decided(factory, "black_african", "youth_caution")
    _decided(factory, "black_african", "charge")
    found = reports.compare(
        session,
        _filters(factory),
        reports.CHARACTERISTICS["ethnicity_group"],
        "white",
        threshold=1,
    )
    diverted = next(c for c in found if c.measure.key == "diverted")
    rows = {r.value: r for r in diverted.rows}
    assert (rows["white"].selected, rows["white"].total) == (3, 4)
    assert (rows["black"].selected, rows["black"].total) == (1, 2)
    assert rows["white"].raw.value == 1.0  # the reference group is parity
    assert rows["black"].raw.value == (1 / 2) / (3 / 4)
    assert rows["black"].adjusted.measured


def test_small_groups_are_suppressed_and_not_measured(factory: Factory, session: Session) -> None:
    _decided(factory, "white_british", "youth_caution")
    _decided(factory, "asian_indian", "youth_caution")
    found = reports.compare(
        session, _filters(factory), reports.CHARACTERISTICS["ethnicity_group"], "white", 5
    )
    diverted = next(c for c in found if c.measure.key == "diverted")
    asian = next(r for r in diverted.rows if r.value == "asian")
    assert asian.total == "fewer than 5"
    assert asian.rate is None
    assert asian.raw.why_not == "too few cases to publish"


def test_funnel_disposal_mix_and_an_empty_period(factory: Factory, session: Session) -> None:
    _decided(factory, "white_british", "youth_caution")
    _decided(factory, "white_british", "charge")
    funnel = dict(reports.funnel(session, _filters(factory), threshold=1))
    assert funnel["Referred"] == 2
    assert funnel["Decided by the panel"] == 2
    assert funnel["Diverted from court"] == 1
    mix, total = reports.disposal_mix(session, _filters(factory), threshold=1)
    assert dict(mix)["Charge (youth court)"] == 1
    assert total == 2
    long_ago = reports.Filters((factory.service().id,), dt.date(2001, 1, 1), dt.date(2001, 12, 31))
    assert not reports.has_data(session, long_ago)
    assert reports.has_data(session, _filters(factory))


def test_reoffending_counts_a_new_referral_within_the_year(
    factory: Factory, session: Session
) -> None:
    first = factory.referral_at(S.DECIDED, disposal="community_resolution")
    # The decision was a month ago; the child is referred again ten days ago.
    decided = session.scalars(
        select(DecisionPoint).where(
            DecisionPoint.referral_id == first.id, DecisionPoint.point == "decided"
        )
    ).one()
    decided.occurred_on = local_today() - dt.timedelta(days=30)
    decided.window_end = decided.occurred_on + dt.timedelta(days=365)
    session.commit()
    factory.referral(
        child=child_details(
            first_name=first.child.first_name,
            last_name=first.child.last_name,
            date_of_birth=first.child.date_of_birth,
        )
    )
    end = local_today() + dt.timedelta(days=400)  # the year after the decision has passed
    found = reports.compare(
        session,
        _filters(factory, end),
        reports.CHARACTERISTICS["sex"],
        "male",
        threshold=1,
    )
    again = next(c for c in found if c.measure.key == "reoffended")
    male = next(r for r in again.rows if r.value == "male")
    assert (male.selected, male.total) == (1, 1)
    female = next(r for r in again.rows if r.value == "female")
    assert (female.total, female.raw.why_not) == (0, "no cases in this group")  # said, not hidden


def test_an_outcome_the_police_gave_alone_is_followed_for_reoffending(
    factory: Factory, session: Session
) -> None:
    notified = factory.referral_at(S.NOTIFIED)
    points = {
        p.point: p
        for p in session.scalars(
            select(DecisionPoint).where(DecisionPoint.referral_id == notified.id)
        )
    }
    assert set(points) == {"referred", "notified"}
    assert points["notified"].disposal == "community_resolution"
    funnel = dict(reports.funnel(session, _filters(factory), threshold=1))
    assert funnel["Outcome given by the police alone"] == 1
    assert funnel["Decided by the panel"] == 0


def test_detailed_ethnicity_is_suppressed_within_each_broad_group(
    factory: Factory, session: Session
) -> None:
    """The broad groups are published too, so a lone small category is never left to be worked
    out from its broad group's figures."""
    for ethnicity, n in (
        ("white_british", 6),
        ("white_irish", 5),
        ("black_caribbean", 6),
        ("black_african", 1),
    ):
        for _ in range(n):
            _decided(factory, ethnicity, "youth_caution")
    found = reports.compare(
        session, _filters(factory), reports.CHARACTERISTICS["ethnicity"], "white_british", 5
    )
    rows = {r.value: r for r in next(c for c in found if c.measure.key == "diverted").rows}
    assert rows["black_african"].total == "fewer than 5"
    assert rows["black_caribbean"].total == "not shown"  # else Black's 7 would give it away
    assert rows["white_british"].total == 6


def test_reoffending_counts_a_year_to_the_day_and_not_a_day_more(
    factory: Factory, session: Session
) -> None:
    today = local_today()
    for days_later, expected in ((365, 1), (366, 0)):
        first = factory.referral_at(S.DECIDED, disposal="community_resolution")
        decided = session.scalars(
            select(DecisionPoint).where(
                DecisionPoint.referral_id == first.id, DecisionPoint.point == "decided"
            )
        ).one()
        decided.occurred_on = today - dt.timedelta(days=days_later)
        decided.window_end = decided.occurred_on + dt.timedelta(days=365)
        session.commit()
        again = factory.referral(
            received_on=today,
            child=child_details(
                first_name=first.child.first_name,
                last_name=first.child.last_name,
                date_of_birth=first.child.date_of_birth,
            ),
        )
        assert again.child_id == first.child_id
        filters = reports.Filters(
            (factory.service().id,), decided.occurred_on, today + dt.timedelta(days=400)
        )
        found = reports.compare(session, filters, reports.CHARACTERISTICS["sex"], "male", 1)
        row = next(r for c in found if c.measure.key == "reoffended" for r in c.rows if r.total)
        assert row.selected == expected, days_later
        session.delete(decided)  # the next round starts clean
        session.commit()


def test_follow_up_facts_are_filled_in_when_they_happen(factory: Factory, session: Session) -> None:
    """A signed-off assessment marks the referral's referred row; the child's next referral
    dates the earlier decision (the earliest one counts, whatever order they are recorded in),
    and the assessed measure counts the marked rows."""
    first = factory.referral_at(S.DECIDED, disposal="community_resolution")

    def point(referral_id: int, name: str) -> DecisionPoint:
        return session.scalars(
            select(DecisionPoint).where(
                DecisionPoint.referral_id == referral_id, DecisionPoint.point == name
            )
        ).one()

    assert point(first.id, "referred").reached_assessment is True
    decided = point(first.id, "decided")
    assert decided.referred_again_on is None
    decided.occurred_on = local_today() - dt.timedelta(days=60)
    session.commit()
    same_child = child_details(
        first_name=first.child.first_name,
        last_name=first.child.last_name,
        date_of_birth=first.child.date_of_birth,
    )
    later = factory.referral(received_on=local_today() - dt.timedelta(days=5), child=same_child)
    session.refresh(decided)
    assert decided.referred_again_on == local_today() - dt.timedelta(days=5)
    assert point(later.id, "referred").reached_assessment is False
    factory.referral(received_on=local_today() - dt.timedelta(days=20), child=same_child)
    session.refresh(decided)
    assert decided.referred_again_on == local_today() - dt.timedelta(days=20)
    factory.referral(received_on=local_today() - dt.timedelta(days=1), child=same_child)
    session.refresh(decided)
    assert decided.referred_again_on == local_today() - dt.timedelta(days=20)

    (assessed,) = reports.compare(
        session,
        _filters(factory),
        reports.CHARACTERISTICS["sex"],
        "male",
        threshold=1,
        measures=(reports.MEASURES_BY_KEY["assessed"],),
    )
    male = next(r for r in assessed.rows if r.value == "male")
    assert (male.selected, male.total) == (1, 4)


def test_rows_loaded_in_bulk_get_the_same_reoffending_date_in_one_statement(
    factory: Factory, session: Session
) -> None:
    first = factory.referral_at(S.DECIDED, disposal="community_resolution")
    other = factory.referral_at(S.DECIDED, disposal="community_resolution")
    decided = session.scalars(
        select(DecisionPoint).where(
            DecisionPoint.referral_id == first.id, DecisionPoint.point == "decided"
        )
    ).one()
    decided.occurred_on = local_today() - dt.timedelta(days=60)
    session.commit()
    later = factory.referral(
        received_on=local_today() - dt.timedelta(days=5),
        child=child_details(
            first_name=first.child.first_name,
            last_name=first.child.last_name,
            date_of_birth=first.child.date_of_birth,
        ),
    )
    session.expire_all()
    written = {
        p.id: p.referred_again_on
        for p in session.scalars(select(DecisionPoint).order_by(DecisionPoint.id))
    }
    assert written[decided.id] == local_today() - dt.timedelta(days=5)
    session.execute(update(DecisionPoint).values(referred_again_on=None))
    fill_in_referred_again(session, later.id)
    session.commit()
    session.expire_all()
    filled = {
        p.id: p.referred_again_on
        for p in session.scalars(select(DecisionPoint).order_by(DecisionPoint.id))
    }
    assert filled == written
    assert other.id != later.id
