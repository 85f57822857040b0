"""Rules a new referral must meet before anything is saved.

Each rule reports against the name of the field at fault, so a page can put the message
beside the field and in the error summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oocd_panel.catalogue import disposals, ethnicity, offences
from oocd_panel.models import (
    Admission,
    CareExperience,
    Child,
    Contact,
    LabelledEnum,
    Referral,
    RestorativeWish,
    Route,
    SendStatus,
    Sex,
    YesNoUnknown,
)
from oocd_panel.plumbing.text_input import clean_text

MIN_AGE = 10  # the age of criminal responsibility in England and Wales
MAX_AGE = 17  # from 18 the adult system deals with the offence


@dataclass
class OffenceDetails:
    offence_type: str
    description: str
    gravity_score: int | None


@dataclass
class ContactDetails:
    full_name: str
    relationship_to_child: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    has_parental_responsibility: bool = True
    receives_letters: bool = True


@dataclass
class ChildDetails:
    first_name: str
    last_name: str
    date_of_birth: dt.date | None
    address_line_1: str
    town: str
    postcode: str
    sex: str
    ethnicity: str | None
    care_experience: str
    send: str
    neurodivergent: str
    preferred_name: str | None = None
    address_line_2: str | None = None
    police_ethnicity_code: str | None = None
    neurodiversity_details: str | None = None
    first_language: str = "English"
    needs_interpreter: bool = False
    interpreter_language: str | None = None
    needs_easy_read: bool = False
    communication_needs: str | None = None


@dataclass
class NewReferral:
    service_id: int
    route: Route | None
    police_reference: str
    offence_date: dt.date | None
    received_on: dt.date | None
    admission: str
    officer_name: str
    proposed_outcome: str
    offences: list[OffenceDetails]
    child: ChildDetails | None = None
    # Set instead of `child` for a new referral of a child already known to the service.
    existing_child_id: int | None = None
    contact: ContactDetails | None = None
    officer_email: str | None = None
    victim_details: str | None = None
    victim_views: str | None = None
    victim_restorative_wish: str = "not_asked"
    # For a notification: the outcome the police gave alone.
    police_outcome: str | None = None


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_age_at_offence(born: dt.date, offence_date: dt.date) -> str | None:
    age = age_on(born, offence_date)
    if age < MIN_AGE:
        return (
            f"The child was {age} on the offence date. Children under {MIN_AGE} are below the "
            "age of criminal responsibility and cannot be referred."
        )
    if age > MAX_AGE:
        return (
            f"The child was {age} on the offence date. Offences committed at 18 or over are "
            "dealt with by the adult system."
        )
    return None


def normalise_police_reference(value: str) -> str:
    """Upper case, spaces collapsed, control characters removed (PostgreSQL refuses NUL even
    in a search)."""
    return " ".join(clean_text(value).split()).upper()


# The longest text each field may hold: the database column's length, or a generous cap for
# free text, so nothing typed can fail at the database.
LONG_TEXT = 5000
_COLUMN_OF = {
    "first_name": Child.first_name,
    "last_name": Child.last_name,
    "preferred_name": Child.preferred_name,
    "address_line_1": Child.address_line_1,
    "address_line_2": Child.address_line_2,
    "town": Child.town,
    "postcode": Child.postcode,
    "first_language": Child.first_language,
    "interpreter_language": Child.interpreter_language,
    "contact_name": Contact.full_name,
    "contact_relationship": Contact.relationship_to_child,
    "contact_phone": Contact.phone,
    "contact_email": Contact.email,
    "police_reference": Referral.police_reference,
    "officer_name": Referral.officer_name,
    "officer_email": Referral.officer_email,
}
MAX_LENGTH: dict[str, int] = {name: col.type.length for name, col in _COLUMN_OF.items()}
LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "town": "Town or city",
    "postcode": "Postcode",
    "first_language": "First language",
    "interpreter_language": "Interpreter's language",
    "contact_name": "The parent's or carer's name",
    "contact_relationship": "Relationship to the child",
    "contact_phone": "Phone",
    "contact_email": "Email",
    "police_reference": "Police reference",
    "officer_name": "Referring officer",
    "officer_email": "Officer's email",
    "neurodiversity_details": "Neurodiversity details",
    "communication_needs": "Communication needs",
    "contact_address": "The parent's or carer's address",
    "victim_details": "Victim details",
    "victim_views": "The victim's views",
}


def _text_values(data: NewReferral) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "police_reference": data.police_reference,
        "officer_name": data.officer_name,
        "officer_email": data.officer_email,
        "victim_details": data.victim_details,
        "victim_views": data.victim_views,
    }
    if data.child is not None:
        values.update(child_text_values(data.child))
    if data.contact is not None:
        values.update(contact_text_values(data.contact))
    return values


def length_problems(values: dict[str, str | None]) -> dict[str, str]:
    """Text longer than its field holds, by field name (see MAX_LENGTH and LONG_TEXT)."""
    errors = {}
    for name, value in values.items():
        limit = MAX_LENGTH.get(name, LONG_TEXT)
        if value is not None and len(value) > limit:
            errors[name] = f"{LABELS[name]} must be {limit:,} characters or fewer"
    return errors


def offence_length_problems(given: list[OffenceDetails]) -> dict[str, str]:
    errors = {}
    for i, offence in enumerate(given):
        if len(offence.description) > LONG_TEXT:
            errors[f"offences-{i}-description"] = (
                f"The description of offence {i + 1} must be {LONG_TEXT:,} characters or fewer"
            )
    return errors


def _length_problems(data: NewReferral) -> dict[str, str]:
    return {**length_problems(_text_values(data)), **offence_length_problems(data.offences)}


def _valid(enum_cls: type[LabelledEnum], value: str | None) -> bool:
    return value in {m.value for m in enum_cls}


def _need(errors: dict[str, str], name: str, value: object, message: str) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.setdefault(name, message)
        return False
    return True


def date_problems(
    offence_date: dt.date | None, received_on: dt.date | None, today: dt.date
) -> dict[str, str]:
    """The offence and receipt dates: given, not in the future, received after the offence."""
    errors: dict[str, str] = {}
    for name, day, what in (
        ("offence_date", offence_date, "offence date"),
        ("received_on", received_on, "date the referral was received"),
    ):
        if _need(errors, name, day, f"Enter the {what}") and day is not None and day > today:
            errors[name] = f"The {what} must be today or in the past"
    if offence_date and received_on and not errors and received_on < offence_date:
        errors["received_on"] = (
            "The date the referral was received must be on or after the offence date"
        )
    return errors


def offence_problems(given: list[OffenceDetails]) -> dict[str, str]:
    """At least one offence, each with a type from the list, a description and a gravity score."""
    errors: dict[str, str] = {}
    if not given:
        errors["offences-0-offence_type"] = "Enter at least one offence"
    for i, offence in enumerate(given):
        prefix = f"offences-{i}-"
        if offence.offence_type not in offences.OFFENCE_TYPES:
            errors[prefix + "offence_type"] = f"Select the type of offence {i + 1}"
        _need(errors, prefix + "description", offence.description, f"Describe offence {i + 1}")
        if offence.gravity_score is None:
            errors[prefix + "gravity_score"] = f"Select the gravity score for offence {i + 1}"
        elif not 1 <= offence.gravity_score <= 5:
            errors[prefix + "gravity_score"] = (
                f"Gravity score for offence {i + 1} must be between 1 and 5"
            )
    return errors


def child_problems(child: ChildDetails, today: dt.date) -> dict[str, str]:
    """What is missing or wrong in a child's details (not their age at an offence)."""
    errors: dict[str, str] = {}

    def need(name: str, value: object, message: str) -> bool:
        return _need(errors, name, value, message)

    need("first_name", child.first_name, "Enter the child's first name")
    need("last_name", child.last_name, "Enter the child's last name")
    need("address_line_1", child.address_line_1, "Enter the first line of the child's address")
    need("town", child.town, "Enter the town or city")
    need("postcode", child.postcode, "Enter the postcode")
    if not _valid(Sex, child.sex):
        errors["sex"] = "Select the child's sex"
    police_code = child.police_ethnicity_code
    if police_code and police_code not in ethnicity.POLICE_16_PLUS_1:
        errors["police_ethnicity_code"] = "Select a police ethnicity code from the list"
    if child.ethnicity:
        if not ethnicity.is_valid(child.ethnicity):
            errors["ethnicity"] = "Select the child's ethnicity from the list"
    elif not child.police_ethnicity_code:
        errors["ethnicity"] = "Select the child's ethnicity, or 'Not stated' if they did not say"
    if not _valid(CareExperience, child.care_experience):
        errors["care_experience"] = "Select the child's care experience"
    if not _valid(SendStatus, child.send):
        errors["send"] = "Select whether the child has special educational needs"
    if not _valid(YesNoUnknown, child.neurodivergent):
        errors["neurodivergent"] = "Select whether the child is neurodivergent"
    if child.needs_interpreter:
        need(
            "interpreter_language",
            child.interpreter_language,
            "Enter the language the interpreter needs to speak",
        )
    if (
        need("date_of_birth", child.date_of_birth, "Enter the child's date of birth")
        and child.date_of_birth is not None
        and child.date_of_birth > today
    ):
        errors["date_of_birth"] = "Date of birth must be in the past"
    return errors


def child_text_values(c: ChildDetails) -> dict[str, str | None]:
    return {
        "first_name": c.first_name,
        "last_name": c.last_name,
        "preferred_name": c.preferred_name,
        "address_line_1": c.address_line_1,
        "address_line_2": c.address_line_2,
        "town": c.town,
        "postcode": c.postcode,
        "first_language": c.first_language,
        "interpreter_language": c.interpreter_language,
        "neurodiversity_details": c.neurodiversity_details,
        "communication_needs": c.communication_needs,
    }


def contact_text_values(c: ContactDetails) -> dict[str, str | None]:
    return {
        "contact_name": c.full_name,
        "contact_relationship": c.relationship_to_child,
        "contact_phone": c.phone,
        "contact_email": c.email,
        "contact_address": c.address,
    }


def contact_problems(contact: ContactDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    _need(errors, "contact_name", contact.full_name, "Enter the name of a parent or carer")
    _need(
        errors,
        "contact_relationship",
        contact.relationship_to_child,
        "Enter how the parent or carer is related to the child",
    )
    return errors


def validate(data: NewReferral, today: dt.date, born: dt.date | None = None) -> dict[str, str]:
    """Every problem with `data`, by field name. `born` is the known child's date of birth."""
    errors: dict[str, str] = _length_problems(data)

    def need(name: str, value: object, message: str) -> bool:
        return _need(errors, name, value, message)

    need("police_reference", data.police_reference, "Enter the police reference (crime number)")
    need("officer_name", data.officer_name, "Enter the name of the referring officer")
    for name, message in date_problems(data.offence_date, data.received_on, today).items():
        errors.setdefault(name, message)

    if not _valid(Admission, data.admission):
        errors["admission"] = "Select whether the child admits the offence"
    if data.route is None:
        errors["route"] = "Select whether this is a referral for a panel or a notification"
    elif data.route is Route.NOTIFICATION:
        allowed = {d.code for d in disposals.police_alone()}
        if data.police_outcome not in allowed:
            errors["police_outcome"] = "Select the outcome the police gave"
    if data.proposed_outcome not in disposals.codes() and not (
        data.route is Route.NOTIFICATION and not data.proposed_outcome
    ):
        errors["proposed_outcome"] = "Select the outcome the officer proposes"
    if not _valid(RestorativeWish, data.victim_restorative_wish):
        errors["victim_restorative_wish"] = "Select what the victim wants about restorative justice"

    for name, message in offence_problems(data.offences).items():
        errors.setdefault(name, message)

    child = data.child
    if child is not None:
        for name, message in child_problems(child, today).items():
            errors.setdefault(name, message)
        born = None if "date_of_birth" in errors else child.date_of_birth
    if data.contact is not None:
        for name, message in contact_problems(data.contact).items():
            errors.setdefault(name, message)
    if born is not None:
        field_name = "date_of_birth" if child is not None else "offence_date"
        if data.offence_date is not None and "offence_date" not in errors:
            problem = check_age_at_offence(born, data.offence_date)
        else:
            # Without an offence date: a child under 10 today was under 10 at any offence.
            problem = check_age_at_offence(born, today) if age_on(born, today) < MIN_AGE else None
        if problem:
            errors.setdefault(field_name, problem)
    return errors
