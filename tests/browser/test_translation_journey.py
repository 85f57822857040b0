"""A manager reads the Welsh letters beside their English, records the translator's approval,
and the child's letter, whose record says Cymraeg, then shows in Welsh. axe checks each page."""

from __future__ import annotations

from typing import Any

from oocd_panel.models import ReferralStatus
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    give_a_phone_number,
    sign_in,
)


def _welsh_case(live: LiveServer) -> tuple[int, int]:
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral_at(ReferralStatus.OUTCOME_DELIVERED, disposal="youth_caution")
        referral.child.first_language = "Cymraeg"
        session.commit()
        give_a_phone_number(factory)
        return referral.id, factory._service.id


def test_a_manager_approves_the_welsh_letters_and_the_childs_letter_goes_in_welsh(
    live: LiveServer, page: Any
) -> None:
    case_id, service_id = _welsh_case(live)
    sign_in(page, live, "manager@example.org")
    # Before the review: the English letter, with the sentence in Welsh at its top.
    page.goto(f"{live.url}/cases/{case_id}/letters/child")
    assert page.locator(".app-letter").get_attribute("lang") == "en"
    notice = page.locator(".app-letter__notice")
    assert notice.get_attribute("lang") == "cy"
    assert "Bydd llythyr yn Gymraeg yn dilyn" in notice.inner_text()
    assert_accessible(page)

    click_through(page, "a:has-text('Letter translations')")
    assert "Awaiting review" in page.locator("main").inner_text()
    assert_accessible(page)
    click_through(page, f"a[href='/services/{service_id}/translations/cy']")
    assert page.locator("h1").inner_text() == "Welsh letters (Cymraeg)"
    assert_accessible(page)
    click_through(page, "a[href$='/youth_caution-child_14_17']")
    assert [a.get_attribute("lang") for a in page.locator(".app-letter").all()] == ["cy", "en"]
    assert_accessible(page)
    page.go_back()
    page.fill("#reviewer_name", "Gwen Jones")
    page.check("#confirmed")
    click_through(page, "button:has-text('Record the approval')")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "reviewed by Gwen Jones are used from now on" in banner

    page.goto(f"{live.url}/cases/{case_id}/letters/child")
    letter = page.locator(".app-letter")
    assert letter.get_attribute("lang") == "cy"
    assert "Annwyl" in letter.inner_text()
    assert page.locator("html").get_attribute("lang") == "en"  # the app's own words
    assert_accessible(page)
    click_through(page, "button:has-text('Issue the letter')")
    assert "issued (version 1)" in page.locator(".govuk-notification-banner").inner_text()
    assert "in Welsh" in page.locator("main").inner_text()
    assert page.console_problems == []
