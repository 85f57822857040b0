"""User accounts: creating them, checking passwords (argon2id) and ending sessions."""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.db import utcnow
from oocd_panel.errors import InvalidInput
from oocd_panel.models import Agency, Role, Service, User
from oocd_panel.models.user import new_session_token

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash to verify against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, used to even out timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Rehashes outdated hashes."""
    user = find_by_email(session, email) if email else None
    stored = user.password_hash if user else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    session.commit()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every sign-in cookie this user holds (sign-out, disabling)."""
    user.session_token = new_session_token()
    session.commit()


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    roles: Iterable[Role],
    services: Iterable[Service],
    agency: Agency | None = None,
) -> User:
    errors: dict[str, str] = {}
    email = normalise_email(email)
    if "@" not in email:
        errors["email"] = "Enter an email address like name@example.org"
    elif find_by_email(session, email) is not None:
        errors["email"] = "A user with this email address already exists"
    if not full_name.strip():
        errors["full_name"] = "Enter the person's full name"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    role_set = set(roles)
    service_list = list(services)
    if not role_set:
        errors["roles"] = "Give the user at least one role"
    if not service_list:
        errors["services"] = "Give the user at least one service"
    if Role.PANEL_MEMBER in role_set and agency is None:
        errors["agency"] = "A panel member must represent an agency"
    if errors:
        raise InvalidInput(errors)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        agency=agency,
        services=service_list,
    )
    user.set_roles(role_set)
    session.add(user)
    session.commit()
    return user
