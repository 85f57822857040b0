"""A second pair of eyes: the administrator drafts a change of a letter's wording, the manager
finds it in My work, reads the letters it changes with the difference marked and approves it,
and the letter shows the new wording. axe checks the wording, approval and preview pages."""

from __future__ import annotations

from typing import Any

from oocd_panel.models import ReferralStatus, Service
from oocd_panel.services import letter_wording
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)

NEW_MEANING = "You said you did it. The police sorted it out without a court."


def _decided_case(live: LiveServer) -> tuple[int, bool]:
    """A case with a community resolution, and whether letters have a phone number yet."""
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral_at(
            ReferralStatus.OUTCOME_DELIVERED, disposal="community_resolution"
        )
        service: Service = factory.service()
        phone = letter_wording.current_values(session, service)["contact:phone"]
        return referral.id, bool(phone)


def test_an_admin_drafts_a_manager_approves_and_the_letter_says_it(
    live: LiveServer, browser: Any, page: Any
) -> None:
    case_id, has_phone = _decided_case(live)
    sign_in(page, live, "admin@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Settings')")
    click_through(page, "a:has-text('letter wording'):has-text('Northbrook')")
    assert page.locator("h1").inner_text().startswith("Letter wording")
    if not has_phone:
        page.fill("#contact__phone", "01632 960 101")
    page.click("summary:has-text('Community resolution')")
    page.fill("#disposal__community_resolution__child_meaning", NEW_MEANING)
    page.check("#reviewed")
    click_through(page, "button:has-text('Save as a draft')")
    main = page.locator("main").inner_text()
    assert "Your draft is saved" in main
    assert "Awaiting approval" in main
    assert_accessible(page)
    click_through(page, "a:has-text('See the letters your draft changes')")
    assert "You drafted this change, so someone else must approve it" in (
        page.locator("main").inner_text()
    )
    assert page.locator("input[name='outcome']").count() == 0

    manager = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    sign_in(manager, live, "manager@example.org")
    assert "Letter wording to approve" in manager.locator("main").inner_text()
    click_through(manager, "a:has-text('Review the change of Northbrook')")
    assert manager.locator("h1").inner_text() == "Approve a change of the letter wording"
    # The difference is marked in words as well as in style: struck through, in bold.
    assert manager.locator(".app-changes ins").first.inner_text().startswith("[added:")
    changed = manager.locator(".app-letter-change").filter(has_text="Community resolution")
    added = " ".join(changed.first.locator("ins").all_inner_texts())
    assert "said" in added
    assert "letters this change touches pass their checks" in manager.locator("main").inner_text()
    assert_accessible(manager)
    manager.check("input[name='outcome'][value='approve']")
    click_through(manager, "button:has-text('Confirm')")
    banner = manager.locator(".govuk-notification-banner").inner_text()
    assert "of the letter wording is approved" in banner

    manager.goto(f"{live.url}/cases/{case_id}/letters/child")
    letter = manager.locator(".app-letter").inner_text()
    assert all(sentence in letter for sentence in NEW_MEANING.split(". "))
    assert_accessible(manager)
    assert page.console_problems == []
    manager.context.close()
