"""An administrator sets up Northbrook's identity provider on its settings page; a manager then
selects 'Sign in with Northbrook Council', is signed in by the provider (a real one, on
loopback: tests/oidc_provider.py) and lands on their My work page, without a two-factor code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oocd_panel.models import Service, User
from oocd_panel.services import identity_providers, oidc
from tests.browser.conftest import LiveServer, assert_accessible, click_through, sign_in
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


def test_a_manager_signs_in_with_their_organisation_and_lands_on_my_work(
    live: LiveServer, page: Any, running_identity_provider: Provider
) -> None:
    provider = running_identity_provider
    provider.reset()
    oidc.forget_cached()
    provider.behaviour.email = "manager@example.org"
    with live.session() as session:
        northbrook = session.scalars(select(Service).where(Service.slug == "northbrook")).one()
        service_id = northbrook.id
    try:
        sign_in(page, live, "admin@example.org")
        page.goto(f"{live.url}/admin/services/{service_id}/settings")
        click_through(page, "a:has-text('sign-in with your organisation')")
        assert page.locator("h1").inner_text() == "Sign-in with your organisation"
        redirect_uri = page.locator("#redirect-uri").inner_text()
        assert redirect_uri == f"{live.url}/sign-in/with/northbrook/callback"
        assert_accessible(page)
        page.fill("#organisation", "Northbrook Council")
        page.fill("#issuer", provider.issuer)
        page.fill("#client_id", CLIENT_ID)
        page.fill("#client_secret", CLIENT_SECRET)
        click_through(page, "button:has-text('Save sign-in settings')")
        assert "Sign-in settings saved." in page.locator("main").inner_text()
        assert CLIENT_SECRET not in page.content()
        click_through(page, "button:has-text('Sign out')")

        assert_accessible(page)
        click_through(page, "a:has-text('Sign in with Northbrook Council')")
        assert page.url == f"{live.url}/"
        assert page.locator("h1").inner_text() == "My work"
        assert "Signed in as Morgan Achterberg" in page.locator(".app-account-bar").inner_text()
        assert_accessible(page)
        assert page.console_problems == []
        assert provider.token_requests == 1
    finally:
        with live.session() as session:
            admin = session.scalars(select(User).where(User.email == "admin@example.org")).one()
            found = identity_providers.for_service(session, service_id)
            if found is not None:
                identity_providers.remove_provider(session, admin, service_id=service_id)
