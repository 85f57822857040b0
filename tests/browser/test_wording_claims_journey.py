"""An administrator types a sentence that tells a child something false about their outcome into
the letter wording page: it is refused with the reason in the error summary, linked to the field,
and nothing is saved; the true sentence typed instead is saved as a draft. axe checks the refused
page."""

from __future__ import annotations

from typing import Any

from oocd_panel.models import Service
from tests.browser.conftest import LiveServer, assert_accessible, click_through, sign_in

FIELD = "#disposal__outcome_22__child_meaning"


def test_a_false_claim_typed_into_the_wording_is_refused_and_a_true_one_saved(
    live: LiveServer, page: Any
) -> None:
    with live.session() as session:
        service_id = session.query(Service).order_by(Service.id).first().id  # type: ignore[union-attr]
    sign_in(page, live, "admin@example.org")
    page.goto(f"{live.url}/admin/services/{service_id}/letter-wording")
    page.click("summary:has-text('Outcome 22')")
    page.fill(FIELD, "It is not optional. Be there every week.")
    page.check("#reviewed")
    click_through(page, "button:has-text('Save as a draft')")
    summary = page.locator(".govuk-error-summary")
    assert "taking part is required" in summary.inner_text()
    assert "It is not optional." in summary.inner_text()
    assert_accessible(page)
    summary.locator(f"a[href='{FIELD}']").click()
    assert page.evaluate("document.activeElement.id") == FIELD[1:]
    page.fill(FIELD, "You can get help if you want it. Saying no is fine.")
    page.check("#reviewed")
    click_through(page, "button:has-text('Save as a draft')")
    assert "Your draft is saved: it changes 1 text" in page.locator("main").inner_text()
    assert page.input_value(FIELD) == "You can get help if you want it. Saying no is fine."
    assert page.console_problems == []
