"""One Alembic chain, and the models and the migrations agree (no drift)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from oocd_panel import demo
from oocd_panel.cli import alembic_config
from oocd_panel.plumbing.db import Base, Database
from tests.conftest import fresh_database


def test_one_linear_chain_of_migrations() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_autogenerate_finds_no_drift(engine: Engine) -> None:
    """The test database was built by `alembic upgrade head`; the models must match it."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_the_database_is_at_head(engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    assert current == script.get_current_head()


def test_decision_points_are_backfilled_from_the_event_snapshots(tmp_path: Path) -> None:
    """Upgrading a database with history builds the same decision points the workflow writes."""
    with fresh_database(tmp_path) as url:
        db = Database(url)
        try:
            with db.session() as session:
                demo.seed_demo(session, referrals=40, seed=3)
            query = text(
                "SELECT referral_id, point, route, occurred_on, selected, disposal, departure "
                "FROM decision_point ORDER BY referral_id, point"
            )
            with db.engine.connect() as connection:
                written = [tuple(r) for r in connection.execute(query)]
            assert written
            cfg = alembic_config()
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.downgrade(cfg, "0005")
                command.upgrade(cfg, "0006")
            with db.engine.connect() as connection:
                rebuilt = [tuple(r) for r in connection.execute(query)]
            assert sorted(map(str, rebuilt)) == sorted(map(str, written))
        finally:
            db.engine.dispose()


def test_follow_up_facts_and_vote_positions_are_filled_in_by_migration_0012(
    tmp_path: Path,
) -> None:
    """Upgrading a database with history gives the follow-up facts and the decision-makers'
    positions that the workflow now writes as things happen."""
    with fresh_database(tmp_path) as url:
        db = Database(url)
        try:
            with db.session() as session:
                demo.seed_demo(session, referrals=60, seed=5)
            queries = [
                text(
                    "SELECT referral_id, point, reached_assessment, referred_again_on "
                    "FROM decision_point ORDER BY referral_id, point"
                ),
                text("SELECT id, police_position, yjs_position FROM agenda_item ORDER BY id"),
            ]
            with db.engine.connect() as connection:
                written = [[tuple(r) for r in connection.execute(q)] for q in queries]
            assert any(row[2] for row in written[0])
            assert any(row[1] for row in written[1])
            cfg = alembic_config()
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.downgrade(cfg, "0011")
                command.upgrade(cfg, "head")
            with db.engine.connect() as connection:
                rebuilt = [[tuple(r) for r in connection.execute(q)] for q in queries]
            assert rebuilt == written
        finally:
            db.engine.dispose()
