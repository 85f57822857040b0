"""The audit trail: who did or saw what, to which record, when and from where.

Rows are append-only (the database refuses updates and deletes) and hash-chained with a keyed
HMAC, so an edited, deleted or reordered row is found by `flask verify-audit`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.types import json_type
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # view, create, transition, change, issue_letter, export, ...
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(40))
    child_id: Mapped[int | None] = mapped_column(index=True)
    # Where from: the client's address, or "system" for commands and jobs.
    origin: Mapped[str] = mapped_column(String(64))
    # What, without personal data: a trigger, a section key, a table name.
    details: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()
