"""After a decision: a practitioner previews the child's letter, issues it, and downloads the PDF;
an Easy Read letter shows a picture beside each point. axe checks the letters list and the
preview pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oocd_panel import demo
from oocd_panel.models import ReferralStatus
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    give_a_phone_number,
    sign_in,
)
from tests.factories import child_details


def _decided_case(live: LiveServer) -> tuple[int, str]:
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral_at(
            ReferralStatus.OUTCOME_DELIVERED, disposal="community_resolution"
        )
        give_a_phone_number(factory)
        return referral.id, referral.child.full_name


def test_a_practitioner_issues_the_childs_letter_and_downloads_it(
    live: LiveServer, page: Any, tmp_path: Path
) -> None:
    case_id, name = _decided_case(live)
    page.goto(f"{live.url}/sign-in")
    page.fill("#email", "practitioner@example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    page.goto(f"{live.url}/cases/{case_id}")
    click_through(page, "a:has-text('Letters to the child and family')")
    assert page.locator("h1").inner_text() == "Letters to the child and family"
    assert_accessible(page)
    first_name = name.split()[0]
    click_through(page, f"table a:has-text('{first_name}')")
    assert "Checks passed" in page.locator("main").inner_text()
    letter = page.locator(".app-letter").inner_text()
    assert "Taking part is your choice." in letter
    assert_accessible(page)
    click_through(page, "button:has-text('Issue the letter')")
    assert "issued (version 1)" in page.locator(".govuk-notification-banner").inner_text()
    with page.expect_download() as download:
        page.click("a:has-text('Version 1 (PDF)')")
    saved = tmp_path / "letter.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert page.console_problems == []


def test_after_a_police_alone_outcome_the_practitioner_chooses_the_support_and_issues(
    live: LiveServer, page: Any
) -> None:
    from oocd_panel.models import Role, Route

    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral(
            route=Route.NOTIFICATION,
            police_outcome="outcome_22",
            proposed_outcome="outcome_22",
        )
        factory.act(referral, "offer_support", Role.PRACTITIONER)
        give_a_phone_number(factory)
        case_id, first_name = referral.id, referral.child.full_name.split()[0]
    page.goto(f"{live.url}/sign-in")
    page.fill("#email", "practitioner@example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    page.goto(f"{live.url}/cases/{case_id}")
    click_through(page, "a:has-text('Letters to the child and family')")
    assert "The police gave this outcome alone" in page.locator("main").inner_text()
    click_through(page, f"table a:has-text('{first_name}')")
    assert "says what support is offered" in page.locator("main").inner_text()
    page.check("input[name='offered'][value='sport_activities']")
    click_through(page, "button:has-text('Update the preview')")
    letter = page.locator(".app-letter").inner_text()
    assert "Saying yes or no does not change what the police decided." in letter
    assert "boxing, football or music" in letter
    assert_accessible(page)
    click_through(page, "button:has-text('Issue the letter')")
    assert "issued (version 1)" in page.locator(".govuk-notification-banner").inner_text()
    assert page.console_problems == []


def test_an_easy_read_letter_shows_a_picture_beside_each_point_with_its_alternative(
    live: LiveServer, page: Any
) -> None:
    with live.session() as session:
        factory = demo_factory(session)
        referral = factory.referral_at(
            ReferralStatus.OUTCOME_DELIVERED,
            disposal="youth_caution",
            child=child_details(needs_easy_read=True),
        )
        case_id = referral.id
    sign_in(page, live, "practitioner@example.org")
    page.goto(f"{live.url}/cases/{case_id}/letters/child")
    assert "Child, Easy Read" in page.locator("main").inner_text()
    points = page.locator(".app-letter__point")
    pictures = page.locator(".app-letter__point svg.app-letter__picture[role='img']")
    assert points.count() > 20
    assert pictures.count() == points.count()
    # Each picture is drawn (not an empty box), left of its line, and says what it shows.
    for n in range(points.count()):
        picture, line = pictures.nth(n), points.nth(n).locator(".app-letter__line")
        assert picture.get_attribute("aria-label")
        box, text = picture.bounding_box(), line.bounding_box()
        assert box is not None
        assert text is not None
        assert box["width"] > 40
        assert box["x"] + box["width"] <= text["x"]
    choice = page.locator(".app-letter__point", has_text="Taking part is your choice.")
    assert choice.locator("svg").get_attribute("aria-label") == "A signpost: you choose"
    warning = page.locator(".app-letter__point", has_text="formal warning from the police")
    assert warning.locator("svg").get_attribute("aria-label") == "A warning sign"
    assert "Pictures: OpenMoji" in page.locator(".app-letter").inner_text()
    assert_accessible(page)
    assert page.console_problems == []
