"""What a service's letters say beyond the template: the catalogue's texts (with the service's
reviewed overrides), the word lists the checks use, and who to contact.

All of it is data an administrator drafts (`services/letter_wording.py`) and a second person
approves (`services/wording_approval.py`); letters use the latest approved version. The defaults
are here."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import Service, WordingStatus, WordingVersion

# Words that make work sound compulsory: never in a letter about a voluntary disposal.
DEFAULT_COMPULSORY_WORDS: tuple[str, ...] = (
    "must",
    "have to",
    "has to",
    "need to",
    "needs to",
    "required",
    "requirement",
    "compulsory",
    "mandatory",
    "obliged",
    "obligation",
    "breach",
    "enforce",
    "ordered",
    "condition",
    "conditions",
    "expected to",
    "failure to",
)

# Jargon: a term with no explanation may never appear; a term with one may appear only in a
# sentence that also gives the explanation.
DEFAULT_JARGON: dict[str, str] = {
    "OOCD": "",
    "out-of-court disposal": "",
    "YJS": "",
    "YOT": "",
    "disposal": "",
    "desistance": "",
    "intervention": "",
    "PNC": "",
    "DBS": "",
    "gravity": "",
    "pre-panel": "",
    "safeguarding": "",
    "criminogenic": "",
    "Outcome 22": "",
    "Outcome 23": "",
    "PDAT": "",
    "FTE": "",
}

CONTACT_KEYS = {"contact:phone": "Phone number for letters", "contact:email": "Email for letters"}
WORD_KEYS = {
    "words:compulsory": "Words that make work sound compulsory",
    "words:jargon": "Jargon to avoid or explain",
}


def disposal_key(code: str, name: str) -> str:
    return f"disposal:{code}:{name}"


@dataclass(frozen=True)
class Wording:
    service_name: str
    texts: dict[str, disposals.LetterTexts]
    compulsory_words: tuple[str, ...] = DEFAULT_COMPULSORY_WORDS
    jargon: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_JARGON))
    phone: str = ""
    email: str = ""
    # The service's approved wording version these texts are (0: the catalogue's own).
    number: int = 0

    @property
    def version(self) -> str:
        """A fingerprint of every text and list a letter was built and checked with."""
        payload = {
            "texts": {c: dataclasses.asdict(t) for c, t in sorted(self.texts.items())},
            "compulsory": list(self.compulsory_words),
            "jargon": sorted(self.jargon.items()),
            "contact": [self.phone, self.email],
            "interventions": [dataclasses.asdict(i) for i in interventions.CATALOGUE],
            "disposals": [dataclasses.asdict(d) for d in disposals.CATALOGUE],
        }
        blob = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def texts_for(self, code: str) -> disposals.LetterTexts:
        return self.texts[code]


def parse_words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.splitlines() if w.strip())


def parse_jargon(text: str) -> dict[str, str]:
    """One term a line, optionally "term = the plain explanation a letter must give with it"."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        term, _, explanation = line.partition("=")
        if term.strip():
            found[term.strip()] = explanation.strip()
    return found


def format_jargon(jargon: dict[str, str]) -> str:
    return "\n".join(f"{t} = {e}" if e else t for t, e in jargon.items())


def approved_version(session: Session, service_id: int) -> WordingVersion | None:
    """The service's latest approved wording version (None: it has only the catalogue's)."""
    return session.scalars(
        select(WordingVersion)
        .where(
            WordingVersion.service_id == service_id,
            WordingVersion.status == WordingStatus.APPROVED,
        )
        .order_by(WordingVersion.number.desc())
        .limit(1)
    ).first()


def apply(service_name: str, values: dict[str, str], number: int = 0) -> Wording:
    """The wording with these key -> text values laid over the defaults."""
    texts = {}
    for code, base in disposals.LETTER_TEXTS.items():
        changes = {
            name: values[disposal_key(code, name)]
            for name in disposals.LETTER_FIELDS
            if disposal_key(code, name) in values
        }
        texts[code] = dataclasses.replace(base, **changes)
    return Wording(
        service_name=service_name,
        texts=texts,
        compulsory_words=parse_words(values["words:compulsory"])
        if "words:compulsory" in values
        else DEFAULT_COMPULSORY_WORDS,
        jargon=parse_jargon(values["words:jargon"])
        if "words:jargon" in values
        else dict(DEFAULT_JARGON),
        phone=values.get("contact:phone", ""),
        email=values.get("contact:email", ""),
        number=number,
    )


def wording_for(session: Session, service: Service) -> Wording:
    """What the service's letters say now: its latest approved version (never a draft)."""
    version = approved_version(session, service.id)
    if version is None:
        return apply(service.name, {})
    return apply(service.name, dict(version.values), version.number or 0)
