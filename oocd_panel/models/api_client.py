"""Police systems that use the API (`/api/v1`): each client belongs to one service and acts as
a police officer of it, through an account of its own that never signs in (services.api_clients).
Only the SHA-256 of its secret is kept; a revoked client is kept, so history still names it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.service import Service
from oocd_panel.models.types import json_type
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class ApiClient(Base):
    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    # The account the client acts as: a police officer of the service, which cannot sign in.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    # The police system ("Niche RMS") and the force it belongs to ("Northbrook Police").
    name: Mapped[str] = mapped_column(String(200))
    police_force: Mapped[str] = mapped_column(String(200))
    # ApiScope values.
    scopes: Mapped[list[str]] = mapped_column(json_type(), default=list)
    # SHA-256 of the secret (random, so a slow hash adds nothing), and its first characters so
    # an administrator can tell which secret a system holds.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The rate limit's bucket: calls it may still make now (refilled over time), as of when.
    rate_tokens: Mapped[float] = mapped_column(Float())
    rate_checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    service: Mapped[Service] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<ApiClient {self.id} of service {self.service_id}>"


class ApiIdempotentResult(Base):
    """The first result of a call made with an `Idempotency-Key`: a retry with the same key
    and the same request gets it back (and nothing is done twice); the same key with another
    request is refused. Only successful results are kept, so a refused request can be put
    right and sent again with its key."""

    __tablename__ = "api_idempotent_result"
    __table_args__ = (UniqueConstraint("client_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # Which operation, and the SHA-256 of its request (the JSON body, canonically written).
    operation: Mapped[str] = mapped_column(String(60))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    # The response's body, as first sent: what an officer may read of the case.
    response: Mapped[dict[str, Any]] = mapped_column(json_type())
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
