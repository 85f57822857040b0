"""The administrator signs in with a two-factor code, creates a manager (making a mistake
first) and passes on the set-up link; the new manager chooses a password with it and sets up
two-factor at their first sign-in; axe checks every page."""

from __future__ import annotations

from typing import Any

import pyotp
from sqlalchemy import select

from oocd_panel import demo
from oocd_panel.models import User
from tests.browser.conftest import LiveServer, assert_accessible, click_through
from tests.factories import next_code


def test_an_admin_creates_a_manager_who_sets_up_two_factor(
    live: LiveServer, browser: Any, page: Any
) -> None:
    page.goto(f"{live.url}/sign-in")
    page.fill("#email", "admin@example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    assert page.locator("h1").inner_text() == "Enter the code from your authenticator app"
    assert_accessible(page)
    page.fill("#code", "12345")
    click_through(page, "button:has-text('Continue')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    # The current code, or the next if another journey signed the admin in this half-minute.
    with live.session() as session:
        admin = session.scalars(select(User).where(User.email == "admin@example.org")).one()
        page.fill("#code", next_code(session, admin, demo.DEMO_TOTP_SECRET))
    click_through(page, "button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "My work"

    click_through(page, "a.govuk-service-navigation__link:has-text('Users')")
    assert "manager@example.org" in page.locator("table").inner_text()
    assert_accessible(page)
    click_through(page, "a:has-text('Create a user')")
    assert_accessible(page)
    page.fill("#full_name", "Journey Manager")
    page.fill("#email", "journey.manager@example.org")
    page.check("input[name='roles'][value='manager']")
    click_through(page, "button:has-text('Create the user')")
    summary = page.locator(".govuk-error-summary")
    assert "Give the user at least one service" in summary.inner_text()
    assert_accessible(page)
    page.locator("input[name='services']").first.check()
    click_through(page, "button:has-text('Create the user')")
    assert page.locator("h1").inner_text() == "Set-up link for Journey Manager"
    assert_accessible(page)
    link = page.locator("#set-up-link").inner_text().strip()

    manager = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    manager.goto(link)
    manager.fill("#password", "kettle orbit lantern")
    manager.fill("#confirm_password", "kettle orbit lantern")
    click_through(manager, "button:has-text('Set your password')")
    manager.fill("#email", "journey.manager@example.org")
    manager.fill("#password", "kettle orbit lantern")
    click_through(manager, "button:has-text('Sign in')")
    assert manager.locator("h1").inner_text() == "Set up two-factor sign-in"
    assert manager.locator("img.app-qr").evaluate("img => img.naturalWidth") > 0  # CSP allows it
    assert_accessible(manager)
    secret = manager.locator("#secret").inner_text().replace(" ", "")
    manager.fill("#code", pyotp.TOTP(secret).now())
    click_through(manager, "button:has-text('Confirm and continue')")
    assert manager.locator("h1").inner_text() == "Your recovery codes"
    assert manager.locator("#recovery-codes li").count() == 8
    assert_accessible(manager)
    click_through(manager, "a:has-text('continue')")
    assert manager.locator("h1").inner_text() == "My work"
    click_through(manager, "a:has-text('Two-factor sign-in')")
    assert "8 of 8" in manager.locator("main").inner_text()
    assert_accessible(manager)
    assert page.console_problems == []
