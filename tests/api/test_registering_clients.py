"""An administrator registers a police system, sees its secret once, and revokes it; the
account the client acts through is never a person's; the API's document and reference page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import ApiClient, AuditEntry, Role, User
from oocd_panel.services import api_clients
from tests.api.helpers import call, register
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of


def _secret_on(page: str) -> str:
    found = re.search(r'id="api-client-secret">\s*(oocd_[A-Za-z0-9_-]+)\s*<', page)
    assert found is not None, "no secret on the page"
    return found.group(1)


def test_an_administrator_registers_a_police_system_and_sees_its_secret_once(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    service = factory.service()
    sign_in(client, admin)
    new = f"/admin/services/{service.id}/api-clients/new"
    refused = client.post(new, data={"name": "", "police_force": "Northbrook Police"})
    assert refused.status_code == 400
    assert [m for _, m in error_summary(refused)] == [
        "Enter the police system's name",
        "Select at least one thing the system may do",
    ]
    made = client.post(
        new,
        data={
            "name": "Niche RMS",
            "police_force": "Northbrook Police",
            "scopes": ["referrals:submit", "outcomes:read"],
        },
    )
    assert made.status_code == 200
    assert "This is the only time the secret is shown" in text_of(made)
    secret = _secret_on(made.get_data(as_text=True))
    stored = session.scalars(select(ApiClient).where(ApiClient.service_id == service.id)).one()
    assert stored.scopes == ["outcomes:read", "referrals:submit"]
    assert stored.secret_hash == api_clients.secret_hash(secret)
    assert secret not in str(
        [(c.name, getattr(stored, c.name)) for c in ApiClient.__table__.columns]
    )
    # It works, for what it may do.
    assert call(client, "GET", "/api/v1/referrals?police_reference=X", secret).status_code == 200
    # The list says which secret (its start), never the secret.
    listing = client.get(f"/admin/services/{service.id}/api-clients")
    assert listing.status_code == 200
    assert secret not in listing.get_data(as_text=True)
    assert f"{secret[:12]}…" in text_of(listing)
    assert "referrals:submit" in text_of(listing)
    # Revoked from the list: the secret stops working at once.
    revoked = client.post(f"/admin/api-clients/{stored.id}/revoke")
    assert revoked.status_code == 302
    assert "Revoked" in text_of(client.get(f"/admin/services/{service.id}/api-clients"))
    assert call(client, "GET", "/api/v1/referrals?police_reference=X", secret).status_code == 401
    audited = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.record_type == "api_client", AuditEntry.record_id == str(stored.id)
        )
    ).all()
    assert {"create", "revoke", "api_call"} <= set(audited)


def test_only_the_services_own_administrators_see_its_police_systems(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    service_id = registered.client.service_id
    stranger = factory.user(Role.ADMIN, services=[factory.service("elsewhere")])
    sign_in(client, stranger)
    assert client.get(f"/admin/services/{service_id}/api-clients").status_code == 404
    assert client.get(f"/admin/services/{service_id}/api-clients/new").status_code == 404
    assert client.post(f"/admin/api-clients/{registered.client.id}/revoke").status_code == 404
    assert registered.client.revoked_at is None


def test_the_account_a_client_acts_through_is_never_a_persons(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    registered = register(factory)
    account = session.get(User, registered.client.user_id)
    assert account is not None
    assert not account.is_active
    assert account.roles == {Role.POLICE_OFFICER}
    assert account.service_ids == {registered.client.service_id}
    sign_in(client, factory.cast(Role.ADMIN))
    assert account.full_name not in text_of(client.get("/users"))
    assert client.get(f"/users/{account.id}").status_code == 404
    assert client.post(f"/users/{account.id}/set-up-link").status_code == 404
    assert client.post(f"/users/{account.id}/enable").status_code == 404
    signing_in = FlaskClient(client.application)
    answer = signing_in.post("/sign-in", data={"email": account.email, "password": ""})
    assert answer.status_code != 302


def test_the_document_is_openapi_3_1_and_its_reference_page_works_offline(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    spec = document.get_json()
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/outcomes/awaiting-delivery",
        "/api/v1/referrals/{referral_id}/delivery",
    }
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/build/redoc.standalone.js" in html
    assert "http" not in re.sub(
        r'href="[^"]*"', "", html.split("<body>")[1]
    )  # nothing from elsewhere
    # Only this page lets inline styles apply (ReDoc's); scripts are still the product's own.
    policy = page.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in client.get("/sign-in").headers["Content-Security-Policy"]
