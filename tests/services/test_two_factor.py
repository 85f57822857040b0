"""Two-factor sign-in: codes accepted once and only near now, recovery codes once, wrong codes
throttled like wrong passwords, secrets encrypted at rest."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, Role, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput
from oocd_panel.services import two_factor
from oocd_panel.services.accounts import ACCOUNT_FAILURES, SignInThrottled, authenticate
from tests.factories import PASSWORD, Factory

STEP = dt.timedelta(seconds=30)


def _set_up(session: Session, user: User, now: dt.datetime) -> tuple[str, list[str]]:
    secret = two_factor.pending_secret(session, user)
    codes = two_factor.confirm_set_up(session, user, pyotp.TOTP(secret).at(now), now=now)
    return secret, codes


def _actions(session: Session, user: User) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.record_type == "user", AuditEntry.record_id == str(user.id))
            .order_by(AuditEntry.id)
        )
    )


def test_setting_up_needs_a_code_from_the_new_secret(factory: Factory, session: Session) -> None:
    user = factory.user(Role.PRACTITIONER)
    now = utcnow()
    secret = two_factor.pending_secret(session, user)
    assert two_factor.pending_secret(session, user) == secret  # stable while the page reloads
    with pytest.raises(InvalidInput, match="not right"):
        two_factor.confirm_set_up(session, user, pyotp.TOTP(secret).at(now - 10 * STEP), now=now)
    assert not user.has_two_factor
    codes = two_factor.confirm_set_up(session, user, pyotp.TOTP(secret).at(now), now=now)
    assert user.has_two_factor
    assert user.totp_pending_secret is None
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT == len(set(codes))
    assert two_factor.recovery_codes_left(session, user) == 8
    assert _actions(session, user) == ["create", "set_up_two_factor"]


def test_the_secret_is_stored_encrypted_and_the_key_can_be_rotated(
    factory: Factory, session: Session
) -> None:
    user = factory.user(Role.PRACTITIONER)
    saved = two_factor.SECRETS.cipher
    try:
        two_factor.configure("old key")
        secret, _ = _set_up(session, user, utcnow())
        assert user.totp_secret is not None
        assert secret not in user.totp_secret
        assert two_factor.current_secret(user) == secret
        # A new key first and the old one after: still readable. The new key alone: not.
        two_factor.configure("new key, old key")
        assert two_factor.current_secret(user) == secret
        two_factor.configure("new key")
        with pytest.raises(two_factor.TwoFactorUnreadable):
            two_factor.current_secret(user)
    finally:
        two_factor.SECRETS.cipher = saved


def test_a_code_is_accepted_once_and_only_near_now(factory: Factory, session: Session) -> None:
    user = factory.user(Role.PRACTITIONER)
    now = utcnow()
    secret, _ = _set_up(session, user, now - 5 * STEP)
    totp = pyotp.TOTP(secret)
    assert not two_factor.verify_sign_in(session, user, totp.at(now - 2 * STEP), now=now)
    assert not two_factor.verify_sign_in(session, user, totp.at(now + 2 * STEP), now=now)
    assert two_factor.verify_sign_in(session, user, totp.at(now), now=now)
    # The same code again (a replay) is refused, and so is an older one.
    assert not two_factor.verify_sign_in(session, user, totp.at(now), now=now)
    assert not two_factor.verify_sign_in(session, user, totp.at(now - STEP), now=now)
    # One step ahead is allowed for a fast clock; spaces are ignored.
    ahead = totp.at(now + STEP)
    assert two_factor.verify_sign_in(session, user, f"{ahead[:3]} {ahead[3:]}", now=now)


def test_the_code_used_to_set_up_cannot_sign_in(factory: Factory, session: Session) -> None:
    user = factory.user(Role.PRACTITIONER)
    now = utcnow()
    secret, _ = _set_up(session, user, now)
    assert not two_factor.verify_sign_in(session, user, pyotp.TOTP(secret).at(now), now=now)


def test_a_recovery_code_works_once(factory: Factory, session: Session) -> None:
    user = factory.user(Role.PRACTITIONER)
    now = utcnow()
    _, codes = _set_up(session, user, now)
    assert two_factor.verify_sign_in(session, user, codes[0].upper(), now=now)
    assert not two_factor.verify_sign_in(session, user, codes[0], now=now)
    assert two_factor.recovery_codes_left(session, user) == 7
    assert "use_recovery_code" in _actions(session, user)
    # New codes replace the old ones, and need the current factor and the password.
    later = now + 2 * STEP
    totp = pyotp.TOTP(two_factor.current_secret(user))
    with pytest.raises(InvalidInput):
        two_factor.new_recovery_codes(session, user, totp.at(later), password="", now=later)
    fresh = two_factor.new_recovery_codes(
        session, user, totp.at(later), password=PASSWORD, now=later
    )
    assert not two_factor.verify_sign_in(session, user, codes[1], now=later)
    assert two_factor.verify_sign_in(session, user, fresh[1], now=later)


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    factory: Factory, session: Session
) -> None:
    user = factory.user(Role.MANAGER)
    now = utcnow()
    assert authenticate(session, user.email, PASSWORD, now=now) == user
    right = pyotp.TOTP(two_factor.current_secret(user)).at(now)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(ACCOUNT_FAILURES):
        assert not two_factor.verify_sign_in(session, user, wrong, address="a", now=now)
    # Neither the right code nor the right password is checked while the account waits.
    with pytest.raises(SignInThrottled, match="for this account"):
        two_factor.verify_sign_in(session, user, right, address="b", now=now)
    with pytest.raises(SignInThrottled):
        authenticate(session, user.email, PASSWORD, address="b", now=now)


def test_only_those_who_may_go_without_it_can_turn_it_off(
    factory: Factory, session: Session
) -> None:
    manager = factory.user(Role.MANAGER)
    practitioner = factory.user(Role.PRACTITIONER)
    now = utcnow()
    secret, _ = _set_up(session, practitioner, now - 3 * STEP)
    with pytest.raises(ActionNotAllowed, match="must use two-factor"):
        two_factor.turn_off(session, manager, "123456", password=PASSWORD, now=now)
    with pytest.raises(InvalidInput):
        two_factor.turn_off(session, practitioner, "12345", password=PASSWORD, now=now)
    two_factor.turn_off(
        session, practitioner, pyotp.TOTP(secret).at(now), password=PASSWORD, now=now
    )
    assert not practitioner.has_two_factor
    assert two_factor.recovery_codes_left(session, practitioner) == 0


def test_who_must_set_it_up(factory: Factory) -> None:
    assert two_factor.must_set_up(factory.user(Role.ADMIN, two_factor_set_up=False))
    assert two_factor.must_set_up(factory.user(Role.MANAGER, two_factor_set_up=False))
    assert not two_factor.must_set_up(factory.user(Role.MANAGER))
    for role in (Role.PRACTITIONER, Role.PANEL_MEMBER, Role.POLICE_OFFICER, Role.ANALYST):
        assert not two_factor.must_set_up(factory.user(role))


# --- Changing it asks for the current factor and the password -------------------------------


def test_setting_up_again_over_a_current_factor_is_refused(
    factory: Factory, session: Session
) -> None:
    """A signed-in session alone (a stolen cookie) cannot put its own app in place of the
    user's: a first set-up is refused once there is a factor, and replacing asks for more."""
    user = factory.user(Role.MANAGER)
    before = user.totp_secret
    now = utcnow()
    attacker = two_factor.pending_secret(session, user)
    with pytest.raises(ActionNotAllowed, match="set up already"):
        two_factor.confirm_set_up(session, user, pyotp.TOTP(attacker).at(now), now=now)
    for current, password in (("", PASSWORD), ("123456", ""), ("", "")):
        with pytest.raises(InvalidInput):
            two_factor.replace(
                session,
                user,
                pyotp.TOTP(attacker).at(now),
                current_code=current,
                password=password,
                now=now,
            )
    session.refresh(user)
    assert user.totp_secret == before
    assert "replace_two_factor" not in _actions(session, user)


def _replace(
    session: Session, user: User, *, current: str, password: str, now: dt.datetime
) -> list[str]:
    new = two_factor.pending_secret(session, user)
    return two_factor.replace(
        session,
        user,
        pyotp.TOTP(new).at(now),
        current_code=current,
        password=password,
        address="10.0.0.9",
        now=now,
    )


def test_replacing_needs_the_password_and_the_current_code_or_a_recovery_code(
    factory: Factory, session: Session
) -> None:
    user = factory.user(Role.PRACTITIONER)
    now = utcnow()
    old_secret, codes = _set_up(session, user, now - 4 * STEP)
    old = pyotp.TOTP(old_secret)
    with pytest.raises(InvalidInput) as wrong_password:
        _replace(session, user, current=old.at(now), password="not my password", now=now)
    assert wrong_password.value.errors == {"password": "Your password is not right"}
    with pytest.raises(InvalidInput) as wrong_code:
        _replace(session, user, current="000000", password=PASSWORD, now=now)
    assert list(wrong_code.value.errors) == ["current_code"]
    assert two_factor.current_secret(user) == old_secret

    fresh = _replace(session, user, current=old.at(now), password=PASSWORD, now=now)
    new_secret = two_factor.current_secret(user)
    assert new_secret != old_secret
    later = now + 2 * STEP
    assert not two_factor.verify_sign_in(session, user, old.at(later), now=later)
    assert two_factor.verify_sign_in(session, user, pyotp.TOTP(new_secret).at(later), now=later)
    assert not two_factor.verify_sign_in(session, user, codes[0], now=later)  # old codes gone
    # A recovery code stands in for the current app (a lost phone), and is used up.
    _replace(session, user, current=fresh[0], password=PASSWORD, now=later)
    assert two_factor.current_secret(user) != new_secret
    assert _actions(session, user).count("replace_two_factor") == 2
    assert "use_recovery_code" in _actions(session, user)


def test_wrong_passwords_when_changing_it_are_throttled_like_sign_in(
    factory: Factory, session: Session
) -> None:
    user = factory.user(Role.MANAGER)
    now = utcnow()
    right = pyotp.TOTP(two_factor.current_secret(user)).at(now)
    for _ in range(ACCOUNT_FAILURES):
        with pytest.raises(InvalidInput):
            two_factor.new_recovery_codes(
                session, user, right, password="guess", address="a", now=now
            )
    with pytest.raises(SignInThrottled, match="for this account"):
        two_factor.new_recovery_codes(session, user, right, password=PASSWORD, now=now)
    with pytest.raises(SignInThrottled):
        _replace(session, user, current=right, password=PASSWORD, now=now)
    with pytest.raises(SignInThrottled):  # and signing in waits too
        authenticate(session, user.email, PASSWORD, address="b", now=now)
    # The right code was never even checked, so it was not used up meanwhile.
    session.refresh(user)
    assert user.totp_last_step is None


def test_turning_it_off_needs_the_password(factory: Factory, session: Session) -> None:
    user = factory.user(Role.PRACTITIONER)
    now = utcnow()
    secret, codes = _set_up(session, user, now - 3 * STEP)
    with pytest.raises(InvalidInput, match="password"):
        two_factor.turn_off(session, user, pyotp.TOTP(secret).at(now), password="x", now=now)
    assert user.has_two_factor
    two_factor.turn_off(session, user, codes[2], password=PASSWORD, now=now)
    assert not user.has_two_factor
    assert _actions(session, user)[-1] == "turn_off_two_factor"
