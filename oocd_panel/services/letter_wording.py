"""A service's own letter wording (administrators): contact details, the word lists the checks
use, and overrides of the catalogue's texts. Each save records who reviewed it and when; a text
that would fail the letter checks is refused, saying which check and why."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.letters import readability
from oocd_panel.letters.checks import EASY_READ_MAX_WORDS, term_pattern
from oocd_panel.letters.wording import (
    DEFAULT_COMPULSORY_WORDS,
    DEFAULT_JARGON,
    Wording,
    apply,
    disposal_key,
    format_jargon,
    latest_rows,
    parse_jargon,
    parse_words,
)
from oocd_panel.models import LetterWording, Role, Service, User
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

_PHONE = re.compile(r"^[0-9 +()-]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 600


def current_values(session: Session, service: Service) -> dict[str, str]:
    """Every editable key with the text that applies now (the service's, or the default)."""
    rows = latest_rows(session, service.id)
    values = {
        "contact:phone": "",
        "contact:email": "",
        "words:compulsory": "\n".join(DEFAULT_COMPULSORY_WORDS),
        "words:jargon": format_jargon(DEFAULT_JARGON),
    }
    for code, texts in disposals.LETTER_TEXTS.items():
        for name in disposals.LETTER_FIELDS:
            values[disposal_key(code, name)] = getattr(texts, name)
    values.update({k: r.text for k, r in rows.items()})
    return values


def version(session: Session, service: Service) -> str:
    """A fingerprint of the wording in force: the page keeps it, so a save can tell whether
    someone else changed the wording since it was shown."""
    return _fingerprint(current_values(session, service))


def _fingerprint(values: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


def text_problems(key: str, text: str, wording: Wording) -> str | None:
    """Why this disposal text would make a letter fail its checks (None if it would not)."""
    _, code, name = key.split(":")
    disposal = disposals.get(code)
    if not text:
        return None if name.endswith("_right") else "Enter the text"
    if len(text) > MAX_TEXT:
        return f"The text must be {MAX_TEXT} characters or fewer"
    child = name.startswith("child_")
    if name.endswith("_if_not"):
        said = text.lower()
        if disposal.work is disposals.Work.CONDITIONAL:
            if disposals.CONDITIONAL_CONSEQUENCE not in said:
                return (
                    "Say what happens if the conditions are not done: the child could be taken "
                    "to court"
                )
        elif disposal.work is disposals.Work.VOLUNTARY:
            for word in disposals.CONSEQUENCE_WORDS:
                if term_pattern(word).search(said):
                    return (
                        f'"{word}" threatens a consequence, but saying no to {disposal.name} has '
                        "none"
                    )
    if disposal.work is disposals.Work.VOLUNTARY:
        for word in wording.compulsory_words:
            if term_pattern(word).search(text):
                return (
                    f'"{word}" makes voluntary work sound compulsory: {disposal.name} is voluntary'
                )
    for term, explanation in wording.jargon.items():
        if term_pattern(term).search(text) and (
            not explanation or explanation.lower() not in text.lower()
        ):
            return f'"{term}" is jargon: say it in plain words'
    if child:
        for sentence in readability.sentences(text):
            if readability.word_count(sentence) > EASY_READ_MAX_WORDS:
                return (
                    f'"{sentence}" has more than {EASY_READ_MAX_WORDS} words, too long for Easy '
                    "Read"
                )
    # A single sentence's grade swings with one long word, so read the text as a letter does:
    # with this outcome's other texts for the same reader.
    texts = wording.texts_for(code)
    reader = "child_" if child else "parent_"
    together = " ".join(
        text if field == name else getattr(texts, field)
        for field in disposals.LETTER_FIELDS
        if field.startswith(reader)
    )
    limit = 4.0 if child else 6.0
    grade = readability.grade(together)
    if grade > limit:
        readers = "children" if child else "adults"
        return (
            f"With this text the outcome's wording reads at grade {grade:.1f}; letters to "
            f"{readers} must be at most {limit:.0f}: use shorter sentences and words"
        )
    return None


def save_wording(
    session: Session,
    admin: User,
    *,
    service_id: int,
    values: Mapping[str, str | None],
    seen: str | None = None,
) -> int:
    """Save what changed; returns how many texts changed. Nothing is saved if any is refused.

    `seen` is the version of the wording the page showed (see `version`): if it changed since,
    nothing is saved and EditedMeanwhile is raised."""
    if not admin.has_role(Role.ADMIN):
        raise ActionNotAllowed("Only administrators change the wording of letters.")
    service = session.get(Service, service_id)
    if service is None or service.id not in admin.service_ids:
        raise NotFound("There is no such service among yours.")
    current = current_values(session, service)
    if seen is not None and seen != _fingerprint(current):
        raise EditedMeanwhile("the letter wording")
    given = {
        k: clean_text(v) if not k.startswith("words:") else (v or "").strip()
        for k, v in values.items()
        if k in current
    }
    errors: dict[str, str] = {}
    phone = given.get("contact:phone", current["contact:phone"])
    if phone and not _PHONE.match(phone):
        errors["contact:phone"] = "Enter a phone number, like 01632 960 123"
    email = given.get("contact:email", current["contact:email"])
    if email and not _EMAIL.match(email):
        errors["contact:email"] = "Enter an email address, like youth.justice@example.org"
    # A service adds to the national lists; it cannot switch a check off by removing words.
    if "words:compulsory" in given:
        kept = {w.lower() for w in parse_words(given["words:compulsory"])}
        removed = [w for w in DEFAULT_COMPULSORY_WORDS if w.lower() not in kept]
        if removed:
            errors["words:compulsory"] = (
                f"Keep the words every letter is checked for ({', '.join(removed)}): you can "
                "add your own"
            )
    if "words:jargon" in given:
        kept = {t.lower() for t in parse_jargon(given["words:jargon"])}
        removed = [t for t in DEFAULT_JARGON if t.lower() not in kept]
        if removed:
            errors["words:jargon"] = (
                f"Keep the terms every letter is checked for ({', '.join(removed)}): you can "
                "add your own, or an explanation after ="
            )
    merged = {**current, **given}
    wording = apply(service.name, merged)
    for key, text in given.items():
        if key.startswith("disposal:") and text != current[key]:
            problem = text_problems(key, text, wording)
            if problem:
                errors[key] = problem
    if errors:
        raise InvalidInput(errors)
    changed = [k for k, v in given.items() if v != current[k]]
    with unit_of_work(session):
        for key in changed:
            session.add(
                LetterWording(
                    service_id=service.id, key=key, text=given[key], reviewed_by_id=admin.id
                )
            )
        audit_trail.record(
            session,
            actor=admin,
            action="change",
            record_type="letter_wording",
            record_id=service.id,
            details={"changed": changed},
        )
    return len(changed)


def history(session: Session, service: Service, limit: int = 50) -> list[LetterWording]:
    return list(
        session.scalars(
            select(LetterWording)
            .where(LetterWording.service_id == service.id)
            .order_by(LetterWording.id.desc())
            .limit(limit)
        )
    )
