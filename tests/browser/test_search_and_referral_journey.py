"""A police officer finds a case by the child's name and date of birth (which never reach the
address bar) and by the number of its reference as they have it; pressing Enter in a field of
the new referral saves it, never adds an offence."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)
from tests.factories import child_details


def test_an_officer_finds_a_case_without_personal_details_in_the_address(
    live: LiveServer, page: Any
) -> None:
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral(
            child=child_details(last_name="Searchjourney"), police_reference="NB/77123/26"
        )
        born = referral.child.date_of_birth
        name = referral.child.full_name

    sign_in(page, live, "police@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Find a case')")
    assert page.locator("h1").inner_text() == "Find a case"
    assert_accessible(page)

    page.fill("#last_name", "searchjourney")
    page.fill("#date_of_birth-day", str(born.day))
    page.fill("#date_of_birth-month", str(born.month))
    page.fill("#date_of_birth-year", str(born.year))
    click_through(page, "button:has-text('Find the case')")
    assert "1 case found" in page.locator("main").inner_text()
    assert name in page.locator("main").inner_text()
    assert "searchjourney" not in page.url.lower()
    assert str(born.year) not in page.url
    assert_accessible(page)

    # The number alone, without the force's letters or the year, in the form as typed.
    page.fill("#last_name", "")
    page.fill("#date_of_birth-day", "")
    page.fill("#date_of_birth-month", "")
    page.fill("#date_of_birth-year", "")
    page.fill("#police_reference", "77123")
    click_through(page, "button:has-text('Find the case')")
    assert name in page.locator("main").inner_text()
    click_through(page, f"a:has-text('{name}')")
    assert "NB/77123/26" in page.locator("main").inner_text()
    assert_accessible(page)


def test_enter_in_a_field_of_the_new_referral_saves_and_never_adds_an_offence(
    live: LiveServer, page: Any
) -> None:
    sign_in(page, live, "police@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('New referral')")
    assert page.locator(".app-offence").count() == 1
    page.fill("#first_name", "Enterkey")
    with page.expect_navigation():
        page.press("#first_name", "Enter")
    # The referral was saved (and, half filled in, refused with the summary), not a new
    # offence added to the form.
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator(".app-offence").count() == 1
    assert page.input_value("#first_name") == "Enterkey"
    assert_accessible(page)
    # The button that adds an offence still does, by a click.
    click_through(page, "button:has-text('Add another offence')")
    assert page.locator(".app-offence").count() == 2
    assert_accessible(page)
