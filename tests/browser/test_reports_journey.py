"""An analyst reads the evaluation: charts and tables, axe clean, and a CSV download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oocd_panel import demo
from oocd_panel.models import ReferralStatus
from tests.browser.conftest import LiveServer, assert_accessible, click_through, demo_factory
from tests.factories import child_details


def _decisions(live: LiveServer) -> None:
    with live.session() as session:
        factory = demo_factory(session)
        for ethnicity in ("white_british", "white_british", "black_african", "asian_indian"):
            factory.referral_at(ReferralStatus.DECIDED, child=child_details(ethnicity=ethnicity))


def test_an_analyst_reads_the_evaluation_and_downloads_it(
    live: LiveServer, page: Any, tmp_path: Path
) -> None:
    _decisions(live)
    page.goto(f"{live.url}/sign-in")
    page.fill("#email", "analyst@example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    click_through(page, "a.govuk-service-navigation__link:has-text('Evaluation')")
    assert page.locator("h1").inner_text() == "Evaluation: diversion and fairness"
    assert page.locator("svg.app-chart").count() >= 3
    assert_accessible(page)
    page.select_option("#characteristic", "care_experience")
    click_through(page, "button:has-text('Show the figures')")
    assert "Compared with No care experience" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.click("a:has-text('Download every comparison as CSV')")
    saved = tmp_path / "comparison.csv"
    download.value.save_as(saved)
    assert saved.read_text().startswith("Decision point,Characteristic,Group")
    assert page.console_problems == []
