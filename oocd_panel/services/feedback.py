"""Family feedback: each issued letter's one-time link, and answering its three questions.

A letter gets its link as it is issued, in the same transaction (`services.letters._store`):
a token of TOKEN_LENGTH characters of Crockford's base 32 (no I, L, O or U, so it can be typed
from paper; 5 bits a character, 50 in all), made before the letter's HTML is rendered, printed
in it and kept nowhere else: the link's row holds its SHA-256 (the token is random, so a slow
hash adds nothing), the letter's id, and what the answers are counted by: the service, the
month the letter was issued, the outcome, and whether the letter was the child's or a parent's.
Issuing the letter again revokes the earlier letter's link. A link works once, for
LINK_LIFETIME.

Answering uses the link up: its row is deleted (so nothing joins the letter to the answers any
more) and each answer adds one to its count (`FeedbackTally`); no answer is kept as a row of
its own. The audit row says only that one of the service's families answered, from "the
feedback page" (never the address), so the trail cannot tie an answer to anyone either.

Links that do not exist are counted per address (FeedbackMiss, kept for MISS_WINDOW): an
address with MISSES of them in the window is refused every link, right or wrong, until the
window has passed, so guessing gains nothing. Nobody who answers has their address kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from oocd_panel.catalogue.feedback import QUESTIONS
from oocd_panel.letters.compose import Variant
from oocd_panel.models import FeedbackLink, FeedbackMiss, FeedbackTally
from oocd_panel.models import Letter as IssuedLetter
from oocd_panel.plumbing.clock import LONDON, local_date, utcnow
from oocd_panel.plumbing.db import begin_writing
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

# Crockford's base 32: digits and capitals without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TOKEN_LENGTH = 10  # 50 bits
# What people type for what they mean (Crockford's decoding): O is 0, I and L are 1.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
LINK_LIFETIME = dt.timedelta(days=90)
MISSES = 20
MISS_WINDOW = dt.timedelta(minutes=15)
# Who the audit trail says answered: not the person's address.
ORIGIN = "feedback page"


class LinkNotValid(DomainError):
    def __init__(self) -> None:
        super().__init__("This link does not work.")


class FeedbackBusy(DomainError):
    """Too many links that do not exist from this address: none is looked up for a while."""


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))


def read_token(typed: str) -> str | None:
    """The token as typed (any case, with spaces or dashes, O for 0, I or L for 1), or None
    when it cannot be one."""
    if len(typed) > 40:
        return None
    token = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(token) != TOKEN_LENGTH or any(c not in ALPHABET for c in token):
        return None
    return token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audience(variant: str) -> str:
    """'child' for any of the child's letters, else 'parent'."""
    return "child" if Variant(variant).for_child else "parent"


def month_of(moment: dt.datetime) -> dt.date:
    return local_date(moment).replace(day=1)


def keep_link(
    session: Session,
    token: str,
    letter: IssuedLetter,
    *,
    service_id: int,
    disposal: str,
    now: dt.datetime,
) -> FeedbackLink:
    """Keep the link of a letter being issued (inside its unit of work, once the letter has its
    id). The earlier letters to the same recipient about the case lose theirs."""
    earlier = select(IssuedLetter.id).where(
        IssuedLetter.referral_id == letter.referral_id,
        IssuedLetter.recipient_key == letter.recipient_key,
        IssuedLetter.id != letter.id,
    )
    session.execute(delete(FeedbackLink).where(FeedbackLink.letter_id.in_(earlier)))
    link = FeedbackLink(
        token_hash=_hash(token),
        letter_id=letter.id,
        service_id=service_id,
        month=month_of(now),
        disposal=disposal,
        audience=audience(letter.variant),
        expires_at=now + LINK_LIFETIME,
    )
    session.add(link)
    return link


def _check_throttle(session: Session, address: str, now: dt.datetime) -> None:
    since = now - MISS_WINDOW
    misses = session.scalars(
        select(FeedbackMiss.at)
        .where(FeedbackMiss.address == address, FeedbackMiss.at > since)
        .order_by(FeedbackMiss.at.desc())
        .limit(MISSES)
    ).all()
    if len(misses) >= MISSES:
        until = (misses[-1] + MISS_WINDOW).astimezone(LONDON)
        minute = until.replace(second=0, microsecond=0)
        if minute < until:
            minute += dt.timedelta(minutes=1)
        raise FeedbackBusy(
            "Too many links that do not work have been tried from your network. "
            f"Wait until {minute:%H:%M} and try again."
        )


def _miss(session: Session, address: str, now: dt.datetime) -> None:
    session.execute(delete(FeedbackMiss).where(FeedbackMiss.at <= now - MISS_WINDOW))
    session.add(FeedbackMiss(address=address, at=now))


def _usable(session: Session, typed: str, now: dt.datetime) -> FeedbackLink | None:
    token = read_token(typed)
    if token is None:
        return None
    link = session.scalars(
        select(FeedbackLink).where(FeedbackLink.token_hash == _hash(token))
    ).one_or_none()
    if link is None or link.expires_at <= now:
        return None
    return link


def open_link(
    session: Session, typed: str, *, address: str, now: dt.datetime | None = None
) -> None:
    """Check the link can be answered: LinkNotValid if not (counted against the address), or
    FeedbackBusy while the address has tried too many."""
    now = now or utcnow()
    address = address[:64]
    begin_writing(session)  # a miss is written, after reading
    with unit_of_work(session):
        _check_throttle(session, address, now)
        found = _usable(session, typed, now) is not None
        if not found:
            _miss(session, address, now)
    if not found:
        raise LinkNotValid()


def problems(answers: Mapping[str, str | None]) -> dict[str, str]:
    """What to fix in the answers: every question answered, with one of its answers."""
    return {
        q.key: f"Choose an answer to '{q.text}'"
        for q in QUESTIONS
        if answers.get(q.key) not in q.values
    }


def _add_one(session: Session, link: FeedbackLink, question: str, answer: str) -> None:
    """Add one to a count, whoever else is adding to it at the same moment."""
    values = {
        "service_id": link.service_id,
        "month": link.month,
        "disposal": link.disposal,
        "audience": link.audience,
        "question": question,
        "answer": answer,
        "count": 1,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FeedbackTally).values(values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                "service_id",
                "month",
                "disposal",
                "audience",
                "question",
                "answer",
            ],
            set_={"count": FeedbackTally.count + 1},
        )
    )


def answer(
    session: Session,
    typed: str,
    answers: Mapping[str, str | None],
    *,
    address: str,
    now: dt.datetime | None = None,
) -> None:
    """Count the answers and use the link up, in one transaction. LinkNotValid (used, revoked,
    expired or unknown), FeedbackBusy, or InvalidInput (nothing is counted) otherwise."""
    now = now or utcnow()
    address = address[:64]
    begin_writing(session)
    missed = False
    with unit_of_work(session):
        _check_throttle(session, address, now)
        link = _usable(session, typed, now)
        if link is None:
            _miss(session, address, now)
            missed = True
        else:
            errors = problems(answers)
            if errors:
                raise InvalidInput(errors)
            _use(session, link, answers)
    if missed:
        raise LinkNotValid()


def _use(session: Session, link: FeedbackLink, answers: Mapping[str, str | None]) -> None:
    # Used once: whoever deletes the row first counts, even at the same moment.
    used = session.execute(
        delete(FeedbackLink)
        .where(FeedbackLink.id == link.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(used, "rowcount", 0) != 1:
        raise LinkNotValid()
    session.expunge(link)
    for question in QUESTIONS:
        value = answers[question.key]
        assert value is not None
        _add_one(session, link, question.key, value)
    kept = audit_trail.origin.set(ORIGIN)
    try:
        audit_trail.record(
            session,
            actor=None,
            action="feedback_answered",
            record_type="service",
            record_id=link.service_id,
        )
    finally:
        audit_trail.origin.reset(kept)


def expired_links(session: Session, now: dt.datetime) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(FeedbackLink).where(FeedbackLink.expires_at <= now)
        )
        or 0
    )


def prune_expired_links(session: Session, now: dt.datetime) -> int:
    """Remove links that can no longer be used (`flask purge`); returns how many."""
    with unit_of_work(session):
        result = session.execute(delete(FeedbackLink).where(FeedbackLink.expires_at <= now))
        removed = getattr(result, "rowcount", 0)
    return int(removed or 0)
