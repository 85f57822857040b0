"""Repeated failed sign-ins slow the account that failed, and a busy address's guesses, for a
while: never a right password for an account that has not failed, from anywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import Role, SignInAttempt
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.services.accounts import (
    ACCOUNT_FAILURES,
    ADDRESS_FAILURES,
    ADDRESS_FAILURES_PER_EMAIL,
    SIGN_IN_ATTEMPTS_KEPT,
    THROTTLE_WINDOW,
    SignInThrottled,
    authenticate,
)
from tests.factories import PASSWORD, Factory


def test_an_account_is_locked_after_repeated_failures_then_opens_again(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    now = utcnow()
    for _ in range(ACCOUNT_FAILURES):
        assert authenticate(session, user.email, "wrong password", address="a", now=now) is None
    # Even the right password is not checked while the account waits.
    with pytest.raises(SignInThrottled, match="too many failed sign-ins for this account"):
        authenticate(session, user.email, PASSWORD, address="b", now=now)
    later = now + THROTTLE_WINDOW + dt.timedelta(seconds=1)
    assert authenticate(session, user.email, PASSWORD, address="b", now=later) == user


def _refusal(session: Session, email: str, address: str, now: dt.datetime) -> str:
    with pytest.raises(SignInThrottled) as refused:
        authenticate(session, email, PASSWORD, address=address, now=now)
    return refused.value.message


def test_a_busy_address_is_slowed_only_on_the_email_addresses_that_failed_from_it(
    factory: Factory, session: Session
) -> None:
    busy, elsewhere = "203.0.113.9", "198.51.100.1"
    now = utcnow()
    unknown = "nobody@example.org"
    user, typo = factory.cast(Role.MANAGER), factory.cast(Role.PRACTITIONER)
    # Below the address's limit, an email address may fail as often as the account allows.
    for email in (unknown, typo.email):
        for _ in range(ADDRESS_FAILURES_PER_EMAIL):
            assert authenticate(session, email, "wrong", address=busy, now=now) is None
    for i in range(ADDRESS_FAILURES - 2 * ADDRESS_FAILURES_PER_EMAIL):
        authenticate(session, f"guess{i}@example.org", "wrong", address=busy, now=now)
    # Now the address is busy: an email address that failed twice from it waits, whether or
    # not anyone has it (the same words, so being refused says nothing about who has an account)...
    assert _refusal(session, unknown, busy, now) == _refusal(session, typo.email, busy, now)
    assert "too many failed sign-ins from your network" in _refusal(session, unknown, busy, now)
    # ...but only from there, and everyone else signs in from the busy address too.
    assert authenticate(session, typo.email, PASSWORD, address=elsewhere, now=now) == typo
    assert authenticate(session, user.email, PASSWORD, address=busy, now=now) == user
    # A new guess from the busy address is still checked (two failures per email address).
    assert authenticate(session, "new@example.org", "wrong", address=busy, now=now) is None


def test_refusals_say_until_when_to_the_minute(factory: Factory, session: Session) -> None:
    user = factory.cast(Role.PRACTITIONER)
    start = dt.datetime(2026, 1, 12, 9, 0, 30, tzinfo=dt.UTC)  # London is on UTC in January
    for minute in range(ACCOUNT_FAILURES):
        moment = start + dt.timedelta(minutes=minute)
        authenticate(session, user.email, "wrong", address="a", now=moment)
    last = start + dt.timedelta(minutes=ACCOUNT_FAILURES - 1)
    # The oldest failure stops counting at 09:15:30: the message says 09:16, when it works.
    assert "Wait until 09:16 and try again" in _refusal(session, user.email, "b", last)
    on_the_minute = dt.datetime(2026, 1, 12, 9, 16, tzinfo=dt.UTC)
    assert authenticate(session, user.email, PASSWORD, address="b", now=on_the_minute) == user


def test_purge_removes_sign_in_attempts_older_than_kept(
    app: Flask, factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    now = utcnow()
    old = now - SIGN_IN_ATTEMPTS_KEPT - dt.timedelta(days=1)
    recent = now - SIGN_IN_ATTEMPTS_KEPT + dt.timedelta(days=1)
    for moment in (old, old, recent):
        authenticate(session, user.email, "wrong password", address="a", now=moment)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "2 sign-in attempts older than 90 days are due." in dry.output
    assert session.scalar(select(func.count()).select_from(SignInAttempt)) == 3
    done = runner.invoke(args=["purge"])
    assert "Removed 2 sign-in attempts older than 90 days." in done.output
    left = session.scalars(select(SignInAttempt.at)).all()
    assert [at.date() for at in left] == [recent.date()]
