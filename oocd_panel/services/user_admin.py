"""Administrators manage the users of their services: list, create, edit, disable and
re-enable, issue set-up links (a new password) and reset two-factor sign-in. Each change writes
an audit row.

An administrator sees and manages a user who works for at least one of the administrator's
services, and gives or takes away only services the administrator has (the user's others stay
as they are). No change may leave a service without an active administrator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import Agency, ApiClient, Role, Service, User, UserRole, user_service
from oocd_panel.models.user import new_session_token
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import accounts, api_clients, audit_trail, set_up_links, two_factor
from oocd_panel.services.set_up_links import IssuedLink


def _require_admin(admin: User) -> None:
    if not admin.has_role(Role.ADMIN) or not admin.is_active:
        raise ActionNotAllowed("Only administrators manage users.")


def users_of(session: Session, admin: User) -> list[User]:
    """Everyone who works for one of the administrator's services, by name."""
    _require_admin(admin)
    ids = select(user_service.c.user_id).where(user_service.c.service_id.in_(admin.service_ids))
    people = User.id.in_(ids) & User.id.not_in(api_clients.client_accounts())
    return list(session.scalars(select(User).where(people).order_by(User.full_name, User.id)))


def get_user(session: Session, admin: User, user_id: int) -> User:
    _require_admin(admin)
    user = session.get(User, user_id)
    if user is None or not user.service_ids & admin.service_ids or _is_client(session, user):
        raise NotFound("There is no such user in your services.")
    return user


def _is_client(session: Session, user: User) -> bool:
    """The account a police system's API client acts as: managed on the service's API clients
    page, never as a person (it must never get a password or a set-up link)."""
    clients = api_clients.client_accounts().where(ApiClient.user_id == user.id)
    return session.scalar(clients) is not None


@dataclass(frozen=True)
class NewUser:
    email: str
    full_name: str
    roles: frozenset[Role]
    service_ids: frozenset[int]
    agency: Agency | None = None


def _own_services(admin: User, service_ids: Iterable[int]) -> tuple[list[Service], dict[str, str]]:
    """The administrator's services among `service_ids`, and an error if any was not theirs."""
    ids = set(service_ids)
    errors = {} if ids <= admin.service_ids else {"services": "Choose only services you administer"}
    return [s for s in admin.services if s.id in ids], errors


def create(session: Session, admin: User, new: NewUser) -> tuple[User, IssuedLink]:
    """A new user of some of the administrator's services, and a set-up link for them to choose
    their own password (nobody else ever knows it); the audit rows name the administrator."""
    _require_admin(admin)
    services, errors = _own_services(admin, new.service_ids)
    errors = {
        **accounts.user_problems(
            session,
            email=new.email,
            full_name=new.full_name,
            roles=set(new.roles),
            services=services,
            agency=new.agency,
        ),
        **errors,
    }
    if errors:
        raise InvalidInput(errors)
    with unit_of_work(session):
        user = accounts.create_user(
            session,
            email=new.email,
            full_name=new.full_name,
            password=None,
            roles=new.roles,
            services=services,
            agency=new.agency,
            actor=admin,
        )
        issued = set_up_links.issue(session, user, issued_by=admin)
    return user, issued


def issue_set_up_link(session: Session, admin: User, user_id: int) -> IssuedLink:
    """A new set-up link for a user of the administrator's services (a forgotten password):
    their current password keeps working until they use it; earlier links stop working."""
    user = get_user(session, admin, user_id)
    if not user.is_active:
        raise ActionNotAllowed("This account is disabled: enable it first, then issue a link.")
    return set_up_links.issue(session, user, issued_by=admin)


@dataclass(frozen=True)
class UserChanges:
    full_name: str
    roles: frozenset[Role]
    # Among the administrator's services: the user's others are kept whatever this says.
    service_ids: frozenset[int]
    agency: Agency | None = None


def edit(session: Session, admin: User, user_id: int, changes: UserChanges) -> User:
    """Change a user's name, roles, services (only the administrator's own) and agency, under
    the same rules as a new user. Lost roles and services apply from the user's next request
    (every request loads the user afresh). The audit row has the roles, services and agency
    before and after."""
    user = get_user(session, admin, user_id)
    chosen, errors = _own_services(admin, changes.service_ids)
    services = [s for s in user.services if s.id not in admin.service_ids] + chosen
    roles = set(changes.roles)
    errors = {
        **accounts.user_problems(
            session,
            full_name=changes.full_name,
            roles=roles,
            services=services,
            agency=changes.agency,
        ),
        **errors,
    }
    if user.id == admin.id and Role.ADMIN not in roles:
        errors["roles"] = (
            "You cannot take away your own administrator role: ask another administrator"
        )
    if errors:
        raise InvalidInput(errors)
    before = _described(user)
    name_changed = clean_text(changes.full_name) != user.full_name
    with unit_of_work(session):
        still_admin = Role.ADMIN in roles
        _keep_an_administrator(
            session,
            user,
            losing={s.id for s in user.services}
            - ({s.id for s in services} if still_admin else set()),
        )
        user.full_name = clean_text(changes.full_name)
        user.set_roles(roles)
        user.services = sorted(services, key=lambda s: (s.name, s.id))
        user.agency = changes.agency
        after = _described(user)
        if before != after or name_changed:
            audit_trail.record(
                session,
                actor=admin,
                action="edit",
                record_type="user",
                record_id=user.id,
                details={"before": before, "after": after, "name_changed": name_changed},
            )
    return user


def _described(user: User) -> dict[str, object]:
    """What the audit row keeps of a user's details: not their name (personal data)."""
    return {
        "roles": sorted(r.value for r in user.roles),
        "services": sorted(user.service_ids),
        "agency": user.agency.value if user.agency else None,
    }


def _keep_an_administrator(session: Session, user: User, losing: set[int]) -> None:
    """Refuse a change after which a service in `losing` (the user stops administering it) has
    no active administrator. The services' rows are locked first (PostgreSQL), so two
    administrators taking each other's role at once cannot both succeed."""
    if not user.is_active or not user.has_role(Role.ADMIN) or not losing:
        return
    services = list(
        session.scalars(
            select(Service).where(Service.id.in_(losing)).order_by(Service.id).with_for_update()
        )
    )
    for service in services:
        others = session.scalar(
            select(func.count())
            .select_from(User)
            .join(user_service, user_service.c.user_id == User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                user_service.c.service_id == service.id,
                UserRole.role == Role.ADMIN,
                User.is_active.is_(True),
                User.id != user.id,
            )
        )
        if not others:
            raise ActionNotAllowed(
                f"{user.full_name} is the last administrator of {service.name}: make someone "
                "else an administrator of it first, so the service always has one."
            )


def set_active(session: Session, admin: User, user_id: int, *, active: bool) -> User:
    """Disable an account (every session it has ends on the server) or enable it again."""
    user = get_user(session, admin, user_id)
    if user.id == admin.id and not active:
        raise ActionNotAllowed("You cannot disable your own account.")
    if user.is_active == active:
        return user
    with unit_of_work(session):
        if not active:
            _keep_an_administrator(session, user, losing=set(user.service_ids))
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
