"""What a change of a service's letter wording does to its letters, for the person approving it.

Every letter the change touches (each disposal x reader a changed text is read by; a contact
detail or a word list touches every letter) is composed twice, for a sample case, with the
approved wording and with the draft, and the draft's letter is checked (`letters.checks`). The
difference is marked word by word. Nothing here touches the database or a request.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters import checks
from oocd_panel.letters.compose import (
    Letter,
    Recipient,
    Section,
    Variant,
    compose,
    support_offered,
)
from oocd_panel.letters.wording import CONTACT_KEYS, WORD_KEYS, Wording
from oocd_panel.models import Child, Decision, Offence, Referral, Route, User

CHILD_VARIANTS = (Variant.CHILD_YOUNGER, Variant.CHILD_OLDER, Variant.EASY_READ)
PARENT_VARIANTS = (Variant.PARENT, Variant.PARENT_EASY_READ)
_TOKEN = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Segment:
    """A run of text, the same before and after, or removed, or added."""

    kind: str  # "same", "removed" or "added"
    text: str


def word_diff(before: str, after: str) -> list[Segment]:
    """The words of `after` against `before`: what stayed, what went, what came."""
    if before == after:
        return [Segment("same", after)] if after else []
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    segments: list[Segment] = []

    def add(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        else:
            segments.append(Segment(kind, text))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", old[i1:i2])
        else:
            add("removed", old[i1:i2])
            add("added", new[j1:j2])
    return segments


def key_label(key: str) -> str:
    """What a wording key is called on the pages ("Youth caution: What it means (to the
    child)")."""
    if key in CONTACT_KEYS:
        return CONTACT_KEYS[key]
    if key in WORD_KEYS:
        return WORD_KEYS[key]
    _, code, name = key.split(":")
    disposal = disposals.find(code)
    return f"{disposal.name if disposal else code}: {disposals.LETTER_FIELDS.get(name, name)}"


@dataclass(frozen=True)
class TextChange:
    key: str
    label: str
    before: str
    after: str
    segments: list[Segment]


def text_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[TextChange]:
    """Each text whose words differ, in the order the wording page lists them."""
    found = []
    for key, text in after.items():
        old = before.get(key, "")
        if text != old:
            found.append(TextChange(key, key_label(key), old, text, word_diff(old, text)))
    return found


# A letter: its disposal, its reader, and whether it follows an outcome the police gave alone.
Kind = tuple[disposals.Disposal, Variant, bool]


def _kinds() -> list[Kind]:
    """Every letter there is, in catalogue order: after a decision, then (for an outcome the
    police may give alone) after the police gave it alone."""
    return [
        (d, v, alone)
        for d in disposals.CATALOGUE
        for alone in ((False, True) if d.police_may_give_alone else (False,))
        for v in Variant
    ]


def touched(keys: Iterable[str]) -> list[Kind]:
    """Each letter (disposal x reader, after a decision or the police alone) that reads one of
    these texts."""
    wanted: set[tuple[str, Variant]] = set()
    for key in keys:
        if not key.startswith("disposal:"):
            # Contact details and word lists: every letter gives them or is checked with them.
            wanted |= {(d.code, v) for d in disposals.CATALOGUE for v in Variant}
            continue
        _, code, name = key.split(":")
        readers = CHILD_VARIANTS if name.startswith("child_") else PARENT_VARIANTS
        wanted |= {(code, v) for v in readers}
    return [(d, v, alone) for d, v, alone in _kinds() if (d.code, v) in wanted]


@dataclass(frozen=True)
class SectionChange:
    heading: str
    segments: list[Segment]

    @property
    def changed(self) -> bool:
        return any(s.kind != "same" for s in self.segments)


@dataclass(frozen=True)
class LetterChange:
    """One letter before and after the change, and the checks' verdict on the after letter."""

    disposal: disposals.Disposal
    variant: Variant
    before: Letter
    after: Letter
    sections: list[SectionChange]
    problems: list[checks.Problem]
    police_alone: bool = False

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [s for s in self.sections if s.changed]

    @property
    def passes(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        alone = ", the police alone" if self.police_alone else ""
        return f"{self.disposal.name}{alone}, {self.variant.label}"


@dataclass(frozen=True)
class LettersReview:
    """The letters a change touches: those whose words change, or which fail the checks."""

    letters: list[LetterChange]
    checked: int  # how many letters the change touches, all checked

    @property
    def failing(self) -> list[LetterChange]:
        return [c for c in self.letters if not c.passes]


def _section_text(section: Section | None) -> str:
    if section is None:
        return ""
    return "\n".join([section.heading, *section.lines, *section.items])


SAMPLE_SUPPORT = tuple(i.code for i in interventions.CATALOGUE[:2])


def sample_case(code: str, today: dt.date, *, police_alone: bool = False) -> Referral:
    """An example case with this outcome, never saved: what the letters are composed for. With
    `police_alone`, the police gave the outcome alone and the YJS offers support (no decision)."""
    disposal = disposals.get(code)
    offered = list(SAMPLE_SUPPORT) if disposal.offers_intervention else []
    conditions = (
        [
            {
                "text": "Meet your worker for 6 sessions",
                "due_on": (today + dt.timedelta(days=42)).isoformat(),
            }
        ]
        if disposal.work is disposals.Work.CONDITIONAL
        else []
    )
    child = Child(
        first_name="Sam",
        last_name="Taylor",
        date_of_birth=today - dt.timedelta(days=14 * 365 + 30),
        address_line_1="1 High Street",
        town="Northbrook",
        postcode="NB1 1AA",
    )
    case = Referral(
        police_reference="NB/00001/26",
        offence_date=today - dt.timedelta(days=40),
        received_on=today - dt.timedelta(days=5),
        child=child,
        offences=[
            Offence(offence_type="criminal_damage", description="", gravity_score=2, position=0)
        ],
        practitioner=User(full_name="Jo Smith"),
    )
    if police_alone:
        case.route = Route.NOTIFICATION
        case.disposal = code
        return case
    case.route = Route.PANEL
    case.decision = Decision(
        disposal=code,
        decided_at=dt.datetime.combine(today - dt.timedelta(days=5), dt.time(12), dt.UTC),
        interventions=offered,
        conditions=conditions,
    )
    return case


def sample_recipient(variant: Variant) -> Recipient:
    address = ("1 High Street", "Northbrook", "NB1 1AA")
    if variant.for_child:
        return Recipient("child", "Sam", address, variant, full_name="Sam Taylor")
    return Recipient(
        "contact-0", "Alex Taylor", address, variant, "parent", full_name="Alex Taylor"
    )


def review_letters(
    before: Wording, after: Wording, keys: Iterable[str], today: dt.date
) -> LettersReview:
    """Every letter the changed `keys` touch, before and after, with the after letter checked."""
    kinds = touched(keys)
    found = []
    cases: dict[tuple[str, bool], Referral] = {}
    for disposal, variant, alone in kinds:
        key = (disposal.code, alone)
        case = cases.setdefault(key, sample_case(disposal.code, today, police_alone=alone))
        offered = SAMPLE_SUPPORT if alone else ()
        recipient = sample_recipient(variant)
        old = compose(case, recipient, before, offered=offered, today=today)
        new = compose(case, recipient, after, offered=offered, today=today)
        problems = checks.check(new, after, support_offered(case, offered))
        sections = [
            SectionChange(
                section.heading,
                word_diff(_section_text(old.section(section.key)), _section_text(section)),
            )
            for section in new.sections
        ]
        change = LetterChange(disposal, variant, old, new, sections, problems, alone)
        if change.changed_sections or problems:
            found.append(change)
    return LettersReview(found, len(kinds))
