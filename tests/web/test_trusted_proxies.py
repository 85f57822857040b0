"""Behind a proxy (OOCD_TRUSTED_PROXIES): the address a request comes from is the one the
trusted proxy puts last in X-Forwarded-For, in the audit trail and for throttling sign-ins;
without the setting the header is ignored, since anyone can send it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from oocd_panel import create_app
from oocd_panel.models import AuditEntry, Role
from tests.factories import PASSWORD, Factory

PROXY = "10.0.0.5"  # the TLS proxy in front of the workers, as the workers see it
PERSON = "198.51.100.7"


@pytest.fixture
def proxied_app(database_url: str, session_factory: sessionmaker[Session]) -> Iterator[Flask]:
    """The app set up to trust one proxy, with its sessions inside the test's transaction."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "ENV_MODE": "development",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_PROXIES": 1,
        }
    )
    db = app.extensions["oocd_db"]
    db.sessionmaker = session_factory
    yield app
    db.engine.dispose()


def _through_proxy(client: FlaskClient, forwarded_for: str) -> FlaskClient:
    """Every request from this client arrives from the proxy, naming `forwarded_for`."""
    client.environ_base.update({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for})
    return client


def _sign_in_origin(client: FlaskClient, factory: Factory) -> str:
    user = factory.cast(Role.PRACTITIONER)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    row = factory.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == user.id, AuditEntry.action == "sign_in")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert row is not None
    return row.origin


def test_audit_rows_name_the_person_behind_a_trusted_proxy(
    proxied_app: Flask, factory: Factory
) -> None:
    # A client may send its own X-Forwarded-For: the proxy appends the real address, and only
    # the last entry (the one the trusted proxy added) is believed.
    client = _through_proxy(proxied_app.test_client(), f"203.0.113.66, {PERSON}")
    assert _sign_in_origin(client, factory) == PERSON


def test_without_the_setting_the_header_is_ignored(app: Flask, factory: Factory) -> None:
    client = _through_proxy(app.test_client(), PERSON)
    assert _sign_in_origin(client, factory) == PROXY
