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
from oocd_panel.letters.wording import wording_for
from oocd_panel.models import Service
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


def test_migration_0017_maps_the_combined_deferred_prosecution_code_to_outcome_23(
    tmp_path: Path,
) -> None:
    """A database with decisions under the old combined code reads them as Outcome 23 after the
    upgrade: the decision, the case, the votes, the tally, the letter wording and the report's
    decision points; Outcome 22 is untouched."""
    with fresh_database(tmp_path) as url:
        db = Database(url)
        try:
            with db.session() as session:
                demo.seed_demo(session, referrals=60, seed=5)
            cfg = alembic_config()
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.downgrade(cfg, "0016")
            with db.engine.begin() as connection:
                decision_id, referral_id = connection.execute(
                    text("SELECT id, referral_id FROM decision ORDER BY id LIMIT 1")
                ).one()
                outcome_22 = connection.execute(
                    text("SELECT count(*) FROM decision WHERE disposal = 'outcome_22'")
                ).scalar_one()
                connection.execute(
                    text(
                        "UPDATE decision SET disposal = 'deferred_prosecution', "
                        "tally = :tally WHERE id = :id"
                    ),
                    {"tally": '{"deferred_prosecution": 3, "youth_caution": 1}', "id": decision_id},
                )
                for statement in (
                    "UPDATE referral SET disposal = 'deferred_prosecution' WHERE id = :id",
                    "UPDATE decision_point SET disposal = 'deferred_prosecution' "
                    "WHERE referral_id = :id",
                ):
                    connection.execute(text(statement), {"id": referral_id})
                service_id, user_id = connection.execute(
                    text("SELECT service_id, user_id FROM user_service LIMIT 1")
                ).one()
                connection.execute(
                    text(
                        "INSERT INTO letter_wording (service_id, key, text, reviewed_by_id, "
                        "reviewed_at) VALUES (:s, 'disposal:deferred_prosecution:child_meaning', "
                        "'Our own words.', :u, CURRENT_TIMESTAMP)"
                    ),
                    {"s": service_id, "u": user_id},
                )
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                # letter_wording as 0017 left it; 0019 folds it into wording versions.
                command.upgrade(cfg, "0018")
            with db.engine.connect() as connection:
                disposal, tally = connection.execute(
                    text("SELECT disposal, tally FROM decision WHERE id = :id"), {"id": decision_id}
                ).one()
                assert disposal == "outcome_23"
                assert "outcome_23" in str(tally)
                assert "deferred_prosecution" not in str(tally)
                assert (
                    connection.execute(
                        text("SELECT disposal FROM referral WHERE id = :id"), {"id": referral_id}
                    ).scalar_one()
                    == "outcome_23"
                )
                left = connection.execute(
                    text(
                        "SELECT count(*) FROM decision_point WHERE disposal = "
                        "'deferred_prosecution'"
                    )
                ).scalar_one()
                assert left == 0
                assert (
                    connection.execute(
                        text("SELECT key FROM letter_wording WHERE text = 'Our own words.'")
                    ).scalar_one()
                    == "disposal:outcome_23:child_meaning"
                )
                assert (
                    connection.execute(
                        text("SELECT count(*) FROM decision WHERE disposal = 'outcome_22'")
                    ).scalar_one()
                    == outcome_22
                )
            with db.engine.begin() as connection:
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
            with db.session() as session:
                service = session.get(Service, service_id)
                assert service is not None
                wording = wording_for(session, service)
                assert wording.texts_for("outcome_23").child_meaning == "Our own words."
        finally:
            db.engine.dispose()
