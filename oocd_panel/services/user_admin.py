"""Administrators manage the users of their services: list, create, disable and re-enable,
and reset two-factor sign-in. Each change writes an audit row.

An administrator sees and manages a user who works for at least one of the administrator's
services; a new user can be given only services the administrator has."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import Agency, Role, User, user_service
from oocd_panel.models.user import new_session_token
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import accounts, audit_trail, two_factor


def _require_admin(admin: User) -> None:
    if not admin.has_role(Role.ADMIN) or not admin.is_active:
        raise ActionNotAllowed("Only administrators manage users.")


def users_of(session: Session, admin: User) -> list[User]:
    """Everyone who works for one of the administrator's services, by name."""
    _require_admin(admin)
    ids = select(user_service.c.user_id).where(user_service.c.service_id.in_(admin.service_ids))
    return list(
        session.scalars(select(User).where(User.id.in_(ids)).order_by(User.full_name, User.id))
    )


def get_user(session: Session, admin: User, user_id: int) -> User:
    _require_admin(admin)
    user = session.get(User, user_id)
    if user is None or not user.service_ids & admin.service_ids:
        raise NotFound("There is no such user in your services.")
    return user


@dataclass(frozen=True)
class NewUser:
    email: str
    full_name: str
    password: str
    roles: frozenset[Role]
    service_ids: frozenset[int]
    agency: Agency | None = None


def create(session: Session, admin: User, new: NewUser) -> User:
    """A new user of some of the administrator's services (the password follows the same rules
    as everyone's); the audit row names the administrator."""
    _require_admin(admin)
    services = [s for s in admin.services if s.id in new.service_ids]
    errors = accounts.new_user_problems(
        session,
        email=new.email,
        full_name=new.full_name,
        password=new.password,
        roles=set(new.roles),
        services=services,
        agency=new.agency,
    )
    if not new.service_ids <= admin.service_ids:
        errors["services"] = "Choose only services you administer"
    if errors:
        raise InvalidInput(errors)
    return accounts.create_user(
        session,
        email=new.email,
        full_name=new.full_name,
        password=new.password,
        roles=new.roles,
        services=services,
        agency=new.agency,
        actor=admin,
    )


def set_active(session: Session, admin: User, user_id: int, *, active: bool) -> User:
    """Disable an account (every session it has ends on the server) or enable it again."""
    user = get_user(session, admin, user_id)
    if user.id == admin.id and not active:
        raise ActionNotAllowed("You cannot disable your own account.")
    if user.is_active == active:
        return user
    with unit_of_work(session):
        user.is_active = active
        if not active:
            user.session_token = new_session_token()
        audit_trail.record(
            session,
            actor=admin,
            action="enable" if active else "disable",
            record_type="user",
            record_id=user.id,
        )
    return user


def reset_two_factor(session: Session, admin: User, user_id: int) -> User:
    """Clear a user's two-factor sign-in (a lost phone and recovery codes). Their sessions end;
    administrators and managers must set it up again at their next sign-in."""
    user = get_user(session, admin, user_id)
    if user.id == admin.id:
        raise ActionNotAllowed(
            "You cannot reset your own two-factor sign-in here: set it up again on a new phone "
            "from 'Two-factor sign-in', or ask another administrator."
        )
    if not user.has_two_factor and user.totp_pending_secret is None:
        raise ActionNotAllowed("This user has not set up two-factor sign-in: nothing to reset.")
    two_factor.reset(session, user, actor=admin)
    return user
