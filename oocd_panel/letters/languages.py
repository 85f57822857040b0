"""Letters in the family's language: which language a record asks for, the message catalogues
(gettext .po files under `oocd_panel/translations/`, read with Babel) and the translator compose
is given, explicitly, for each letter (never taken from a request: letters are issued in batches).

A catalogue is guarded as it is loaded: a translation whose placeholders (`%(name)s`) differ from
the English text's, or that is marked fuzzy or left empty, is refused (kept out, with why), so a
letter that needs it cannot be written in that language. Letters look each text up by its English
words: a text a service has worded its own way has no translation, and neither has its letter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from oocd_panel.catalogue.translatable import N_
from oocd_panel.plumbing.config import PROJECT_ROOT

TRANSLATIONS_DIR = PROJECT_ROOT / "oocd_panel" / "translations"
ENGLISH = "en"
# Letters that go in Welsh and English: the Welsh first (Welsh Language Standards).
BILINGUAL = ("cy", ENGLISH)


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in English, as staff read it
    own_name: str  # in the language itself
    # How a record may name it (compared without case or accents).
    recorded_as: tuple[str, ...] = ()


LANGUAGES: dict[str, Language] = {
    ENGLISH: Language(ENGLISH, "English", "English", ("english", "en", "eng")),
    "cy": Language("cy", "Welsh", "Cymraeg", ("welsh", "cymraeg", "cy", "cym", "wel")),
    "pl": Language("pl", "Polish", "Polski", ("polish", "polski", "pl", "pol")),
}
# The languages letters are translated into.
TRANSLATED = tuple(code for code in LANGUAGES if code != ENGLISH)

# The sentence an English letter carries, in the family's language, while their letter awaits a
# translator's review. It is pre-approved: written once for every language and not tied to any
# service's wording, so it goes without a review (README, Letters in other languages).
NOTICE = N_(
    "A letter in your language will follow: to ask for an interpreter now, call us on %(phone)s."
)
NOTICE_NO_PHONE = N_(
    "A letter in your language will follow: to ask for an interpreter now, ask the youth "
    "justice team."
)
PRE_APPROVED = frozenset({NOTICE, NOTICE_NO_PHONE})

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


_RECORDED: dict[str, str] = {
    _plain(name): lang.code for lang in LANGUAGES.values() for name in lang.recorded_as
}


def code_for(recorded: str | None) -> str | None:
    """The letters' language for a language as a record gives it ("Welsh", "Cymraeg", "Polish
    (Polski)", "pl"): "en", "cy", "pl", or None for a language letters are not written in.
    Nothing recorded reads as English."""
    text = _plain(recorded or "").strip()
    if not text:
        return ENGLISH
    if text in _RECORDED:
        return _RECORDED[text]
    # "Polish (Polski)", "Welsh / Cymraeg", "Welsh and English": every word
    # that names a language other than English must name the same one.
    found = {_RECORDED[w] for w in re.findall(r"\w+", text) if w in _RECORDED}
    if len(found) > 1:
        found.discard(ENGLISH)  # "Welsh and English": letters in Welsh
    return found.pop() if len(found) == 1 else None


def name_of(code: str) -> str:
    return LANGUAGES[code].name


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def placeholder_problem(english: str, translated: str) -> str | None:
    """Why a translation cannot stand for the English text's placeholders (None if it can)."""
    if "%" in _PLACEHOLDER.sub("", translated):
        return "it has a % that is not a placeholder like %(name)s"
    ours, theirs = placeholders(english), placeholders(translated)
    if ours == theirs:
        return None
    dropped = sorted(set(ours) - set(theirs))
    added = sorted(set(theirs) - set(ours))
    parts = []
    if dropped:
        parts.append("drops " + ", ".join(f"%({p})s" for p in dropped))
    if added:
        parts.append("adds " + ", ".join(f"%({p})s" for p in added))
    if not parts:
        parts.append("uses a placeholder a different number of times")
    return "it " + " and ".join(parts)


def _markup_problem(translated: str) -> str | None:
    """Templates put a translation in the page as it is (gettext's text is trusted markup), so
    one that carries markup characters is refused."""
    if any(c in translated for c in '<>"&'):
        return 'it has a character that reads as markup (< > " &)'
    return None


@dataclass(frozen=True)
class Refusal:
    english: str
    translated: str
    why: str


@dataclass(frozen=True)
class Catalogue:
    """One language's translations as loaded: only those that passed the guard."""

    language: str
    messages: dict[str, str]
    refused: tuple[Refusal, ...] = ()
    # Texts in the file with no translation yet.
    untranslated: tuple[str, ...] = ()

    @cached_property
    def version(self) -> str:
        """A fingerprint of the translations: an approval holds only for the ones reviewed."""
        blob = json.dumps(sorted(self.messages.items())).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    @cached_property
    def translations(self) -> Translations:
        """The accepted messages as gettext translations (for Jinja and Flask-Babel)."""
        catalog = Catalog(locale=self.language)
        for english, translated in self.messages.items():
            catalog.add(english, translated)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(fp=buffer)


def po_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(language: str, path: Path | None = None) -> Catalogue:
    """Load a .po file, refusing any translation that would change a letter's placeholders."""
    with (path or po_path(language)).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages: dict[str, str] = {}
    refused: list[Refusal] = []
    untranslated: list[str] = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue  # the header, or a plural (letters have none)
        translated = message.string if isinstance(message.string, str) else ""
        if not translated:
            untranslated.append(message.id)
            continue
        if message.fuzzy:
            refused.append(Refusal(message.id, translated, "it is marked fuzzy (not checked)"))
            continue
        why = placeholder_problem(message.id, translated) or _markup_problem(translated)
        if why is not None:
            refused.append(Refusal(message.id, translated, why))
            continue
        messages[message.id] = translated
    return Catalogue(language, messages, tuple(refused), tuple(untranslated))


@cache
def catalogue(language: str) -> Catalogue:
    """The shipped catalogue of a language, loaded once per process."""
    return read_catalogue(language)


class Untranslated(Exception):
    """A letter needs a text the language's catalogue has no (accepted) translation for."""

    def __init__(self, language: str, english: str) -> None:
        super().__init__(f"No {name_of(language)} translation of {english!r}")
        self.language = language
        self.english = english


@dataclass
class Translator:
    """What compose calls for every text of a letter: `_("Dear %(name)s,", name=...)`.

    English returns the text as given; another language returns its accepted translation or
    raises Untranslated. Every text looked up is remembered (`used`), so a review can list them."""

    language: str = ENGLISH
    catalogue: Catalogue | None = None
    used: list[str] = field(default_factory=list)

    def __call__(self, message: str, /, **values: str) -> str:
        self.used.append(message)
        text = self.lookup(message)
        if text is None:
            raise Untranslated(self.language, message)
        return text % values if values else text

    def lookup(self, message: str) -> str | None:
        if self.language == ENGLISH:
            return message
        assert self.catalogue is not None
        return self.catalogue.messages.get(message)

    def date(self, day: dt.date) -> str:
        if self.language == ENGLISH:
            return f"{day.day} {day:%B %Y}"
        return format_date(day, format="long", locale=self.language)

    @property
    def translations(self) -> NullTranslations:
        if self.catalogue is None:
            return NullTranslations()
        return self.catalogue.translations


def translator(language: str) -> Translator:
    """A fresh translator for one letter in this language ("en", "cy" or "pl")."""
    if language == ENGLISH:
        return Translator()
    if language not in LANGUAGES:
        raise KeyError(f"letters are not written in {language!r}")
    return Translator(language, catalogue(language))


def notice(language: str, phone: str) -> str:
    """The pre-approved sentence, in the family's language, that their letter will follow."""
    t = translator(language)
    return t(NOTICE, phone=phone) if phone else t(NOTICE_NO_PHONE)
