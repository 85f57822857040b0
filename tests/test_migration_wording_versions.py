"""Migration 0019: each service's saved letter wording becomes its version 1, approved
by whoever saved it, and goes back to one row a key on downgrade."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from oocd_panel import demo
from oocd_panel.cli import alembic_config
from oocd_panel.letters.wording import wording_for
from oocd_panel.models import Service, WordingStatus, WordingVersion
from oocd_panel.plumbing.db import Database
from tests.conftest import fresh_database

WARNING = "It is a warning. No court."


def test_saved_wording_keeps_applying_as_version_1(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        db = Database(url)
        try:
            cfg = alembic_config()
            with db.session() as session:
                services = demo.ensure_services(session)
                users = demo.ensure_demo_users(session, services)
                admin = users["admin@example.org"]
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.downgrade(cfg, "0016")
                northbrook = connection.scalar(
                    text("SELECT id FROM service WHERE slug = 'northbrook'")
                )
                # Saved the old way: one row a save, the latest row of each key applying.
                for key, value in [
                    ("contact:phone", "01632 960 000"),
                    ("contact:phone", "01632 960 101"),
                    ("disposal:youth_caution:child_meaning", WARNING),
                ]:
                    connection.execute(
                        text(
                            "INSERT INTO letter_wording (service_id, key, text, reviewed_by_id, "
                            "reviewed_at) VALUES (:s, :k, :t, :u, '2026-11-30 10:00:00')"
                        ),
                        {"s": northbrook, "k": key, "t": value, "u": admin.id},
                    )
                command.upgrade(cfg, "head")
            with db.session() as session:
                (version,) = session.query(WordingVersion).all()
                assert version.number == 1
                assert version.status is WordingStatus.APPROVED
                assert version.drafted_by_id == version.decided_by_id == admin.id
                assert version.values == {
                    "contact:phone": "01632 960 101",
                    "disposal:youth_caution:child_meaning": WARNING,
                }
                service = session.get(Service, northbrook)
                assert service is not None
                wording = wording_for(session, service)
                assert wording.number == 1
                assert wording.phone == "01632 960 101"
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.downgrade(cfg, "0016")
                rows = connection.execute(
                    text("SELECT key, text, reviewed_by_id FROM letter_wording ORDER BY key")
                ).all()
                assert [tuple(r) for r in rows] == [
                    ("contact:phone", "01632 960 101", admin.id),
                    ("disposal:youth_caution:child_meaning", WARNING, admin.id),
                ]
                command.upgrade(cfg, "head")
        finally:
            db.engine.dispose()
