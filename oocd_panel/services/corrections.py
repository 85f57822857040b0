"""Correcting a child's details, a parent's or carer's, and a referral's facts.

Each correction checks the same rules as entering a referral (rules.referral_rules), asks why
(rules.corrections), keeps every replaced value in the case's history (a Correction row per
field), writes an audit row naming the fields (never their values), and happens in one
transaction under optimistic locking: a record changed since the page was loaded is refused.
Evaluation snapshots already taken are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from oocd_panel.models import (
    Admission,
    Child,
    Contact,
    Correction,
    CorrectionReason,
    Offence,
    Referral,
    Route,
    User,
)
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules import corrections as rules
from oocd_panel.rules.referral_rules import (
    LONG_TEXT,
    MAX_LENGTH,
    ChildDetails,
    ContactDetails,
    OffenceDetails,
    check_age_at_offence,
    child_problems,
    child_text_values,
    contact_problems,
    contact_text_values,
    date_problems,
    length_problems,
    normalise_police_reference,
    offence_length_problems,
    offence_problems,
)
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.rules.working_days import add_working_days
from oocd_panel.services import audit_trail
from oocd_panel.services.referrals import child_values


@dataclass(frozen=True)
class Why:
    reason: str | None
    note: str | None = None


@dataclass(frozen=True)
class ReferralFacts:
    police_reference: str
    offence_date: dt.date | None
    received_on: dt.date | None
    admission: str
    offences: list[OffenceDetails]
    # Which recorded offence (by its place on the referral) each of `offences` corrects; None
    # for an offence added. Without it, the offences correct the recorded ones in order.
    sources: list[int | None] | None = None


def _opt(value: str | None) -> str | None:
    value = clean_text(value)
    return value or None


def _child(session: Session, actor: User, child_id: int) -> Child:
    child = session.get(Child, child_id)
    if child is None or child.service_id not in actor.service_ids or child.purged_at is not None:
        raise NotFound("There is no such child in your services.")
    return child


def _check_version(record: Child | Referral, expected: int | None) -> None:
    if expected is not None and record.version != expected:
        raise CaseChanged()


class _Changes:
    """The fields a correction changes, as history rows and as the record's new values."""

    def __init__(self, child: Child, referral: Referral | None, actor: User, why: Why) -> None:
        self.child, self.referral, self.actor, self.why = child, referral, actor, why
        self.rows: list[Correction] = []
        self.at = utcnow()

    def compare(self, record: Any, record_type: str, values: dict[str, Any]) -> None:
        for name, new in values.items():
            old = getattr(record, name)
            if _same(old, new):
                continue
            self.note(record_type, getattr(record, "id", None) or 0, name, old, new)
            setattr(record, name, new)

    def note(self, record_type: str, record_id: int, name: str, old: Any, new: Any) -> None:
        self.rows.append(
            Correction(
                service_id=self.child.service_id,
                child_id=self.child.id,
                referral_id=self.referral.id if self.referral else None,
                record_type=record_type,
                record_id=record_id,
                field=name,
                old_value=rules.shown(record_type, name, old),
                new_value=rules.shown(record_type, name, new),
                reason=CorrectionReason(self.why.reason or ""),
                note=_opt(self.why.note),
                corrected_by_id=self.actor.id,
                corrected_at=self.at,
            )
        )

    def save(self, session: Session, record_type: str, record_id: int) -> list[Correction]:
        if not self.rows:
            raise InvalidInput({"": rules.NOTHING_CHANGED})
        session.add_all(self.rows)
        audit_trail.record(
            session,
            actor=self.actor,
            action="correct",
            record_type=record_type,
            record_id=record_id,
            child_id=self.child.id,
            details={
                "fields": [f"{r.record_type}.{r.field}" for r in self.rows],
                "reason": self.why.reason,
            },
        )
        return self.rows


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str | type(None)) and isinstance(new, str | type(None)):
        return (old or None) == (new or None)
    if hasattr(old, "value") and isinstance(new, str):
        return bool(old.value == new)
    return bool(old == new)


# --- The child ------------------------------------------------------------------------------------


def child_details_of(child: Child) -> ChildDetails:
    """The child's details as they stand, to start the correction form from."""
    return ChildDetails(
        first_name=child.first_name,
        last_name=child.last_name,
        preferred_name=child.preferred_name,
        date_of_birth=child.date_of_birth,
        address_line_1=child.address_line_1,
        address_line_2=child.address_line_2,
        town=child.town,
        postcode=child.postcode,
        sex=child.sex.value,
        ethnicity=child.ethnicity,
        police_ethnicity_code=child.police_ethnicity_code,
        care_experience=child.care_experience.value,
        send=child.send.value,
        neurodivergent=child.neurodivergent.value,
        neurodiversity_details=child.neurodiversity_details,
        first_language=child.first_language,
        needs_interpreter=child.needs_interpreter,
        interpreter_language=child.interpreter_language,
        needs_easy_read=child.needs_easy_read,
        communication_needs=child.communication_needs,
    )


def _age_problems(session: Session, child: Child, born: dt.date) -> dict[str, str]:
    """A corrected date of birth must still make the child 10 to 17 at every open case's
    offence: otherwise the case must be withdrawn, not the date bent to fit."""
    open_cases = session.scalars(
        select(Referral).where(Referral.child_id == child.id, Referral.closed_at.is_(None))
    )
    for referral in open_cases:
        problem = check_age_at_offence(born, referral.offence_date)
        if problem:
            return {
                "date_of_birth": f"{problem} If that is right, the police withdraw case "
                f"{referral.police_reference} first."
            }
    return {}


def correct_child(
    session: Session,
    actor: User,
    *,
    child_id: int,
    details: ChildDetails,
    why: Why,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> list[Correction]:
    """Correct the child's details; returns a history row per field changed."""
    refused = rules.child_refusal(actor)
    if refused:
        raise ActionNotAllowed(refused)
    child = _child(session, actor, child_id)
    today = local_date(now or utcnow())
    errors = length_problems(child_text_values(details))
    for name, message in child_problems(details, today).items():
        errors.setdefault(name, message)
    born = details.date_of_birth
    if "date_of_birth" not in errors and born is not None and born != child.date_of_birth:
        errors.update(_age_problems(session, child, born))
    errors.update(rules.reason_problems(why.reason, why.note))
    if errors:
        raise InvalidInput(errors)
    with unit_of_work(session):
        _check_version(child, expected_version)
        changes = _Changes(child, None, actor, why)
        changes.compare(child, "child", child_values(details))
        return changes.save(session, "child", child.id)


# --- Parents and carers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactLanguage:
    first_language: str = "English"
    needs_interpreter: bool = False
    needs_easy_read: bool = False


def _contact_values(d: ContactDetails, language: ContactLanguage) -> dict[str, Any]:
    return {
        "full_name": clean_text(d.full_name),
        "relationship_to_child": clean_text(d.relationship_to_child),
        "phone": _opt(d.phone),
        "email": _opt(d.email),
        "address": _opt(d.address),
        "has_parental_responsibility": d.has_parental_responsibility,
        "receives_letters": d.receives_letters,
        "first_language": _opt(language.first_language) or "English",
        "needs_interpreter": language.needs_interpreter,
        "needs_easy_read": language.needs_easy_read,
    }


def _contact_problems(d: ContactDetails, language: ContactLanguage, why: Why) -> dict[str, str]:
    errors = length_problems(contact_text_values(d))
    if len(language.first_language or "") > (MAX_LENGTH.get("first_language") or LONG_TEXT):
        errors["first_language"] = "First language must be 100 characters or fewer"
    for name, message in contact_problems(d).items():
        errors.setdefault(name, message)
    errors.update(rules.reason_problems(why.reason, why.note))
    return errors


def correct_contact(
    session: Session,
    actor: User,
    *,
    child_id: int,
    contact_id: int | None,
    details: ContactDetails,
    language: ContactLanguage,
    why: Why,
    expected_version: int | None,
) -> list[Correction]:
    """Correct a parent's or carer's details, or (contact_id None) add one."""
    refused = rules.child_refusal(actor)
    if refused:
        raise ActionNotAllowed(refused)
    child = _child(session, actor, child_id)
    contact = None
    if contact_id is not None:
        contact = next((c for c in child.contacts if c.id == contact_id), None)
        if contact is None:
            raise NotFound("There is no such parent or carer for this child.")
    errors = _contact_problems(details, language, why)
    if errors:
        raise InvalidInput(errors)
    values = _contact_values(details, language)
    with unit_of_work(session):
        _check_version(child, expected_version)
        changes = _Changes(child, None, actor, why)
        if contact is None:
            contact = Contact(**values)
            child.contacts.append(contact)
            session.flush()
            changes.note("contact", contact.id, "added", None, values["full_name"])
        else:
            changes.compare(contact, "contact", values)
        # A new version of the child: anyone holding the child's page is told it changed.
        child.updated_at = changes.at
        return changes.save(session, "contact", contact.id)


# --- The referral's facts -------------------------------------------------------------------------


def facts_of(referral: Referral) -> ReferralFacts:
    return ReferralFacts(
        police_reference=referral.police_reference,
        offence_date=referral.offence_date,
        received_on=referral.received_on,
        admission=referral.admission.value,
        offences=[
            OffenceDetails(o.offence_type, o.description, o.gravity_score)
            for o in referral.offences
        ],
    )


def _referral(session: Session, actor: User, referral_id: int) -> Referral:
    referral = session.scalars(
        select(Referral)
        .where(Referral.id == referral_id)
        .options(selectinload(Referral.offences), selectinload(Referral.child))
    ).one_or_none()
    if (
        referral is None
        or referral.service_id not in actor.service_ids
        or referral.purged_at is not None
    ):
        raise NotFound("There is no such case in your services.")
    return referral


def may_correct_referral(user: User, referral: Referral) -> bool:
    return rules.referral_refusal(user, referral) is None


def _fact_problems(referral: Referral, facts: ReferralFacts, why: Why, today: dt.date) -> Any:
    errors = length_problems({"police_reference": facts.police_reference})
    if not clean_text(facts.police_reference):
        errors["police_reference"] = "Enter the police reference (crime number)"
    errors.update(date_problems(facts.offence_date, facts.received_on, today))
    if facts.admission not in {a.value for a in Admission}:
        errors["admission"] = "Select whether the child admits the offence"
    for name, message in offence_problems(facts.offences).items():
        errors.setdefault(name, message)
    errors.update(offence_length_problems(facts.offences))
    child = referral.child
    if facts.offence_date is not None and "offence_date" not in errors and child.purged_at is None:
        problem = check_age_at_offence(child.date_of_birth, facts.offence_date)
        if problem:
            errors["offence_date"] = problem
    errors.update(rules.reason_problems(why.reason, why.note))
    return errors


def correct_referral(
    session: Session,
    actor: User,
    *,
    referral_id: int,
    facts: ReferralFacts,
    why: Why,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> list[Correction]:
    """Correct a referral's facts (its reference, dates, admission and offences)."""
    referral = _referral(session, actor, referral_id)
    refused = rules.referral_refusal(actor, referral)
    if refused:
        raise ActionNotAllowed(refused)
    errors = _fact_problems(referral, facts, why, local_date(now or utcnow()))
    if errors:
        raise InvalidInput(errors)
    assert facts.received_on is not None
    with unit_of_work(session):
        _check_version(referral, expected_version)
        changes = _Changes(referral.child, referral, actor, why)
        values: dict[str, Any] = {
            "police_reference": normalise_police_reference(facts.police_reference),
            "offence_date": facts.offence_date,
            "received_on": facts.received_on,
            "admission": Admission(facts.admission),
        }
        if referral.route is Route.PANEL and facts.received_on != referral.received_on:
            due_days = settings_for(referral.service).assessment_due_working_days
            values["assessment_due_on"] = add_working_days(facts.received_on, due_days)
        changes.compare(referral, "referral", values)
        _correct_offences(session, referral, facts, changes)
        changes.compare(
            referral,
            "referral",
            {"gravity_score": max(o.gravity_score or 1 for o in facts.offences)},
        )
        rows = changes.save(session, "referral", referral.id)
        referral.updated_at = changes.at
        return rows


def _offence_text(o: OffenceDetails | Offence) -> str:
    return f"{rules.shown('offence', 'offence_type', o.offence_type)}: {clean_text(o.description)}"


def _correct_offences(
    session: Session, referral: Referral, facts: ReferralFacts, changes: _Changes
) -> None:
    current = list(referral.offences)
    given = facts.offences
    sources = facts.sources or [i if i < len(current) else None for i in range(len(given))]
    kept = {j for j in sources if j is not None and j < len(current)}
    for offence in [o for j, o in enumerate(current) if j not in kept]:
        changes.note("offence", offence.id, "removed", _offence_text(offence), None)
        referral.offences.remove(offence)
    for position, (details, source) in enumerate(zip(given, sources, strict=True)):
        values = {
            "offence_type": details.offence_type,
            "description": clean_text(details.description),
            "gravity_score": details.gravity_score or 1,
        }
        if source is not None and source < len(current):
            current[source].position = position
            changes.compare(current[source], "offence", values)
        else:
            offence = Offence(position=position, **values)
            referral.offences.append(offence)
            session.flush()
            changes.note("offence", offence.id, "added", None, _offence_text(details))


# --- The history ----------------------------------------------------------------------------------


def history(session: Session, user: User, referral: Referral) -> list[Correction]:
    """Corrections to this case's facts and to its child's details, newest first, as far as
    `user` may see them (the police see no correction of a sensitive field)."""
    rows = session.scalars(
        select(Correction)
        .where(
            Correction.child_id == referral.child_id,
            (Correction.referral_id.is_(None)) | (Correction.referral_id == referral.id),
        )
        .options(selectinload(Correction.corrected_by))
        .order_by(Correction.corrected_at.desc(), Correction.id.desc())
    )
    return [r for r in rows if rules.visible_to(user, r.record_type, r.field)]


@dataclass(frozen=True)
class CorrectionCounts:
    """Corrections made in a period, for the evaluation page's statement."""

    total: int
    characteristics: int
    characteristics_recorded_wrongly: int


def counts_in_period(
    session: Session, service_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> CorrectionCounts:
    characteristic_fields = [n for n, f in rules.CHILD_FIELDS.items() if f.characteristic]
    rows = session.execute(
        select(Correction.field, Correction.record_type, Correction.reason, func.count())
        .where(
            Correction.service_id.in_(service_ids),
            Correction.corrected_at >= start,
            Correction.corrected_at < end,
        )
        .group_by(Correction.field, Correction.record_type, Correction.reason)
    ).all()
    total = characteristics = wrongly = 0
    for field, record_type, reason, count in rows:
        total += count
        if record_type == "child" and field in characteristic_fields:
            characteristics += count
            if reason is CorrectionReason.RECORDED_WRONGLY:
                wrongly += count
    return CorrectionCounts(total, characteristics, wrongly)
