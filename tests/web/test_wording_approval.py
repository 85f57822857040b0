"""Letter wording through the pages: an administrator drafts, someone else approves (or
rejects), versions are kept and restored, and the case's letters page says which version a
letter used."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.models import Letter, ReferralStatus, Role, User
from oocd_panel.services import letter_wording, letters
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus
MEANING = "disposal__youth_caution__child_meaning"
WARNING = "It is a warning from the police. You do not go to court."


Clients = Callable[[User], FlaskClient]


@pytest.fixture
def clients(app: Flask) -> Clients:
    """A client signed in as each user, once in a test (signing in often is throttled)."""
    signed_in: dict[int, FlaskClient] = {}

    def client_for(user: User) -> FlaskClient:
        if user.id not in signed_in:
            signed_in[user.id] = app.test_client()
            sign_in(signed_in[user.id], user)
        return signed_in[user.id]

    return client_for


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page) or re.search(
        rf'type="hidden" name="{name}" value="([^"]*)"', page
    )
    assert found is not None, f"no hidden {name} on the page"
    return found.group(1)


def _urls(factory: Factory) -> tuple[str, str]:
    service_id = factory.service().id
    return (
        f"/admin/services/{service_id}/letter-wording",
        f"/services/{service_id}/letter-wording/draft",
    )


def draft_and_approve(clients: Clients, factory: Factory, data: dict[str, str]) -> None:
    """The administrator drafts `data` on the wording page; the manager approves it on the
    approval page, as the draft was shown."""
    wording, review = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    response = admin.post(wording, data={**data, "reviewed": "y"})
    assert response.status_code == 302, error_summary(response)
    manager = clients(factory.cast(Role.MANAGER))
    page = manager.get(review).get_data(as_text=True)
    response = manager.post(
        review,
        data={
            "draft": _hidden(page, "draft"),
            "revision": _hidden(page, "revision"),
            "outcome": "approve",
        },
    )
    assert response.status_code == 302, error_summary(response)


def test_an_administrator_drafts_and_a_manager_approves_from_my_work(
    clients: Clients, factory: Factory, session: Session
) -> None:
    draft_and_approve(clients, factory, {"contact__phone": "01632 960 123"})
    wording, review = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    response = admin.post(wording, data={MEANING: WARNING, "reviewed": "y"})
    assert response.status_code == 302, error_summary(response)
    page = text_of(admin.get(wording))
    assert "Your draft is saved: it changes 1 text" in page
    assert "Awaiting approval" in page
    assert "Version 1, approved by YJS manager Tester" in page
    # Letters keep the approved wording while the draft waits.
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    worker = clients(factory.cast(Role.PRACTITIONER))
    assert "It is a warning" not in text_of(worker.get(f"/cases/{referral.id}/letters/child"))

    manager = clients(factory.cast(Role.MANAGER))
    my_work = manager.get("/").get_data(as_text=True)
    assert "Letter wording to approve" in my_work
    assert f'href="{review}"' in my_work
    shown = manager.get(review)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert '<ins><span class="govuk-visually-hidden">[added: </span>It</ins>' in html.replace(
        '<span class="govuk-visually-hidden">]</span>', ""
    )
    assert "[removed: " in html
    text = text_of(shown)
    assert "All 3 letters this change touches pass their checks" in text
    assert "Child, 10 to 13" in text
    assert "Child, Easy Read" in text
    assert "Parent or carer" not in text  # a child's text: parents' letters do not change
    response = manager.post(
        review,
        data={
            "draft": _hidden(html, "draft"),
            "revision": _hidden(html, "revision"),
            "outcome": "approve",
            "comment": "Plainer.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Version 2 of the letter wording is approved" in text_of(manager.get("/"))
    page = text_of(admin.get(wording))
    assert "Version 2, approved by YJS manager Tester" in page
    assert "Plainer." in page
    # Letters use it now, and the issued letter says which version it used.
    assert "It is a warning" in text_of(worker.get(f"/cases/{referral.id}/letters/child"))
    assert worker.post(f"/cases/{referral.id}/letters/child", data={}).status_code == 302
    listing = text_of(worker.get(f"/cases/{referral.id}/letters"))
    assert "wording: version 2" in listing
    assert session.query(Letter).one().wording_version == 2


def test_the_author_cannot_approve_their_own_draft(clients: Clients, factory: Factory) -> None:
    wording, review = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    assert (
        admin.post(wording, data={"contact__phone": "01632 960 123", "reviewed": "y"}).status_code
        == 302
    )
    page = admin.get(review)
    html = page.get_data(as_text=True)
    assert "You drafted this change, so someone else must approve it" in text_of(page)
    assert 'name="outcome"' not in html
    draft = letter_wording.open_draft(factory.session, factory.service().id)
    assert draft is not None
    response = admin.post(
        review, data={"draft": draft.id, "revision": draft.revision, "outcome": "approve"}
    )
    assert response.status_code == 400
    assert "someone else must approve it" in error_summary(response)[0][1]
    assert letter_wording.current_values(factory.session, factory.service())["contact:phone"] == ""


def test_a_draft_that_fails_the_checks_can_only_be_rejected(
    clients: Clients, factory: Factory
) -> None:
    draft_and_approve(clients, factory, {"contact__phone": "01632 960 123"})
    wording, review = _urls(factory)
    words = letter_wording.current_values(factory.session, factory.service())["words:compulsory"]
    admin = clients(factory.cast(Role.ADMIN))
    response = admin.post(wording, data={"words__compulsory": words + "\nsay no", "reviewed": "y"})
    assert response.status_code == 302, error_summary(response)
    manager = clients(factory.cast(Role.MANAGER))
    shown = manager.get(review)
    text = text_of(shown)
    assert "fail their checks, so it cannot be approved" in text
    assert '"say no" makes voluntary work sound compulsory' in text
    html = shown.get_data(as_text=True)
    assert 'value="approve"' not in html
    response = manager.post(
        review,
        data={"draft": _hidden(html, "draft"), "revision": _hidden(html, "revision"),
              "outcome": "approve"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "This draft cannot be approved" in error_summary(response)[0][1]
    # Rejecting needs a reason; with one, the author reads it on the wording page.
    response = manager.post(
        review,
        data={"draft": _hidden(html, "draft"), "revision": _hidden(html, "revision"),
              "outcome": "reject"},
    )  # fmt: skip
    assert response.status_code == 400
    assert error_summary(response) == [("#comment", "Say why you are rejecting the draft")]
    response = manager.post(
        review,
        data={"draft": _hidden(html, "draft"), "revision": _hidden(html, "revision"),
              "outcome": "reject", "comment": "Children must read that they can say no."},
    )  # fmt: skip
    assert response.status_code == 302
    page = text_of(admin.get(wording))
    assert "Rejected by YJS manager Tester" in page
    assert "Children must read that they can say no." in page
    assert "Draft a change" in page


def test_an_approval_from_a_page_shown_before_the_draft_changed_is_refused(
    clients: Clients, factory: Factory
) -> None:
    wording, review = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    admin.post(wording, data={"contact__phone": "01632 960 123", "reviewed": "y"})
    manager = clients(factory.cast(Role.MANAGER))
    html = manager.get(review).get_data(as_text=True)
    response = admin.post(
        wording, data={"contact__phone": "01632 960 999", "reviewed": "y",
                       "seen": _hidden(admin.get(wording).get_data(as_text=True), "seen")},
    )  # fmt: skip
    assert response.status_code == 302
    stale = {"draft": _hidden(html, "draft"), "revision": _hidden(html, "revision")}
    response = manager.post(review, data={**stale, "outcome": "approve"})
    assert response.status_code == 400
    assert "The draft changed while you were reading it" in error_summary(response)[0][1]
    assert "01632 960 999" in text_of(response)  # the draft as it is now
    assert letter_wording.current_values(factory.session, factory.service())["contact:phone"] == ""
    # The page now carries the draft as shown: approving from it works.
    fresh = response.get_data(as_text=True)
    response = manager.post(
        review,
        data={"draft": _hidden(fresh, "draft"), "revision": _hidden(fresh, "revision"),
              "outcome": "approve"},
    )  # fmt: skip
    assert response.status_code == 302


def test_a_second_administrator_sees_the_draft_and_cannot_start_another(
    clients: Clients, factory: Factory
) -> None:
    wording, _ = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    admin.post(wording, data={"contact__phone": "01632 960 123", "reviewed": "y"})
    other = clients(factory.user(Role.ADMIN, name="Other Admin"))
    page = other.get(wording)
    text = text_of(page)
    assert "Administrator Tester's draft of the letter wording is awaiting approval" in text
    assert "Review the change and approve or reject it" in text
    assert 'name="contact__phone"' not in page.get_data(as_text=True)
    response = other.post(wording, data={"contact__email": "a@example.org", "reviewed": "y"})
    assert response.status_code == 400
    assert "awaiting approval" in error_summary(response)[0][1]


def test_the_author_withdraws_a_draft(clients: Clients, factory: Factory) -> None:
    wording, _ = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    admin.post(wording, data={"contact__phone": "01632 960 123", "reviewed": "y"})
    page = admin.get(wording).get_data(as_text=True)
    response = admin.post(f"{wording}/draft/withdraw", data={"draft": _hidden(page, "draft")})
    assert response.status_code == 302
    text = text_of(admin.get(wording))
    assert "Your draft is withdrawn" in text
    assert "Withdrawn on" in text
    assert letter_wording.open_draft(factory.session, factory.service().id) is None


def test_a_version_is_restored_as_a_draft_for_approval(clients: Clients, factory: Factory) -> None:
    draft_and_approve(clients, factory, {"contact__phone": "01632 960 123"})
    draft_and_approve(clients, factory, {"contact__phone": "01632 960 999"})
    wording, review = _urls(factory)
    admin = clients(factory.cast(Role.ADMIN))
    page = admin.get(wording)
    text = text_of(page)
    assert "Restoring a version makes it a draft again" in text
    assert "Restore version 1" in text
    assert "Restore version 2" not in text  # the one in use
    seen = _hidden(page.get_data(as_text=True), "seen")
    response = admin.post(f"{wording}/versions/1/restore", data={"seen": seen})
    assert response.status_code == 302
    assert response.headers["Location"] == review
    shown = text_of(admin.get(review))
    assert "Version 1 is restored as your draft" in shown
    assert "This draft restores version 1" in shown
    assert (
        letter_wording.current_values(factory.session, factory.service())["contact:phone"]
        == "01632 960 999"
    )
    manager = clients(factory.cast(Role.MANAGER))
    html = manager.get(review).get_data(as_text=True)
    manager.post(
        review,
        data={"draft": _hidden(html, "draft"), "revision": _hidden(html, "revision"),
              "outcome": "approve"},
    )  # fmt: skip
    assert (
        letter_wording.current_values(factory.session, factory.service())["contact:phone"]
        == "01632 960 123"
    )
    assert "Version 3, approved by YJS manager Tester" in text_of(admin.get(wording))


def test_nothing_awaiting_approval_says_so(clients: Clients, factory: Factory) -> None:
    _, review = _urls(factory)
    manager = clients(factory.cast(Role.MANAGER))
    page = manager.get(review)
    assert page.status_code == 200
    assert "No change awaiting approval" in text_of(page)
    stranger = clients(factory.user(Role.MANAGER, services=[factory.service("far")]))
    assert stranger.get(review).status_code == 404


def test_a_letter_issued_before_any_version_says_the_catalogue_wording(
    clients: Clients, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    _, found = letters.drafts(session, factory.cast(Role.PRACTITIONER), referral.id)
    assert found[0].wording.number == 0
    listing = text_of(clients(factory.cast(Role.PRACTITIONER)).get(
        f"/cases/{referral.id}/letters"
    ))  # fmt: skip
    assert "Letters use the catalogue's own wording" in listing
