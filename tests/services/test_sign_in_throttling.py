"""Repeated failed sign-ins lock the account, and the address, for a while."""

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


def test_an_address_is_locked_after_many_failures_across_accounts(
    factory: Factory, session: Session
) -> None:
    now = utcnow()
    for i in range(ADDRESS_FAILURES):
        authenticate(session, f"guess{i}@example.org", "wrong", address="203.0.113.9", now=now)
    user = factory.cast(Role.MANAGER)
    with pytest.raises(SignInThrottled, match="from your network"):
        authenticate(session, user.email, PASSWORD, address="203.0.113.9", now=now)
    assert authenticate(session, user.email, PASSWORD, address="198.51.100.1", now=now) == user


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
