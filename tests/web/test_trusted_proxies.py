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
from oocd_panel.models import AuditEntry, Role, SignInAttempt
from oocd_panel.services.accounts import ADDRESS_FAILURES, ADDRESS_FAILURES_PER_EMAIL
from tests.factories import PASSWORD, Factory
from tests.web.helpers import error_summary

PROXY = "10.0.0.5"  # the TLS proxy in front of the workers, as the workers see it
PERSON = "198.51.100.7"
ATTACKER = "203.0.113.9"


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


def _guess_made_up_emails(client: FlaskClient, forwarded_for: str) -> list[str]:
    """The probe's attack: twenty wrong passwords for email addresses nobody has (each tried
    as often as a busy address allows), from behind the proxy. Each request also claims a
    different address of its own before the one the proxy adds (`forwarded_for`)."""
    emails = [
        f"made-up-{i}@example.org" for i in range(ADDRESS_FAILURES // ADDRESS_FAILURES_PER_EMAIL)
    ]
    for n, email in enumerate(emails * ADDRESS_FAILURES_PER_EMAIL):
        response = client.post(
            "/sign-in",
            data={"email": email, "password": "a guess"},
            headers={"X-Forwarded-For": f"192.0.2.{n}, {forwarded_for}"},
        )
        assert response.status_code == 400
    return emails


def _signs_in(client: FlaskClient, factory: Factory, role: Role) -> None:
    user = factory.cast(role)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, error_summary(response)


def _slowed(client: FlaskClient, email: str) -> None:
    response = client.post("/sign-in", data={"email": email, "password": "another guess"})
    assert response.status_code == 429
    [(_, message)] = error_summary(response)
    assert "too many failed sign-ins from your network" in message
    assert "this email address has already failed twice from it" in message


def _addresses_counted(factory: Factory, emails: list[str]) -> set[str]:
    return set(
        factory.session.scalars(
            select(SignInAttempt.address).where(SignInAttempt.email.in_(emails))
        )
    )


def test_guessing_from_one_address_behind_a_trusted_proxy_locks_nobody_else_out(
    proxied_app: Flask, factory: Factory
) -> None:
    attacker = _through_proxy(proxied_app.test_client(), ATTACKER)
    emails = _guess_made_up_emails(attacker, ATTACKER)
    # Each failure counts against the attacker's own address, whatever they claimed.
    assert _addresses_counted(factory, emails) == {ATTACKER}
    _slowed(attacker, emails[0])
    # Everyone else signs in as usual, and so would a colleague behind the same address.
    _signs_in(_through_proxy(proxied_app.test_client(), PERSON), factory, Role.PRACTITIONER)
    _signs_in(_through_proxy(proxied_app.test_client(), ATTACKER), factory, Role.POLICE_OFFICER)


def test_guessing_behind_an_untrusted_proxy_still_locks_nobody_out(
    app: Flask, factory: Factory
) -> None:
    # No OOCD_TRUSTED_PROXIES: X-Forwarded-For is ignored, so every request, the attacker's
    # and everyone else's, comes from the one address of the proxy.
    attacker = _through_proxy(app.test_client(), ATTACKER)
    emails = _guess_made_up_emails(attacker, ATTACKER)
    assert _addresses_counted(factory, emails) == {PROXY}
    _slowed(attacker, emails[0])
    _signs_in(_through_proxy(app.test_client(), PERSON), factory, Role.PRACTITIONER)
