"""A practitioner ends an intervention with its KPI facts (missing answers listed first); a
manager reads the quarter's KPI page and downloads the return for the YJB. Axe clean."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from oocd_panel.catalogue import kpis
from oocd_panel.evaluation.kpi import Quarter
from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.clock import local_today
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)


def test_a_practitioner_ends_an_intervention_and_a_manager_downloads_the_return(
    live: LiveServer, page: Any, tmp_path: Path
) -> None:
    with live.session() as session:
        referral = demo_factory(session).referral_at(ReferralStatus.INTERVENTION)
        case_url = f"{live.url}/cases/{referral.id}"

    sign_in(page, live, "practitioner@example.org")
    page.goto(case_url)
    click_through(page, "a:has-text('Close: intervention completed')")
    assert page.locator("h1").inner_text() == "Close: intervention completed"
    assert_accessible(page)
    click_through(page, "button:has-text('Close: intervention completed')")
    summary = page.locator(".govuk-error-summary")
    assert "Select whether the child was living in suitable accommodation" in summary.inner_text()
    assert_accessible(page)  # with the errors shown
    for key, question in kpis.QUESTIONS.items():
        if question.asked_if is None:
            page.check(f"#{key}-3")  # Not known
    page.check("#mental_health_need")  # Yes: a need was identified
    click_through(page, "button:has-text('Close: intervention completed')")
    assert [e.strip() for e in summary.locator("a").all_inner_texts()] == [
        kpis.QUESTIONS["mental_health_offered"].missing_message
    ]
    page.check("#mental_health_offered")  # Yes
    page.check("#mental_health_attending-2")  # No
    click_through(page, "button:has-text('Close: intervention completed')")
    main = page.locator("main").inner_text()
    assert "The KPI facts are saved" in main
    assert "End of the intervention" in main
    click_through(page, "button:has-text('Sign out')")

    sign_in(page, live, "manager@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Evaluation')")
    click_through(page, "a:has-text('KPI return')")
    assert page.locator("h1").inner_text() == "KPI return"
    this_quarter = Quarter.containing(local_today())
    page.select_option("#quarter", this_quarter.slug)
    click_through(page, "button:has-text('Show the quarter')")
    text = page.locator("main").inner_text()
    assert this_quarter.label in text
    assert "To check:" in text
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("a:has-text('Download the return for the YJB')")
    saved = tmp_path / "kpi-return.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0] == ["kpi", "measure", "numerator", "denominator", "note"]
    lines = {r[1].split(" ", 1)[0]: r for r in rows[1:]}
    assert int(lines["6a"][2]) >= 1  # this intervention, completed
    assert int(lines["4c"][2]) >= 1  # and its mental health intervention, offered
    assert page.console_problems == []
