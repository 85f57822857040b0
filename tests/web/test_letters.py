"""Letters through the pages: preview with the checks, issue, download; bad input loses nothing."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, Letter, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import local_today
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _date(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _set_phone(app: Flask, factory: Factory) -> None:
    """The administrator drafts the phone number; a manager approves it (a second person)."""
    admin = _client(app, factory.cast(Role.ADMIN))
    url = f"/admin/services/{factory.service().id}/letter-wording"
    page = admin.get(url)
    assert page.status_code == 200
    assert "Youth caution" in text_of(page)
    response = admin.post(url, data={"contact__phone": "01632 960 123", "reviewed": "y"})
    assert response.status_code == 302, error_summary(response)
    manager = _client(app, factory.cast(Role.MANAGER))
    review = f"/services/{factory.service().id}/letter-wording/draft"
    html = manager.get(review).get_data(as_text=True)
    hidden = dict(re.findall(r'name="(draft|revision)" type="hidden" value="([^"]*)"', html))
    response = manager.post(review, data={**hidden, "outcome": "approve"})
    assert response.status_code == 302, error_summary(response)


def test_a_practitioner_previews_issues_and_downloads_a_letter(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    worker_user = factory.cast(Role.PRACTITIONER)
    worker = _client(app, worker_user)
    base = f"/cases/{referral.id}/letters"
    # Before the service has a phone number, the letter cannot be issued, and says why.
    page = text_of(worker.get(f"{base}/child"))
    assert "cannot be issued until these are fixed" in page
    assert "no phone number" in page
    assert "Issue the letter" not in page
    response = worker.post(f"{base}/child", data={})
    assert response.status_code == 400
    assert session.query(Letter).count() == 0

    _set_phone(app, factory)
    listing = text_of(worker.get(base))
    assert "Passed" in listing
    assert "Parent or carer" in listing
    meeting = local_today() + dt.timedelta(days=5)
    preview = worker.get(
        f"{base}/child",
        query_string={
            "meeting_on": _date(meeting),
            "meeting_time": "4pm",
            "meeting_place": "the youth centre",
        },
    )
    text = text_of(preview)
    assert error_summary(preview) == []
    assert "Checks passed" in text
    assert "Taking part is your choice." in text
    assert "It is on" in text
    assert "at 4pm at the youth centre" in text
    # The issue button carries the meeting the preview showed.
    assert f'value="{meeting.isoformat()}"' in preview.get_data(as_text=True)
    # A first meeting in the past: a clear message, the typed values kept, nothing issued.
    past = local_today() - dt.timedelta(days=3)
    trail_before = session.query(AuditEntry).count()
    response = worker.post(
        f"{base}/child",
        data={"meeting_on": past.isoformat(), "meeting_place": "the youth centre"},
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#meeting_on-day", "The first meeting must be today or later")
    ]
    assert 'value="the youth centre"' in response.get_data(as_text=True)
    assert session.query(Letter).count() == 0
    # A refused issue writes nothing at all (the preview it shows again was seen already).
    assert session.query(AuditEntry).count() == trail_before

    response = worker.post(
        f"{base}/child", data={"meeting_on": meeting.isoformat(), "meeting_time": "4pm"}
    )
    assert response.status_code == 302, error_summary(response)
    listing = worker.get(base).get_data(as_text=True)
    assert "Version 1 (PDF)" in listing
    letter = session.query(Letter).one()
    pdf = worker.get(f"/letters/{letter.id}.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"
    assert "attachment" in pdf.headers["Content-Disposition"]
    # Previewing and downloading a child's letter are in the audit trail.
    trail = session.scalars(select(AuditEntry).where(AuditEntry.actor_id == worker_user.id))
    seen = {(e.action, e.record_type, e.details.get("page")) for e in trail}
    assert ("view", "referral", "letter preview") in seen
    assert ("download", "letter", None) in seen
    # The case page lists the issued letters and links to them.
    case_page = text_of(worker.get(f"/cases/{referral.id}"))
    assert "Letters to the child and family" in case_page
    assert f"To {letter.recipient_name}, version 1 (PDF)" in case_page


def test_an_admin_override_that_breaks_a_check_is_refused_on_the_page(
    app: Flask, factory: Factory
) -> None:
    admin = _client(app, factory.cast(Role.ADMIN))
    url = f"/admin/services/{factory.service().id}/letter-wording"
    typed = "You must attend every session or you will be in breach."
    response = admin.post(
        url, data={"disposal__community_resolution__child_if_not": typed, "reviewed": "y"}
    )
    assert response.status_code == 400
    (summary,) = error_summary(response)
    assert summary[0] == "#disposal__community_resolution__child_if_not"
    assert "makes voluntary work sound compulsory" in summary[1]
    assert typed in response.get_data(as_text=True)  # what was typed is kept
    response = admin.post(url, data={"contact__phone": "01632 960 123"})
    assert response.status_code == 400
    assert "Confirm you have reviewed the texts" in error_summary(response)[0][1]


def test_police_and_panel_members_cannot_reach_letters(app: Flask, factory: Factory) -> None:
    referral = factory.referral_at(S.DECIDED)
    for role in (Role.POLICE_OFFICER, Role.PANEL_MEMBER, Role.ANALYST):
        client = _client(app, factory.cast(role))
        assert client.get(f"/cases/{referral.id}/letters").status_code == 403


def test_after_an_outcome_the_police_gave_alone_the_letter_offers_the_chosen_support(
    app: Flask, factory: Factory, session: Session
) -> None:
    from oocd_panel.models import Route

    referral = factory.referral(
        route=Route.NOTIFICATION,
        police_outcome="community_resolution",
        proposed_outcome="community_resolution",
    )
    factory.act(referral, "offer_support", Role.PRACTITIONER)
    _set_phone(app, factory)
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    base = f"/cases/{referral.id}/letters"
    listing = text_of(worker.get(base))
    assert "The police gave this outcome alone" in listing
    page = text_of(worker.get(f"{base}/child"))
    assert "Support offered" in page
    assert "says what support is offered" in page
    assert "Issue the letter" not in page
    # Made-up support is refused on the page; nothing is issued.
    response = worker.get(f"{base}/child", query_string={"offered": ["made_up"]})
    assert response.status_code == 400
    assert session.query(Letter).count() == 0
    preview = worker.get(f"{base}/child", query_string={"offered": ["mentoring"]})
    assert error_summary(preview) == []
    text = text_of(preview)
    assert "Checks passed" in text
    assert "Saying yes or no does not change what the police decided." in text
    assert 'name="offered" type="hidden" value="mentoring"' in preview.get_data(as_text=True)
    response = worker.post(f"{base}/child", data={"offered": "mentoring"})
    assert response.status_code == 302, error_summary(response)
    letter = session.query(Letter).one()
    assert letter.decision_id is None
    assert "You can meet a mentor." in letter.html
    case_page = text_of(worker.get(f"/cases/{referral.id}"))
    assert "Police outcome and support" in case_page
    assert f"To {letter.recipient_name}, version 1 (PDF)" in case_page
