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
    # New codes replace the old ones, and need a current code from the app.
    later = now + 2 * STEP
    with pytest.raises(InvalidInput):
        two_factor.new_recovery_codes(session, user, codes[1], now=later)
    fresh = two_factor.new_recovery_codes(
        session, user, pyotp.TOTP(two_factor.current_secret(user)).at(later), now=later
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
        two_factor.turn_off(session, manager, "123456", now=now)
    with pytest.raises(InvalidInput):
        two_factor.turn_off(session, practitioner, "12345", now=now)
    two_factor.turn_off(session, practitioner, pyotp.TOTP(secret).at(now), now=now)
    assert not practitioner.has_two_factor
    assert two_factor.recovery_codes_left(session, practitioner) == 0


def test_who_must_set_it_up(factory: Factory) -> None:
    assert two_factor.must_set_up(factory.user(Role.ADMIN, two_factor_set_up=False))
    assert two_factor.must_set_up(factory.user(Role.MANAGER, two_factor_set_up=False))
    assert not two_factor.must_set_up(factory.user(Role.MANAGER))
    for role in (Role.PRACTITIONER, Role.PANEL_MEMBER, Role.POLICE_OFFICER, Role.ANALYST):
        assert not two_factor.must_set_up(factory.user(role))
