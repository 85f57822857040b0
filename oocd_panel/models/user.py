"""People who sign in, their roles and the services they work for."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import Agency, Role
from oocd_panel.models.service import Service
from oocd_panel.models.types import str_enum
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow

user_service = Table(
    "user_service",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    # The agency a panel member (or police officer) represents.
    agency: Mapped[Agency | None] = mapped_column(str_enum(Agency))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Part of the sign-in cookie: changing it ends every session of this user on the server.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signed_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Two-factor sign-in (TOTP). Secrets are stored encrypted (services.two_factor). A secret
    # being set up waits in `totp_pending_secret` until the person gives a code made from it.
    # `totp_last_step` is the time-step of the last code accepted: no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(300))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(300))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )
    services: Mapped[list[Service]] = relationship(
        secondary=user_service, lazy="selectin", order_by=Service.name
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def service_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.services)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def set_roles(self, roles: set[Role]) -> None:
        keep = [row for row in self.role_rows if row.role in roles]
        existing = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=r) for r in sorted(roles - existing)]

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    # Flask-Login's user protocol. The id carries the session token so that rotating the
    # token (sign-out, disabling the account) invalidates every cookie issued before.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class RecoveryCode(Base):
    """A one-time code that signs in instead of an authenticator code (a lost phone). Only its
    SHA-256 is kept: the codes are random, so a slow hash adds nothing."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class PasswordSetUpLink(Base):
    """A one-time link an administrator issues for a user to set their password (a new user,
    or a forgotten password). Only the SHA-256 of its token is kept (the token is random, so a
    slow hash adds nothing). It works once, until `expires_at`; issuing a new one revokes the
    unused ones before it."""

    __tablename__ = "password_set_up_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
