"""Writers at the same moment never fork the audit chain (PostgreSQL: real parallel sessions)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oocd_panel.models import AuditEntry
from oocd_panel.plumbing.db import Database
from oocd_panel.services import audit_trail
from tests.conftest import fresh_database

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="concurrency is proved on PostgreSQL: set TEST_DATABASE_URL (make test-postgres)",
)
WRITERS = 8
EACH = 5


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with fresh_database(tmp_path) as url:
        database = Database(url, pool_size=WRITERS + 2)
        yield database
        database.engine.dispose()


def test_parallel_writers_keep_one_unbroken_chain(db: Database) -> None:
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        barrier.wait()
        try:
            for i in range(EACH):
                with db.session() as session:
                    audit_trail.record(
                        session,
                        actor=None,
                        action="view",
                        record_type="test",
                        record_id=f"{n}-{i}",
                    )
                    session.commit()
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == WRITERS * EACH
        # No two rows follow the same row: the chain never forked.
        assert session.scalar(select(func.count(func.distinct(AuditEntry.prev_hash)))) == (
            WRITERS * EACH
        )
        count, findings = audit_trail.verify(session)
    assert (count, findings) == (WRITERS * EACH, [])
