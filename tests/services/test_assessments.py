"""Saving, submitting and reviewing the pre-panel assessment."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.models import (
    AssessmentSection,
    AssessmentStatus,
    Referral,
    ReferralStatus,
    ReviewOutcome,
    Role,
)
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput
from oocd_panel.rules.timeliness import assessment_due
from oocd_panel.rules.working_days import add_working_days
from oocd_panel.services import assessments
from tests.factories import Factory

S = ReferralStatus


def _save(
    factory: Factory,
    referral: Referral,
    key: str,
    answers: dict[str, object],
    complete: bool = True,
    version: int | None = None,
) -> assessments.SaveResult:
    return assessments.save_section(
        factory.session,
        factory.cast(Role.PRACTITIONER),
        referral_id=referral.id,
        key=key,
        answers=answers,
        mark_completed=complete,
        expected_version=version,
    )


def _good(referral: Referral) -> dict[str, dict[str, object]]:
    return answers_for(random.Random(referral.id), "youth_caution")


def test_a_section_that_cannot_be_completed_is_still_saved_as_a_draft(factory: Factory) -> None:
    referral = factory.referral_at(S.ASSESSING)
    answers = {
        **_good(referral)["safety"],
        "rating": "high",
        "rationale": "Worried.",
        "evidence": [],
    }
    result = _save(factory, referral, "safety", answers)
    assert {p.question for p in result.problems} == {"rationale", "evidence"}
    assert result.section.answers["rationale"] == "Worried."
    assert result.section.completed is False
    assert assessments.statuses(referral.assessment)["safety"] == "In progress"
    assert assessments.statuses(referral.assessment)["voices"] == "Not started"


def test_unknown_choices_and_oversized_text_are_refused_and_nothing_is_saved(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    bad_choice = {**_good(referral)["safety"], "rating": "catastrophic"}
    with pytest.raises(InvalidInput) as raised:
        _save(factory, referral, "safety", bad_choice)
    assert "from the list" in raised.value.errors["rating"]
    too_long = {**_good(referral)["behaviour"], "concerns": "x" * 10_001}
    with pytest.raises(InvalidInput) as raised:
        _save(factory, referral, "behaviour", too_long)
    assert raised.value.errors["concerns"] == "'Concerns' must be 10,000 characters or fewer"
    assert session.scalar(select(func.count()).select_from(AssessmentSection)) == 0


def test_a_stale_section_save_changes_nothing(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.ASSESSING)
    first = _save(factory, referral, "behaviour", _good(referral)["behaviour"])
    seen = first.section.version
    _save(
        factory,
        referral,
        "behaviour",
        {**_good(referral)["behaviour"], "concerns": "Second."},
        version=seen,
    )
    with pytest.raises(assessments.SectionChanged):
        _save(
            factory,
            referral,
            "behaviour",
            {**_good(referral)["behaviour"], "concerns": "Third."},
            version=seen,
        )
    session.expire_all()
    assert referral.assessment.section("behaviour").answers["concerns"] == "Second."  # type: ignore[union-attr]


def test_submission_is_refused_until_every_section_passes(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    _save(factory, referral, "behaviour", _good(referral)["behaviour"])
    with pytest.raises(assessments.QualityGateFailed) as raised:
        assessments.submit(
            session,
            factory.cast(Role.PRACTITIONER),
            referral_id=referral.id,
            expected_version=referral.version,
        )
    assert len(raised.value.problems) == 6
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.ASSESSING  # type: ignore[union-attr]


def test_a_version_is_kept_at_each_submission_with_the_managers_review(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    factory.complete_assessment(referral)
    practitioner, manager = factory.cast(Role.PRACTITIONER), factory.cast(Role.MANAGER)
    assessments.submit(
        session, practitioner, referral_id=referral.id, expected_version=referral.version
    )
    assert referral.assessment is not None
    assert referral.assessment.status is AssessmentStatus.SUBMITTED
    assert referral.assessment.recommended_disposal == "youth_caution"

    with pytest.raises(InvalidInput) as raised:
        assessments.review(
            session,
            manager,
            referral_id=referral.id,
            outcome=ReviewOutcome.RETURNED,
            comment=" ",
            expected_version=referral.version,
        )
    assert raised.value.errors == {"reason": "Enter directions: what needs to change"}
    assessments.review(
        session,
        manager,
        referral_id=referral.id,
        outcome=ReviewOutcome.RETURNED,
        comment="Analyse the older associates.",
        expected_version=referral.version,
    )
    assert referral.status is S.ASSESSING
    assert referral.assessment.status is AssessmentStatus.RETURNED
    first = referral.assessment.versions[0]
    assert (first.outcome, first.review_comment, first.reviewed_by_id) == (
        ReviewOutcome.RETURNED,
        "Analyse the older associates.",
        manager.id,
    )

    section = referral.assessment.section("exploitation")
    assert section is not None
    _save(
        factory,
        referral,
        "exploitation",
        {**section.answers, "controlling_associates": "no"},
        version=section.version,
    )
    assessments.submit(
        session, practitioner, referral_id=referral.id, expected_version=referral.version
    )
    versions = referral.assessment.versions
    assert [v.number for v in versions] == [1, 2]
    changes = assessments.changes_between(versions[0].content, versions[1].content)
    assert [(c.question, c.before, c.after) for c in changes] == [
        ("Relationships with older people who may control them", "Not known", "No")
    ]
    assessments.review(
        session,
        manager,
        referral_id=referral.id,
        outcome=ReviewOutcome.SIGNED_OFF,
        comment="Clear analysis now.",
        expected_version=referral.version,
    )
    assert referral.status is S.READY_FOR_PANEL
    assert referral.assessment.status is AssessmentStatus.SIGNED_OFF
    # Signed off: read-only.
    with pytest.raises(ActionNotAllowed, match="cannot be changed now"):
        _save(factory, referral, "voices", _good(referral)["voices"])


def test_a_stale_review_changes_nothing(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.AWAITING_SIGN_OFF)
    with pytest.raises(CaseChanged):
        assessments.review(
            session,
            factory.cast(Role.MANAGER),
            referral_id=referral.id,
            outcome=ReviewOutcome.SIGNED_OFF,
            comment="Fine.",
            expected_version=referral.version - 1,
        )
    session.expire_all()
    assert session.get(Referral, referral.id).assessment.status is AssessmentStatus.SUBMITTED  # type: ignore[union-attr]


def test_the_assessment_is_due_ten_working_days_after_the_referral(factory: Factory) -> None:
    received = dt.date(2026, 4, 1)
    referral = factory.referral(received_on=received, offence_date=received - dt.timedelta(days=2))
    assert referral.assessment_due_on == add_working_days(received, 10) == dt.date(2026, 4, 17)
    due = assessment_due(referral, dt.date(2026, 4, 20))
    assert due is not None
    assert due.days_overdue == 3
    factory.service().settings = {"assessment_due_working_days": 5}
    factory.session.commit()
    quicker = factory.referral(received_on=received, offence_date=received - dt.timedelta(days=2))
    assert quicker.assessment_due_on == dt.date(2026, 4, 10)


def test_the_due_date_stops_counting_once_the_assessment_is_sent(factory: Factory) -> None:
    referral = factory.referral_at(S.AWAITING_SIGN_OFF)
    assert assessment_due(referral, local_today() + dt.timedelta(days=60)) is None
    notification = factory.referral_at(S.NOTIFIED)
    assert notification.assessment_due_on is None
