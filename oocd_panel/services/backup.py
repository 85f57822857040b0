"""Backing up the database: SQLite's online backup, or pg_dump for PostgreSQL.

A backup is taken while the app runs: SQLite's backup API copies a consistent snapshot page by
page, and pg_dump reads one snapshot of the database. Each backup first writes an audit row
(so the copy holds the record of its own making). Restoring is described in the README: copy the
SQLite file into place, or `pg_restore` into a new database, then run `flask verify-audit`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail


class BackupFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    method: str


def default_path(engine: Engine, folder: Path) -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    suffix = ".sqlite3" if engine.dialect.name == "sqlite" else ".dump"
    return folder / f"oocd-panel-{stamp}{suffix}"


def backup(engine: Engine, destination: Path) -> Backup:
    """Copy the whole database to `destination` (which must not exist yet)."""
    if destination.exists():
        raise BackupFailed(f"{destination} already exists: choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session, unit_of_work(session):
        audit_trail.record(
            session,
            actor=None,
            action="backup",
            record_type="database",
            record_id=destination.name,
        )
    if engine.dialect.name == "sqlite":
        _sqlite(engine, destination)
        method = "SQLite online backup"
    elif engine.dialect.name == "postgresql":
        _pg_dump(engine, destination)
        method = "pg_dump (custom format)"
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise BackupFailed(f"No backup method for {engine.dialect.name}.")
    return Backup(destination, destination.stat().st_size, method)


def _sqlite(engine: Engine, destination: Path) -> None:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
            (result,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
    finally:
        raw.close()
    if result != "ok":
        destination.unlink(missing_ok=True)
        raise BackupFailed(f"The copy failed SQLite's integrity check: {result}")


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


def _pg_dump(engine: Engine, destination: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupFailed("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    args, env = pg_dump_command(engine, destination)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        destination.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump failed: {done.stderr.strip()[:500]}")
