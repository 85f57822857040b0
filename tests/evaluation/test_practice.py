"""Panel practice, timeliness and trends, counted in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from oocd_panel.evaluation import practice, reports
from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.clock import local_today
from tests.factories import Factory

S = ReferralStatus


def _filters(factory: Factory) -> reports.Filters:
    today = local_today()
    return reports.Filters((factory.service().id,), today - dt.timedelta(days=30), today)


def test_panel_practice_counts_agreement_escalations_and_recommendations(
    factory: Factory, session: Session
) -> None:
    factory.referral_at(S.DECIDED, disposal="youth_caution")  # agreed at the vote
    factory.referral_at(S.DECIDED, disposal="charge")  # the recommendation was a caution
    factory.referral_at(S.ESCALATED)  # police and YJS disagreed
    figures = {f.label: f for f in practice.panel_practice(session, _filters(factory), 1)}
    assert figures["Cases where both decision-makers voted"].value == 3
    assert figures["Police and YJS decision-makers voted the same way"].value == 2
    assert figures["Escalations opened"].value == 1
    assert figures["Resolved"].value == 0
    assert figures["Decisions different from the practitioner's recommendation"].value == 1
    assert figures["Decisions different from the practitioner's recommendation"].note == (
        "50% of 2"
    )
    # Under a threshold of 5 every one of these counts is too small to publish.
    small = practice.panel_practice(session, _filters(factory), 5)
    assert {f.value for f in small} <= {"fewer than 5", 0}


def test_timeliness_and_trends(factory: Factory, session: Session) -> None:
    for _ in range(2):
        factory.referral_at(S.OUTCOME_DELIVERED, disposal="community_resolution")
    figures = {f.label: f for f in practice.timeliness(session, _filters(factory), 1)}
    assert figures["Referral to the panel's decision"].value == "10.0 days"
    assert figures["Referral to the outcome being given"].value == "10.0 days"
    assert figures["Referral to assessment signed off"].note == "100% within target"
    assert figures["Referral to the panel's decision"].note == "100% within target"
    (month,) = practice.trends(session, _filters(factory), 1, quarterly=False)
    assert month.label == local_today().strftime("%Y-%m")
    assert (month.referred, month.decided, month.diverted) == (2, 2, 2)
    (quarter,) = practice.trends(session, _filters(factory), 1, quarterly=True)
    assert quarter.label.endswith(f"Q{(local_today().month - 1) // 3 + 1}")
