"""A family opens the short link on their letter, answers the three questions and is thanked;
an analyst then reads the answers on the Evaluation page. axe checks every page on the way."""

from __future__ import annotations

import re
from typing import Any

from oocd_panel import demo
from oocd_panel.models import ReferralStatus, Role
from oocd_panel.services import feedback, letters
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    give_a_phone_number,
)

ANSWERS = {"letter_clear": "yes", "knows_next": "yes", "meeting": "good"}


def _letters_out(live: LiveServer, count: int) -> list[str]:
    """Letters issued with their feedback links (as the letters page issues them); the links."""
    links = []
    with live.session() as session:
        factory = demo_factory(session)
        give_a_phone_number(factory)
        for _ in range(count):
            referral = factory.referral_at(ReferralStatus.OUTCOME_DELIVERED, disposal="outcome_22")
            row = letters.issue(
                session,
                factory.cast(Role.PRACTITIONER),
                referral.id,
                "child",
                feedback_link=lambda token: f"{live.url}/f/{token}",
            )
            found = re.search(re.escape(live.url) + r"/f/[0-9A-Z]{10}", row.html)
            assert found is not None
            links.append(found.group(0))
    return links


def test_a_family_answers_from_the_letter_and_the_answers_reach_the_evaluation(
    live: LiveServer, page: Any, browser: Any
) -> None:
    *others, ours = _letters_out(live, 5)
    with live.session() as session:  # four other families have answered already
        for link in others:
            code = link.rsplit("/", 1)[1]
            feedback.answer(session, code, ANSWERS, address="192.0.2.10")

    # The family's phone: no sign-in, the link as printed.
    family = browser.new_context(viewport={"width": 390, "height": 800})
    phone = family.new_page()
    phone.goto(ours)
    assert phone.locator("h1").inner_text() == "Tell us what you think"
    assert "We do not record who you are." in phone.locator("main").inner_text()
    assert_accessible(phone)
    # Sending nothing: the error summary says what to choose, linked to each question.
    click_through(phone, "button:has-text('Send your answers')")
    assert phone.locator(".govuk-error-summary").count() == 1
    assert (
        "Choose an answer to 'Did the letter make sense?'"
        in phone.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(phone)
    for name, value in ANSWERS.items():
        phone.check(f"input[name='{name}'][value='{value}']")
    click_through(phone, "button:has-text('Send your answers')")
    assert phone.locator("h1").inner_text() == "Thank you"
    assert_accessible(phone)
    phone.goto(ours)  # again: still thanked, nothing counted twice
    assert phone.locator("h1").inner_text() == "Thank you"
    family.close()

    # An analyst reads the five answers (five is not a small count).
    page.goto(f"{live.url}/sign-in")
    page.fill("#email", "analyst@example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    click_through(page, "a.govuk-service-navigation__link:has-text('Evaluation')")
    section = page.locator("main").inner_text()
    assert "What families told us about their letters" in section
    answered = re.search(r"Families answered (\d+) times", section)
    assert answered is not None
    assert int(answered.group(1)) >= 5
    assert_accessible(page)
    assert page.console_problems == []
