"""The audit trail's checkpoint: the chain's head kept outside the database it protects, so rows
removed from the end of the trail (the last one, the last few, or every one) are found too.

The hash chain (audit_trail) finds a row edited, inserted, deleted or moved before the last
row, but what is left when the last rows are removed is still a whole chain. So the head (the
last row's id and hash) is kept in a small file outside the database, signed with an HMAC key
of its own (`AUDIT_CHECKPOINT_KEY`), and verifying checks that the row it names is still in
the table with that hash (the chain then vouches for every row before it).

When it is written: after every commit that adds audit rows (`watch` hooks the app's sessions),
by `flask verify-audit` after a clean check, by `flask audit-checkpoint`, and by every backup
(moved on to the backup's own audit row, and copied beside the backup). A commit replaces the
file only while the row the file names is still in the database with its hash (checked inside
the committing transaction) and only if the file has not moved meanwhile, so the checkpoint is
a ratchet: rows removed from the end are never written over by the next commit; the file stays
as the evidence, and the refusal is logged. Writes are atomic (a temporary file in the same
folder, fsync, rename), 0600, and one at a time (an exclusive `flock` shared by every process
on the machine). The cost is one primary-key lookup in the transaction and about a millisecond
of file writing after each commit that adds audit rows.

Limits: rows committed after the last checkpoint are not anchored (normally only the last
commit's, for the moment between its commit and its checkpoint; longer while the file cannot
be written, which is logged). Someone who can write the file can delete it (the next commit
starts a new one) or put back an older one of its own; without the key they cannot make a new
one. Each machine's file anchors the commits made there."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from oocd_panel.models.audit_trail import AuditEntry
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.services import audit_trail
from oocd_panel.services.audit_trail import Finding, Head

log = logging.getLogger(__name__)

VERSION = 1
# The checkpoint beside a database file or a backup is named after it, with this added.
SUFFIX = ".audit-checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    entry_id: int
    hash: str
    written_at: dt.datetime

    @property
    def head(self) -> Head:
        return Head(self.entry_id, self.hash)


class CheckpointUnreadable(Exception):
    """The file is there but cannot be trusted: not a checkpoint, or not signed with our key."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _mac(key: bytes, fields: Mapping[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, b"oocd-panel audit checkpoint|" + payload, hashlib.sha256).hexdigest()


def _fields(head: Head, written_at: dt.datetime) -> dict[str, Any]:
    return {
        "version": VERSION,
        "audit_entry_id": head.entry_id,
        "hash": head.hash,
        "written_at": written_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }


def parse(text: bytes, key: bytes, where: str) -> Checkpoint:
    """A checkpoint from a file's bytes, if it is one and is signed with `key`."""
    try:
        data = json.loads(text)
        fields = {name: data[name] for name in ("version", "audit_entry_id", "hash", "written_at")}
        mac = data["hmac"]
        entry_id, digest = fields["audit_entry_id"], fields["hash"]
        written_at = dt.datetime.fromisoformat(fields["written_at"])
    except (ValueError, KeyError, TypeError) as exc:
        message = f"The audit checkpoint {where} cannot be read ({exc})."
        raise CheckpointUnreadable(message) from None
    if not (
        isinstance(mac, str)
        and hmac.compare_digest(mac.encode(), _mac(key, fields).encode())
        and fields["version"] == VERSION
        and isinstance(entry_id, int)
        and isinstance(digest, str)
    ):
        raise CheckpointUnreadable(
            f"The audit checkpoint {where} is not signed with this service's key: it was forged "
            "or changed (or AUDIT_CHECKPOINT_KEY, or the SECRET_KEY it comes from, changed)."
        )
    return Checkpoint(entry_id, digest, written_at)


def signed(head: Head, key: bytes) -> bytes:
    """A checkpoint of `head`, signed with `key`, as the file holds it."""
    fields = _fields(head, utcnow())
    return (json.dumps({**fields, "hmac": _mac(key, fields)}, indent=2) + "\n").encode()


def _write_new(path: Path, content: bytes) -> str:
    """`content` in a new 0600 file in `path`'s folder (synced to disk); returns its name."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.write(fd, content)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    os.close(fd)
    return temporary


class CheckpointFile:
    """The checkpoint at `path`, signed and checked with `key`."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.key = key

    def read(self) -> Checkpoint | None:
        """The checkpoint, or None if there is no file (CheckpointUnreadable if it is bad)."""
        try:
            text = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            message = f"The audit checkpoint {self.path} cannot be read: {exc}."
            raise CheckpointUnreadable(message) from None
        return parse(text, self.key, str(self.path))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)  # releases the lock

    def _store(self, head: Head) -> None:
        os.replace(_write_new(self.path, signed(head, self.key)), self.path)

    def advance(self, head: Head, *, expected: Checkpoint | None, base: Head | None) -> bool:
        """Move the checkpoint on to `head` if the file is still `expected` (the checkpoint
        whose row was checked) or names `base` (the row `head`'s chain was built on, so known
        to be there), and `head` is further on. Whether it was written."""
        with self._locked():
            try:
                current = self.read()
            except CheckpointUnreadable as exc:
                log.error("%s Not moved on to row %s.", exc.message, head.entry_id)
                return False
            if current is None:
                if expected is not None:
                    return False  # removed since it was checked: verifying will say so
            elif (current != expected and current.head != base) or (
                head.entry_id <= current.entry_id
            ):
                return False
            self._store(head)
            return True

    def replace(self, head: Head) -> Checkpoint:
        """Write a checkpoint of `head` whatever the file holds (`flask audit-checkpoint`)."""
        with self._locked():
            self._store(head)
            written = self.read()
        assert written is not None
        return written


def for_database(path: Path) -> Path:
    """Where the checkpoint of a SQLite database file (or of a backup) is kept: beside it."""
    return path.with_name(path.name + SUFFIX)


def from_settings(settings: Mapping[str, Any]) -> CheckpointFile | None:
    """The app's checkpoint (`AUDIT_CHECKPOINT`, `AUDIT_CHECKPOINT_KEY`), or None if off."""
    path = settings.get("AUDIT_CHECKPOINT")
    if not path:
        return None
    key = settings["AUDIT_CHECKPOINT_KEY"]
    return CheckpointFile(Path(path), key.encode() if isinstance(key, str) else key)


# --- Checking ------------------------------------------------------------------------------------


def last_row(session: Session) -> Head | None:
    found = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return Head(found.id, found.hash) if found is not None else None


def anchored_row_problem(session: Session, checkpoint: Checkpoint) -> str | None:
    """What is wrong with the row the checkpoint names (missing, or another hash), or None."""
    if checkpoint.entry_id == 0:  # the checkpoint of an empty trail
        return None
    stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == checkpoint.entry_id))
    when = checkpoint.written_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    if stored is None:
        rows, last = session.execute(select(func.count(), func.max(AuditEntry.id))).one()
        left = f"the last row is {last}" if last is not None else "none is left"
        return (
            f"this row, the end of the trail at the checkpoint of {when}, is missing: rows were "
            f"removed from the end of the trail ({rows:,} rows now; {left})"
        )
    if stored != checkpoint.hash:
        return (
            f"this row's hash is not the one the checkpoint of {when} holds: the end of the "
            "trail was removed and written again"
        )
    return None


def findings(
    session: Session, checkpoint: CheckpointFile, *, rows: int, missing_ok: bool = False
) -> tuple[Checkpoint | None, list[Finding]]:
    """(the checkpoint, what is wrong with the trail or the checkpoint by its light), for
    `verify-audit`; `rows` is how many rows the chain has (a missing file matters only then,
    and not at all when `missing_ok`: anchoring the trail afresh)."""
    try:
        current = checkpoint.read()
    except CheckpointUnreadable as exc:
        return None, [Finding(None, exc.message)]
    if current is None:
        if not rows or missing_ok:
            return None, []
        return None, [
            Finding(
                None,
                f"There is no audit checkpoint at {checkpoint.path}, so rows removed from the end "
                "of the trail cannot be found. Once you are satisfied the trail is whole, run "
                "`flask audit-checkpoint` (or put back the checkpoint file if it was moved).",
            )
        ]
    problem = anchored_row_problem(session, current)
    return current, [Finding(current.entry_id, problem)] if problem else []


# --- After every commit that adds audit rows -----------------------------------------------------

_PLAN = "oocd_audit_checkpoint_plan"


def watch(factory: sessionmaker[Session], checkpoint: CheckpointFile) -> None:
    """Move the checkpoint on after each commit (of a session from `factory`) that adds audit
    rows, once its transaction has checked that the row the checkpoint names is still there."""

    def before_commit(session: Session) -> None:
        written = audit_trail.written_head(session)
        if written is None:
            return
        try:
            current = checkpoint.read()
        except CheckpointUnreadable as exc:
            log.error("%s Run `flask verify-audit`.", exc.message)
            return
        if current is not None:
            problem = anchored_row_problem(session, current)
            if problem is not None:
                log.error(
                    "The audit checkpoint %s is not moved on: row %s: %s. Run `flask "
                    "verify-audit`.",
                    checkpoint.path,
                    current.entry_id,
                    problem,
                )
                return
        session.info[_PLAN] = (current, *written)

    def after_commit(session: Session) -> None:
        plan = session.info.pop(_PLAN, None)
        if plan is None:
            return
        expected, head, base = plan
        try:
            checkpoint.advance(head, expected=expected, base=base)
        except OSError as exc:  # the change is committed: say so, and carry on
            log.error("The audit checkpoint %s could not be written: %s", checkpoint.path, exc)

    def after_rollback(session: Session, _previous: Any) -> None:
        session.info.pop(_PLAN, None)

    event.listen(factory, "before_commit", before_commit)
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", after_rollback)
