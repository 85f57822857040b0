"""Alembic environment: our models' metadata, and the database from DATABASE_URL.

Tests (and `flask upgrade-db`) may hand over an open connection in
`config.attributes["connection"]`.
"""

from __future__ import annotations

import os
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import JSON, Connection

import oocd_panel.models  # noqa: F401  (registers every table)
from oocd_panel.plumbing.config import default_database_url, normalise_database_url
from oocd_panel.plumbing.db import Base, UTCDateTime, make_engine

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Write our column types in migrations as plain SQLAlchemy types (no app imports)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    if type_ == "type" and isinstance(obj, JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = normalise_database_url(os.environ.get("DATABASE_URL") or default_database_url())
    engine = make_engine(url)
    with engine.connect() as connection:
        _configure(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run against a database.")
run_migrations_online()
