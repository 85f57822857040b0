"""Writing and verifying the audit trail (hash-chained with a keyed HMAC).

Each row's hash is HMAC-SHA256(key, previous row's hash + the row's content), so editing a row
breaks its own hash, and deleting or reordering rows breaks the chain. Writers take a lock on
PostgreSQL (a transaction-level advisory lock) before reading the last hash, so concurrent
writers never fork the chain; SQLite has one writer at a time anyway.

What is left after the last rows are removed is still a whole chain: the chain's head is
anchored outside the database by `audit_checkpoint`, which reads the head each transaction
wrote (and the row it chained onto) from the session's `info` (HEAD, BASE).

The key comes from configuration (`AUDIT_KEY`); where a request is being served, the web layer
sets who is asking from where (`origin`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session, SessionTransaction

from oocd_panel.models import User
from oocd_panel.models.audit_trail import AuditEntry
from oocd_panel.plumbing.clock import utcnow

GENESIS = "0" * 64
_LOCK_ID = 74_201_311  # the audit chain's advisory lock on PostgreSQL
_KEY = {"key": b"development audit key: not secret"}  # set from configuration at start-up
origin: ContextVar[str] = ContextVar("audit_origin", default="system")


# In a session's `info`, while its transaction is open: the hash of the last row it wrote
# (HEAD) and the row its first one chained onto (BASE, a Head). Forgotten at every commit or
# rollback.
HEAD = "oocd_audit_head"
BASE = "oocd_audit_base"


@dataclass(frozen=True)
class Head:
    """A row of the trail, by id and hash: the end of the chain, or a row it passed."""

    entry_id: int
    hash: str


def written_head(session: Session) -> tuple[Head, Head | None] | None:
    """(the last row this session's open transaction wrote, the row its first row chained
    onto), or None if it wrote none. Asked before the transaction commits (one lookup by the
    unique hash: the insert itself reads back no ids, to stay one statement)."""
    digest = session.info.get(HEAD)
    if not isinstance(digest, str):
        return None
    entry_id = session.scalar(select(AuditEntry.id).where(AuditEntry.hash == digest))
    if entry_id is None:  # rolled back under us
        return None
    return Head(entry_id, digest), session.info.get(BASE)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    session.info.pop(HEAD, None)
    session.info.pop(BASE, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous: SessionTransaction) -> None:
    # A savepoint rolled back may have held the rows: forgetting them only leaves the
    # checkpoint behind until the next commit, never ahead of what was committed.
    session.info.pop(HEAD, None)
    session.info.pop(BASE, None)


def configure(key: str | bytes) -> None:
    _KEY["key"] = key.encode() if isinstance(key, str) else key


def _content(entry: AuditEntry) -> bytes:
    at = entry.at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return json.dumps(
        {
            "at": at,
            "actor": entry.actor_id,
            "action": entry.action,
            "type": entry.record_type,
            "record": entry.record_id,
            "child": entry.child_id,
            "origin": entry.origin,
            "details": entry.details,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def digest(prev_hash: str, entry: AuditEntry, key: bytes | None = None) -> str:
    return hmac.new(
        key or _KEY["key"], prev_hash.encode() + b"|" + _content(entry), hashlib.sha256
    ).hexdigest()


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    record_type: str,
    record_id: object,
    child_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the session's transaction (the caller commits it with its change)."""
    record_many(session, actor, [(action, record_type, record_id, child_id, details)])


# (action, record type, record id, child id, details)
Row = tuple[str, str, object, int | None, dict[str, Any] | None]


def record_many(session: Session, actor: User | None, rows: Iterable[Row]) -> None:
    """Add audit rows, chained in order, with one read of the chain's end and one insert (a
    page showing many children costs the same few statements as one)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    session.flush()  # rows this transaction already added come first in the chain
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    base = Head(last.id, last.hash) if last is not None else Head(0, GENESIS)
    session.info.setdefault(BASE, base)
    previous = base.hash
    at = utcnow()
    values = []
    for action, record_type, record_id, child_id, details in rows:
        entry = AuditEntry(
            at=at,
            actor_id=actor.id if actor is not None else None,
            action=action,
            record_type=record_type,
            record_id=str(record_id),
            child_id=child_id,
            origin=origin.get()[:64],
            details=details or {},
            prev_hash=previous,
        )
        entry.hash = previous = digest(previous, entry)
        values.append({c: getattr(entry, c) for c in _COLUMNS})
    if values:
        # Core executemany: the ORM would insert one row at a time to read back each id.
        session.execute(insert(AuditEntry), values)
        session.info[HEAD] = previous  # its id is looked up only when asked (written_head)


_COLUMNS = (
    "at",
    "actor_id",
    "action",
    "record_type",
    "record_id",
    "child_id",
    "origin",
    "details",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Finding:
    entry_id: int | None  # None: about the checkpoint itself, not a row
    problem: str


def verify(
    session: Session, key: bytes | None = None, batch: int = 5000
) -> tuple[int, list[Finding]]:
    """(rows checked, problems): an edited row, or a break in the chain where rows were deleted
    or reordered."""
    findings: list[Finding] = []
    previous = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        if not rows:
            break
        for entry in rows:
            count += 1
            if entry.prev_hash != previous:
                findings.append(
                    Finding(
                        entry.id,
                        "the chain is broken before this row: a row was deleted, inserted or moved",
                    )
                )
            if digest(entry.prev_hash, entry, key) != entry.hash:
                findings.append(Finding(entry.id, "this row was changed after it was written"))
            previous = entry.hash
            last_id = entry.id
        session.expunge_all()
    return count, findings
