"""`flask backup`, then a restore that verifies and serves: SQLite (the backup file is the
database) or PostgreSQL (pg_restore into a new database), whichever the suite runs on."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import make_url, select, text
from sqlalchemy.orm import Session

from oocd_panel import create_app, demo
from oocd_panel.models import AuditEntry, Referral
from oocd_panel.plumbing.db import make_engine
from tests.conftest import fresh_database
from tests.web.helpers import text_of


def _app(url: str) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key",
            "ENV_MODE": "development",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "AUDIT_CHECKPOINT": None,  # backups do not carry it yet
        }
    )


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
        app = _app(url)
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
        # A second backup to the same file is refused rather than overwriting it.
        again = runner.invoke(args=["backup", "--to", str(target)])
        assert again.exit_code == 1
        assert "already exists" in again.output
        db.engine.dispose()

        with _restored(url, target) as restored_url:
            restored = _app(restored_url)
            verified = restored.test_cli_runner().invoke(args=["verify-audit"])
            assert verified.exit_code == 0, verified.output
            assert "The audit trail is intact" in verified.output
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
