"""What the database holds, for robustness tests: a snapshot of every table to compare before
and after, the invariants every referral keeps, and a savepoint per generated example."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import Phase, settings
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, sessionmaker

from oocd_panel import workflow
from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.db import Base
from oocd_panel.services import audit_trail

Snapshot = dict[str, list[tuple[Any, ...]]]


def generated(n: int, **kwargs: Any) -> settings:
    """Settings for a test of `n` generated examples (of the profile in tests/conftest.py).

    By default a failure is reported as found, not shrunk (shrinking a sequence of requests
    can take minutes); HYPOTHESIS_PROFILE=explore shrinks, and HYPOTHESIS_SCALE=10 tries ten
    times as many examples."""
    exploring = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
    phases = tuple(p for p in Phase if exploring or p is not Phase.shrink)
    scale = int(os.environ.get("HYPOTHESIS_SCALE", "1"))
    return settings(max_examples=n * scale, phases=phases, **kwargs)


def snapshot(session: Session, *, ignore: frozenset[str] = frozenset()) -> Snapshot:
    """Every row of every table (but `ignore`), in primary-key order."""
    found: Snapshot = {}
    for table in Base.metadata.sorted_tables:
        if table.name in ignore:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = session.execute(select(table).order_by(*order)).all()
        found[table.name] = [tuple(_frozen(v) for v in row) for row in rows]
    return found


def _frozen(value: Any) -> Any:
    """JSON columns as text, so rows can be compared as sets."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def differences(before: Snapshot, after: Snapshot) -> dict[str, str]:
    """Per table that changed, a short description (row counts, and how many rows differ)."""
    changed = {}
    for name, rows in before.items():
        now = after.get(name, [])
        if rows != now:
            differing = len(set(rows) ^ set(now))
            changed[name] = f"{len(rows)} rows -> {len(now)} rows, {differing} differ"
    return changed


def event_log_problems(session: Session) -> list[str]:
    """Each referral's events, replayed from their from/to statuses, end at its status; every
    status is a known one; every step is one the workflow allows for its trigger."""
    problems: list[str] = []
    known = {s.value for s in ReferralStatus}
    statuses = {row[0]: row[1] for row in session.execute(text("SELECT id, status FROM referral"))}
    events = session.execute(
        text(
            "SELECT referral_id, trigger, from_status, to_status FROM referral_event "
            "ORDER BY referral_id, id"
        )
    ).all()
    replayed: dict[int, str | None] = {}
    for referral_id, trigger, from_status, to_status in events:
        if referral_id not in replayed:
            if from_status is not None:
                problems.append(f"referral {referral_id}: first event starts at {from_status}")
            replayed[referral_id] = None
        if from_status != replayed[referral_id]:
            problems.append(
                f"referral {referral_id}: {trigger} starts at {from_status}, "
                f"but the log was at {replayed[referral_id]}"
            )
        action = workflow.ACTIONS_BY_TRIGGER.get(trigger)
        if action is not None and (
            from_status not in {s.value for s in action.sources} or to_status != action.dest
        ):
            problems.append(f"referral {referral_id}: {trigger} went {from_status} -> {to_status}")
        replayed[referral_id] = to_status
    for referral_id, status in statuses.items():
        if status not in known:
            problems.append(f"referral {referral_id}: unknown status {status!r}")
        if replayed.get(referral_id) != status:
            problems.append(
                f"referral {referral_id}: the log ends at {replayed.get(referral_id)}, "
                f"the case is at {status}"
            )
    return problems


def audit_problems(session_factory: sessionmaker[Session]) -> list[str]:
    """What the audit chain's verification finds (in a session of its own: it expunges)."""
    checker = session_factory()
    try:
        _, findings = audit_trail.verify(checker)
    finally:
        checker.close()
    return [f"audit row {f.entry_id}: {f.problem}" for f in findings]


@contextmanager
def rolled_back(connection: Connection) -> Iterator[None]:
    """Everything done inside is undone after: for one generated example at a time.

    Sessions used inside must be opened inside and closed before the end (each of their
    commits becomes a savepoint within this one)."""
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        if savepoint.is_active:
            savepoint.rollback()


@contextmanager
def inserts_refused(connection: Connection, table: str) -> Iterator[None]:
    """The database refuses every insert into `table` (as a full disk or a broken constraint
    would) until the block ends. Sessions must begin their transaction inside the block: one
    already open would take the trigger away with it when it rolls back."""
    name = f"refuse_{table}"
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$"
            )
        )
        connection.execute(
            text(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_insert()"
            )
        )
    else:
        connection.execute(
            text(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
            )
        )
    try:
        yield
    finally:
        connection.execute(text(f"DROP TRIGGER {name}" + _on(connection, table)))


def _on(connection: Connection, table: str) -> str:
    return f" ON {table}" if connection.dialect.name == "postgresql" else ""
