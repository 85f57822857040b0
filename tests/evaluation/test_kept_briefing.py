"""The panel pack's briefing is counted at most once per `fresh_for` per service and day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from oocd_panel.evaluation.kept_briefing import BriefingCache
from oocd_panel.evaluation.suppression import few
from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.clock import local_today, utcnow
from tests.factories import Factory, child_details


class Clock:
    def __init__(self) -> None:
        self.moment = utcnow()

    def __call__(self) -> dt.datetime:
        return self.moment


def _decide(factory: Factory) -> int:
    referral = factory.referral_at(
        ReferralStatus.DECIDED, child=child_details(ethnicity="white_british")
    )
    return referral.service_id


def test_a_briefing_is_kept_until_it_is_stale_then_counted_again(
    factory: Factory, session: Session
) -> None:
    clock = Clock()
    cache = BriefingCache(fresh_for=dt.timedelta(minutes=10), now=clock)
    service_id = _decide(factory)
    first = cache.get(session, service_id, local_today(), 1)
    assert first.briefing.decided == 1
    assert first.worked_out_at == clock.moment

    factory.referral_at(ReferralStatus.DECIDED)
    clock.moment += dt.timedelta(minutes=9)
    assert cache.get(session, service_id, local_today(), 1) is first

    clock.moment += dt.timedelta(minutes=2)
    again = cache.get(session, service_id, local_today(), 1)
    assert again.briefing.decided == 2
    assert again.worked_out_at == clock.moment


def test_each_service_day_and_threshold_has_its_own_and_the_cache_is_bounded(
    factory: Factory, session: Session
) -> None:
    cache = BriefingCache(size=2)
    service_id = _decide(factory)
    today = local_today()
    a = cache.get(session, service_id, today, 1)
    b = cache.get(session, service_id, today, 5)
    assert a is not b
    assert b.briefing.decided == few(5)
    cache.get(session, service_id, today + dt.timedelta(days=1), 1)
    assert len(cache) == 2
    # The oldest went first: asking for it again counts it again.
    assert cache.get(session, service_id, today, 1) is not a
