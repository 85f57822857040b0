"""A practitioner signs in, enters a referral (making a mistake first) and opens its case page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oocd_panel import demo
from oocd_panel.plumbing.clock import local_today, years_before
from tests.browser.conftest import assert_accessible, click_through


def _fill_date(page: Any, name: str, day: dt.date) -> None:
    page.fill(f"#{name}-day", str(day.day))
    page.fill(f"#{name}-month", str(day.month))
    page.fill(f"#{name}-year", str(day.year))


def test_practitioner_enters_a_referral_and_finds_it(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/sign-in")
    assert_accessible(page)

    page.fill("#email", "practitioner@example.org")
    page.fill("#password", "not the password")
    click_through(page, "button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.fill("#email", "practitioner@example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    assert page.locator("h1").inner_text() == "My work"
    assert_accessible(page)

    click_through(page, "a.govuk-service-navigation__link:has-text('New referral')")
    assert page.locator("h1").inner_text() == "New referral"
    assert_accessible(page)

    today = local_today()
    page.fill("#first_name", "Journey")
    page.fill("#last_name", "Browsertest")
    _fill_date(page, "date_of_birth", years_before(today, 9))  # too young
    click_through(page, "button:has-text('Save referral')")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "below the age of criminal responsibility" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.input_value("#first_name") == "Journey"  # nothing typed is lost
    assert_accessible(page)
    # The summary links move focus to the field at fault.
    summary.locator("a[href='#date_of_birth-day']").click()
    assert page.evaluate("document.activeElement.id") == "date_of_birth-day"

    _fill_date(page, "date_of_birth", years_before(today, 15))
    page.check("#sex-2")  # Female
    page.select_option("#ethnicity", "black_african")
    page.check("#care_experience-2")  # Looked after
    page.check("#send")  # No special educational needs
    page.check("#neurodivergent")  # Yes
    page.fill("#address_line_1", "3 Example Lane")
    page.fill("#town", "Northbrook")
    page.fill("#postcode", "NB3 3CC")
    page.fill("#contact_name", "Pat Browsertest")
    page.fill("#contact_relationship", "father")
    page.fill("#police_reference", "BT1234567/26")
    _fill_date(page, "offence_date", today - dt.timedelta(days=4))
    _fill_date(page, "received_on", today - dt.timedelta(days=1))
    page.check("#admission")  # Admits
    page.fill("#officer_name", "PC Browser")
    page.select_option("#proposed_outcome", "youth_caution")
    page.select_option("#offences-0-offence_type", "theft_and_handling")
    page.fill("#offences-0-description", "Took a bicycle from outside a shop.")
    page.check("#offences-0-gravity_score-3")
    click_through(page, "button:has-text('Save referral')")

    assert page.locator("h1").inner_text() == "Journey Browsertest"
    assert "Referral saved." in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".govuk-tag").first.inner_text() == "Referred"
    assert page.locator("a.govuk-button:has-text('Start the assessment')").is_visible()
    assert_accessible(page)

    click_through(page, "a.govuk-service-navigation__link:has-text('Cases')")
    page.fill("#q", "browsertest")
    click_through(page, "button:has-text('Apply filters')")
    assert page.locator("table a:has-text('Journey Browsertest')").is_visible()
    assert_accessible(page)

    click_through(page, "table a:has-text('Journey Browsertest')")
    click_through(page, "a.govuk-button:has-text('Start the assessment')")
    assert_accessible(page)
    click_through(page, "button:has-text('Start the assessment')")
    # Straight to the assessment now waiting; the case is being assessed.
    assert page.url.endswith("/assessment")
    assert "Done: start the assessment." in page.locator(".govuk-notification-banner").inner_text()
    click_through(page, "a.govuk-service-navigation__link:has-text('Cases')")
    click_through(page, "table a:has-text('Journey Browsertest')")
    assert page.locator(".govuk-tag").first.inner_text() == "Being assessed"
    assert page.console_problems == []
