"""Taking a child's identifiers out of free text before a scrutiny panel reads it.

`suggest` offers a reviewer the text with the names, date of birth, addresses, police
reference, phone numbers and email addresses the case records replaced by "[name]" and the
like (catalogue/scrutiny.py); a person still reads and confirms every text. `remaining` is the
check made when they confirm: which kinds of identifier the confirmed text still holds.

Names are matched as whole words in any case when suggesting; the check matches them only as
written with a capital (as names are), so that a child called Will does not stop the word
"will" being confirmed. Postcodes, email addresses and phone numbers are also found by their
shape, whoever's they are."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from oocd_panel.catalogue.scrutiny import REPLACEMENTS

# Titles and words that are not a name by themselves ("PC Example": only "Example" is).
_NOT_NAMES = frozenset(
    {
        "pc", "dc", "ds", "sgt", "insp", "inspector", "constable", "sergeant", "mr", "mrs", "ms",
        "miss", "mx", "dr", "the", "and", "of", "de", "la", "van", "von", "da",
    }
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# By shape: a UK postcode, an email address, a UK phone number (11 digits from 0, or +44).
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\w)")
# A police reference's shape: letters, a slash, digits, a slash, a year ("NB/77123/26").
_REFERENCE = re.compile(r"\b[A-Z]{1,5}/\d{2,}/\d{2,4}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Identifiers:
    """What a case records that identifies the child (and their family, and the officer)."""

    names: tuple[str, ...] = ()
    dates_of_birth: tuple[dt.date, ...] = ()
    addresses: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    police_references: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    _patterns: dict[tuple[str, bool], list[re.Pattern[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def patterns(self, kind: str, *, strict: bool) -> list[re.Pattern[str]]:
        """The patterns of one kind of identifier, longest text first."""
        key = (kind, strict)
        if key not in self._patterns:
            self._patterns[key] = _compile(self, kind, strict)
        return self._patterns[key]


def name_parts(full_name: str) -> list[str]:
    """A name and each word of it that could name someone alone ("Pat Example": both, and
    "Pat Example" itself)."""
    words = [w.strip(".,") for w in full_name.split()]
    parts = [w for w in words if len(w) >= 2 and w.lower() not in _NOT_NAMES]
    whole = " ".join(full_name.split())
    return [whole, *parts] if whole else parts


def _words(texts: Iterable[str]) -> list[str]:
    found = {t.strip() for t in texts if t and len(t.strip()) >= 2}
    return sorted(found, key=lambda t: (-len(t), t))


def _flexible(text: str) -> str:
    """A literal text as a pattern that allows any spacing where it has spaces."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _date_patterns(day: dt.date) -> list[str]:
    month = _MONTHS[day.month - 1]
    d, m, y = day.day, day.month, day.year
    numeric = [
        rf"0?{d}\s*[/.\-]\s*0?{m}\s*[/.\-]\s*(?:{y}|{y % 100:02d})",
        rf"{y}\s*-\s*0?{m}\s*-\s*0?{d}",
    ]
    suffix = r"(?:st|nd|rd|th)?"
    words = [
        rf"0?{d}{suffix}\s+(?:of\s+)?(?:{month}|{month[:3]})\.?,?\s+{y}",
        rf"(?:{month}|{month[:3]})\.?\s+0?{d}{suffix},?\s+{y}",
    ]
    return [rf"(?<!\d){p}(?!\d)" for p in numeric] + [rf"\b{p}\b" for p in words]


def _address_parts(address: str) -> list[str]:
    """An address and its lines, and a street without its house number ("1 Example Street":
    also "Example Street")."""
    lines = [p.strip() for p in re.split(r"[,\n]", address) if len(p.strip()) >= 4]
    streets = [re.sub(r"^\d+[A-Za-z]?\s+", "", line) for line in lines]
    return [*lines, *(s for s in streets if len(s) >= 4)]


def _compile(ids: Identifiers, kind: str, strict: bool) -> list[re.Pattern[str]]:
    flags = 0 if strict and kind == "name" else re.IGNORECASE
    bounded = r"(?<![\w])({})(?![\w])"
    if kind == "name":
        names = _words(p for n in ids.names for p in name_parts(n))
        if strict:  # as written, or with capitals: never as an ordinary lower-case word
            names = _words(v for n in names for v in (n, n.title(), n.upper()))
        return [re.compile(bounded.format(_flexible(n)), flags) for n in names]
    if kind == "date_of_birth":
        return [re.compile(p, re.IGNORECASE) for d in ids.dates_of_birth for p in _date_patterns(d)]
    if kind == "address":
        parts = _words(p for a in ids.addresses for p in _address_parts(a))
        return [re.compile(bounded.format(_flexible(p)), flags) for p in parts]
    if kind == "postcode":
        known = [
            re.compile(
                bounded.format(r"\s*".join(re.escape(c) for c in p if not c.isspace())), flags
            )
            for p in _words(ids.postcodes)
        ]
        return [*known, _POSTCODE]
    if kind == "police_reference":
        found: list[str] = []
        for reference in ids.police_references:
            found.append(reference)
            found += [
                part for part in re.split(r"[/\s-]", reference) if re.fullmatch(r"\d{4,}", part)
            ]
            head = reference.rsplit("/", 1)[0]
            if head != reference and "/" in head:
                found.append(head)
        return [
            *(re.compile(bounded.format(re.escape(r)), flags) for r in _words(found)),
            _REFERENCE,
        ]
    if kind == "phone":
        known = [
            re.compile(r"(?<!\d)" + r"[\s-]?".join(re.escape(c) for c in digits) + r"(?!\d)")
            for digits in _words(re.sub(r"\D", "", p) for p in ids.phones)
            if len(digits) >= 6
        ]
        return [*known, _PHONE]
    if kind == "email":
        return [*(re.compile(re.escape(e), flags) for e in _words(ids.emails)), _EMAIL]
    raise KeyError(kind)


# The order identifiers are replaced in: the more specific first (an email address holds a
# name, an address a postcode), names last.
KINDS = ("email", "phone", "police_reference", "date_of_birth", "postcode", "address", "name")


def suggest(text: str, ids: Identifiers) -> str:
    """The text with every identifier the case records (and any postcode, email address, phone
    number or police reference by its shape) replaced by the words for its kind."""
    for kind in KINDS:
        for pattern in ids.patterns(kind, strict=False):
            text = pattern.sub(REPLACEMENTS[kind], text)
    return text


def remaining(text: str, ids: Identifiers) -> list[str]:
    """The kinds of identifier the text still holds (in `KINDS` order), none if it is clean.
    The replacement words themselves ("[name]") never count."""
    for word in REPLACEMENTS.values():
        text = text.replace(word, " ")
    return [kind for kind in KINDS if any(p.search(text) for p in ids.patterns(kind, strict=True))]
