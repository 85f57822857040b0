"""What a letter is: who it goes to (`Recipient`, in which `Variant`), its sections, and the
letter itself as compose (letters/compose.py) makes it and the checks and the template read it;
and, read from the case, who receives one and what it is about (the panel's decision, or an
outcome the police gave alone)."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from oocd_panel.catalogue import disposals
from oocd_panel.letters.languages import ENGLISH
from oocd_panel.letters.readability import sentences
from oocd_panel.models import Contact, Referral, Route
from oocd_panel.plumbing.clock import local_date
from oocd_panel.rules.referral_rules import age_on

_EMAIL = re.compile(r"\S+@\S+?(?=[.,;]?(?:\s|$))")


class Variant(enum.StrEnum):
    CHILD_YOUNGER = "child_10_13"
    CHILD_OLDER = "child_14_17"
    EASY_READ = "easy_read"
    PARENT = "parent"
    PARENT_EASY_READ = "parent_easy_read"

    @property
    def label(self) -> str:
        return {
            "child_10_13": "Child, 10 to 13",
            "child_14_17": "Child, 14 to 17",
            "easy_read": "Child, Easy Read",
            "parent": "Parent or carer",
            "parent_easy_read": "Parent or carer, Easy Read",
        }[self.value]

    @property
    def for_child(self) -> bool:
        return self not in (Variant.PARENT, Variant.PARENT_EASY_READ)

    @property
    def easy_read(self) -> bool:
        return self in (Variant.EASY_READ, Variant.PARENT_EASY_READ)

    @property
    def grade_limit(self) -> float:
        """Flesch-Kincaid grade a letter may not exceed: 4 (reading age about 9) for children and
        Easy Read, 6 for other adults."""
        return 6.0 if self is Variant.PARENT else 4.0


# Every letter has these sections, in this order.
SECTIONS: tuple[str, ...] = (
    "what_happened",
    "decision",
    "meaning",
    "choice",
    "if_not",
    "record",
    "next",
    "rights",
    "contact",
)


@dataclass(frozen=True)
class Recipient:
    key: str  # "child" or "contact-<id>"
    name: str  # as the letter greets them
    address_lines: tuple[str, ...]
    variant: Variant
    relationship: str = ""
    full_name: str = ""  # on the envelope
    # The language the record gives ("Welsh", "Polski"...): letters/languages.code_for reads it.
    language: str = "English"

    @property
    def address(self) -> str:
        return "\n".join(self.address_lines)

    @property
    def addressee(self) -> str:
        return self.full_name or self.name


@dataclass(frozen=True)
class FirstMeeting:
    on: dt.date
    time: str = ""
    place: str = ""


@dataclass
class Section:
    key: str
    heading: str
    lines: list[str]
    # Items shown as a list under the lines (interventions, conditions with their dates).
    items: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        found = [s for line in [self.heading, *self.lines, *self.items] for s in sentences(line)]
        return found


@dataclass
class Letter:
    recipient: Recipient
    disposal: disposals.Disposal
    dated: dt.date
    reference: str
    title: str
    greeting: str
    sections: list[Section]
    sign_off: str
    # The letter's language ("en", "cy", "pl") and its date as the reader reads it.
    language: str = ENGLISH
    date_line: str = ""
    # An English letter awaiting its translation: one sentence in the family's language, first.
    notice: str = ""
    notice_language: str = ""
    # People's names: not words anyone chose for the letter, so the checks read them as "Sam".
    names: tuple[str, ...] = ()
    # Also read plainly, but for readability only: the word checks still read what was typed.
    details: tuple[str, ...] = ()
    # The police gave the outcome alone and the YJS offers voluntary support (the notification
    # path): the support is the family's choice whatever the outcome's own work is.
    police_alone: bool = False

    def plain(self, sentence: str, *, for_reading: bool = False) -> str:
        swap = [*self.names, *(self.details if for_reading else ())]
        for name in sorted(swap, key=len, reverse=True):
            if name:
                sentence = sentence.replace(name, "Sam")
        return _EMAIL.sub("this email", sentence) if for_reading else sentence

    @property
    def variant(self) -> Variant:
        return self.recipient.variant

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def sentences(self) -> list[tuple[str, str]]:
        """(section key, sentence) for every sentence a reader meets after the greeting."""
        return [(s.key, sentence) for s in self.sections for sentence in s.sentences()]

    def body_text(self) -> str:
        """The letter's words as readability reads them (names and details made plain)."""
        return " ".join(self.plain(s, for_reading=True) for _, s in self.sentences())


# --- Who receives a letter, and what it is about (read from the case) ---------------------------


def needs_easy_read(referral: Referral) -> bool:
    """The child needs Easy Read: recorded on the child, or in the assessment."""
    if referral.child.needs_easy_read:
        return True
    assessment = referral.assessment
    if assessment is None:
        return False
    answer = assessment.answers().get("circumstances", {}).get("easy_read")
    return answer == "yes"


def police_alone(referral: Referral) -> bool:
    """The police gave the outcome alone and told the YJS (no panel decided it)."""
    return referral.route is Route.NOTIFICATION


def outcome_code(referral: Referral) -> str:
    """The outcome a letter explains: the panel's decision, or the one the police gave alone."""
    if referral.decision is not None:
        return referral.decision.disposal
    if not police_alone(referral) or not referral.disposal:
        raise ValueError("letters follow a decision, or an outcome the police gave alone")
    return referral.disposal


def decided_on(referral: Referral) -> dt.date:
    """The day of the decision; for an outcome the police gave alone, the day they told us."""
    if referral.decision is None:
        return referral.received_on
    return local_date(referral.decision.decided_at)


def support_offered(referral: Referral, offered: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The interventions the letter offers: the decision's, or (police alone) those chosen for
    the letter from the intervention catalogue."""
    if referral.decision is not None:
        return tuple(referral.decision.interventions)
    return offered


def child_variant(referral: Referral) -> Variant:
    if needs_easy_read(referral):
        return Variant.EASY_READ
    age = age_on(referral.child.date_of_birth, decided_on(referral))
    return Variant.CHILD_YOUNGER if age <= 13 else Variant.CHILD_OLDER


def _child_address(referral: Referral) -> tuple[str, ...]:
    child = referral.child
    lines = (child.address_line_1, child.address_line_2 or "", child.town, child.postcode)
    return tuple(line.strip() for line in lines if line and line.strip())


def _contact_address(referral: Referral, contact: Contact) -> tuple[str, ...]:
    """The contact's own address, or (none recorded: the form says so) the child's."""
    own = tuple(line.strip() for line in (contact.address or "").splitlines() if line.strip())
    return own or _child_address(referral)


def recipients(referral: Referral) -> list[Recipient]:
    """The child, then each parent or carer who receives letters."""
    child = referral.child
    found = [
        Recipient(
            "child",
            child.preferred_name or child.first_name,
            _child_address(referral),
            child_variant(referral),
            full_name=f"{child.preferred_name or child.first_name} {child.last_name}",
            language=child.first_language,
        )
    ]
    for contact in child.contacts:
        if contact.receives_letters:
            found.append(
                Recipient(
                    f"contact-{contact.id}",
                    contact.full_name,
                    _contact_address(referral, contact),
                    Variant.PARENT_EASY_READ if contact.needs_easy_read else Variant.PARENT,
                    contact.relationship_to_child,
                    full_name=contact.full_name,
                    language=contact.first_language,
                )
            )
    return found
