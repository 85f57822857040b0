"""The police outcome view: finding a case, and recording how the outcome was delivered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager

from oocd_panel.catalogue import disposals
from oocd_panel.models import Child, DeliveryOutcome, Referral, Role, User
from oocd_panel.plumbing.clock import local_date, local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules.outcome_records import DeliveryDetails
from oocd_panel.rules.referral_rules import age_on, normalise_police_reference
from oocd_panel.services.actions import take_action
from oocd_panel.services.cases import reference_clause
from oocd_panel.workflow import Input


def find_by_reference(session: Session, query: Select[Referral], reference: str) -> list[Referral]:
    """Officers type references as they have them: in any letter case, with or without the
    year ("NB1234567" finds "NB1234567/26"), and by the number alone ("1234567" or
    "1234567/26", without the force's letters). A reference is matched from its start through
    the index; one that starts with a digit and matches no reference's start is looked for
    inside each reference of the officer's services (the index's entries, not the cases)."""
    found = list(session.scalars(query.where(reference_clause(reference))))
    if found or not reference[:1].isdigit():
        return found
    inside = Referral.police_reference.contains(reference, autoescape=True)
    return list(session.scalars(query.where(inside)))


# An appropriate adult must be present when a child under this age is cautioned.
APPROPRIATE_ADULT_UNDER = 17
CAUTIONS = {"youth_caution", "youth_conditional_caution"}


def find_cases(
    session: Session,
    officer: User,
    *,
    police_reference: str = "",
    first_name: str = "",
    last_name: str = "",
    date_of_birth: dt.date | None = None,
) -> list[Referral]:
    """Cases in the officer's services: by police reference, or by name and date of birth."""
    query = (
        select(Referral)
        .join(Referral.child)
        .options(contains_eager(Referral.child))
        .where(Referral.service_id.in_(officer.service_ids), Referral.purged_at.is_(None))
        .order_by(Referral.received_on.desc(), Referral.id.desc())
        .limit(50)
    )
    reference = normalise_police_reference(clean_text(police_reference))
    if reference:
        return find_by_reference(session, query, reference)
    if clean_text(last_name) and date_of_birth is not None:
        # The children first, through the index of dates of birth; then their cases.
        children = select(Child.id).where(
            Child.date_of_birth == date_of_birth,
            func.lower(Child.last_name) == clean_text(last_name).lower(),
        )
        if clean_text(first_name):
            children = children.where(
                func.lower(Child.first_name) == clean_text(first_name).lower()
            )
        return list(session.scalars(query.where(Referral.child_id.in_(children))))
    return []


@dataclass(frozen=True)
class DeliveryInput:
    outcome: str | None
    delivered_on: dt.date | None
    appropriate_adult_present: bool | None = None
    appropriate_adult_name: str | None = None
    legal_advice_offered: bool | None = None
    legal_advice_taken: bool | None = None
    admission_confirmed: bool | None = None
    consent_signed: bool | None = None
    notes: str | None = None


def delivery_problems(referral: Referral, given: DeliveryInput, today: dt.date) -> dict[str, str]:
    """What is missing or wrong in a delivery record, by field."""
    errors: dict[str, str] = {}
    disposal = disposals.find(referral.disposal)
    if given.outcome not in {o.value for o in DeliveryOutcome}:
        errors["outcome"] = "Select whether the outcome was given or the child declined it"
        return errors
    if given.delivered_on is None:
        errors["delivered_on"] = "Enter the date"
    elif given.delivered_on > today:
        errors["delivered_on"] = "The date must be today or in the past"
    elif given.delivered_on < referral.received_on:
        errors["delivered_on"] = "The date must be on or after the date the referral was received"
    elif referral.decision is not None and given.delivered_on < local_date(
        referral.decision.decided_at
    ):
        errors["delivered_on"] = (
            "The date must be on or after the date of the decision "
            f"({local_date(referral.decision.decided_at):%-d %B %Y})"
        )
    notes = clean_text(given.notes)
    if len(notes) > 5000:
        errors["notes"] = "Notes must be 5,000 characters or fewer"
    if given.outcome == DeliveryOutcome.DECLINED:
        if not notes:
            errors["notes"] = "Say what the child declined and why, as far as you know"
        return errors
    if disposal is None:
        return errors
    caution = disposal.code in CAUTIONS
    if caution and given.delivered_on is not None:
        age = age_on(referral.child.date_of_birth, given.delivered_on)
        if age < APPROPRIATE_ADULT_UNDER:
            if given.appropriate_adult_present is not True:
                errors["appropriate_adult_present"] = (
                    f"The child was {age}: an appropriate adult must be present when a child "
                    f"under {APPROPRIATE_ADULT_UNDER} is cautioned"
                )
            elif not clean_text(given.appropriate_adult_name):
                errors["appropriate_adult_name"] = "Enter the appropriate adult's name"
    if caution:
        if given.legal_advice_offered is not True:
            errors["legal_advice_offered"] = "Free legal advice must be offered before a caution"
        elif given.legal_advice_taken is None:
            errors["legal_advice_taken"] = "Select whether the child took up legal advice"
    if disposal.admission_needed and given.admission_confirmed is not True:
        errors["admission_confirmed"] = (
            f"A {disposal.plain_name.lower()} needs the child to admit the offence: if they did "
            "not, record that the child declined the outcome"
        )
    if disposal.work is disposals.Work.CONDITIONAL and given.consent_signed is not True:
        errors["consent_signed"] = (
            f"{disposal.name} needs the child's signed consent to the conditions: if they "
            "would not sign, record that the child declined the outcome"
        )
    return errors


def record_delivery(
    session: Session,
    officer: User,
    *,
    referral_id: int,
    given: DeliveryInput,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Referral:
    if not officer.has_role(Role.POLICE_OFFICER):
        raise ActionNotAllowed("Only police officers record the delivery of an outcome.")
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in officer.service_ids:
        raise NotFound("There is no such case in your services.")
    errors = delivery_problems(referral, given, local_date(now) if now else local_today())
    if errors:
        raise InvalidInput(errors)
    assert given.delivered_on is not None
    assert given.outcome is not None
    outcome = DeliveryOutcome(given.outcome)
    details = DeliveryDetails(
        outcome=outcome,
        delivered_on=given.delivered_on,
        appropriate_adult_present=given.appropriate_adult_present,
        appropriate_adult_name=clean_text(given.appropriate_adult_name) or None,
        legal_advice_offered=given.legal_advice_offered,
        legal_advice_taken=given.legal_advice_taken,
        admission_confirmed=given.admission_confirmed,
        consent_signed=given.consent_signed,
        notes=clean_text(given.notes) or None,
    )
    disposal = disposals.find(referral.disposal)
    if outcome is DeliveryOutcome.GIVEN:
        trigger = "record_delivery"
    elif disposal is not None and disposal.declining_ends_the_case:
        trigger = "decline_voluntary_at_delivery"
    else:
        trigger = "decline_at_delivery"
    return take_action(
        session,
        referral_id=referral.id,
        trigger=trigger,
        actor=officer,
        expected_version=expected_version,
        reason=details.notes,
        inputs={Input.DELIVERY: details},
        now=now,
    )
