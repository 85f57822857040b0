"""A manager draws a sample for the force's scrutiny panel, redacts one case's reasoning,
downloads the pack, records the panel's rating and reads the ratings report. Axe clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.clock import local_today
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)


def _fill_date(page: Any, name: str, day: dt.date) -> None:
    page.fill(f"#{name}-day", str(day.day))
    page.fill(f"#{name}-month", str(day.month))
    page.fill(f"#{name}-year", str(day.year))


def test_a_manager_prepares_a_scrutiny_pack_and_records_the_panels_rating(
    live: LiveServer, page: Any, tmp_path: Path
) -> None:
    with live.session() as session:
        factory = demo_factory(session)
        decided = [
            factory.referral_at(ReferralStatus.DECIDED, disposal=d)
            for d in ("youth_caution", "community_resolution")
        ]
        names = [r.child.first_name + " " + r.child.last_name for r in decided]
        references = [r.police_reference for r in decided]
    today = local_today()

    sign_in(page, live, "manager@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Evaluation')")
    click_through(page, "a:has-text('Scrutiny panels')")
    assert page.locator("h1").inner_text() == "Scrutiny panels"
    assert_accessible(page)
    click_through(page, "a:has-text('Draw a sample')")
    page.fill("#size", "")
    click_through(page, "button:has-text('Draw the sample')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the first day of the period" in summary
    assert "Enter the number of cases to sample, in digits" in summary
    assert_accessible(page)  # with the errors shown
    page.select_option("#service", label="Northbrook Youth Justice Service")
    _fill_date(page, "start", today)
    _fill_date(page, "end", today)
    page.fill("#size", "50")
    click_through(page, "button:has-text('Draw the sample')")
    main = page.locator("main").inner_text()
    assert "Sample drawn:" in main
    assert "not yet redacted" in main
    for name, reference in zip(names, references, strict=True):
        assert name not in main
        assert reference not in main
    assert_accessible(page)

    click_through(page, "tr:has(th a:text-is('Case 1')) >> a:has-text('Redact') >> nth=0")
    assert page.locator("h1").inner_text().startswith("Redact:")
    assert_accessible(page)
    click_through(page, "button:has-text('Confirm the redacted text')")
    assert (
        "Confirm that you have read the whole text"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.check("#confirmed")
    click_through(page, "button:has-text('Confirm the redacted text')")
    assert "redacted and confirmed" in page.locator("main").inner_text()

    with page.expect_download() as download:
        page.click("a:has-text('Download the pack (PDF)')")
    saved = tmp_path / "pack.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    click_through(page, "tr:has(th a:text-is('Case 1')) >> a:has-text('Record the rating')")
    assert page.locator("h1").inner_text() == "Record the scrutiny panel's rating"
    assert_accessible(page)
    page.check("#rating-3")  # Inappropriate
    _fill_date(page, "meeting_on", today)
    click_through(page, "button:has-text('Save the rating')")
    assert (
        "Enter why the panel found the decision inappropriate"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.fill("#comments", "The child's own views were not recorded.")
    click_through(page, "button:has-text('Save the rating')")
    assert "the scrutiny panel's rating is saved" in page.locator("main").inner_text()

    page.goto(f"{live.url}/scrutiny")
    click_through(page, "a:has-text('Ratings report')")
    assert page.locator("h1").inner_text() == "Scrutiny panel ratings"
    text = page.locator("main").inner_text()
    assert "By outcome" in text
    assert "fewer than 5" in text
    assert_accessible(page)
    assert page.console_problems == []
