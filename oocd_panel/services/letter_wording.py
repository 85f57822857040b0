"""A service's own letter wording (administrators): contact details, the word lists the checks
use, and overrides of the catalogue's texts.

A change is a draft: saving the page makes (or updates) the administrator's draft of the next
wording version, and restoring an earlier version drafts it again; letters keep using the
approved version until a second person approves the draft (`services/wording_approval.py`). A
service has one open draft at a time: while one person's draft awaits approval, nobody else can
start another. A text that would fail the letter checks is refused, saying which check and why."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.letters import claims, readability
from oocd_panel.letters.checks import EASY_READ_MAX_WORDS, term_pattern
from oocd_panel.letters.wording import (
    DEFAULT_COMPULSORY_WORDS,
    DEFAULT_JARGON,
    Wording,
    apply,
    approved_version,
    disposal_key,
    format_jargon,
    parse_jargon,
    parse_words,
)
from oocd_panel.models import Role, Service, User, WordingStatus, WordingVersion
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

_PHONE = re.compile(r"^[0-9 +()-]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 600


def defaults() -> dict[str, str]:
    """Every editable key with the catalogue's (or the national lists') text."""
    values = {
        "contact:phone": "",
        "contact:email": "",
        "words:compulsory": "\n".join(DEFAULT_COMPULSORY_WORDS),
        "words:jargon": format_jargon(DEFAULT_JARGON),
    }
    for code, texts in disposals.LETTER_TEXTS.items():
        for name in disposals.LETTER_FIELDS:
            values[disposal_key(code, name)] = getattr(texts, name)
    return values


def effective(values: Mapping[str, str]) -> dict[str, str]:
    """Every editable key with the text a version gives it (its own, or the default)."""
    found = defaults()
    found.update({k: v for k, v in values.items() if k in found})
    return found


def current_values(session: Session, service: Service) -> dict[str, str]:
    """Every editable key with the text that applies now: the latest approved version's."""
    version = approved_version(session, service.id)
    return effective(version.values if version else {})


def open_draft(session: Session, service_id: int) -> WordingVersion | None:
    """The service's draft awaiting approval, if there is one (at most one)."""
    return session.scalars(
        select(WordingVersion).where(
            WordingVersion.service_id == service_id,
            WordingVersion.status == WordingStatus.DRAFT,
        )
    ).first()


def version(session: Session, service: Service) -> str:
    """A fingerprint of what the wording page shows (the approved version and any draft): the
    page keeps it, so a save can tell whether the wording or the draft changed since."""
    approved = approved_version(session, service.id)
    draft = open_draft(session, service.id)
    return _fingerprint(
        {
            "approved": str(approved.number if approved else 0),
            "draft": f"{draft.id}.{draft.revision}" if draft else "",
        }
    )


def _fingerprint(values: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


def _service_for(session: Session, admin: User, service_id: int) -> Service:
    if not admin.has_role(Role.ADMIN):
        raise ActionNotAllowed("Only administrators change the wording of letters.")
    service = session.get(Service, service_id)
    if service is None or service.id not in admin.service_ids:
        raise NotFound("There is no such service among yours.")
    return service


class DraftedMeanwhile(EditedMeanwhile):
    """Two drafts were started at once; the second is refused (one open draft a service)."""

    def __init__(self) -> None:
        super().__init__("the letter wording")


def someone_elses_draft(draft: WordingVersion) -> str:
    return (
        f"{draft.drafted_by.full_name}'s draft of the letter wording is awaiting approval. A "
        "service has one draft at a time: it must be approved or rejected (or withdrawn by "
        f"{draft.drafted_by.full_name}) before anyone else changes the wording."
    )


def text_problems(key: str, text: str, wording: Wording) -> str | None:
    """Why this disposal text would make a letter fail its checks (None if it would not)."""
    _, code, name = key.split(":")
    disposal = disposals.get(code)
    if not text:
        return None if name.endswith("_right") else "Enter the text"
    if len(text) > MAX_TEXT:
        return f"The text must be {MAX_TEXT} characters or fewer"
    child = name.startswith("child_")
    section = name.split("_", 1)[1].replace("right", "rights")
    if (
        section == "if_not"
        and disposal.work is disposals.Work.CONDITIONAL
        and not claims.says_court_if_not_done(readability.sentences(text))
    ):
        return "Say what happens if the conditions are not done: the child could be taken to court"
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
    # What each sentence claims, as the letter's checks read it (letters/claims/).
    for finding in claims.text_findings(text, disposal, section):
        return f'"{finding.sentence}": {finding.message}'
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


@dataclass(frozen=True)
class Saved:
    """What a save did: how many texts it changed, and the draft they are in (None when the
    draft came back to the approved wording and was withdrawn, or nothing changed)."""

    changed: int
    draft: WordingVersion | None
    # How many texts the draft changes from the approved version.
    differs: int = 0


def save_wording(
    session: Session,
    admin: User,
    *,
    service_id: int,
    values: Mapping[str, str | None],
    seen: str | None = None,
) -> Saved:
    """Save what changed into the administrator's draft (made if they have none). Nothing is
    saved if any text is refused, or while another person's draft awaits approval.

    `seen` is the fingerprint of the page as shown (see `version`): if the approved wording or
    the draft changed since, nothing is saved and EditedMeanwhile is raised."""
    service = _service_for(session, admin, service_id)
    draft = open_draft(session, service.id)
    if draft is not None and draft.drafted_by_id != admin.id:
        raise ActionNotAllowed(someone_elses_draft(draft))
    if seen is not None and seen != version(session, service):
        raise EditedMeanwhile("the letter wording")
    approved = approved_version(session, service.id)
    current = effective(draft.values if draft else approved.values if approved else {})
    given = {
        k: _one_a_line(v) if k.startswith("words:") else clean_text(v)
        for k, v in values.items()
        if k in current
    }
    _refuse_what_fails(service, current, given)
    changed = [k for k, v in given.items() if v != current[k]]
    if not changed:
        return Saved(0, draft, _differs(approved, draft))
    own = dict(draft.values if draft else approved.values if approved else {})
    own.update({k: given[k] for k in changed})
    return _put_draft(session, admin, service, draft, own, changed=changed)


def _one_a_line(text: str | None) -> str:
    """A word list as the page shows it: one entry a line, no blank lines or stray spaces (a
    browser sends a text area's lines ending in \r\n: that alone is no change)."""
    return "\n".join(line.strip() for line in clean_text(text).splitlines() if line.strip())


def _refuse_what_fails(service: Service, current: dict[str, str], given: dict[str, str]) -> None:
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
    wording = apply(service.name, {**current, **given})
    for key, text in given.items():
        if key.startswith("disposal:") and text != current[key]:
            problem = text_problems(key, text, wording)
            if problem:
                errors[key] = problem
    if errors:
        raise InvalidInput(errors)


def restore(
    session: Session, admin: User, *, service_id: int, number: int, seen: str | None = None
) -> Saved:
    """Draft an earlier approved version again, whole. Like any change, it applies only once a
    second person approves it; an administrator's own open draft is replaced by it."""
    service = _service_for(session, admin, service_id)
    draft = open_draft(session, service.id)
    if draft is not None and draft.drafted_by_id != admin.id:
        raise ActionNotAllowed(someone_elses_draft(draft))
    if seen is not None and seen != version(session, service):
        raise EditedMeanwhile("the letter wording")
    earlier = session.scalars(
        select(WordingVersion).where(
            WordingVersion.service_id == service.id,
            WordingVersion.status == WordingStatus.APPROVED,
            WordingVersion.number == number,
        )
    ).first()
    if earlier is None:
        raise NotFound(f"There is no version {number} of this service's letter wording.")
    approved = approved_version(session, service.id)
    if approved is not None and approved.number == number:
        raise ActionNotAllowed(f"Version {number} is the wording letters use now.")
    before = effective(draft.values if draft else approved.values if approved else {})
    after = effective(earlier.values)
    changed = [k for k, v in after.items() if v != before[k]]
    return _put_draft(
        session, admin, service, draft, dict(earlier.values), changed=changed, restores=number
    )


def _differs(approved: WordingVersion | None, draft: WordingVersion | None) -> int:
    if draft is None:
        return 0
    return len(changed_keys(approved, draft.values))


def changed_keys(approved: WordingVersion | None, values: Mapping[str, str]) -> list[str]:
    """The keys whose text these values change from the approved version, in page order."""
    before = effective(approved.values if approved else {})
    after = effective(values)
    return [k for k, v in after.items() if v != before[k]]


def _put_draft(
    session: Session,
    admin: User,
    service: Service,
    draft: WordingVersion | None,
    values: dict[str, str],
    *,
    changed: list[str],
    restores: int | None = None,
) -> Saved:
    """Write the draft (a new one, or the author's own updated) in one transaction. A draft
    brought back to the approved wording is withdrawn: there is nothing left to approve."""
    now = utcnow()
    with unit_of_work(session, conflicts=(IntegrityError,), changed=DraftedMeanwhile):
        approved = approved_version(session, service.id)
        differs = changed_keys(approved, values)
        if not differs:
            if draft is not None:
                draft.status = WordingStatus.WITHDRAWN
                draft.values = values
                draft.decided_by_id = admin.id
                draft.decided_at = now
                draft.reason = "Changed back to the approved wording."
                draft.updated_at = now
                _audit(session, admin, service, "withdraw", draft, changed)
            return Saved(len(changed), None)
        if draft is None:
            draft = WordingVersion(
                service_id=service.id,
                status=WordingStatus.DRAFT,
                values=values,
                changed=differs,
                base_number=approved.number if approved else None,
                restores_number=restores,
                drafted_by_id=admin.id,
                drafted_at=now,
                updated_at=now,
            )
            session.add(draft)
        else:
            draft.values = values
            draft.changed = differs
            draft.base_number = approved.number if approved else None
            draft.restores_number = restores
            draft.updated_at = now
        session.flush()
        _audit(session, admin, service, "restore" if restores else "draft", draft, changed)
    return Saved(len(changed), draft, len(differs))


def _audit(
    session: Session,
    actor: User,
    service: Service,
    action: str,
    draft: WordingVersion,
    changed: list[str],
) -> None:
    details: dict[str, object] = {"draft": draft.id, "changed": changed}
    if draft.restores_number is not None:
        details["restores"] = draft.restores_number
    audit_trail.record(
        session,
        actor=actor,
        action=action,
        record_type="letter_wording",
        record_id=service.id,
        details=details,
    )
