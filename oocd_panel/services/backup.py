"""Backing up the database: SQLite's online backup, or pg_dump for PostgreSQL.

A backup is taken while the app runs: SQLite's backup API copies a consistent snapshot, and
pg_dump reads one snapshot of the database. Each backup first writes an audit row (so the copy
holds the record of its own making), waiting its turn for the write lock while the service is
busy (retrying within a bound), and carries the audit checkpoint beside it
(`<backup>.audit-checkpoint`), so a restored copy can be checked for rows removed from its end.

Backups are private and never half-made: the copy is written to a 0600 temporary file in the
backup folder and appears under its name only once it is whole and checked (a hard link, which
never replaces a file already there); a failure leaves nothing behind and says why. A folder
that other users can write to (or that another user owns) is refused.

Restoring is described in the README: copy the SQLite file (and its checkpoint) into place, or
`pg_restore` into a new database and `flask audit-checkpoint --from` the checkpoint, then run
`flask verify-audit`."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.db import Database, begin_writing
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_checkpoint, audit_trail
from oocd_panel.services.audit_checkpoint import CheckpointFile
from oocd_panel.services.audit_trail import Head

# How long a backup waits for the database's write lock (to write its audit row) before it
# gives up, in tries: SQLite waits up to 5 s a try (its busy timeout), PostgreSQL LOCK_TRY.
LOCK_WAIT_SECONDS = 60.0
LOCK_TRY = "5s"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


class BackupFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    method: str
    checkpoint: Path | None  # the audit checkpoint beside it, if the app keeps one


def default_path(engine: Engine, folder: Path) -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    suffix = ".sqlite3" if engine.dialect.name == "sqlite" else ".dump"
    return folder / f"oocd-panel-{stamp}{suffix}"


def check_folder(folder: Path) -> None:
    """Make the folder (only this account may use it) if it is missing; refuse one that other
    users can write to, or that another user owns (they could replace or remove backups)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = folder.stat()
    except OSError as exc:
        raise BackupFailed(f"The backup folder {folder} cannot be used: {exc}.") from None
    mode = stat.S_IMODE(found.st_mode)
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise BackupFailed(
            f"The backup folder {folder} can be written by other users (mode {mode:o}), who "
            f"could replace or remove backups: nothing was backed up. Use a folder only this "
            f"account can write to (chmod go-w {folder}), or choose another with --to."
        )
    if found.st_uid not in {os.getuid(), 0}:
        raise BackupFailed(
            f"The backup folder {folder} belongs to another user, who could replace or remove "
            "backups: nothing was backed up. Use a folder of this account's."
        )


def backup(
    database: Database,
    destination: Path,
    *,
    checkpoint: CheckpointFile | None = None,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> Backup:
    """Copy the whole database to `destination` (which must not exist yet), with the audit
    checkpoint beside it when `checkpoint` is given."""
    engine = database.engine
    if engine.dialect.name not in {"sqlite", "postgresql"}:  # pragma: no cover
        raise BackupFailed(f"No backup method for {engine.dialect.name}.")
    anchor = audit_checkpoint.for_database(destination) if checkpoint is not None else None
    for path in (destination, anchor):
        if path is not None and path.exists():
            raise BackupFailed(f"{path} already exists: choose a new file name.")
    check_folder(destination.parent)
    head, base = _record(database, destination.name, lock_wait)
    anchor_content = _anchor(checkpoint, head, base) if checkpoint is not None else None
    fd, name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    os.close(fd)
    partial = Path(name)  # 0600, in the same folder, so linking it into place is atomic
    try:
        if engine.dialect.name == "sqlite":
            _sqlite(engine, partial, head, time.monotonic() + lock_wait)
            method = "SQLite online backup"
        else:
            _pg_dump(engine, partial)
            method = "pg_dump (custom format)"
        _publish(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    if anchor is not None and anchor_content is not None:
        try:
            _write_beside(anchor, anchor_content)
        except (OSError, BackupFailed) as exc:
            destination.unlink(missing_ok=True)
            message = exc.message if isinstance(exc, BackupFailed) else str(exc)
            raise BackupFailed(f"The audit checkpoint could not be written: {message}") from None
    return Backup(destination, destination.stat().st_size, method, anchor)


def _busy(error: OperationalError) -> bool:
    """The database's write lock (or the chain's lock) could not be had in time."""
    if getattr(error.orig, "sqlstate", None) == "55P03":  # PostgreSQL: lock_not_available
        return True
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def _record(database: Database, name: str, lock_wait: float) -> tuple[Head, Head | None]:
    """Write the backup's audit row, waiting for the write lock for at most about `lock_wait`
    seconds (in tries); returns (the row, the row it chained onto)."""
    deadline = time.monotonic() + lock_wait
    pause = 0.1
    while True:
        try:
            with database.session() as session:
                begin_writing(session)  # SQLite: BEGIN IMMEDIATE, so no stale snapshot
                if database.engine.dialect.name == "postgresql":
                    session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TRY}'"))
                with unit_of_work(session):
                    audit_trail.record(
                        session,
                        actor=None,
                        action="backup",
                        record_type="database",
                        record_id=name,
                    )
                    written = audit_trail.written_head(session)
                assert written is not None
                return written
        except OperationalError as exc:
            if not _busy(exc):
                message = f"The backup's audit row could not be written: {exc.orig}"
                raise BackupFailed(message) from None
            if time.monotonic() + pause > deadline:
                raise BackupFailed(
                    f"The database stayed busy for more than {lock_wait:g} s, so the backup "
                    "could not write its audit row: nothing was backed up. Try again when the "
                    "service is quieter, or with a longer --wait."
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _anchor(checkpoint: CheckpointFile, head: Head, base: Head | None) -> bytes:
    """What goes beside the backup: the app's checkpoint, moved on to the backup's own row if
    it stood where that row's chain began (so a checkpoint that names a row since removed is
    carried as it is, for the restored copy to say so too)."""
    with contextlib.suppress(OSError):  # then carry the checkpoint as it is
        checkpoint.advance(head, expected=None, base=base)
    try:
        return checkpoint.path.read_bytes()
    except FileNotFoundError:
        return audit_checkpoint.signed(head, checkpoint.key)
    except OSError as exc:
        message = f"The audit checkpoint {checkpoint.path} cannot be read: {exc}."
        raise BackupFailed(message) from None


def _publish(partial: Path, destination: Path) -> None:
    try:
        os.link(partial, destination)  # never over a file that appeared meanwhile
    except FileExistsError:
        raise BackupFailed(f"{destination} already exists: choose a new file name.") from None
    except OSError as exc:
        raise BackupFailed(
            f"The backup could not be put in place as {destination}: {exc}."
        ) from None


def _write_beside(path: Path, content: bytes) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        _publish(Path(name), path)
    finally:
        os.unlink(name)


def _sqlite(engine: Engine, partial: Path, head: Head, deadline: float) -> None:
    def waited(status: int, _remaining: int, _total: int) -> None:
        if status in {_SQLITE_BUSY, _SQLITE_LOCKED} and time.monotonic() > deadline:
            raise BackupFailed("The database stayed busy too long to be copied.")

    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(partial)
        try:
            source.backup(target, progress=waited, sleep=0.1)
            (result,) = target.execute("PRAGMA integrity_check").fetchone()
            row = target.execute(
                "SELECT hash FROM audit_entry WHERE id = ?", (head.entry_id,)
            ).fetchone()
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"The copy failed: {exc}") from None
    finally:
        raw.close()
    if result != "ok":
        raise BackupFailed(f"The copy failed SQLite's integrity check: {result}")
    if row is None or row[0] != head.hash:
        raise BackupFailed("The copy does not hold the backup's own audit row.")


def pg_dump_command(engine: Engine, destination: Path) -> tuple[list[str], dict[str, str]]:
    """pg_dump's arguments and environment for this database: custom format, only the schema
    the app uses, the password (if any) in the environment rather than on the command line."""
    url = engine.url
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    args = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--schema={schema}",
        f"--file={destination}",
        f"--dbname={url.database}",
    ]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _pg_dump(engine: Engine, partial: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupFailed("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    args, env = pg_dump_command(engine, partial)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {done.stderr.strip()[:500]}")
