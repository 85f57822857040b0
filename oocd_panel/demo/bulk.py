"""A large demo cohort, fast: the rows the workflow writes for each planned referral, in bulk.

For each plan (see `cohort`), this writes what carrying it through the workflow writes
(`seed.carry_out`): the child and their parent or carer, the referral and its offences, every
event with its snapshot, the evaluation's decision points, the assessment's sections and
submitted versions, panel meetings and their members, agenda items, votes, escalations and
decisions, deliveries, intervention notes and the KPI facts of ended interventions. Beyond
what the small demo does, it also records issued letters (their record; the PDF is one
placeholder saying so) and a small sample of quality audits. tests/demo/test_bulk.py loads the
same plans both ways and compares the rows.

Rows go in as plain tuples: executemany batches on SQLite, COPY on PostgreSQL (psycopg 3), a
chunk of referrals per transaction, written by a second thread while the next chunk is made (the
database work runs outside the GIL).

`seed_bulk`, here, puts the parts together: `bulk_rows` (the tables and their columns, values as
the database stores them), `bulk_maker` (what the loader keeps from one plan to the next),
`bulk_walk` (one plan's rows), `bulk_writer` (executemany or COPY, the indexes, the settings for
the load) and `bulk_chunks` (the writer's thread, and the rows made in a second process).

The audit trail records what people did in the service, and nobody did these things: the bulk
rows have no audit entries of their own. One entry records the load itself, so the chain stays
whole (`flask verify-audit`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.demo.bulk_chunks import BuildFailed, _Background, _chunks, _chunks_apart
from oocd_panel.demo.bulk_maker import _Ids, _Rows
from oocd_panel.demo.bulk_rows import COLUMNS
from oocd_panel.demo.bulk_writer import _Writer
from oocd_panel.demo.cast import casts_for
from oocd_panel.demo.cohort import ReferralPlan
from oocd_panel.evaluation.decision_points import fill_in_referred_again
from oocd_panel.models import Service, User
from oocd_panel.plumbing.clock import LONDON, local_today
from oocd_panel.services import audit_trail

__all__ = ["COLUMNS", "BuildFailed", "BulkResult", "seed_bulk"]


CHUNK = 10_000  # referrals per transaction


@dataclass
class BulkResult:
    referrals: int
    rows: dict[str, int]  # rows written to each table
    seconds: float
    # Of which gathering statistics for the query planner, when the loader did.
    analysed: float | None = None
    # Of which making again the indexes dropped for the load, when it dropped them.
    indexed: float | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def seed_bulk(
    session: Session,
    plans: Iterable[ReferralPlan],
    *,
    users: dict[str, User],
    seed: int,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
    rebuild_indexes: bool = False,
    build_apart: bool = False,
) -> BulkResult:
    """Write the planned referrals in bulk. Returns how many referrals and rows of each table.

    `rebuild_indexes`: drop the loaded tables' secondary indexes first and make them again at
    the end (correct whatever the tables hold, but worth it only when the load is most of what
    they will hold). `build_apart`: make the rows in a second process (fork) while this one
    writes them: the same rows, in the same order."""
    started = time.perf_counter()
    session.commit()
    writer = _Writer(session)
    ids = _Ids(writer.max_id)
    last_moment = dt.datetime.combine(today or local_today(), dt.time(9), LONDON)
    made = _Rows(session, users, ids, seed, last_moment)
    casts = casts_for(users)
    for service in session.scalars(select(Service)):
        if service.slug in casts:
            made.describe(service, casts[service.slug])
    session.commit()
    if rebuild_indexes:
        writer.drop_indexes()
    chunks = (_chunks_apart if build_apart else _chunks)(made, plans, chunk)
    background = _Background(writer, progress)
    done = 0
    counts = dict.fromkeys(COLUMNS, 0)
    failed = True
    try:
        for rows, done in chunks:
            for name, batch in rows.items():
                counts[name] += len(batch)
            background.put(rows, done)
        background.close()
        failed = False
    finally:
        if failed:
            chunks.close()  # the second process, if any, is ended
            background.stop()
        writer.finish(ids, failed=failed)
    if done:
        # A child's next referral is loaded after their earlier case: date it now, as the
        # event writer does when a referral arrives.
        fill_in_referred_again(session, ids.first["referral"])
        audit_trail.record(
            session,
            actor=None,
            action="bulk_load",
            record_type="referral",
            record_id=f"{ids.first['referral']}-{ids.next['referral'] - 1}",
            details={"referrals": done, "seed": seed, "rows": sum(counts.values())},
        )
    session.commit()
    return BulkResult(done, counts, time.perf_counter() - started, writer.analysed, writer.indexed)
