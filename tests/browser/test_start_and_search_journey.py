"""A practitioner searches the case list for a child by name (the name never reaches the
address bar), starts the assessment and lands on it, and finds the case page and My work
pointing to the assessment now waiting; axe checks every page on the way."""

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


def test_a_name_search_then_start_assessment_points_to_the_work(
    live: LiveServer, page: Any
) -> None:
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral(child=child_details(last_name="Startjourney"))
        name = referral.child.full_name
        reference = referral.police_reference

    sign_in(page, live, "practitioner@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Cases')")
    page.fill("#q", "startjourney")
    click_through(page, "button:has-text('Apply filters')")
    assert name in page.locator("main").inner_text()
    assert "startjourney" not in page.url.lower()
    assert_accessible(page)

    click_through(page, f"a:has-text('{name}')")
    click_through(page, "a.govuk-button:has-text('Start the assessment')")
    click_through(page, "button:has-text('Start the assessment')")
    # Straight to the assessment's task list, not a page with nothing to do.
    assert page.url.endswith(f"/cases/{referral.id}/assessment")
    assert_accessible(page)

    page.goto(f"{live.url}/cases/{referral.id}")
    main = page.locator("main").inner_text()
    assert "Nothing is waiting on you" not in main
    click_through(page, "a.govuk-button:has-text('Continue the assessment')")
    assert page.url.endswith(f"/cases/{referral.id}/assessment")
    page.goto(f"{live.url}/")
    assert reference in page.locator("main").inner_text()
    assert "Your assessments in progress" in page.locator("main").inner_text()
    assert getattr(page, "console_problems", []) == []
