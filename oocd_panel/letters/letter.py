"""What a letter is: who it goes to (`Recipient`, in which `Variant`), its sections, and the
letter itself as compose (letters/compose.py) makes it and the checks and the template read it."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from oocd_panel.catalogue import disposals
from oocd_panel.letters.languages import ENGLISH
from oocd_panel.letters.readability import sentences

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
