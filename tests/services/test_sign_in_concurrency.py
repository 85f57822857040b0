"""Guesses sent at the same moment are counted one after another: twenty wrong passwords at
once are checked no more than the throttle allows, and the rest are refused as throttled.

Each attempt is its own session and connection (as in separate gunicorn workers). On
PostgreSQL (TEST_DATABASE_URL) attempts on one email address take its advisory lock in turn;
on SQLite each attempt's transaction begins with the write lock (BEGIN IMMEDIATE)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import Role, SignInAttempt, User
from oocd_panel.plumbing.db import Database, make_engine
from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import accounts, two_factor
from oocd_panel.services.accounts import ACCOUNT_FAILURES, SignInThrottled
from tests.conftest import _migrate, fresh_database
from tests.factories import PASSWORD, Factory

ATTEMPTS = 20
on_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="concurrency is proved on PostgreSQL: set TEST_DATABASE_URL (make test-postgres)",
)


class CountingHasher(PasswordHasher):
    """The tests' fast argon2id, counting the passwords it checks and taking as long as a
    real check (the race is in that time)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checked += 1
        time.sleep(0.02)
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(accounts, "_hasher", counting)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", counting.hash("dummy"))
    return counting


@pytest.fixture
def configured(base_app: Flask) -> Flask:
    """The app made once, so two-factor secrets have their key."""
    return base_app


def _database(url: str) -> Database:
    return Database(url, pool_size=ATTEMPTS + 4)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The database the suite runs on (PostgreSQL with TEST_DATABASE_URL), fresh."""
    with fresh_database(tmp_path) as url:
        database = _database(url)
        yield database
        database.engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite file, whatever the suite runs on."""
    url = f"sqlite:///{tmp_path / 'attempts.sqlite3'}"
    engine = make_engine(url)
    _migrate(engine)
    engine.dispose()
    database = _database(url)
    yield database
    database.engine.dispose()


# One wrong attempt of each kind that counts toward the throttle. Each returns normally when
# the attempt was checked and refused as wrong, and raises SignInThrottled when it was not
# checked at all.
Attempt = Callable[[Session, User, str], Any]


def _wrong_password(session: Session, user: User, address: str) -> None:
    assert accounts.authenticate(session, user.email, "a wrong guess", address=address) is None


def _wrong_code(session: Session, user: User, address: str) -> None:
    assert not two_factor.verify_sign_in(session, user, "not-a-code", address=address)


def _wrong_current_password(session: Session, user: User, address: str) -> None:
    new = "walrus teapot meadow"
    with pytest.raises(InvalidInput):
        accounts.change_password(
            session, user, current="a wrong guess", new=new, confirm=new, address=address
        )


KINDS = {
    "password": _wrong_password,
    "two-factor code": _wrong_code,
    "current password": _wrong_current_password,
}


def _all_at_once(db: Database, attempt: Attempt, *, victim: int, bystander: int) -> list[str]:
    """ATTEMPTS wrong attempts on the victim's account from as many addresses, and at the same
    moment the bystander signing in with the right password. Returns each attempt's outcome."""
    outcomes: list[str] = []
    signed_in: list[bool] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(ATTEMPTS + 1)

    def guess(n: int) -> None:
        with db.session() as session:
            user = session.get(User, victim)
            assert user is not None
            session.commit()  # each attempt begins its own transaction, as a request would
            barrier.wait()
            try:
                attempt(session, user, f"198.51.100.{n}")
                outcomes.append("checked")
            except SignInThrottled:
                outcomes.append("throttled")
            except BaseException as exc:  # collected and asserted below
                failures.append(exc)

    def sign_in() -> None:
        with db.session() as session:
            user = session.get(User, bystander)
            assert user is not None
            session.commit()
            barrier.wait()
            try:
                signed_in.append(
                    accounts.authenticate(session, user.email, PASSWORD, address="192.0.2.1")
                    is not None
                )
            except BaseException as exc:  # collected and asserted below
                failures.append(exc)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(ATTEMPTS)]
    threads.append(threading.Thread(target=sign_in))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert signed_in == [True]
    return outcomes


def _prove(db: Database, hasher: CountingHasher, kind: str) -> None:
    with db.session() as session:
        factory = Factory(session)
        # A manager has two-factor set up; a practitioner's is the bystander's account.
        victim, bystander = factory.user(Role.MANAGER), factory.user(Role.PRACTITIONER)
        session.commit()
        ids = {"victim": victim.id, "bystander": bystander.id}
    hasher.checked = 0
    outcomes = _all_at_once(db, KINDS[kind], **ids)
    assert sorted(outcomes) == ["checked"] * ACCOUNT_FAILURES + ["throttled"] * (
        ATTEMPTS - ACCOUNT_FAILURES
    )
    with db.session() as session:
        failed = session.scalar(
            select(func.count()).where(
                SignInAttempt.email == victim.email, SignInAttempt.succeeded.is_(False)
            )
        )
    assert failed == ACCOUNT_FAILURES
    if kind != "two-factor code":  # the bystander's right password is checked too
        assert hasher.checked == ACCOUNT_FAILURES + 1


@on_postgresql
@pytest.mark.parametrize("kind", list(KINDS))
def test_attempts_at_once_are_checked_no_more_than_the_throttle_allows(
    configured: Flask, db: Database, hasher: CountingHasher, kind: str
) -> None:
    _prove(db, hasher, kind)


@pytest.mark.parametrize("kind", list(KINDS))
def test_on_sqlite_attempts_at_once_wait_their_turn(
    configured: Flask, sqlite_db: Database, hasher: CountingHasher, kind: str
) -> None:
    _prove(sqlite_db, hasher, kind)
