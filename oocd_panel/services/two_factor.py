"""Two-factor sign-in: time-based one-time codes (TOTP, RFC 6238) and recovery codes.

Administrators and managers must use it; anyone else may. A person sets it up by adding a
secret to an authenticator app and giving a code made from it; each code is accepted once
(the time-step of the last accepted code is kept), wrong codes count toward the sign-in
throttling like wrong passwords, and eight one-time recovery codes stand in for a lost phone.

Once it is set up, changing it (a new phone, new recovery codes, turning it off) asks for the
account's password and a current code or an unused recovery code, throttled like signing in,
so a signed-in session alone (a stolen cookie, an unlocked screen) cannot take it over. Someone
who has lost both their phone and their codes asks an administrator to reset it (`reset`).

Secrets are stored encrypted (Fernet, plumbing.encryption) with a key from configuration
(`TOTP_KEY`, set at start-up by `configure`); recovery codes are stored as their SHA-256 only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, cast

import pyotp
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session

from oocd_panel.models import RecoveryCode, Role, User
from oocd_panel.models.user import new_session_token
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.encryption import SecretBox, Unreadable
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, InvalidInput
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail
from oocd_panel.services.accounts import check_throttle, password_matches, record_attempt

REQUIRED_FOR = frozenset({Role.ADMIN, Role.MANAGER})
VALID_WINDOW = 1  # codes from one time-step before or after now are accepted too (clock drift)
RECOVERY_CODE_COUNT = 8
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_GROUPS = 3  # xxxx-xxxx-xxxx: 12 characters, about 59 bits each


class TwoFactorUnreadable(DomainError):
    """The stored secret cannot be decrypted (the key was changed): an administrator resets it."""

    def __init__(self) -> None:
        super().__init__(
            "Your two-factor sign-in cannot be checked at the moment. Ask your service's "
            "administrator to reset it, then set it up again."
        )


# --- Keeping secrets encrypted -------------------------------------------------------------------

SECRETS = SecretBox(b"oocd-panel totp secrets")


def configure(keys: str) -> None:
    """Set the key(s) from configuration: comma-separated, the first encrypts, any decrypts."""
    SECRETS.configure(keys)


def _encrypt(secret: str) -> str:
    return SECRETS.encrypt(secret)


def _decrypt(token: str) -> str:
    try:
        return SECRETS.decrypt(token)
    except Unreadable:
        raise TwoFactorUnreadable() from None


def current_secret(user: User) -> str:
    """The user's active secret in plain text (for checking codes; never shown again)."""
    if user.totp_secret is None:
        raise ActionNotAllowed("Two-factor sign-in is not set up for this account.")
    return _decrypt(user.totp_secret)


# --- Rules ---------------------------------------------------------------------------------------


def required_for(user: User) -> bool:
    """Whether the user may not sign in without two-factor (administrators and managers)."""
    return user.has_role(*REQUIRED_FOR)


def must_set_up(user: User) -> bool:
    return required_for(user) and not user.has_two_factor


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _is_totp(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdecimal()


def _matching_step(secret: str, code: str, last_step: int | None, now: dt.datetime) -> int | None:
    """The time-step within the window whose code this is, if it is later than the last used."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(session: Session, user: User, step: int) -> bool:
    """Record `step` as used, unless this or a later one was used already (atomically: two
    requests with the same code cannot both succeed)."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ),
    )
    session.expire(user, ["totp_last_step"])
    return result.rowcount == 1


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _use_recovery_code(session: Session, user: User, code: str, now: dt.datetime) -> bool:
    found = session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
    ).first()
    if found is None:
        return False
    result = cast(
        CursorResult[Any],
        session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "-".join(
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4))
            for _ in range(_RECOVERY_GROUPS)
        )
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(c)) for c in codes)
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


# --- Signing in ----------------------------------------------------------------------------------


def verify_sign_in(
    session: Session,
    user: User,
    code: str,
    *,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> bool:
    """The second step of signing in: a current code from the app, or an unused recovery code.

    Each attempt is recorded like a password attempt, so wrong codes are throttled alike
    (SignInThrottled, from accounts), before the code is even checked."""
    return _verify(session, user, code, address=address, now=now or utcnow())


def _verify(
    session: Session,
    user: User,
    code: str,
    *,
    address: str,
    now: dt.datetime,
) -> bool:
    with unit_of_work(session):
        # Counted and checked in one step (accounts.check_throttle takes its turn first).
        check_throttle(session, user.email, address, now)
        accepted = _verify_in_unit(session, user, code, now)
        record_attempt(session, user.email, address, now, succeeded=accepted)
    return accepted


def _verify_in_unit(session: Session, user: User, code: str, now: dt.datetime) -> bool:
    """A current code from the app, or an unused recovery code (used up, with an audit row),
    checked in the caller's unit of work."""
    code = normalise_code(code)
    if _is_totp(code):
        step = _matching_step(current_secret(user), code, user.totp_last_step, now)
        return step is not None and _use_step(session, user, step)
    if not _use_recovery_code(session, user, code, now):
        return False
    audit_trail.record(
        session,
        actor=user,
        action="use_recovery_code",
        record_type="user",
        record_id=user.id,
        details={"left": recovery_codes_left(session, user)},
    )
    return True


# --- Setting up, replacing, turning off ----------------------------------------------------------


def pending_secret(session: Session, user: User) -> str:
    """The secret being set up (made now if there is none): shown to the person until they
    give a code from it. Their current secret, if any, works until then."""
    if user.totp_pending_secret is not None:
        try:
            return _decrypt(user.totp_pending_secret)
        except TwoFactorUnreadable:
            pass  # made under an old key: start again
    secret = pyotp.random_base32()
    with unit_of_work(session):
        user.totp_pending_secret = _encrypt(secret)
    return secret


def _code_from_pending(user: User, code: str, now: dt.datetime) -> int:
    """The time-step of `code` if it was made from the secret being set up (InvalidInput if not)."""
    if user.totp_pending_secret is None:
        raise InvalidInput({"code": "Your set-up had expired: scan the new QR code and try again"})
    secret = _decrypt(user.totp_pending_secret)
    code = normalise_code(code)
    step = _matching_step(secret, code, None, now) if _is_totp(code) else None
    if step is None:
        raise InvalidInput(
            {"code": "The code is not right: enter the 6-digit code your app shows now"}
        )
    return step


def _enrol(session: Session, user: User, step: int, now: dt.datetime, action: str) -> list[str]:
    """Make the pending secret the user's (in the caller's unit of work), with new recovery
    codes, and the audit row."""
    user.totp_secret = user.totp_pending_secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    user.totp_enrolled_at = now
    codes = _new_recovery_codes(session, user)
    audit_trail.record(session, actor=user, action=action, record_type="user", record_id=user.id)
    return codes


def confirm_set_up(
    session: Session, user: User, code: str, *, now: dt.datetime | None = None
) -> list[str]:
    """Set up two-factor for someone who has none yet: the pending secret becomes theirs, if
    `code` was made from it. Returns new recovery codes, to show once (only their hashes are
    kept). Someone who has it already replaces it with `replace`, which asks for more."""
    now = now or utcnow()
    if user.has_two_factor:
        raise ActionNotAllowed(
            "Two-factor sign-in is set up already: to move it to a new phone, give a code from "
            "your current app (or a recovery code) and your password."
        )
    step = _code_from_pending(user, code, now)
    with unit_of_work(session):
        return _enrol(session, user, step, now, "set_up_two_factor")


# The fields a change to two-factor itself asks for, as InvalidInput names them.
CURRENT_CODE, PASSWORD = "current_code", "password"


def _confirm_factors(
    session: Session,
    user: User,
    *,
    current_code: str,
    password: str,
    address: str,
    now: dt.datetime,
) -> None:
    """For a change to two-factor itself (replacing it, new recovery codes, turning it off):
    the account's password and a current code from the app or an unused recovery code, so a
    session left open or stolen cannot change it. Throttled and counted like signing in
    (SignInThrottled while the account or address waits). A recovery code given is used up;
    the code is not even checked when the password is wrong."""
    errors: dict[str, str] = {}
    if not normalise_code(current_code):
        errors[CURRENT_CODE] = "Enter a code from your authenticator app, or a recovery code"
    if not password:
        errors[PASSWORD] = "Enter your password"
    if errors:
        raise InvalidInput(errors)
    address = address[:64]
    with unit_of_work(session):
        check_throttle(session, user.email, address, now)
        right_password = password_matches(user, password)
        accepted = right_password and _verify_in_unit(session, user, current_code, now)
        record_attempt(session, user.email, address, now, succeeded=accepted)
    if not right_password:
        raise InvalidInput({PASSWORD: "Your password is not right"})
    if not accepted:
        raise InvalidInput(
            {
                CURRENT_CODE: "The code is not right, or was used already: enter the newest "
                "code your current app shows, or an unused recovery code"
            }
        )


def replace(
    session: Session,
    user: User,
    code: str,
    *,
    current_code: str,
    password: str,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> list[str]:
    """Move two-factor to a new app (a new phone): `code` from the pending secret, and the
    current factor and password (`_confirm_factors`). Returns new recovery codes; the old app
    and codes stop working. Someone who has lost both asks an administrator to reset it."""
    now = now or utcnow()
    if not user.has_two_factor:
        raise ActionNotAllowed("Two-factor sign-in is not set up for this account.")
    step = _code_from_pending(user, code, now)  # a typo here uses up nothing
    _confirm_factors(
        session, user, current_code=current_code, password=password, address=address, now=now
    )
    with unit_of_work(session):
        return _enrol(session, user, step, now, "replace_two_factor")


def new_recovery_codes(
    session: Session,
    user: User,
    current_code: str,
    *,
    password: str,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working), given the current factor
    and the password."""
    now = now or utcnow()
    if not user.has_two_factor:
        raise ActionNotAllowed("Set up two-factor sign-in first.")
    _confirm_factors(
        session, user, current_code=current_code, password=password, address=address, now=now
    )
    with unit_of_work(session):
        codes = _new_recovery_codes(session, user)
        audit_trail.record(
            session,
            actor=user,
            action="new_recovery_codes",
            record_type="user",
            record_id=user.id,
        )
    return codes


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    user.totp_enrolled_at = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(
    session: Session,
    user: User,
    current_code: str,
    *,
    password: str,
    address: str = "unknown",
    now: dt.datetime | None = None,
) -> None:
    """Someone who may sign in without it turns two-factor off, given the current factor and
    the password."""
    now = now or utcnow()
    if required_for(user):
        raise ActionNotAllowed(
            "Administrators and managers must use two-factor sign-in: you cannot turn it off."
        )
    if not user.has_two_factor:
        raise ActionNotAllowed("Two-factor sign-in is not set up for this account.")
    _confirm_factors(
        session, user, current_code=current_code, password=password, address=address, now=now
    )
    with unit_of_work(session):
        _clear(session, user)
        audit_trail.record(
            session, actor=user, action="turn_off_two_factor", record_type="user", record_id=user.id
        )


def reset(session: Session, user: User, *, actor: User | None) -> None:
    """An administrator clears a user's two-factor (a lost phone and codes): their sessions end,
    and they set it up again at their next sign-in (or may sign in without it, if allowed)."""
    with unit_of_work(session):
        _clear(session, user)
        user.session_token = new_session_token()
        audit_trail.record(
            session, actor=actor, action="reset_two_factor", record_type="user", record_id=user.id
        )


def set_up_with_secret(session: Session, user: User, secret: str) -> None:
    """Set up two-factor with a known secret, without a code: for demo data (whose secret is
    published with the demo password) and tests only."""
    with unit_of_work(session):
        _clear(session, user)
        user.totp_secret = _encrypt(secret)
        user.totp_enrolled_at = utcnow()
        audit_trail.record(
            session, actor=None, action="set_up_two_factor", record_type="user", record_id=user.id
        )


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// address a QR code carries to the authenticator app."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)
