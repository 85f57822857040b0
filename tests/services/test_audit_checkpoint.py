"""The audit trail's checkpoint (issue 16, item 5): rows removed from the end of the trail (the
last one, the last five, every one) and a forged checkpoint are found, on a database of its own
(SQLite, or PostgreSQL when TEST_DATABASE_URL is set) with real commits, its append-only
triggers dropped as anyone with full rights on the database could."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import Engine, text

from oocd_panel import create_app
from oocd_panel.plumbing.db import Database, begin_writing
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_checkpoint, audit_trail
from oocd_panel.services.audit_trail import Head
from tests.conftest import fresh_database


@dataclass
class Trail:
    app: Flask
    path: Path

    @property
    def db(self) -> Database:
        db: Database = self.app.extensions["oocd_db"]
        return db

    @property
    def engine(self) -> Engine:
        return self.db.engine

    def write(self, commits: int = 1, rows: int = 1) -> None:
        """Commits through the app's own sessions, each adding `rows` audit rows."""
        for _ in range(commits):
            with self.db.session() as session:
                begin_writing(session)
                with unit_of_work(session):
                    for n in range(rows):
                        audit_trail.record(
                            session, actor=None, action="view", record_type="case", record_id=n
                        )

    def ids(self) -> list[int]:
        with self.engine.connect() as connection:
            return list(connection.scalars(text("SELECT id FROM audit_entry ORDER BY id")))

    def last(self) -> Head:
        with self.engine.connect() as connection:
            row = connection.execute(
                text("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")
            ).one()
        return Head(row.id, row.hash)

    def checkpoint(self) -> audit_checkpoint.Checkpoint | None:
        return audit_checkpoint.from_settings(self.app.config).read()  # type: ignore[union-attr]

    def run(self, *args: str) -> Result:
        return self.app.test_cli_runner().invoke(args=list(args))

    def tamper(self, *statements: str, **params: object) -> None:
        """Drop the append-only guard (as the database's owner could), then run `statements`."""
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                connection.execute(
                    text("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
                )
            else:
                connection.execute(text("DROP TRIGGER IF EXISTS audit_entry_append_only_update"))
                connection.execute(text("DROP TRIGGER IF EXISTS audit_entry_append_only_delete"))
            for statement in statements:
                connection.execute(text(statement), params)


@pytest.fixture
def trail(tmp_path: Path) -> Iterator[Trail]:
    with fresh_database(tmp_path) as url:
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "test-secret-key",
                "ENV_MODE": "development",
                "TESTING": True,
                "AUDIT_CHECKPOINT": str(tmp_path / "trail.audit-checkpoint"),
            }
        )
        yield Trail(app, tmp_path / "trail.audit-checkpoint")
        app.extensions["oocd_db"].engine.dispose()


def _fails(result: Result, says: str) -> None:
    assert result.exit_code == 1, result.output
    assert "The audit trail has been tampered with" in result.output
    assert says in result.output, result.output


def test_every_commit_that_adds_audit_rows_moves_the_checkpoint_on(trail: Trail) -> None:
    assert trail.checkpoint() is None
    trail.write(commits=3, rows=2)
    checkpoint = trail.checkpoint()
    assert checkpoint is not None
    assert checkpoint.head == trail.last()
    assert stat.S_IMODE(trail.path.stat().st_mode) == 0o600
    assert sorted(json.loads(trail.path.read_text())) == [
        "audit_entry_id",
        "hash",
        "hmac",
        "version",
        "written_at",
    ]
    verified = trail.run("verify-audit")
    assert verified.exit_code == 0, verified.output
    assert "The audit trail is intact: 6 rows checked" in verified.output
    assert f"row {trail.last().entry_id}" in verified.output


@pytest.mark.parametrize("removed", ["the last row", "the last five rows", "every row"])
def test_rows_removed_from_the_end_are_found(trail: Trail, removed: str) -> None:
    trail.write(commits=10)
    ids = trail.ids()
    anchored = trail.last().entry_id
    assert trail.run("verify-audit").exit_code == 0
    keep = {"the last row": ids[-2], "the last five rows": ids[-6], "every row": 0}[removed]
    trail.tamper("DELETE FROM audit_entry WHERE id > :keep", keep=keep)
    # Before the checkpoint, this was a whole chain: "intact".
    with trail.db.session() as session:
        assert audit_trail.verify(session)[1] == []
    _fails(trail.run("verify-audit"), f"Row {anchored}: this row, the end of the trail")

    # The next commits chain onto what is left, but cannot move the checkpoint past the gap.
    trail.write(commits=6)
    checkpoint = trail.checkpoint()
    assert checkpoint is not None
    assert checkpoint.entry_id == anchored
    _fails(trail.run("verify-audit"), f"Row {anchored}: ")


def test_an_edited_middle_row_is_found(trail: Trail) -> None:
    trail.write(commits=10)
    middle = trail.ids()[4]
    trail.tamper("UPDATE audit_entry SET record_id = 'other' WHERE id = :id", id=middle)
    _fails(trail.run("verify-audit"), f"Row {middle}: this row was changed after it was written")


def test_a_forged_or_changed_checkpoint_is_found(trail: Trail) -> None:
    trail.write(commits=5)
    genuine = trail.path.read_bytes()
    earlier = trail.ids()[1]
    # Its content changed to an earlier row (to hide what came after), keeping the old HMAC.
    data = json.loads(genuine)
    trail.path.write_text(json.dumps({**data, "audit_entry_id": earlier}))
    _fails(trail.run("verify-audit"), "is not signed with this service's key")
    # A new one made with another key.
    audit_checkpoint.CheckpointFile(trail.path, b"a key guessed").replace(Head(earlier, "0" * 64))
    _fails(trail.run("verify-audit"), "is not signed with this service's key")
    # Commits leave it as they found it (the evidence), and say so in the log.
    forged = trail.path.read_bytes()
    trail.write()
    assert trail.path.read_bytes() == forged
    trail.path.write_bytes(genuine)
    assert trail.run("verify-audit").exit_code == 0


def test_a_missing_checkpoint_is_reported_until_the_trail_is_anchored_again(
    trail: Trail,
) -> None:
    trail.write(commits=2)
    trail.path.unlink()
    missing = trail.run("verify-audit")
    assert missing.exit_code == 1
    assert "There is no audit checkpoint" in missing.output
    anchored = trail.run("audit-checkpoint")
    assert anchored.exit_code == 0, anchored.output
    assert f"Checkpoint written: row {trail.last().entry_id}" in anchored.output
    assert trail.run("verify-audit").exit_code == 0


def test_the_trail_is_not_anchored_again_over_problems_unless_forced(trail: Trail) -> None:
    trail.write(commits=4)
    last = trail.last().entry_id
    trail.tamper("DELETE FROM audit_entry WHERE id = :id", id=last)
    refused = trail.run("audit-checkpoint")
    assert refused.exit_code == 1
    assert "nothing written" in refused.output
    checkpoint = trail.checkpoint()
    assert checkpoint is not None
    assert checkpoint.entry_id == last
    forced = trail.run("audit-checkpoint", "--force")
    assert forced.exit_code == 0, forced.output
    assert trail.run("verify-audit").exit_code == 0


def test_concurrent_writers_never_make_the_checkpoint_disagree(trail: Trail) -> None:
    """Writers in threads (each its own session, as workers are): the checkpoint may trail the
    last commit for a moment, but always names a row that is there, so nothing is reported."""
    trail.write()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            trail.write(commits=8)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verified = trail.run("verify-audit")
    assert verified.exit_code == 0, verified.output
    trail.write()
    checkpoint = trail.checkpoint()
    assert checkpoint is not None
    assert checkpoint.head == trail.last()


def test_the_default_checkpoint_is_beside_a_sqlite_database(tmp_path: Path) -> None:
    from oocd_panel.plumbing.config import INSTANCE_DIR, default_audit_checkpoint

    database = tmp_path / "panel.sqlite3"
    assert default_audit_checkpoint(f"sqlite:///{database}") == f"{database}.audit-checkpoint"
    assert default_audit_checkpoint("sqlite://") is None
    server = default_audit_checkpoint("postgresql+psycopg://oocd:secret@db.internal/oocd")
    assert server is not None
    assert Path(server).parent == INSTANCE_DIR
    assert "secret" not in server
    assert os.path.basename(server).startswith("oocd-")
