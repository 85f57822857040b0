"""Seeding benchmark: `flask seed-demo --referrals N` against a plain executemany of the same rows.

    .venv/bin/python bench/seeding.py --referrals 1000000 [--keep PATH]
    .venv/bin/python bench/seeding.py --referrals 1000000 \
        --postgres postgresql://postgres@127.0.0.1:5432/postgres

It migrates a fresh database and times the seeding command (a separate process, as a person runs
it, including its start-up), counts the rows it wrote in every table, then copies those rows
table by table into a second fresh database with nothing but the database driver's executemany
(batches of 10,000, one transaction per table, the same indexes and constraints) and times the
writing alone. The ratio says how close the seeder comes to the floor of inserting those rows.
With --postgres it creates (and drops) two databases on that server; `--keep NAME` keeps the
seeded one under that name (for the page and report benchmarks). `--no-copy` times the seeding
alone. Nothing here is a pass/fail test: figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oocd_panel import models  # noqa: E402, F401  (registers every table on Base)
from oocd_panel.plumbing.config import normalise_database_url  # noqa: E402
from oocd_panel.plumbing.db import Base, make_engine  # noqa: E402

BATCH = 10_000


def _flask(url: str, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "OOCD_ENV": "development"}
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _databases(args: argparse.Namespace) -> tuple[str, str, list[str]]:
    if args.postgres:
        base = make_url(normalise_database_url(args.postgres))
        names = [f"oocd_seed_{secrets.token_hex(3)}", f"oocd_copy_{secrets.token_hex(3)}"]
        admin = make_engine(
            base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        urls = [base.set(database=n).render_as_string(hide_password=False) for n in names]
        return urls[0], urls[1], names
    folder = Path(tempfile.mkdtemp(prefix="oocd-bench-seed-"))
    return f"sqlite:///{folder / 'seeded.sqlite3'}", f"sqlite:///{folder / 'copy.sqlite3'}", []


def _drop(args: argparse.Namespace, names: list[str]) -> None:
    if not names:
        return
    base = make_url(normalise_database_url(args.postgres))
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _copy(source: Engine, target: Engine) -> tuple[int, float, dict[str, int]]:
    """Every row of every table, in dependency order, by executemany; the writing timed."""
    written, writing, counts = 0, 0.0, {}
    if target.dialect.name == "postgresql":
        from psycopg.types.json import Jsonb

        def adapt(row: Any) -> tuple[Any, ...]:
            return tuple(Jsonb(v) if isinstance(v, dict | list) else v for v in row)
    else:

        def adapt(row: Any) -> tuple[Any, ...]:
            return tuple(row)

    with source.connect() as reader:
        raw = target.raw_connection()
        try:
            cursor = raw.cursor()
            for table in Base.metadata.sorted_tables:
                columns = [c.name for c in table.columns]
                quoted = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["?" if target.dialect.name == "sqlite" else "%s"] * len(columns))
                insert = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'  # noqa: S608
                result = reader.exec_driver_sql(f'SELECT {quoted} FROM "{table.name}"')  # noqa: S608
                counts[table.name] = 0
                if target.dialect.name == "sqlite":
                    cursor.execute("BEGIN")
                while rows := result.fetchmany(BATCH):
                    started = time.perf_counter()
                    cursor.executemany(insert, [adapt(r) for r in rows])
                    writing += time.perf_counter() - started
                    counts[table.name] += len(rows)
                started = time.perf_counter()
                raw.commit() if target.dialect.name != "sqlite" else cursor.execute("COMMIT")
                writing += time.perf_counter() - started
                written += counts[table.name]
        finally:
            raw.close()
    return written, writing, counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite files)")
    parser.add_argument(
        "--keep",
        help="keep the seeded database: a file path (SQLite) or a database name (PostgreSQL)",
    )
    parser.add_argument("--no-copy", action="store_true", help="skip the executemany copy")
    args = parser.parse_args()
    seeded_url, copy_url, names = _databases(args)
    try:
        _flask(seeded_url, "upgrade-db")
        _flask(copy_url, "upgrade-db")
        seconds = _flask(seeded_url, "seed-demo", "--referrals", str(args.referrals))
        print(
            f"{make_url(seeded_url).get_backend_name()}; {args.referrals:,} referrals; "
            f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
        )
        if args.no_copy:
            print(f"seed-demo: {seconds:.1f} s ({args.referrals / seconds:,.0f} referrals/s)")
        else:
            _compare(seeded_url, copy_url, seconds, args.referrals)
        if args.keep:
            _keep(args, seeded_url, names)
    finally:
        _drop(args, names)
        if seeded_url.startswith("sqlite"):  # the temporary folder of the two files
            shutil.rmtree(Path(make_url(seeded_url).database or "").parent, ignore_errors=True)


def _keep(args: argparse.Namespace, seeded_url: str, names: list[str]) -> None:
    if seeded_url.startswith("sqlite"):
        shutil.move(make_url(seeded_url).database or "", args.keep)
        print(f"kept the seeded database at {args.keep}")
        return
    base = make_url(normalise_database_url(args.postgres))
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{args.keep}" WITH (FORCE)'))
        connection.execute(text(f'ALTER DATABASE "{names[0]}" RENAME TO "{args.keep}"'))
    admin.dispose()
    names.pop(0)
    kept = base.set(database=args.keep).render_as_string(hide_password=False)
    print(f"kept the seeded database as {kept}")


def _compare(seeded_url: str, copy_url: str, seconds: float, referrals: int) -> None:
    """seed-demo's rows copied by a plain executemany into the empty second database."""
    source, target = make_engine(seeded_url), make_engine(copy_url)
    with target.begin() as connection:  # the copy starts empty (upgrade-db adds nothing)
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    rows, writing, counts = _copy(source, target)
    source.dispose()
    target.dispose()
    print(
        f"seed-demo: {seconds:.1f} s for {rows:,} rows in {len(counts)} tables "
        f"({rows / seconds:,.0f} rows/s, {referrals / seconds:,.0f} referrals/s)"
    )
    print(
        f"plain executemany of the same rows: {writing:.1f} s ({rows / writing:,.0f} rows/s); "
        f"seed-demo takes {seconds / writing:.1f}x as long"
    )
    biggest = sorted(counts.items(), key=lambda kv: -kv[1])[:8]
    print("largest tables: " + ", ".join(f"{name} {n:,}" for name, n in biggest))


if __name__ == "__main__":
    main()
