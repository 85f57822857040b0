"""Which language a recipient's letter goes in, and the letter made in it.

The recipient's record names their language; the service may send every letter in Welsh and
English (Welsh first); a translation is used only once a named reviewer has approved it for the
service's wording (`approved`, from services/translations.py). Until then, or when the letter
would use a text the service has worded its own way (which has no translation), the English
letter goes, its first line the pre-approved sentence, in the family's language, that their
letter will follow. Every edition is made beside the English letter of the same wording, on
which its honesty is checked. Nothing here touches the database or a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from oocd_panel.letters import languages
from oocd_panel.letters.compose import FirstMeeting, Letter, Recipient, compose
from oocd_panel.letters.languages import ENGLISH, Untranslated, name_of
from oocd_panel.letters.wording import Wording
from oocd_panel.models import Referral


@dataclass(frozen=True)
class Plan:
    """The languages a recipient's letter should go in, before it is made."""

    recorded: str  # as the record gives it
    wanted: str | None  # "en", "cy", "pl", or None: a language letters are not written in
    languages: tuple[str, ...]  # what goes, in order
    pending: str = ""  # the language whose letter will follow ("" for none)
    why: str = ""  # for staff: why it goes as it does


def plan(recorded: str | None, *, bilingual: bool, approved: Collection[str]) -> Plan:
    """What a recipient whose record gives `recorded` as their language gets.

    `bilingual`: the service sends letters in Welsh and English (Welsh services); `approved`:
    the languages whose translation a reviewer has approved for the service's wording."""
    recorded = (recorded or "").strip() or "English"
    wanted = languages.code_for(recorded)
    if wanted in languages.TRANSLATED:
        name = name_of(wanted)
        if wanted in approved:
            return Plan(recorded, wanted, (wanted,), why=f"In {name}, from their record.")
        return Plan(
            recorded,
            wanted,
            (ENGLISH,),
            pending=wanted,
            why=f"Their record says {name}, and the {name} translation of this wording is "
            f"awaiting a reviewer's approval: the English letter goes, with one sentence in "
            f"{name} saying a letter in {name} will follow.",
        )
    if bilingual:
        if "cy" in approved:
            return Plan(
                recorded,
                wanted,
                languages.BILINGUAL,
                why="In Welsh and English (Welsh first): the service sends letters in both.",
            )
        return Plan(
            recorded,
            wanted,
            (ENGLISH,),
            pending="cy",
            why="The service sends letters in Welsh and English, and the Welsh translation of "
            "this wording is awaiting a reviewer's approval: the English letter goes, with one "
            "sentence in Welsh saying a letter in Welsh will follow.",
        )
    if wanted is None:
        return Plan(
            recorded,
            None,
            (ENGLISH,),
            why=f"Their record says {recorded}: letters are not written in it, so the English "
            "letter goes. Arrange an interpreter if they need one.",
        )
    return Plan(recorded, ENGLISH, (ENGLISH,))


@dataclass
class Edition:
    """A recipient's letter as it goes: its parts in order, and the English letter beside it."""

    plan: Plan
    parts: list[Letter]
    # The English letter of the same wording (a part too, unless the letter goes without it).
    source: Letter
    pending: str = ""  # the language whose letter will follow
    why: str = ""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(p.language for p in self.parts)

    @property
    def first(self) -> Letter:
        return self.parts[0]

    def translations(self) -> list[Letter]:
        return [p for p in self.parts if p.language != ENGLISH]


def make(
    referral: Referral,
    recipient: Recipient,
    wording: Wording,
    wanted: Plan,
    *,
    meeting: FirstMeeting | None = None,
    offered: tuple[str, ...] = (),
    today: dt.date,
) -> Edition:
    """The recipient's letter in the planned languages, or (a text has no translation) in
    English with the sentence that their letter will follow."""

    def one(language: str, notice: tuple[str, str] | None = None) -> Letter:
        return compose(
            referral,
            recipient,
            wording,
            meeting=meeting,
            offered=offered,
            today=today,
            translator=languages.translator(language),
            notice=notice,
        )

    source = one(ENGLISH)
    parts: list[Letter] = []
    pending, why = wanted.pending, wanted.why
    try:
        parts = [source if code == ENGLISH else one(code) for code in wanted.languages]
    except Untranslated as missing:
        name = name_of(missing.language)
        pending = missing.language
        catalogue = languages.catalogue(missing.language)
        shipped = {r.english for r in catalogue.refused} | set(catalogue.untranslated)
        cause = (
            f"the {name} catalogue has no usable translation of \u201c{missing.english}\u201d"
            if missing.english in shipped
            else f"it would use the service's own wording (\u201c{missing.english}\u201d), "
            f"which has no {name} translation"
        )
        why = (
            f"No letter in {name}: {cause}. The English letter goes, with one sentence in "
            f"{name} saying a letter in {name} will follow."
        )
        parts = [source]
    if pending:
        try:
            sentence = languages.notice(pending, wording.phone)
        except Untranslated:
            sentence = ""  # the sentence itself is refused: the English letter alone
        parts = [one(ENGLISH, (pending, sentence) if sentence else None)]
        source = parts[0]
    return Edition(wanted, parts, source, pending, why)
