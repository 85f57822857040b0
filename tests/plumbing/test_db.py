"""The database layer: SQLite transactions that read and then write, with another process
writing in between (two gunicorn workers serving pages that write audit rows)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from oocd_panel.plumbing.db import begin_writing, make_engine


def _race(tmp_path: Path, *, ready_to_write: bool) -> list[int]:
    """Session A reads, session B (another thread, its own connection) writes and commits, then
    A writes. Returns the rows written; raises what A's write raises."""
    engine = make_engine(f"sqlite:///{tmp_path / 'race.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))

    def other_writer() -> None:
        with Session(engine) as b:
            b.execute(text("INSERT INTO t VALUES (2)"))
            b.commit()

    with Session(engine) as a:
        if ready_to_write:
            begin_writing(a)
        a.execute(text("SELECT count(*) FROM t")).scalar()
        other = threading.Thread(target=other_writer)
        other.start()
        time.sleep(0.3)  # the other writer commits now, unless it has to wait for A
        try:
            a.execute(text("INSERT INTO t VALUES (1)"))
            a.commit()
        finally:
            other.join()
    with Session(engine) as check:
        rows = sorted(check.execute(text("SELECT n FROM t")).scalars())
    engine.dispose()
    return rows


def test_a_transaction_begun_ready_to_write_waits_its_turn_instead_of_failing(
    tmp_path: Path,
) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "ready").mkdir()
    # Without it, SQLite refuses A's write: its snapshot is older than B's commit.
    with pytest.raises(OperationalError, match="locked"):
        _race(tmp_path / "plain", ready_to_write=False)
    assert _race(tmp_path / "ready", ready_to_write=True) == [1, 2]
