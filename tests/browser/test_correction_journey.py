"""Correcting records in the browser: a practitioner puts right a misspelt name and a wrong date
of birth, saying why, and sees the old values in the case's history; the referring officer
corrects the police reference before the panel decides; axe checks every page on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oocd_panel.plumbing.clock import local_today, years_before
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)
from tests.factories import child_details


def test_a_misspelt_name_a_wrong_birthday_and_a_reference_are_corrected(
    live: LiveServer, browser: Any, page: Any
) -> None:
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral(
            child=child_details(first_name="Jaimee", last_name="Correctjourney"),
            police_reference="NB/66001/26",
        )
        case_id = referral.id
        old_born = referral.child.date_of_birth
    born = years_before(local_today(), 14) - dt.timedelta(days=11)

    sign_in(page, live, "practitioner@example.org")
    page.goto(f"{live.url}/cases/{case_id}")
    click_through(page, 'a:has-text("Correct Jaimee Correctjourney\'s details")')
    assert_accessible(page)
    page.fill("#first_name", "Jamie")
    page.fill("#date_of_birth-day", str(born.day))
    page.fill("#date_of_birth-month", str(born.month))
    page.fill("#date_of_birth-year", str(born.year))
    # Saving without saying why is refused, with the summary at the top and nothing lost.
    click_through(page, "button:has-text('Save the correction')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select why you are correcting this" in summary
    assert page.input_value("#first_name") == "Jamie"
    assert_accessible(page)
    page.check("input[name='reason'][value='typo']")
    page.fill("#note", "The family spelt it for us at the first visit.")
    click_through(page, "button:has-text('Save the correction')")
    main = page.locator("main").inner_text()
    assert "The child's details are corrected." in main
    assert "Jamie Correctjourney" in page.locator("h1").inner_text()
    history = page.locator("#corrections + table").inner_text()
    assert "Jaimee" in history
    assert f"{old_born.day} {old_born:%B %Y}" in history
    assert "A typing mistake" in history
    assert_accessible(page)

    officer_ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    officer = officer_ctx.new_page()
    sign_in(officer, live, "police@example.org")
    officer.goto(f"{live.url}/cases/{case_id}")
    assert "Correct Jamie" not in officer.locator("main").inner_text()  # the YJS's to correct
    click_through(officer, 'a:has-text("Correct the referral\'s facts")')
    assert_accessible(officer)
    officer.fill("#police_reference", "NB/66010/26")
    officer.check("input[name='reason'][value='recorded_wrongly']")
    click_through(officer, "button:has-text('Save the correction')")
    assert "NB/66010/26" in officer.locator(".govuk-caption-l").inner_text()
    assert "NB/66001/26" in officer.locator("#corrections + table").inner_text()
    assert_accessible(officer)
    for p in (page, officer):
        assert getattr(p, "console_problems", []) == []
    officer_ctx.close()
