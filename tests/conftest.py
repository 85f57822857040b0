"""Fixtures: a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), migrated
with Alembic once per run; each test runs inside a transaction that is rolled back, and the
app's own commits become savepoints inside it."""

from __future__ import annotations

import email
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from oocd_panel import create_app
from oocd_panel.cli import alembic_config
from oocd_panel.plumbing.config import normalise_database_url
from oocd_panel.plumbing.db import make_engine
from oocd_panel.services import accounts, oidc
from tests.factories import Factory
from tests.oidc_provider import Provider, running_provider

# Property-based tests are deterministic (the same examples every run, nothing saved between
# runs), so a failure in CI is a failure on every machine. HYPOTHESIS_PROFILE=explore looks
# further, with fresh random examples each time, when hunting for bugs by hand.
settings.register_profile(
    "deterministic",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """argon2id with tiny costs so tests do not spend seconds hashing (still argon2id)."""
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    original = accounts._hasher
    accounts._hasher = fast
    accounts._DUMMY_HASH = fast.hash("dummy")
    yield
    accounts._hasher = original


def _migrate(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """A new database migrated to head: a SQLite file, or a PostgreSQL schema of its own
    (so parallel or crashed runs never collide) when TEST_DATABASE_URL is set. Removed after."""
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if not pg_url:
        url = f"sqlite:///{tmp_dir / f'test-{secrets.token_hex(4)}.sqlite3'}"
        engine = make_engine(url)
        _migrate(engine)
        engine.dispose()
        yield url
        return
    base = normalise_database_url(pg_url)
    schema = f"test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        _migrate(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database every test shares, each inside its own rolled-back transaction."""
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    s = session_factory()
    yield s
    s.close()


@pytest.fixture(scope="session")
def base_app(database_url: str) -> Flask:
    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "ENV_MODE": "development",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            # Each test's writes are rolled back, so no checkpoint could keep up with the trail:
            # tests/services/test_audit_checkpoint.py runs it on databases of its own.
            "AUDIT_CHECKPOINT": None,
        }
    )


@pytest.fixture
def app(base_app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Flask]:
    """The app, with every request's session inside this test's transaction."""
    db = base_app.extensions["oocd_db"]
    original = db.sessionmaker
    db.sessionmaker = session_factory
    base_app.config["WTF_CSRF_ENABLED"] = False
    yield base_app
    db.sessionmaker = original
    base_app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def factory(session: Session) -> Factory:
    return Factory(session)


@dataclass
class SMTPServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, keeping what it is sent."""

    port: int
    username: str = "mailer"
    password: str = "mail-server-password"
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """The app's settings for sending through this server."""
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_FROM": "oocd-panel@northbrook.example",
            "SMTP_USERNAME": None,
            "SMTP_PASSWORD": None,
            "SMTP_STARTTLS": False,
            **overrides,
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    server = SMTPServer(free_port())

    def authenticate(
        _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
    ) -> Any:
        right = data.login == server.username.encode() and data.password == server.password.encode()
        # handled=False: aiosmtpd answers a wrong password with 535 itself (the default, True,
        # would leave the client waiting for an answer until its timeout).
        return AuthResult(success=right, handled=False)

    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def running_identity_provider() -> Iterator[Provider]:
    """A real OpenID Connect provider on loopback (tests/oidc_provider.py), for the run."""
    with running_provider() as provider:
        yield provider


@pytest.fixture
def identity_provider(running_identity_provider: Provider) -> Provider:
    """The provider, behaving well again, and the product's cache of it forgotten."""
    running_identity_provider.reset()
    oidc.forget_cached()
    return running_identity_provider


PROJECT_ROOT = Path(__file__).resolve().parent.parent
