"""Finding cases and recording the delivery of an outcome."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy.orm import Session

from oocd_panel.demo.seed import delivery_for
from oocd_panel.models import ClosureReason, DeliveryOutcome, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today, years_before
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput
from oocd_panel.services import police
from oocd_panel.services.interventions import add_note
from tests.factories import Factory, child_details

S = ReferralStatus


def test_find_by_police_reference_or_name_and_date_of_birth(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    officer = factory.cast(Role.POLICE_OFFICER)
    child = referral.child
    assert police.find_cases(
        session, officer, police_reference=f" {referral.police_reference.lower()} "
    ) == [referral]
    found = police.find_cases(
        session, officer, last_name=child.last_name.upper(), date_of_birth=child.date_of_birth
    )
    assert found == [referral]
    assert (
        police.find_cases(
            session,
            officer,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth - dt.timedelta(days=1),
        )
        == []
    )
    stranger = factory.user(Role.POLICE_OFFICER, services=[factory.service("elsewhere")])
    assert police.find_cases(session, stranger, police_reference=referral.police_reference) == []


def test_a_reference_is_found_as_officers_type_it(factory: Factory, session: Session) -> None:
    """In any letter case, without the year, and by the number alone (without the force's
    letters), with or without the year; never another service's case, and never a different
    number."""
    referral = factory.referral(police_reference="NB/12345/26")
    other = factory.referral(police_reference="NB/12399/26")
    officer = factory.cast(Role.POLICE_OFFICER)
    for typed in ("NB/12345/26", "nb/12345/26", "NB/12345", "nb/12345/", "12345/26", "12345"):
        assert police.find_cases(session, officer, police_reference=typed) == [referral], typed
    assert police.find_cases(session, officer, police_reference="NB/123") == [other, referral]
    assert police.find_cases(session, officer, police_reference="12345/25") == []
    assert police.find_cases(session, officer, police_reference="54321") == []
    assert police.find_cases(session, officer, police_reference="%") == []
    stranger = factory.user(Role.POLICE_OFFICER, services=[factory.service("elsewhere")])
    assert police.find_cases(session, stranger, police_reference="12345") == []


def test_a_caution_under_17_needs_an_appropriate_adult_advice_and_an_admission(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(
        S.DECIDED,
        disposal="youth_caution",
        child=child_details(date_of_birth=years_before(local_today(), 15)),
    )
    given = police.DeliveryInput(outcome="given", delivered_on=local_today())
    problems = police.delivery_problems(referral, given, local_today())
    assert set(problems) == {
        "appropriate_adult_present",
        "legal_advice_offered",
        "admission_confirmed",
    }
    assert "under 17" in problems["appropriate_adult_present"]


def test_a_conditional_caution_needs_signed_consent(factory: Factory) -> None:
    referral = factory.referral_at(S.DECIDED, disposal="youth_conditional_caution")
    given = dataclasses.replace(delivery_for(referral, local_today()), consent_signed=False)
    assert (
        "signed consent"
        in police.delivery_problems(referral, given, local_today())["consent_signed"]
    )


def test_outcome_23_deferred_prosecution_needs_signed_consent_too(factory: Factory) -> None:
    referral = factory.referral_at(S.DECIDED, disposal="outcome_23")
    given = dataclasses.replace(delivery_for(referral, local_today()), consent_signed=None)
    assert "signed consent" in police.delivery_problems(referral, given, local_today()).get(
        "consent_signed", ""
    )


def test_an_outcome_cannot_be_delivered_before_it_was_decided(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED, disposal="community_resolution")
    assert referral.decision is not None
    referral.received_on = local_today() - dt.timedelta(days=30)
    session.commit()
    given = delivery_for(referral, local_today() - dt.timedelta(days=1))
    problems = police.delivery_problems(referral, given, local_today())
    assert problems["delivered_on"].startswith("The date must be on or after the date of the")
    with pytest.raises(InvalidInput):
        police.record_delivery(
            session,
            factory.cast(Role.POLICE_OFFICER),
            referral_id=referral.id,
            given=given,
            expected_version=None,
        )
    assert referral.status is S.DECIDED


def test_saying_no_to_outcome_22_is_the_childs_choice_and_closes_the_case(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED, disposal="outcome_22")
    police.record_delivery(
        session,
        factory.cast(Role.POLICE_OFFICER),
        referral_id=referral.id,
        expected_version=None,
        given=police.DeliveryInput(
            "declined", local_today(), notes="Did not want to do the youth club sessions."
        ),
    )
    assert referral.status is S.CLOSED
    assert referral.closure_reason is ClosureReason.DECLINED
    assert referral.deliveries[-1].outcome is DeliveryOutcome.DECLINED


def test_a_child_declining_returns_the_case_to_the_police(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED, disposal="youth_conditional_caution")
    officer = factory.cast(Role.POLICE_OFFICER)
    with pytest.raises(InvalidInput) as raised:
        police.record_delivery(
            session,
            officer,
            referral_id=referral.id,
            expected_version=None,
            given=police.DeliveryInput("declined", local_today()),
        )
    assert raised.value.errors == {
        "notes": "Say what the child declined and why, as far as you know"
    }
    police.record_delivery(
        session,
        officer,
        referral_id=referral.id,
        expected_version=None,
        given=police.DeliveryInput(
            "declined", local_today(), notes="Would not sign the conditions."
        ),
    )
    assert referral.status is S.RETURNED_TO_POLICE
    assert referral.deliveries[-1].outcome is DeliveryOutcome.DECLINED
    factory.act(referral, "close_charged", Role.POLICE_OFFICER)
    assert referral.closure_reason is ClosureReason.CHARGED


def test_delivering_an_undecided_case_is_refused_and_changes_nothing(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.AT_PANEL)
    with pytest.raises(ActionNotAllowed, match="so you cannot"):
        police.record_delivery(
            session,
            factory.cast(Role.POLICE_OFFICER),
            referral_id=referral.id,
            given=police.DeliveryInput("given", local_today()),
            expected_version=None,
        )
    session.expire_all()
    assert referral.status is S.AT_PANEL
    assert referral.deliveries == []


def test_a_delivery_is_recorded_and_the_case_moves_on(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.OUTCOME_DELIVERED)
    delivery = referral.deliveries[-1]
    assert delivery.outcome is DeliveryOutcome.GIVEN
    assert delivery.appropriate_adult_present is True
    assert referral.delivered_on == local_today()


def test_intervention_notes(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.INTERVENTION)
    note = add_note(
        session,
        factory.cast(Role.PRACTITIONER),
        referral_id=referral.id,
        text="Attended the second session; talked about school.",
    )
    assert note.author_id == factory.cast(Role.PRACTITIONER).id
    with pytest.raises(InvalidInput):
        add_note(session, factory.cast(Role.PRACTITIONER), referral_id=referral.id, text=" ")
    with pytest.raises(ActionNotAllowed):
        add_note(session, factory.cast(Role.POLICE_OFFICER), referral_id=referral.id, text="x")
