"""The bulk loader's writer: each chunk of rows in a transaction of its own (executemany on
SQLite, COPY on PostgreSQL), the secondary indexes dropped for the load and made again after it,
and the database's settings while it loads (SQLite's PRAGMAs, PostgreSQL's replication role)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from oocd_panel.demo.bulk_maker import _Ids
from oocd_panel.demo.bulk_rows import COLUMNS, Rows

# SQLite settings while the loader writes (put back after): no foreign-key checks (the keys are
# its own), no waiting for the disk, a large page cache, and temporary sorts (making the indexes
# again) in memory.
LOAD_PRAGMAS = (
    ("foreign_keys", "OFF"),
    ("synchronous", "OFF"),
    ("cache_size", "-262144"),  # 256 MiB
    ("temp_store", "MEMORY"),
)


class _Writer:
    """Writes chunks of rows, each in its own transaction: executemany on SQLite, COPY on
    PostgreSQL.

    Given an engine, it loads through a connection of its own, so that on SQLite it can turn off
    foreign-key checks and waiting for the disk while it loads (the keys it writes are its own,
    and the tests load with the checks on). Otherwise (a session bound to a connection, as in
    the tests) it writes in the session's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        bind = session.get_bind()
        self.dialect = bind.dialect
        self.postgres = self.dialect.name == "postgresql"
        self.connection = bind.connect() if isinstance(bind, Engine) else None
        self.own = self.connection.connection if self.connection is not None else None
        self.restore: list[str] = []
        self.analysed: float | None = None
        self.indexed: float | None = None
        # Secondary indexes dropped for the load, to be made again after it: (name, DDL).
        self.dropped: list[tuple[str, str]] = []
        if self.own is not None and not self.postgres:
            cursor = self.own.cursor()
            for pragma, value in LOAD_PRAGMAS:
                before = cursor.execute(f"PRAGMA {pragma}").fetchone()[0]
                self.restore.append(f"PRAGMA {pragma}={before}")
                cursor.execute(f"PRAGMA {pragma}={value}")
            # The rollback journal in memory rather than the write-ahead log: each chunk commits
            # without copying its pages twice. Only possible while no other connection reads;
            # if SQLite keeps the log, the load goes on with it.
            before = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if cursor.execute("PRAGMA journal_mode=MEMORY").fetchone()[0] == "memory":
                self.restore.append(f"PRAGMA journal_mode={before}")
            cursor.close()
        if self.own is not None and self.postgres:
            # Foreign-key checks off, as on SQLite: PostgreSQL runs them as triggers, one per
            # row and key, which a session may skip only as a superuser (otherwise it checks).
            cursor = self.own.cursor()
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            found = cursor.fetchone()
            if found is not None and found[0]:
                cursor.execute("SET session_replication_role = replica")
                self.restore.append("SET session_replication_role = DEFAULT")
            cursor.close()
            self.own.commit()
        quote = self.dialect.identifier_preparer.quote
        # Table and column names from COLUMNS, quoted: nothing typed in reaches this SQL.
        self.statements = {}
        for name, columns in COLUMNS.items():
            names = ", ".join(quote(c) for c in columns)
            if self.postgres:
                self.statements[name] = f"COPY {quote(name)} ({names}) FROM STDIN"
            else:
                marks = ", ".join("?" for _ in columns)
                self.statements[name] = f"INSERT INTO {quote(name)} ({names}) VALUES ({marks})"  # noqa: S608

    def _raw(self) -> Any:
        if self.own is not None:
            return self.own
        return self.session.connection().connection

    def max_id(self, name: str) -> int:
        cursor = self._raw().cursor()
        try:
            cursor.execute(f"SELECT max(id) FROM {self.dialect.identifier_preparer.quote(name)}")  # noqa: S608
            found = cursor.fetchone()[0]
        finally:
            cursor.close()
        if self.own is not None:
            self.own.commit()
        return int(found or 0)

    def _indexes(self, cursor: Any) -> list[tuple[str, str]]:
        """The secondary (non-unique) indexes of the tables the loader writes, as the database
        itself defines them: (name, DDL). Unique indexes and keys stay, so the database still
        refuses a duplicate."""
        found: list[tuple[str, str]] = []
        for name in COLUMNS:
            if self.postgres:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                    " JOIN pg_namespace n ON n.nspname = i.schemaname"
                    " JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = n.oid"
                    " JOIN pg_index x ON x.indexrelid = c.oid"
                    " WHERE i.schemaname = current_schema() AND i.tablename = %s"
                    " AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.indexname",
                    (name,),
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                    " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
                    (name,),
                )
            found.extend((str(n), str(ddl)) for n, ddl in cursor.fetchall())
        return found

    def drop_indexes(self) -> None:
        """Drops the secondary indexes of the loaded tables; `finish` makes them again. Filling
        an index row by row costs several times sorting it once at the end."""
        raw = self._raw()
        cursor = raw.cursor()
        quote = self.dialect.identifier_preparer.quote
        try:
            self.dropped = self._indexes(cursor)
            for name, _ddl in self.dropped:
                cursor.execute(f"DROP INDEX {quote(name)}")
        finally:
            cursor.close()
        self._commit()

    def _commit(self) -> None:
        if self.own is not None:
            self.own.commit()
        else:
            self.session.commit()

    def write(self, rows: Rows) -> None:
        raw = self._raw()
        cursor = raw.cursor()
        try:
            if self.own is not None and not self.postgres:
                cursor.execute("BEGIN")
            for name in COLUMNS:
                batch = rows[name]
                if not batch:
                    continue
                if self.postgres:
                    with cursor.copy(self.statements[name]) as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.statements[name], batch)
        except BaseException:
            if self.own is not None:
                self.own.rollback()
            raise
        finally:
            cursor.close()
        if self.own is not None:
            self.own.commit()
        else:
            self.session.commit()

    def finish(self, ids: _Ids, *, failed: bool = False) -> None:
        """Indexes made again, sequences moved past the keys written (PostgreSQL), statistics
        gathered (SQLite), settings put back. After a failure, the chunk being written is rolled
        back first: the chunks before it stay, whole."""
        if self.own is not None:
            self.own.rollback()
        elif failed:
            self.session.rollback()
        cursor = self._raw().cursor()
        quote = self.dialect.identifier_preparer.quote
        restored = False
        try:
            if self.dropped:
                started = time.perf_counter()
                for _name, ddl in self.dropped:
                    cursor.execute(ddl)
                self._commit()
                self.indexed = time.perf_counter() - started
                self.dropped = []
            if self.postgres:
                for name in COLUMNS:
                    if ids.next[name] > ids.first[name]:
                        # The largest key written (after a failure, the keys taken are more).
                        cursor.execute(
                            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), m) FROM (SELECT max(id) AS m FROM {quote(name)}) AS t WHERE m IS NOT NULL",  # noqa: E501, S608
                            (name,),
                        )
            self._commit()
            if self.own is not None and not self.postgres:
                # Statistics for the query planner: SQLite never gathers them by itself, and
                # without them it can choose a service's whole index over a child's few cases.
                # PostgreSQL's autovacuum analyses the new rows on its own (an ANALYZE here cost
                # minutes at a million referrals).
                started = time.perf_counter()
                cursor.execute("ANALYZE")
                self._commit()
                self.analysed = time.perf_counter() - started
            for statement in self.restore:
                cursor.execute(statement)
            self._commit()  # a setting changed in a transaction rolled back would stay changed
            restored = True
        finally:
            cursor.close()
            if self.connection is not None:
                if not restored:
                    self.connection.invalidate()  # not back to the pool with the load's settings
                self.connection.close()
        self.session.commit()
