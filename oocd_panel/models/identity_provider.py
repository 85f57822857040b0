"""A service's identity provider: OpenID Connect sign-in for its staff (optional, one per
service). The client secret is stored encrypted (services.identity_providers)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.service import Service
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class IdentityProvider(Base):
    __tablename__ = "identity_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), unique=True
    )
    # The name on the sign-in page's button: "Sign in with <organisation>".
    organisation: Mapped[str] = mapped_column(String(200))
    # Exactly as the provider states it in its discovery document and its ID tokens.
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(300))
    # Fernet token of the client secret (never shown again once saved).
    client_secret: Mapped[str] = mapped_column(String(2000))
    # Incremented at each change (optimistic locking): a save from a page showing an older
    # version is refused.
    version: Mapped[int] = mapped_column()
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    service: Mapped[Service] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<IdentityProvider {self.id} of service {self.service_id}>"
