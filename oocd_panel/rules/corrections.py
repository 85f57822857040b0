"""What can be corrected, who may correct it, and how a correction is shown and counted.

A correction changes a recorded fact (a child's details, a parent's or carer's, a referral's
facts) and keeps the value it replaced. Who may: YJS staff (practitioners and managers) for the
child and their parents or carers; the police for a referral's facts until it is decided; after
that, a YJS manager. Snapshots the evaluation took before a correction are never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oocd_panel.catalogue import ethnicity, offences
from oocd_panel.models import (
    Admission,
    CareExperience,
    CorrectionReason,
    Referral,
    ReferralStatus,
    Role,
    SendStatus,
    Sex,
    User,
    YesNoUnknown,
)
from oocd_panel.rules.referral_rules import LONG_TEXT


def _date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if isinstance(value, dt.date) else str(value)


def _yes_no(value: Any) -> str:
    return "Yes" if value else "No"


def _enum(cls: Any) -> Callable[[Any], str]:
    return lambda value: cls(value).label


@dataclass(frozen=True)
class Field:
    label: str
    # Shown as the pages show it (a label, a date in words); None: as typed.
    show: Callable[[Any], str] | None = None
    # Health, SEND, neurodiversity, language and communication: never shown to the police.
    sensitive: bool = False
    # Counted by the evaluation (a characteristic, or what an age band comes from).
    characteristic: bool = False


CHILD_FIELDS: dict[str, Field] = {
    "first_name": Field("First name"),
    "last_name": Field("Last name"),
    "preferred_name": Field("Preferred name"),
    "date_of_birth": Field("Date of birth", _date, characteristic=True),
    "address_line_1": Field("Address line 1"),
    "address_line_2": Field("Address line 2"),
    "town": Field("Town or city"),
    "postcode": Field("Postcode"),
    "sex": Field("Sex", _enum(Sex), characteristic=True),
    "ethnicity": Field(
        "Ethnicity", lambda code: ethnicity.get(code).full_label, characteristic=True
    ),
    "police_ethnicity_code": Field("Police ethnicity code"),
    "care_experience": Field("Care experience", _enum(CareExperience), characteristic=True),
    "send": Field("SEND", _enum(SendStatus), sensitive=True, characteristic=True),
    "neurodivergent": Field(
        "Neurodivergent", _enum(YesNoUnknown), sensitive=True, characteristic=True
    ),
    "neurodiversity_details": Field("Neurodiversity details", sensitive=True),
    "first_language": Field("First language", sensitive=True),
    "needs_interpreter": Field("Needs an interpreter", _yes_no, sensitive=True),
    "interpreter_language": Field("Interpreter's language", sensitive=True),
    "needs_easy_read": Field("Easy Read letters", _yes_no, sensitive=True),
    "communication_needs": Field("Communication needs", sensitive=True),
}

CONTACT_FIELDS: dict[str, Field] = {
    "full_name": Field("Name"),
    "relationship_to_child": Field("Relationship to the child"),
    "phone": Field("Phone"),
    "email": Field("Email"),
    "address": Field("Address"),
    "has_parental_responsibility": Field("Parental responsibility", _yes_no),
    "receives_letters": Field("Receives letters", _yes_no),
    "first_language": Field("First language", sensitive=True),
    "needs_interpreter": Field("Needs an interpreter", _yes_no, sensitive=True),
    "needs_easy_read": Field("Easy Read letters", _yes_no, sensitive=True),
}

REFERRAL_FIELDS: dict[str, Field] = {
    "police_reference": Field("Police reference"),
    "offence_date": Field("Offence date", _date),
    "received_on": Field("Date received", _date),
    "assessment_due_on": Field("Assessment due", _date),
    "admission": Field("Admission", _enum(Admission)),
    "gravity_score": Field("Gravity score (the highest of the offences)"),
}

OFFENCE_FIELDS: dict[str, Field] = {
    "offence_type": Field("Type of offence", offences.label),
    "description": Field("What happened"),
    "gravity_score": Field("Gravity score"),
    # An offence added or taken off the referral.
    "added": Field("Offence added"),
    "removed": Field("Offence removed"),
}

FIELDS_BY_RECORD: dict[str, dict[str, Field]] = {
    "child": CHILD_FIELDS,
    "contact": CONTACT_FIELDS,
    "referral": REFERRAL_FIELDS,
    "offence": OFFENCE_FIELDS,
}

# A contact added (there was none, or another parent or carer comes to light).
CONTACT_FIELDS["added"] = Field("Parent or carer added")


def field_for(record_type: str, name: str) -> Field:
    return FIELDS_BY_RECORD[record_type][name]


def shown(record_type: str, name: str, value: Any) -> str | None:
    """A value as the history shows it (and keeps it): None and "" are "not recorded"."""
    if value is None or value == "":
        return None
    show = field_for(record_type, name).show
    return show(value) if show else str(value)


def visible_to(user: User, record_type: str, name: str) -> bool:
    """Whether `user` may see a correction of this field (the police never see sensitive ones)."""
    if field_for(record_type, name).sensitive:
        return user.has_role(Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER)
    return True


# --- Who may correct what ------------------------------------------------------------------------

CHILD_CORRECTORS = frozenset({Role.PRACTITIONER, Role.MANAGER})

_DECIDED = frozenset(
    {
        ReferralStatus.DECIDED,
        ReferralStatus.OUTCOME_DELIVERED,
        ReferralStatus.INTERVENTION,
        ReferralStatus.NOTIFIED,
        ReferralStatus.SUPPORT_OFFERED,
        ReferralStatus.CLOSED,
    }
)


def is_decided(referral: Referral) -> bool:
    """Decided (or closed, or an outcome the police gave alone): the facts now stand behind a
    decision, so only a YJS manager corrects them."""
    return (
        referral.status in _DECIDED
        or referral.decision is not None
        or referral.disposal is not None
    )


def child_refusal(user: User) -> str | None:
    if not user.has_role(*CHILD_CORRECTORS):
        return "Only YJS practitioners and managers correct a child's details."
    return None


def referral_refusal(user: User, referral: Referral) -> str | None:
    """Why `user` may not correct this referral's facts now (None: they may)."""
    if user.has_role(Role.MANAGER):
        return None
    if user.has_role(Role.POLICE_OFFICER):
        if is_decided(referral):
            return (
                "The referral has been decided, so only a YJS manager can correct its facts now. "
                "Ask a YJS manager of the service, saying what is wrong and why."
            )
        return None
    return "The police correct a referral's facts until it is decided; after that, a YJS manager."


# --- Why ------------------------------------------------------------------------------------------

MAX_NOTE = LONG_TEXT


def reason_problems(reason: str | None, note: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if reason not in {r.value for r in CorrectionReason}:
        errors["reason"] = "Select why you are correcting this"
    if note is not None and len(note) > MAX_NOTE:
        errors["note"] = f"The note must be {MAX_NOTE:,} characters or fewer"
    return errors


NOTHING_CHANGED = "You have not changed anything: correct a value, or go back to the case"
