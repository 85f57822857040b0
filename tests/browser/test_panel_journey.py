"""A full panel in the browser: planning, attendance, a conflict, votes, a joint disagreement
escalated (the names asked for before the vote closes), resolved by the inspector and agreed by the
YJS manager signed in as themselves, and the police recording delivery; axe checks every page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oocd_panel import demo
from oocd_panel.models import ReferralStatus, Role, Service, User
from oocd_panel.plumbing.clock import local_today
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    click_through,
    demo_factory,
    sign_in,
)


def _sign_in(context: Any, base: str, email: str) -> Any:
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    return page


def _set_rule(
    live: LiveServer, rule: str | None, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Set Northbrook's decision rule (or put its settings back); returns them as they were."""
    with live.session() as session:
        service = session.scalars(select(Service).where(Service.slug == "northbrook")).one()
        before = dict(service.settings or {})
        service.settings = settings if settings is not None else {**before, "decision_rule": rule}
        session.commit()
    return before


def _ready_case(live: LiveServer) -> tuple[int, str, str]:
    """A case ready for panel, taken there by the demo staff."""
    with live.session() as session:
        factory = demo_factory(session)
        factory._cast[Role.PRACTITIONER] = session.scalars(
            select(User).where(User.email == "practitioner2@example.org")
        ).one()
        referral = factory.referral_at(ReferralStatus.READY_FOR_PANEL)
        return referral.id, referral.child.full_name, referral.police_reference


def _choose(page: Any, select_id: str, label: str) -> None:
    page.select_option(f"#{select_id}", label=label)


def test_a_full_panel_with_conflict_escalation_and_delivery(
    live: LiveServer, browser: Any, page: Any
) -> None:
    base = live.url
    case_id, name, reference = _ready_case(live)
    today = local_today()

    chair = page
    chair.goto(f"{base}/sign-in")
    chair.fill("#email", "panel.yjs@example.org")
    chair.fill("#password", demo.DEMO_PASSWORD)
    click_through(chair, "button:has-text('Sign in')")
    click_through(chair, "a.govuk-service-navigation__link:has-text('Panels')")
    assert_accessible(chair)
    click_through(chair, "a:has-text('Plan a meeting')")
    chair.fill("#starts_on-day", str(today.day))
    chair.fill("#starts_on-month", str(today.month))
    chair.fill("#starts_on-year", str(today.year))
    chair.fill("#starts_time", "10:00")
    chair.fill("#place", "Room 2, Civic Centre")
    _choose(chair, "police_decision_maker", "Sergeant Avery Quinlan")
    _choose(chair, "yjs_decision_maker", "Jules Oyelaran")
    chair.locator("label:has-text('Dr Rowan Petrakis')").click()
    _choose(chair, "chair_id", "Jules Oyelaran")
    assert_accessible(chair)
    click_through(chair, "button:has-text('Plan the meeting')")
    assert "Panel meeting planned." in chair.locator(".govuk-notification-banner").inner_text()

    # Attendance: everyone is here, and two community volunteers without accounts join.
    for volunteer in ("Lee Harlow", "Sam Okoro"):
        for box in chair.locator("input[name='present']").all():
            box.check()
        chair.fill("#extra_name", volunteer)
        chair.select_option("#extra_agency", "community_volunteer")
        click_through(chair, "button:has-text('Save attendance')")
    for box in chair.locator("input[name='present']").all():
        box.check()
    click_through(chair, "button:has-text('Save attendance')")
    chair.locator(f"label:has-text('{reference}')").click()
    click_through(chair, "button:has-text('Add to the agenda')")
    assert_accessible(chair)
    click_through(chair, f"a:has-text('{name}')")
    click_through(chair, "button:has-text('Open the vote')")
    assert "The vote is open." in chair.locator(".govuk-notification-banner").inner_text()
    # The administrator changes the rule to a majority vote while this vote is open: the joint
    # rule it opened under still decides it (by majority it would not escalate).
    settings_before = _set_rule(live, "majority")
    chair.reload()
    assert "Decision rule: Joint" in chair.locator("main").inner_text()
    assert "(in force when the vote opened)" in chair.locator("main").inner_text()

    # The health member has a conflict of interest: recorded, and they cannot vote.
    _choose(chair, "conflict-member_id", "Dr Rowan Petrakis")
    chair.fill("#conflict-reason", "Is the family's GP.")
    click_through(chair, "button:has-text('Declare the conflict')")
    assert "Conflict of interest: does not vote" in chair.locator("table").inner_text()
    assert_accessible(chair)

    def vote(who: Any, member: str, outcome: str) -> None:
        who.select_option("#vote-member_id", label=member)
        who.select_option("#vote-disposal", outcome)
        who.fill("#vote-rationale", "Reasoned at the meeting after reading the assessment.")
        click_through(who, "button:has-text('Record the vote')")
        assert "Vote recorded." in who.locator(".govuk-notification-banner").inner_text()

    vote(chair, "Jules Oyelaran (you)", "community_resolution")
    vote(chair, "Lee Harlow (on their behalf)", "community_resolution")
    vote(chair, "Sam Okoro (on their behalf)", "community_resolution")
    police_ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    police = _sign_in(police_ctx, base, "panel.police@example.org")
    police.goto(chair.url)
    vote(police, "Sergeant Avery Quinlan (you)", "youth_caution")
    assert_accessible(police)

    # Everyone has voted and the decision-makers disagree: the page asks for who resolves it
    # before the vote is closed, and offers only inspectors.
    chair.reload()
    assert "Closing the vote escalates the case" in chair.locator("main").inner_text()
    offered = chair.locator("#close-police_inspector_id option").all_inner_texts()
    assert "Inspector Jo Ferris" in offered
    assert "PC Harper Nkemelu" not in offered
    _choose(chair, "close-police_inspector_id", "Inspector Jo Ferris")
    _choose(chair, "close-yjs_manager_id", "Morgan Achterberg")
    assert_accessible(chair)
    click_through(chair, "button:has-text('Close the vote')")
    assert "escalated" in chair.locator(".govuk-notification-banner").inner_text()
    _set_rule(live, None, settings_before)

    inspector_ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    inspector = _sign_in(inspector_ctx, base, "inspector@example.org")
    inspector.goto(f"{base}/cases/{case_id}")
    click_through(inspector, "a.govuk-button:has-text('Record the resolution')")
    assert_accessible(inspector)
    inspector.select_option("#disposal", "community_resolution")
    inspector.fill(
        "#confirmation_rationale", "We met and agreed the YJS view: diversion is proportionate."
    )
    inspector.fill("#departure_rationale", "Early admission and strong support at home.")
    click_through(inspector, "button:has-text('Record the resolution')")
    assert "Resolution recorded" in inspector.locator(".govuk-notification-banner").inner_text()

    # The YJS manager agrees, signed in as themselves.
    manager_ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    manager = manager_ctx.new_page()
    sign_in(manager, live, "manager@example.org")
    manager.goto(f"{base}/cases/{case_id}")
    click_through(manager, "a.govuk-button:has-text('Agree or disagree with the escalation')")
    assert "The inspector's resolution" in manager.locator("main").inner_text()
    assert_accessible(manager)
    manager.check("input[name='answer-yjs_manager_agreed'][value='yes']")
    click_through(manager, "button:has-text('Send your answer')")
    assert "now the decision" in manager.locator(".govuk-notification-banner").inner_text()

    officer_ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    officer = _sign_in(officer_ctx, base, "police@example.org")
    click_through(officer, "a.govuk-service-navigation__link:has-text('Find a case')")
    officer.fill("#police_reference", reference)
    click_through(officer, "button:has-text('Find the case')")
    assert_accessible(officer)
    click_through(officer, f"a:has-text('{name}')")
    assert "Community resolution" in officer.locator("main").inner_text()
    click_through(officer, "a.govuk-button:has-text('Record the delivery')")
    officer.check("input[name='outcome'][value='given']")
    officer.fill("#delivered_on-day", str(today.day))
    officer.fill("#delivered_on-month", str(today.month))
    officer.fill("#delivered_on-year", str(today.year))
    officer.check("input[name='admission_confirmed'][value='yes']")
    assert_accessible(officer)
    click_through(officer, "button:has-text('Save')")
    assert officer.locator(".govuk-tag").first.inner_text() == "Outcome delivered"

    chair.goto(chair.url.rsplit("/cases", 1)[0] + "/minutes")
    minutes = chair.locator("main").inner_text()
    assert "Conflict of interest: Dr Rowan Petrakis" in minutes
    assert "Escalated to Inspector Jo Ferris and Morgan Achterberg" in minutes
    assert_accessible(chair)
    assert "Decision rule applied: Joint" in minutes
    for p in (chair, police, inspector, manager, officer):
        assert getattr(p, "console_problems", []) == []
    for ctx in (police_ctx, inspector_ctx, manager_ctx, officer_ctx):
        ctx.close()
