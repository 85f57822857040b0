"""Accounts in the browser: an administrator issues a set-up link, the person opens it, sets a
password and signs in with it; they change it themselves and stay signed in; the administrator
takes a role away and the person's next page is refused while they stay signed in. axe checks
every page on the way."""

from __future__ import annotations

from typing import Any

from oocd_panel.models import Role
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)

FIRST = "walrus teapot meadow"
SECOND = "copper lantern harbour"


def test_set_up_link_own_password_and_a_role_taken_away(
    live: LiveServer, browser: Any, page: Any
) -> None:
    with live.session() as session:
        person = demo_factory(session).user(Role.PRACTITIONER, name="Journey Practitioner")
        email = person.email
        user_id = person.id

    # The administrator issues a set-up link from the person's page.
    sign_in(page, live, "admin@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Users')")
    click_through(page, "a:has-text('Journey Practitioner')")
    assert_accessible(page)
    click_through(page, "button:has-text('Issue a set-up link')")
    assert page.locator("h1").inner_text() == "Set-up link for Journey Practitioner"
    assert "only time the link is shown" in page.locator("main").inner_text()
    assert_accessible(page)
    link = page.locator("#set-up-link").inner_text().strip()
    assert link.startswith(f"{live.url}/set-up-password/")

    # The person opens it, makes a mistake, sets a password and signs in with it.
    theirs = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    theirs.goto(link)
    assert theirs.locator("h1").inner_text() == "Set your password"
    assert email in theirs.locator("main").inner_text()
    assert_accessible(theirs)
    theirs.fill("#password", FIRST)
    theirs.fill("#confirm_password", "walrus teapot")
    click_through(theirs, "button:has-text('Set your password')")
    assert "do not match" in theirs.locator(".govuk-error-summary").inner_text()
    assert_accessible(theirs)
    theirs.fill("#password", FIRST)
    theirs.fill("#confirm_password", FIRST)
    click_through(theirs, "button:has-text('Set your password')")
    assert theirs.locator("h1").inner_text() == "Sign in"
    assert "Your password is set" in theirs.locator(".govuk-notification-banner").inner_text()
    theirs.fill("#email", email)
    theirs.fill("#password", FIRST)
    click_through(theirs, "button:has-text('Sign in')")
    assert theirs.locator("h1").inner_text() == "My work"
    # The link worked once.
    theirs.goto(link)
    assert theirs.locator("h1").inner_text() == "This link is not valid"
    assert_accessible(theirs)

    # They change their password from the top of the page, and stay signed in.
    click_through(theirs, "a:has-text('Change your password')")
    assert_accessible(theirs)
    theirs.fill("#current_password", FIRST)
    theirs.fill("#new_password", "password1234")
    theirs.fill("#confirm_password", "password1234")
    click_through(theirs, "button:has-text('Change your password')")
    assert "too easy to guess" in theirs.locator(".govuk-error-summary").inner_text()
    assert_accessible(theirs)
    theirs.fill("#current_password", FIRST)
    theirs.fill("#new_password", SECOND)
    theirs.fill("#confirm_password", SECOND)
    click_through(theirs, "button:has-text('Change your password')")
    banner = theirs.locator(".govuk-notification-banner").inner_text()
    assert "Your password has been changed" in banner
    click_through(theirs, "a.govuk-service-navigation__link:has-text('Cases')")
    assert theirs.locator("h1").inner_text() == "Cases"

    # The administrator takes the practitioner role away and makes them an analyst.
    page.goto(f"{live.url}/users/{user_id}")
    click_through(page, "a:has-text('Change their details')")
    assert_accessible(page)
    page.uncheck("input[name='roles'][value='practitioner']")
    click_through(page, "button:has-text('Save the changes')")
    assert "Give the user at least one role" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.check("input[name='roles'][value='analyst']")
    click_through(page, "button:has-text('Save the changes')")
    assert "The changes to Journey Practitioner are saved" in page.locator("main").inner_text()
    assert "Analyst" in page.locator("main").inner_text()

    # Their next page: the case list is refused, and they are still signed in as an analyst.
    theirs.reload()
    assert theirs.locator("h1").inner_text() == "You cannot see this page"
    assert "Signed in as" in theirs.locator(".app-account-bar").inner_text()
    assert theirs.locator("a.govuk-service-navigation__link:has-text('Cases')").count() == 0
    click_through(theirs, "a.govuk-service-navigation__link:has-text('Evaluation')")
    assert theirs.url.startswith(f"{live.url}/reports")
    assert page.console_problems == []
