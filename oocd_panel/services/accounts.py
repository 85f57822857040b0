"""User accounts: creating them, the rules for their details and passwords, checking passwords
(argon2id), changing one's own password and ending sessions.

A password is refused when it is short, or when zxcvbn (its offline lists of common and breached
passwords, words and names, and the patterns guessers try first) would guess it soon."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
from collections.abc import Iterable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, bindparam, delete, func, select, text
from sqlalchemy.orm import Session, joinedload
from zxcvbn import zxcvbn

from oocd_panel.models import Agency, Role, Service, SignInAttempt, User
from oocd_panel.models.user import new_session_token
from oocd_panel.plumbing.clock import LONDON
from oocd_panel.plumbing.db import begin_writing, utcnow
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import in_unit_of_work, unit_of_work
from oocd_panel.services import audit_trail

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash to verify against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, used to even out timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# zxcvbn estimates guesses from a password's parts; fewer than this is refused (its "score" 3:
# safe from guessing online, not from an offline attack on a stolen hash).
_ENOUGH_GUESSES_LOG10 = 8
# zxcvbn looks at this much of a password (more is slow, and adds nothing it would catch).
_CHECKED_LENGTH = 64
# Words anyone would try against this service's staff, checked like the person's own name.
SERVICE_WORDS = ("youth", "justice", "youthjustice", "yjs", "police", "panel", "oocd", "diversion")
_WORDS = re.compile(r"[^\W_]+")
_LOCK = threading.Lock()  # zxcvbn keeps the personal words in a module-level dictionary
_WHY = {
    "user_inputs": "it contains your name or email address, or a word about this service",
    "passwords": "it is on a list of common and breached passwords, or is one with a few "
    "letters, numbers or symbols added or changed",
    "spatial": "it follows a row of keys on the keyboard",
    "sequence": "it is a sequence such as abcd or 1234",
    "repeat": "it repeats the same characters or words",
    "date": "it is mostly a date",
}


def _matches(password: str, personal: Iterable[str]) -> tuple[float, list[dict[str, Any]]]:
    words = {w.lower() for text in personal for w in _WORDS.findall(text) if len(w) >= 3}
    with _LOCK:
        result = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=[*SERVICE_WORDS, *words])
    return float(result["guesses_log10"]), list(result["sequence"])


def _kind(match: dict[str, Any]) -> str:
    if match["pattern"] == "dictionary":
        return str(match["dictionary_name"])
    return str(match["pattern"])


def _why_guessable(password: str, personal: Iterable[str]) -> str | None:
    """Why zxcvbn (its lists of common and breached passwords, words and names, and the patterns
    guessers try) would guess this password soon, or None. Also refused: one common password or
    personal word with only digits or symbols around it, however many ("Summer2026!!!")."""
    guesses_log10, matches = _matches(password, personal)
    kinds = {_kind(m) for m in matches}
    worded = [m for m in matches if any(c.isalpha() for c in m["token"])]
    # One common word with digits and symbols around it (several unrelated words are fine).
    built_on_common = len(worded) == 1 and _kind(worded[0]) in {"passwords", "user_inputs"}
    if guesses_log10 >= _ENOUGH_GUESSES_LOG10 and not built_on_common:
        return None
    for kind, why in _WHY.items():
        if kind in kinds:
            return why
    return "it is made of common words and patterns that guessers try first"


def password_problem(password: str, *, personal: Iterable[str] = ()) -> str | None:
    """What is wrong with a new password, or None. `personal`: the person's name and email
    address (a password made of them is refused)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters: three or more "
            "unrelated words work well"
        )
    why = _why_guessable(password, personal)
    if why is not None:
        return (
            f"That password is too easy to guess: {why}. Use three or more unrelated words instead"
        )
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


# Throttling. An email address (anyone's, or one nobody has: they are treated alike, so being
# refused says nothing about who has an account) with ACCOUNT_FAILURES failures within
# THROTTLE_WINDOW is not tried again, from anywhere, until the oldest of them is that old. An
# address with ADDRESS_FAILURES failures within the window is busy: from it, each email address
# may fail only ADDRESS_FAILURES_PER_EMAIL times. A busy address never stops an email address
# that has not failed from it: behind a shared address (an office, or a proxy that is not
# trusted), everyone else still signs in. Refused attempts are not recorded (waiting cannot be
# made longer by trying), and wrong two-factor codes and current passwords count as failures.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
ADDRESS_FAILURES_PER_EMAIL = 2
THROTTLE_WINDOW = dt.timedelta(minutes=15)


class SignInThrottled(DomainError):
    """Too many failed sign-ins: nothing is checked until the wait is over."""


def check_throttle(session: Session, email: str, address: str, now: dt.datetime) -> None:
    """Raise SignInThrottled while this email address may not be tried (from this address).

    Call it first in the unit of work that checks the password (or code) and records the
    attempt (record_attempt): attempts on one email address then take turns, from counting to
    recording, so twenty sent at once are checked no more often than one after another."""
    if not in_unit_of_work(session):
        raise RuntimeError("check_throttle belongs in the unit of work that records the attempt")
    email, address = email[:254], address[:64]  # as record_attempt keeps them
    _take_turn(session, email)
    since = now - THROTTLE_WINDOW
    failures = session.execute(
        select(SignInAttempt.at, SignInAttempt.address)
        .where(
            SignInAttempt.email == email,
            SignInAttempt.at > since,
            SignInAttempt.succeeded.is_(False),
        )
        .order_by(SignInAttempt.at.desc())
        .limit(ACCOUNT_FAILURES)
    ).all()
    if len(failures) >= ACCOUNT_FAILURES:
        raise SignInThrottled(
            "There have been too many failed sign-ins for this account. Wait until "
            f"{_until(failures[ACCOUNT_FAILURES - 1].at)} and try again, or ask an administrator "
            "to reset your password."
        )
    from_here = [f.at for f in failures if f.address == address]
    if len(from_here) >= ADDRESS_FAILURES_PER_EMAIL and _busy(session, address, since):
        raise SignInThrottled(
            # "twice": ADDRESS_FAILURES_PER_EMAIL
            "There have been too many failed sign-ins from your network, and this email "
            f"address has already failed twice from it. Wait until "
            f"{_until(from_here[ADDRESS_FAILURES_PER_EMAIL - 1])} to try it again from there, "
            "or ask an administrator to reset your password."
        )


# The two-key advisory locks of attempts on an email address (this number, and a hash of the
# address) on PostgreSQL; the audit chain's lock has one key, so the two never meet.
_ATTEMPTS_LOCK = 74_201_312


def _take_turn(session: Session, email: str) -> None:
    """Wait until no other attempt on this email address is between counting and recording.

    On PostgreSQL: a transaction-level advisory lock of the email address, released when the
    attempt commits or rolls back (attempts on other email addresses never wait for it). On
    SQLite: the transaction begins with the write lock (BEGIN IMMEDIATE), so every attempt
    waits for the one before; a transaction already under way (a web request that may write
    began so already) is left as it is. The address's own count is not locked: it only decides
    whether an email address may fail twice or five times from there, and attempts on that
    email address take turns anyway."""
    begin_writing(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:email))"),
            {"space": _ATTEMPTS_LOCK, "email": email},
        )


def _busy(session: Session, address: str, since: dt.datetime) -> bool:
    """Whether the address has failed ADDRESS_FAILURES times within the window (counting no
    further than that)."""
    recent = (
        select(SignInAttempt.id)
        .where(
            SignInAttempt.address == address,
            SignInAttempt.at > since,
            SignInAttempt.succeeded.is_(False),
        )
        .limit(ADDRESS_FAILURES)
        .subquery()
    )
    return (session.scalar(select(func.count()).select_from(recent)) or 0) >= ADDRESS_FAILURES


def _until(failure: dt.datetime) -> str:
    """When a failure stops counting, as London's time, rounded up to the minute (so trying
    at the minute shown works)."""
    until = failure + THROTTLE_WINDOW
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += dt.timedelta(minutes=1)
    return shown.astimezone(LONDON).strftime("%H:%M")


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> User | None:
    """The active user with this email and password, or None. Rehashes outdated hashes.

    Every attempt is recorded; too many failures for the email address (or for it from a busy
    address) refuse it for a while, before the password is even checked (SignInThrottled)."""
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


def replace_password(user: User, password: str) -> None:
    """Store a new password (already checked) and end every session of the user. The caller's
    unit of work commits it, with its audit row."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


# The fields of the form to change one's password, as services name them in InvalidInput.
_CURRENT, _NEW, _CONFIRM = "current_password", "new_password", "confirm_password"


def change_password(
    session: Session,
    user: User,
    *,
    current: str,
    new: str,
    confirm: str,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> None:
    """The signed-in user changes their own password: the current one first (wrong ones count
    toward sign-in throttling, SignInThrottled while it waits), then the new one twice, under
    the usual rules. Every session of theirs ends (the caller signs this one in again)."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    if not new:
        errors[_NEW] = "Enter a new password"
    else:
        problem = password_problem(new, personal=(user.full_name, user.email))
        if problem:
            errors[_NEW] = problem
        elif new != confirm:
            errors[_CONFIRM] = "The new passwords do not match: type it again twice"
    if not current:
        errors = {_CURRENT: "Enter your current password", **errors}
    else:
        with unit_of_work(session):
            check_throttle(session, user.email, address[:64], now)
            right = _verifies(user.password_hash, current)
            record_attempt(session, user.email, address, now, succeeded=right)
        if not right:
            errors = {_CURRENT: "Your current password is not right", **errors}
        elif current == new:
            errors[_NEW] = "Your new password must be different from your current one"
    if errors:
        raise InvalidInput(errors)
    with unit_of_work(session):
        replace_password(user, new)
        audit_trail.record(
            session, actor=user, action="change_password", record_type="user", record_id=user.id
        )


def _verifies(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def password_matches(user: User, password: str) -> bool:
    """Whether `password` is the user's (for confirming a change; the caller throttles)."""
    return _verifies(user.password_hash, password)


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


def user_problems(
    session: Session,
    *,
    full_name: str,
    roles: set[Role],
    services: list[Service],
    agency: Agency | None,
    email: str | None = None,
) -> dict[str, str]:
    """What is wrong with a user's details, by field name (empty if nothing): the rules for a
    new user and for an edit alike. `email` is checked when it is being set (a new user)."""
    errors: dict[str, str] = {}
    if email is not None:
        email = normalise_email(email)
        if "@" not in email:
            errors["email"] = "Enter an email address like name@example.org"
        elif find_by_email(session, email) is not None:
            errors["email"] = "A user with this email address already exists"
    if not clean_text(full_name):
        errors["full_name"] = "Enter the person's full name"
    if not roles:
        errors["roles"] = "Give the user at least one role"
    if not services:
        errors["services"] = "Give the user at least one service"
    if Role.PANEL_MEMBER in roles and agency is None:
        errors["agency"] = "A panel member must represent an agency"
    if Role.POLICE_INSPECTOR in roles and (
        agency is not Agency.POLICE or not roles & {Role.POLICE_OFFICER, Role.PANEL_MEMBER}
    ):
        errors["roles"] = (
            "A police inspector who resolves escalations must also be a police officer (or a "
            "panel member) of the police agency"
        )
    return errors


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str | None,
    roles: Iterable[Role],
    services: Iterable[Service],
    agency: Agency | None = None,
    actor: User | None = None,
) -> User:
    """A new user; an audit row names who made it (`actor`, None for the command line).

    Without a password, nobody can sign in as them until they set one through a set-up link
    (services.set_up_links): the stored hash is of a random secret nobody knows."""
    role_set = set(roles)
    service_list = list(services)
    errors = user_problems(
        session,
        email=email,
        full_name=full_name,
        roles=role_set,
        services=service_list,
        agency=agency,
    )
    if password is not None:
        problem = password_problem(password, personal=(full_name, email))
        if problem:
            errors["password"] = problem
    if errors:
        raise InvalidInput(errors)
    email = normalise_email(email)
    user = User(
        email=email,
        full_name=clean_text(full_name),
        password_hash=hash_password(password if password is not None else _unguessable()),
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
                "password": "chosen" if password is not None else "set-up link",
            },
        )
    return user


def _unguessable() -> str:
    return secrets.token_urlsafe(32)
