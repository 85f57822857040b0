"""Correcting a child's details, a parent's or carer's, and a referral's facts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import (
    AuditEntry,
    DecisionPoint,
    ReferralEvent,
    ReferralStatus,
    Role,
    SendStatus,
)
from oocd_panel.plumbing.clock import local_today, utcnow, years_before
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput
from oocd_panel.rules.corrections import NOTHING_CHANGED
from oocd_panel.rules.referral_rules import ContactDetails, OffenceDetails
from oocd_panel.services import corrections
from oocd_panel.services.corrections import ContactLanguage, Why
from tests.factories import Factory

S = ReferralStatus
TYPO = Why("typo")


def test_a_misspelt_name_and_a_wrong_date_of_birth_are_corrected_with_their_history(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED)
    child = referral.child
    points_before = [
        (p.age, p.age_band)
        for p in session.scalars(select(DecisionPoint).where(DecisionPoint.child_id == child.id))
    ]
    assert points_before  # referred, assessed, decided ...
    snapshots_before = [e.snapshot for e in referral.events]
    assert any(snapshots_before)
    old_name, old_born = child.first_name, child.date_of_birth
    worker = factory.cast(Role.PRACTITIONER)
    details = corrections.child_details_of(child)
    born = years_before(local_today(), 16) - dt.timedelta(days=3)
    corrected = dataclasses.replace(details, first_name="Testchilde", date_of_birth=born)

    rows = corrections.correct_child(
        session,
        worker,
        child_id=child.id,
        details=corrected,
        why=Why("recorded_wrongly", "The birth certificate says so."),
        expected_version=child.version,
    )

    assert child.first_name == "Testchilde"
    assert child.date_of_birth == born
    assert {(r.field, r.old_value, r.new_value) for r in rows} == {
        ("first_name", old_name, "Testchilde"),
        ("date_of_birth", f"{old_born.day} {old_born:%B %Y}", f"{born.day} {born:%B %Y}"),
    }
    assert all(r.note == "The birth certificate says so." for r in rows)
    # The history shows on the case, newest first; the audit row names fields, never values.
    assert {r.field for r in corrections.history(session, worker, referral)} == {
        "first_name",
        "date_of_birth",
    }
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "correct").order_by(AuditEntry.id.desc())
    ).first()
    assert audit is not None
    assert audit.details == {
        "fields": ["child.first_name", "child.date_of_birth"],
        "reason": "recorded_wrongly",
    }
    assert "Testchilde" not in str(audit.details)
    # The evaluation's snapshots taken before are never rewritten.
    session.expire_all()
    assert [
        (p.age, p.age_band)
        for p in session.scalars(select(DecisionPoint).where(DecisionPoint.child_id == child.id))
    ] == points_before
    assert [
        e.snapshot
        for e in session.scalars(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral.id)
            .order_by(ReferralEvent.id)
        )
    ] == snapshots_before


def test_who_may_correct_what(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    child = referral.child
    officer = factory.cast(Role.POLICE_OFFICER)
    with pytest.raises(ActionNotAllowed, match="Only YJS practitioners and managers"):
        corrections.correct_child(
            session,
            officer,
            child_id=child.id,
            details=dataclasses.replace(corrections.child_details_of(child), first_name="X"),
            why=TYPO,
            expected_version=None,
        )
    facts = corrections.facts_of(referral)
    with pytest.raises(ActionNotAllowed, match="police correct a referral's facts"):
        corrections.correct_referral(
            session,
            factory.cast(Role.PRACTITIONER),
            referral_id=referral.id,
            facts=dataclasses.replace(facts, police_reference="NB/1/26"),
            why=TYPO,
            expected_version=None,
        )
    # The police correct the facts before the decision ...
    corrections.correct_referral(
        session,
        officer,
        referral_id=referral.id,
        facts=dataclasses.replace(facts, police_reference="nb/4242/26"),
        why=TYPO,
        expected_version=referral.version,
    )
    assert referral.police_reference == "NB/4242/26"
    # ... and after it only a YJS manager does.
    decided = factory.referral_at(S.DECIDED)
    decided_facts = corrections.facts_of(decided)
    with pytest.raises(ActionNotAllowed, match="only a YJS manager"):
        corrections.correct_referral(
            session,
            officer,
            referral_id=decided.id,
            facts=dataclasses.replace(decided_facts, police_reference="NB/5/26"),
            why=TYPO,
            expected_version=None,
        )
    corrections.correct_referral(
        session,
        factory.cast(Role.MANAGER),
        referral_id=decided.id,
        facts=dataclasses.replace(decided_facts, police_reference="NB/5/26"),
        why=TYPO,
        expected_version=decided.version,
    )
    assert decided.police_reference == "NB/5/26"


def test_offences_and_gravity_are_corrected_and_the_case_gravity_follows(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    assert referral.gravity_score == 3
    officer = factory.cast(Role.POLICE_OFFICER)
    facts = corrections.facts_of(referral)
    rows = corrections.correct_referral(
        session,
        officer,
        referral_id=referral.id,
        facts=dataclasses.replace(
            facts,
            offences=[
                OffenceDetails("theft_and_handling", "Took sweets from a shop.", 2),
                OffenceDetails("criminal_damage", "Broke a window on the way out.", 4),
            ],
        ),
        why=Why("recorded_wrongly"),
        expected_version=referral.version,
    )
    assert [(o.offence_type, o.gravity_score) for o in referral.offences] == [
        ("theft_and_handling", 2),
        ("criminal_damage", 4),
    ]
    assert referral.gravity_score == 4
    assert {(r.record_type, r.field, r.old_value, r.new_value) for r in rows} >= {
        ("offence", "gravity_score", "3", "2"),
        ("referral", "gravity_score", "3", "4"),
    }
    assert any(r.field == "added" and "Broke a window" in (r.new_value or "") for r in rows)
    # Taking the wrongly recorded offence off again.
    rows = corrections.correct_referral(
        session,
        officer,
        referral_id=referral.id,
        facts=dataclasses.replace(
            facts, offences=[OffenceDetails("theft_and_handling", "Took sweets from a shop.", 2)]
        ),
        why=Why("recorded_wrongly"),
        expected_version=referral.version,
    )
    assert len(referral.offences) == 1
    assert referral.gravity_score == 2
    assert any(r.field == "removed" for r in rows)


def test_bad_corrections_are_refused_and_save_nothing(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    child = referral.child
    worker = factory.cast(Role.PRACTITIONER)
    details = corrections.child_details_of(child)
    with pytest.raises(InvalidInput) as raised:
        corrections.correct_child(
            session,
            worker,
            child_id=child.id,
            details=dataclasses.replace(details, last_name=" ", postcode=""),
            why=Why(None),
            expected_version=child.version,
        )
    assert raised.value.errors == {
        "last_name": "Enter the child's last name",
        "postcode": "Enter the postcode",
        "reason": "Select why you are correcting this",
    }
    with pytest.raises(InvalidInput) as raised:
        corrections.correct_child(
            session, worker, child_id=child.id, details=details, why=TYPO, expected_version=None
        )
    assert raised.value.errors == {"": NOTHING_CHANGED}
    # A date of birth that makes the child 9 at an open case's offence is refused.
    too_young = years_before(referral.offence_date, 9)
    with pytest.raises(InvalidInput) as raised:
        corrections.correct_child(
            session,
            worker,
            child_id=child.id,
            details=dataclasses.replace(details, date_of_birth=too_young),
            why=TYPO,
            expected_version=None,
        )
    assert "below the age of criminal responsibility" in raised.value.errors["date_of_birth"]
    assert referral.police_reference in raised.value.errors["date_of_birth"]
    # Someone else corrected the child meanwhile: refused, nothing saved.
    seen = child.version
    corrections.correct_child(
        session,
        worker,
        child_id=child.id,
        details=dataclasses.replace(details, town="Eastmere"),
        why=TYPO,
        expected_version=seen,
    )
    with pytest.raises(CaseChanged):
        corrections.correct_child(
            session,
            factory.cast(Role.MANAGER),
            child_id=child.id,
            details=dataclasses.replace(details, town="Westmere"),
            why=TYPO,
            expected_version=seen,
        )
    session.expire_all()
    assert child.town == "Eastmere"
    assert len(corrections.history(session, worker, referral)) == 1


def test_parents_and_carers_are_corrected_or_added(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    child = referral.child
    contact = child.contacts[0]
    worker = factory.cast(Role.PRACTITIONER)
    rows = corrections.correct_contact(
        session,
        worker,
        child_id=child.id,
        contact_id=contact.id,
        details=ContactDetails("Pat Parent", "mother", phone="07700 900123"),
        language=ContactLanguage("Polish", needs_interpreter=True),
        why=Why("changed_since"),
        expected_version=child.version,
    )
    assert contact.phone == "07700 900123"
    assert contact.first_language == "Polish"
    assert {r.field for r in rows} == {"phone", "first_language", "needs_interpreter"}
    corrections.correct_contact(
        session,
        worker,
        child_id=child.id,
        contact_id=None,
        details=ContactDetails("Sam Parent", "father"),
        language=ContactLanguage(),
        why=Why("recorded_wrongly", "Left off the referral."),
        expected_version=child.version,
    )
    assert [c.full_name for c in child.contacts] == ["Pat Parent", "Sam Parent"]


def test_the_police_never_see_a_correction_of_a_sensitive_field(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    child = referral.child
    details = corrections.child_details_of(child)
    corrections.correct_child(
        session,
        factory.cast(Role.PRACTITIONER),
        child_id=child.id,
        details=dataclasses.replace(details, send=SendStatus.SEN_SUPPORT.value, town="Eastmere"),
        why=Why("changed_since", "The EHCP ended in the summer."),
        expected_version=None,
    )
    seen_by_worker = corrections.history(session, factory.cast(Role.PRACTITIONER), referral)
    seen_by_police = corrections.history(session, factory.cast(Role.POLICE_OFFICER), referral)
    assert {r.field for r in seen_by_worker} == {"send", "town"}
    assert {r.field for r in seen_by_police} == {"town"}


def test_corrections_are_counted_for_the_evaluation(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    child = referral.child
    worker = factory.cast(Role.PRACTITIONER)
    details = corrections.child_details_of(child)
    corrections.correct_child(
        session,
        worker,
        child_id=child.id,
        details=dataclasses.replace(details, ethnicity="white_british", town="Eastmere"),
        why=Why("recorded_wrongly"),
        expected_version=None,
    )
    corrections.correct_child(
        session,
        worker,
        child_id=child.id,
        details=dataclasses.replace(
            corrections.child_details_of(child), care_experience="care_leaver"
        ),
        why=Why("changed_since"),
        expected_version=None,
    )
    now = utcnow()
    counts = corrections.counts_in_period(
        session, [factory.service().id], now - dt.timedelta(days=1), now + dt.timedelta(days=1)
    )
    assert counts == corrections.CorrectionCounts(
        total=3, characteristics=2, characteristics_recorded_wrongly=1
    )
    assert corrections.counts_in_period(
        session, [factory.service().id], now + dt.timedelta(days=1), now + dt.timedelta(days=2)
    ) == corrections.CorrectionCounts(0, 0, 0)
