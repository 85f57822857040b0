"""`flask backup`, then a restore that verifies and serves: SQLite (the backup file is the
database) or PostgreSQL (pg_restore into a new database), whichever the suite runs on."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import make_url, select, text
from sqlalchemy.orm import Session

from oocd_panel import create_app, demo
from oocd_panel.models import AuditEntry, Referral
from oocd_panel.plumbing.db import begin_writing, make_engine
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail, backup
from tests.conftest import fresh_database
from tests.web.helpers import text_of


def _app(url: str, checkpoint: Path | None = None) -> Flask:
    """The app on `url`, its audit checkpoint at `checkpoint` (default: beside a SQLite file)."""
    settings: dict[str, object] = {
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "ENV_MODE": "development",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
    }
    if checkpoint is not None:
        settings["AUDIT_CHECKPOINT"] = str(checkpoint)
    return create_app(settings)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def _restored(url: str, backup_file: Path) -> Iterator[str]:
    """The URL of a database restored from `backup_file`, removed afterwards."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{backup_file}"
        return
    parsed = make_url(url)
    name = f"restore_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        restore = [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            f"--dbname={name}",
            f"--host={parsed.host}",
            f"--port={parsed.port or 5432}",
            f"--username={parsed.username}",
            str(backup_file),
        ]
        done = subprocess.run(restore, capture_output=True, text=True, check=False)  # noqa: S603
        assert done.returncode == 0, done.stderr
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_restores_to_a_database_that_verifies_and_serves(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        if not url.startswith("sqlite") and shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
        sqlite = url.startswith("sqlite")
        app = _app(url, None if sqlite else tmp_path / "live.audit-checkpoint")
        runner = app.test_cli_runner()
        seeded = runner.invoke(args=["seed-demo", "--referrals", "4", "--seed", "5"])
        assert seeded.exit_code == 0, seeded.output
        db = app.extensions["oocd_db"]
        with Session(db.engine) as session:
            references = set(session.scalars(select(Referral.police_reference)))

        target = (
            tmp_path / "backups" / ("copy.sqlite3" if url.startswith("sqlite") else "copy.dump")
        )
        result = runner.invoke(args=["backup", "--to", str(target)])
        assert result.exit_code == 0, result.output
        assert f"Backed up to {target}" in result.output
        # Private, and with the audit checkpoint beside it (private too).
        carried = target.with_name(target.name + ".audit-checkpoint")
        assert f"Its audit checkpoint: {carried}" in result.output
        assert (_mode(target), _mode(carried)) == (0o600, 0o600)
        assert sorted(p.name for p in target.parent.iterdir()) == [target.name, carried.name]
        # A second backup to the same file is refused rather than overwriting it.
        again = runner.invoke(args=["backup", "--to", str(target)])
        assert again.exit_code == 1
        assert "already exists" in again.output
        db.engine.dispose()

        with _restored(url, target) as restored_url:
            # SQLite: the copy is opened where it is, so its checkpoint is the one beside it;
            # PostgreSQL: the checkpoint is put back by `flask audit-checkpoint --from`.
            restored = _app(restored_url, None if sqlite else tmp_path / "restored.checkpoint")
            if not sqlite:
                put_back = restored.test_cli_runner().invoke(
                    args=["audit-checkpoint", "--from", str(carried)]
                )
                assert put_back.exit_code == 0, put_back.output
            verified = restored.test_cli_runner().invoke(args=["verify-audit"])
            assert verified.exit_code == 0, verified.output
            assert "The audit trail is intact" in verified.output
            assert "Its end is as the checkpoint" in verified.output
            rdb = restored.extensions["oocd_db"]
            with Session(rdb.engine) as session:
                assert set(session.scalars(select(Referral.police_reference))) == references
                # The backup holds the record of its own making.
                last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
                assert last is not None
                assert (last.action, last.record_id) == ("backup", target.name)
            client = restored.test_client()
            signed_in = client.post(
                "/sign-in",
                data={"email": "practitioner@example.org", "password": demo.DEMO_PASSWORD},
            )
            assert signed_in.status_code == 302
            page = client.get("/cases")
            assert page.status_code == 200
            assert any(reference in text_of(page) for reference in references)
            rdb.engine.dispose()


# --- Private, and whole or not at all (issue 16, item 6) -------------------------------------


@contextmanager
def _live(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own (with demo users), its checkpoint in `tmp_path`."""
    with fresh_database(tmp_path) as url:
        app = _app(url, tmp_path / "live.audit-checkpoint")
        seeded = app.test_cli_runner().invoke(args=["seed-demo", "--referrals", "2"])
        assert seeded.exit_code == 0, seeded.output
        try:
            yield app
        finally:
            app.extensions["oocd_db"].engine.dispose()


def _write_audit_rows(app: Flask, stop: threading.Event, errors: list[BaseException]) -> None:
    """A busy service: transactions one after another, each holding the write lock a while."""
    db = app.extensions["oocd_db"]
    try:
        while not stop.is_set():
            with db.session() as session:
                begin_writing(session)
                with unit_of_work(session):
                    audit_trail.record(
                        session, actor=None, action="view", record_type="case", record_id=1
                    )
                    time.sleep(0.02)
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def test_a_backup_taken_while_writers_are_busy_succeeds(tmp_path: Path) -> None:
    """Run while the app served under load, `flask backup` once failed with "database is
    locked" writing its own audit row: it now waits its turn for the write lock."""
    with _live(tmp_path) as app:
        stop, errors = threading.Event(), []
        writers = [
            threading.Thread(target=_write_audit_rows, args=(app, stop, errors)) for _ in range(3)
        ]
        for writer in writers:
            writer.start()
        try:
            time.sleep(0.2)
            results = [
                app.test_cli_runner().invoke(
                    args=["backup", "--to", str(tmp_path / "backups" / f"busy-{n}.backup")]
                )
                for n in range(3)
            ]
        finally:
            stop.set()
            for writer in writers:
                writer.join()
        assert errors == []
        for result in results:
            assert result.exit_code == 0, result.output
        verified = app.test_cli_runner().invoke(args=["verify-audit"])
        assert verified.exit_code == 0, verified.output


@contextmanager
def _hold_the_write_lock(app: Flask) -> Iterator[None]:
    """Another writer that keeps the lock a backup's audit row needs."""
    engine = app.extensions["oocd_db"].engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("COMMIT")  # leave SQLAlchemy's implicit transaction
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT pg_advisory_lock(74201311)"))
        try:
            yield
        finally:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("ROLLBACK")
            else:
                connection.execute(text("SELECT pg_advisory_unlock(74201311)"))


def test_a_backup_that_cannot_get_the_lock_in_time_fails_clearly(tmp_path: Path) -> None:
    with _live(tmp_path) as app:
        folder = tmp_path / "backups"
        with _hold_the_write_lock(app):
            started = time.monotonic()
            result = app.test_cli_runner().invoke(
                args=["backup", "--to", str(folder / "copy.backup"), "--wait", "1"]
            )
            waited = time.monotonic() - started
        assert result.exit_code == 1
        assert "Backup failed: The database stayed busy for more than 1 s" in result.output
        assert "nothing was backed up" in result.output
        assert waited < 1 + 5 + 2  # the bound, and one try's 5 s
        assert list(folder.iterdir()) == []


def test_a_backup_that_fails_midway_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_engine: object, partial: Path, *_args: object) -> None:
        partial.write_bytes(b"half a database")
        raise backup.BackupFailed("the disk is full")

    with _live(tmp_path) as app:
        monkeypatch.setattr(backup, "_sqlite", broken)
        monkeypatch.setattr(backup, "_pg_dump", broken)
        folder = tmp_path / "backups"
        result = app.test_cli_runner().invoke(args=["backup", "--to", str(folder / "c.backup")])
        assert result.exit_code == 1
        assert "Backup failed: the disk is full" in result.output
        assert list(folder.iterdir()) == []


def test_a_folder_others_can_write_to_is_refused(tmp_path: Path) -> None:
    with _live(tmp_path) as app:
        shared = tmp_path / "shared"
        shared.mkdir()
        shared.chmod(0o777)
        result = app.test_cli_runner().invoke(args=["backup", "--to", str(shared / "c.backup")])
        assert result.exit_code == 1
        assert "can be written by other users (mode 777)" in result.output
        assert "chmod go-w" in result.output
        assert list(shared.iterdir()) == []
        # A folder made for backups is this account's alone.
        made = tmp_path / "made" / "backups"
        done = app.test_cli_runner().invoke(args=["backup", "--to", str(made / "c.backup")])
        assert done.exit_code == 0, done.output
        assert _mode(made) == 0o700
        assert _mode(made / "c.backup") == 0o600
