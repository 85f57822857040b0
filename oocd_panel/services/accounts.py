"""User accounts: creating them, checking passwords (argon2id) and ending sessions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, bindparam, delete, func, select
from sqlalchemy.orm import Session, joinedload

from oocd_panel.models import Agency, Role, Service, SignInAttempt, User
from oocd_panel.models.user import new_session_token
from oocd_panel.plumbing.clock import LONDON
from oocd_panel.plumbing.db import utcnow
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash to verify against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, used to even out timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Words the most breached passwords are built from: one of these plus digits or symbols is
# guessed in seconds, whatever its length.
COMMON_WORDS = frozenset(
    [
        "password",
        "passw0rd",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "sunshine",
        "princess",
        "trustno1",
        "master",
        "shadow",
        "superman",
        "batman",
        "starwars",
        "liverpool",
        "chelsea",
        "arsenal",
        "manchester",
        "london",
        "england",
        "abc",
        "abcdef",
        "abcdefgh",
        "changeme",
        "secret",
        "login",
        "default",
        "youthjustice",
        "police",
        "summer",
        "winter",
        "autumn",
        "spring",
    ]
)
_FILLER = re.compile(r"[\d\W_]*")


def _is_common(password: str) -> bool:
    lowered = password.lower()
    if len(set(lowered)) <= 3:
        return True  # aaaaaaaaaaaa, abababababab
    digits = "01234567890123456789"
    if lowered.isdigit() and (lowered in digits or lowered in digits[::-1]):
        return True
    for word in COMMON_WORDS:
        for cut in (lowered.removeprefix(word), lowered.removesuffix(word)):
            if cut != lowered and _FILLER.fullmatch(cut):
                return True
        if _FILLER.fullmatch(lowered.replace(word, "")):
            return True  # passwordpassword, password!password
    return False


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if _is_common(password):
        return "That password is too common to be safe: use three or more unrelated words instead"
    return None


def normalise_email(email: str) -> str:
    """Lower case, without surrounding space or control characters (which nobody means to
    type, and PostgreSQL refuses NUL even in a query)."""
    return clean_text(email).lower()


# The signed-in user, looked up on every request: with roles and services in one query (not
# three), built once with a parameter so each request skips building it.
_BY_ID = (
    select(User)
    .where(User.id == bindparam("user_id"))
    .options(joinedload(User.role_rows), joinedload(User.services))
)


def get_user(session: Session, user_id: int) -> User | None:
    """A user by id, with roles and services loaded."""
    return session.scalars(_BY_ID, {"user_id": user_id}).unique().one_or_none()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


# Throttling: after this many failures in the window, an account (or an address) waits until
# the window after its last failure has passed.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
THROTTLE_WINDOW = dt.timedelta(minutes=15)


class SignInThrottled(DomainError):
    """Too many failed sign-ins: nothing is checked until the wait is over."""


def check_throttle(session: Session, email: str, address: str, now: dt.datetime) -> None:
    """Raise SignInThrottled while the account or the address has failed too often lately.
    Wrong passwords and wrong two-factor codes count alike."""
    since = now - THROTTLE_WINDOW
    for column, value, limit, whom in (
        (SignInAttempt.email, email, ACCOUNT_FAILURES, "for this account"),
        (SignInAttempt.address, address, ADDRESS_FAILURES, "from your network"),
    ):
        failures, last = session.execute(
            select(func.count(), func.max(SignInAttempt.at)).where(
                column == value, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False)
            )
        ).one()
        if failures >= limit and last is not None:
            until = (last + THROTTLE_WINDOW).astimezone(LONDON).strftime("%H:%M")
            raise SignInThrottled(
                f"There have been too many failed sign-ins {whom}. Wait until {until} and try "
                "again, or ask an administrator to reset your password."
            )


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> User | None:
    """The active user with this email and password, or None. Rehashes outdated hashes.

    Every attempt is recorded; too many failures lock the account (and the address) for a while,
    before the password is even checked (SignInThrottled)."""
    now = now or utcnow()
    email = normalise_email(email or "")[:254]
    address = address[:64]
    with unit_of_work(session):
        check_throttle(session, email, address, now)
        user = _check(session, email, password)
        record_attempt(session, email, address, now, succeeded=user is not None)
    return user


def record_attempt(
    session: Session, email: str, address: str, now: dt.datetime, *, succeeded: bool
) -> None:
    session.add(SignInAttempt(email=email[:254], address=address[:64], at=now, succeeded=succeeded))


def _check(session: Session, email: str, password: str) -> User | None:
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
    return user


def mark_signed_in(session: Session, user: User) -> None:
    """The user is signed in (after the password, and the code where two-factor applies)."""
    with unit_of_work(session):
        user.last_signed_in_at = utcnow()
        audit_trail.record(
            session, actor=user, action="sign_in", record_type="user", record_id=user.id
        )


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every sign-in cookie this user holds (sign-out, disabling)."""
    with unit_of_work(session):
        user.session_token = new_session_token()


def sign_out(session: Session, user: User) -> None:
    """The user signs out: every session of theirs ends on the server, and the trail says so."""
    with unit_of_work(session):
        audit_trail.record(
            session, actor=user, action="sign_out", record_type="user", record_id=user.id
        )
        end_sessions(session, user)


# Failed and successful sign-ins (email, address, time) are kept this long for throttling and
# for looking into an attack, then removed by `flask purge`: they are personal data too.
SIGN_IN_ATTEMPTS_KEPT = dt.timedelta(days=90)


def _kept_too_long(now: dt.datetime) -> ColumnElement[bool]:
    return SignInAttempt.at < now - SIGN_IN_ATTEMPTS_KEPT


def old_sign_in_attempts(session: Session, now: dt.datetime) -> int:
    return (
        session.scalar(select(func.count()).select_from(SignInAttempt).where(_kept_too_long(now)))
        or 0
    )


def prune_sign_in_attempts(session: Session, now: dt.datetime) -> int:
    """Remove sign-in attempts older than SIGN_IN_ATTEMPTS_KEPT; returns how many."""
    with unit_of_work(session):
        result = session.execute(delete(SignInAttempt).where(_kept_too_long(now)))
        removed = getattr(result, "rowcount", 0)
    return int(removed or 0)


def new_user_problems(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    roles: set[Role],
    services: list[Service],
    agency: Agency | None,
) -> dict[str, str]:
    """What is wrong with a new user's details, by field name (empty if nothing)."""
    errors: dict[str, str] = {}
    email = normalise_email(email)
    if "@" not in email:
        errors["email"] = "Enter an email address like name@example.org"
    elif find_by_email(session, email) is not None:
        errors["email"] = "A user with this email address already exists"
    if not clean_text(full_name):
        errors["full_name"] = "Enter the person's full name"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    if not roles:
        errors["roles"] = "Give the user at least one role"
    if not services:
        errors["services"] = "Give the user at least one service"
    if Role.PANEL_MEMBER in roles and agency is None:
        errors["agency"] = "A panel member must represent an agency"
    return errors


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    roles: Iterable[Role],
    services: Iterable[Service],
    agency: Agency | None = None,
    actor: User | None = None,
) -> User:
    """A new user; an audit row names who made it (`actor`, None for the command line)."""
    role_set = set(roles)
    service_list = list(services)
    errors = new_user_problems(
        session,
        email=email,
        full_name=full_name,
        password=password,
        roles=role_set,
        services=service_list,
        agency=agency,
    )
    if errors:
        raise InvalidInput(errors)
    email = normalise_email(email)
    user = User(
        email=email,
        full_name=clean_text(full_name),
        password_hash=hash_password(password),
        agency=agency,
        services=service_list,
    )
    user.set_roles(role_set)
    with unit_of_work(session):
        session.add(user)
        session.flush()
        audit_trail.record(
            session,
            actor=actor,
            action="create",
            record_type="user",
            record_id=user.id,
            details={
                "roles": sorted(r.value for r in role_set),
                "services": sorted(s.id for s in service_list),
            },
        )
    return user
