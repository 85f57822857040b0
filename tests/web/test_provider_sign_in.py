"""Signing in with a service's identity provider, end to end: the product's pages (through
Flask's test client) and a real OpenID Connect provider on loopback (tests/oidc_provider.py),
reached over HTTP, and back.

A known user with a verified email is signed in, without a two-factor code and in a fresh
session; everything else is refused with a page that says what happened, and an audit row
that says why, holding no token, code or secret."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from oocd_panel.models import AuditEntry, Role, Service, User
from oocd_panel.services import identity_providers
from tests.factories import PASSWORD, Factory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.web.helpers import error_summary, sign_in, text_of

ORGANISATION = "Westvale Council"


def _set_up(factory: Factory, provider: Provider, service: Service | None = None) -> Service:
    """The service's administrator sets the provider up (as the settings page does)."""
    service = service or factory.service()
    admin = factory.user(Role.ADMIN, services=[service])
    identity_providers.save_provider(
        factory.session,
        admin,
        service_id=service.id,
        organisation=ORGANISATION,
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    return service


Tamper = Callable[[dict[str, str]], dict[str, str]]


class Journey:
    """What one sign-in through the provider left behind."""

    def __init__(self, response: TestResponse, answer: dict[str, str]) -> None:
        self.response = response
        self.answer = answer  # what the provider sent back: code and state


def _through_provider(
    client: FlaskClient, provider: Provider, slug: str, tamper: Tamper | None = None
) -> Journey:
    """Select 'Sign in with ...', follow the redirect to the real provider over HTTP, and
    bring its answer back to the product (changed by `tamper`, as an attacker would)."""
    start = client.get(f"/sign-in/with/{slug}")
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    location = start.headers["Location"]
    assert location.startswith(f"{provider.issuer}/authorize?")
    asked = dict(parse_qsl(urlsplit(location).query))
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    assert asked["scope"] == "openid email"
    for secret in ("nonce", "state", "code_challenge"):
        assert len(asked[secret]) >= 32, secret
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    assert back.path == f"/sign-in/with/{slug}/callback"
    params = dict(parse_qsl(back.query))
    if tamper is not None:
        params = tamper(params)
    return Journey(client.get(f"{back.path}?{urlencode(params)}"), params)


def _refusal(client: FlaskClient, journey: Journey) -> str:
    """The refused sign-in's page: back on the sign-in page, its error summary's message."""
    assert journey.response.status_code == 302
    assert journey.response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in")
    assert page.status_code == 200
    summary = error_summary(page)
    assert len(summary) == 1, summary
    assert client.get("/").status_code == 302  # nobody is signed in
    return summary[0][1]


def _trail(session: Session, since: int) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.id > since)))


def _last_id(session: Session) -> int:
    return session.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc())).first() or 0


def _assert_no_secrets(entries: list[AuditEntry], *secrets: str) -> None:
    for entry in entries:
        written = json.dumps(entry.details) + entry.record_id
        for secret in secrets:
            assert secret not in written


def _refused_reason(session: Session, since: int) -> str:
    refused = [e for e in _trail(session, since) if e.action == "sign_in_refused"]
    assert len(refused) == 1
    assert refused[0].record_type == "identity_provider"
    return str(refused[0].details["reason"])


# --- Signing in ----------------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_services_provider(
    client: FlaskClient, factory: Factory, identity_provider: Provider
) -> None:
    assert "Or sign in with your organisation" not in text_of(client.get("/sign-in"))
    service = _set_up(factory, identity_provider)
    html = client.get("/sign-in?next=/cases").get_data(as_text=True)
    assert f"Sign in with {ORGANISATION}" in html
    assert f'href="/sign-in/with/{service.slug}?next=/cases"' in html


def test_a_known_verified_email_signs_in_without_a_code_in_a_fresh_session(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    # A manager, who must use two-factor with a password, and has not set it up.
    manager = factory.user(Role.MANAGER, services=[service], two_factor_set_up=False)
    identity_provider.behaviour.email = manager.email.upper()  # matched whatever its case
    with client.session_transaction() as before:
        before["planted"] = "by someone else"  # a session fixed before sign-in
    since = _last_id(session)

    journey = _through_provider(client, identity_provider, service.slug)

    assert journey.response.status_code == 302
    assert journey.response.headers["Location"] == "/"
    with client.session_transaction() as after:
        assert "planted" not in after
        assert "provider_sign_in" not in after  # the state, nonce and verifier are spent
    page = client.get("/")
    assert page.status_code == 200
    assert f"Signed in as {manager.full_name}" in text_of(page)
    assert client.get("/cases").status_code == 200  # no two-factor set-up is asked for
    assert identity_provider.token_requests == 1

    trail = _trail(session, since)
    signed_in = [e for e in trail if e.action == "sign_in"]
    assert len(signed_in) == 1
    assert signed_in[0].actor_id == manager.id
    assert signed_in[0].details["through"] == "identity_provider"
    _assert_no_secrets(
        trail, journey.answer["code"], journey.answer["state"], CLIENT_SECRET, manager.email
    )
    session.refresh(manager)
    assert manager.last_signed_in_at is not None


def test_changing_a_local_password_keeps_the_session_signed_in_through_the_provider(
    client: FlaskClient, factory: Factory, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    manager = factory.user(Role.MANAGER, services=[service], two_factor_set_up=False)
    identity_provider.behaviour.email = manager.email
    _through_provider(client, identity_provider, service.slug)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "lantern orchard gravel teapot",
            "confirm_password": "lantern orchard gravel teapot",
        },
    )
    assert response.status_code == 302
    # Still the provider's session: no two-factor set-up is asked for on the next page.
    assert client.get("/cases").status_code == 200


def test_a_password_sign_in_of_the_same_user_still_needs_two_factor(
    app: Flask, factory: Factory, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    manager = factory.user(Role.MANAGER, services=[service], two_factor_set_up=False)
    identity_provider.behaviour.email = manager.email
    assert _through_provider(app.test_client(), identity_provider, service.slug).response.headers[
        "Location"
    ] == ("/")
    with_password = app.test_client()
    response = with_password.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    assert response.headers["Location"] == "/sign-in/set-up-two-factor"
    assert with_password.get("/").status_code == 302


def test_next_is_kept_through_the_provider(
    client: FlaskClient, factory: Factory, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    user = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = user.email
    client.get(f"/sign-in/with/{service.slug}?next=https://evil.example/")
    start = client.get(f"/sign-in/with/{service.slug}?next=/cases")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.headers["Location"] == "/cases"


# --- Refusals ------------------------------------------------------------------------------------


def test_an_email_nobody_here_uses_is_refused_and_nobody_is_created(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    identity_provider.behaviour.email = "new.person@westvale.example"
    since = _last_id(session)
    journey = _through_provider(client, identity_provider, service.slug)
    message = _refusal(client, journey)
    assert message.startswith(f"{ORGANISATION}'s sign-in worked, but no account here uses")
    assert "ask your service's administrator to add you" in message
    assert _refused_reason(session, since) == "unknown_email"
    assert session.scalars(select(User).where(User.email.like("new.person%"))).first() is None
    _assert_no_secrets(_trail(session, since), journey.answer["code"], "new.person")


@pytest.mark.parametrize("verified", [False, None, "true", 1])
def test_an_unverified_email_is_refused(
    client: FlaskClient,
    factory: Factory,
    session: Session,
    identity_provider: Provider,
    verified: object,
) -> None:
    service = _set_up(factory, identity_provider)
    user = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = user.email
    identity_provider.behaviour.email_verified = verified
    since = _last_id(session)
    message = _refusal(client, _through_provider(client, identity_provider, service.slug))
    assert "has not confirmed that your email address is yours" in message
    assert _refused_reason(session, since) == "unverified_email"


def test_a_token_claiming_another_issuer_is_refused(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    user = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = user.email
    identity_provider.behaviour.issuer = "https://login.other.example"
    since = _last_id(session)
    message = _refusal(client, _through_provider(client, identity_provider, service.slug))
    assert "it names another issuer" in message
    assert _refused_reason(session, since) == "wrong_issuer"


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    user = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = user.email
    identity_provider.behaviour.sign_with = identity_provider.other_key()
    since = _last_id(session)
    message = _refusal(client, _through_provider(client, identity_provider, service.slug))
    assert f"it is not signed with {ORGANISATION}'s keys" in message
    assert _refused_reason(session, since) == "bad_signature"


def test_an_expired_token_is_refused(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    user = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = user.email
    identity_provider.behaviour.expires_in = -600  # beyond the minute allowed for clocks
    since = _last_id(session)
    message = _refusal(client, _through_provider(client, identity_provider, service.slug))
    assert "had expired when it arrived" in message
    assert _refused_reason(session, since) == "expired_token"


def test_a_tampered_state_is_refused_before_the_code_is_used(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    user = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = user.email
    since = _last_id(session)
    journey = _through_provider(
        client, identity_provider, service.slug, tamper=lambda p: {**p, "state": "forged"}
    )
    message = _refusal(client, journey)
    assert "it was not started from this page in this browser" in message
    assert _refused_reason(session, since) == "state_mismatch"
    assert identity_provider.token_requests == 0  # the code was never redeemed
    # The state is used once: the right one sent afterwards is refused too.
    again = client.get(
        f"/sign-in/with/{service.slug}/callback?{urlencode({**journey.answer, 'state': 'x'})}"
    )
    assert again.headers["Location"] == "/sign-in"


def test_an_answer_from_another_browser_is_refused(
    app: Flask, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    """Login CSRF: an attacker's own code and state, sent to someone else's browser."""
    service = _set_up(factory, identity_provider)
    attacker = factory.user(Role.PRACTITIONER, services=[service])
    identity_provider.behaviour.email = attacker.email
    attackers, victims = app.test_client(), app.test_client()
    start = attackers.get(f"/sign-in/with/{service.slug}")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    since = _last_id(session)
    victims.get(f"/sign-in/with/{service.slug}")  # the victim's own sign-in, under way
    response = victims.get(f"{back.path}?{back.query}")
    assert response.headers["Location"] == "/sign-in"
    assert victims.get("/").status_code == 302
    assert _refused_reason(session, since) == "state_mismatch"


def test_users_of_other_services_and_disabled_users_are_refused(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    elsewhere = factory.user(Role.PRACTITIONER, services=[factory.service("elsewhere-yjs")])
    disabled = factory.user(Role.PRACTITIONER, services=[service])
    disabled.is_active = False
    session.commit()
    for user, reason, words in (
        (elsewhere, "other_service", "your account here belongs to another service"),
        (disabled, "account_disabled", "your account here is disabled"),
    ):
        identity_provider.behaviour.email = user.email
        since = _last_id(session)
        message = _refusal(client, _through_provider(client, identity_provider, service.slug))
        assert words in message
        assert _refused_reason(session, since) == reason
        refused = [e for e in _trail(session, since) if e.action == "sign_in_refused"]
        assert refused[0].actor_id == user.id  # found on the user's audit trail


def test_a_refusal_by_the_provider_is_explained(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    identity_provider.behaviour.refuse_with = "access_denied"
    since = _last_id(session)
    message = _refusal(client, _through_provider(client, identity_provider, service.slug))
    assert message.startswith(f"{ORGANISATION} did not sign you in")
    assert _refused_reason(session, since) == "provider_said_no"


def test_a_provider_that_cannot_be_reached_is_explained_not_a_server_error(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    service = factory.service()
    admin = factory.user(Role.ADMIN, services=[service])
    identity_providers.save_provider(
        session,
        admin,
        service_id=service.id,
        organisation=ORGANISATION,
        issuer="http://127.0.0.1:9",  # the discard port: nothing answers
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    since = _last_id(session)
    response = client.get(f"/sign-in/with/{service.slug}")
    assert response.headers["Location"] == "/sign-in"
    message = error_summary(client.get("/sign-in"))[0][1]
    assert message.startswith(f"{ORGANISATION}'s sign-in could not be reached just now")
    assert _refused_reason(session, since) == "provider_unreachable"


def test_a_service_without_a_provider_and_a_callback_out_of_nowhere(
    client: FlaskClient, factory: Factory, session: Session, identity_provider: Provider
) -> None:
    plain = factory.service("plain-yjs")
    response = client.get(f"/sign-in/with/{plain.slug}")
    assert response.headers["Location"] == "/sign-in"
    assert "does not sign in through an organisation" in error_summary(client.get("/sign-in"))[0][1]
    assert client.get("/sign-in/with/no-such-service/callback?code=x&state=y").status_code == 302

    service = _set_up(factory, identity_provider)
    since = _last_id(session)
    response = client.get(f"/sign-in/with/{service.slug}/callback?code=x&state=y")
    assert response.headers["Location"] == "/sign-in"
    assert _refused_reason(session, since) == "state_mismatch"


def test_someone_signed_in_already_goes_to_my_work(
    client: FlaskClient, factory: Factory, identity_provider: Provider
) -> None:
    service = _set_up(factory, identity_provider)
    sign_in(client, factory.user(Role.PRACTITIONER, services=[service]))
    assert client.get(f"/sign-in/with/{service.slug}").headers["Location"] == "/"
