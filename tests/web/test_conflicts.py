"""Two people change the same record from pages they opened at the same time: the second is
told plainly that someone else changed it, nothing of the first person's change is lost, what
the second typed is shown back, and saving again from that page then works."""

from __future__ import annotations

import random
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.models import AssessmentStatus, Referral, ReferralStatus, Role, Service, User
from oocd_panel.plumbing.clock import local_today
from oocd_panel.services import letter_wording, wording_approval
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page) or re.search(
        rf'type="hidden" name="{name}" value="([^"]*)"', page
    )
    assert found is not None, f"no hidden {name} on the page"
    return found.group(1)


def _referral(session: Session, referral_id: int) -> Referral:
    session.expire_all()
    referral = session.get(Referral, referral_id)
    assert referral is not None
    return referral


def test_two_people_saving_the_same_section(app: Flask, factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.ASSESSING)
    first = _client(app, factory.cast(Role.PRACTITIONER))
    second = _client(app, factory.cast(Role.MANAGER))
    url = f"/cases/{referral.id}/assessment/behaviour"
    answers = answers_for(random.Random(1), "youth_caution")["behaviour"]
    seen_first = _hidden(first.get(url).get_data(as_text=True), "version")
    seen_second = _hidden(second.get(url).get_data(as_text=True), "version")

    mine = {**answers, "concerns": "The practitioner's words.", "completed": "yes"}
    assert first.post(url, data={**mine, "version": seen_first}).status_code == 302
    theirs = {**answers, "concerns": "The manager's words.", "completed": "yes"}
    response = second.post(url, data={**theirs, "version": seen_second})

    assert response.status_code == 400
    assert "Someone else saved this section" in error_summary(response)[0][1]
    page = response.get_data(as_text=True)
    assert "The manager&#39;s words." in page  # what they typed is kept
    saved = _referral(session, referral.id).assessment.section("behaviour")  # type: ignore[union-attr]
    assert saved is not None
    assert saved.answers["concerns"] == "The practitioner's words."
    # Having checked, they save again from the page they were shown: it goes through.
    again = second.post(url, data={**theirs, "version": _hidden(page, "version")})
    assert again.status_code == 302, error_summary(again)
    saved = _referral(session, referral.id).assessment.section("behaviour")  # type: ignore[union-attr]
    assert saved is not None
    assert saved.answers["concerns"] == "The manager's words."


def test_two_people_acting_on_the_same_case(app: Flask, factory: Factory, session: Session) -> None:
    referral = factory.referral()
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    officer = _client(app, factory.cast(Role.POLICE_OFFICER))
    start = f"/cases/{referral.id}/actions/start_assessment"
    withdraw = f"/cases/{referral.id}/actions/withdraw"
    seen_worker = _hidden(worker.get(start).get_data(as_text=True), "version")
    seen_officer = _hidden(officer.get(withdraw).get_data(as_text=True), "version")

    assert worker.post(start, data={"version": seen_worker}).status_code == 302
    response = officer.post(withdraw, data={"version": seen_officer, "reason": "No evidence."})

    assert response.status_code == 400
    assert "Someone else changed this case" in error_summary(response)[0][1]
    assert "No evidence." in response.get_data(as_text=True)
    assert _referral(session, referral.id).status is S.ASSESSING
    again = officer.post(
        withdraw,
        data={"version": _hidden(response.get_data(as_text=True), "version"), "reason": "No."},
    )
    assert again.status_code == 302
    assert _referral(session, referral.id).status is S.CLOSED


def test_two_managers_reviewing_the_same_assessment(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.AWAITING_SIGN_OFF)
    one = _client(app, factory.cast(Role.MANAGER))
    other = _client(app, factory.user(Role.MANAGER))
    url = f"/cases/{referral.id}/assessment/review"
    seen_one = _hidden(one.get(url).get_data(as_text=True), "version")
    seen_other = _hidden(other.get(url).get_data(as_text=True), "version")

    signed = {"version": seen_one, "outcome": "signed_off", "comment": "Clear."}
    assert one.post(url, data=signed).status_code == 302
    returned = {"version": seen_other, "outcome": "returned", "comment": "Say more."}
    response = other.post(url, data=returned)

    assert response.status_code == 400
    assert "Someone else changed this case" in text_of(response)
    done = _referral(session, referral.id)
    assert done.status is S.READY_FOR_PANEL
    assert done.assessment.status is AssessmentStatus.SIGNED_OFF  # type: ignore[union-attr]


def test_two_officers_recording_the_same_delivery(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED)
    one = _client(app, factory.cast(Role.POLICE_OFFICER))
    other = _client(app, factory.user(Role.POLICE_OFFICER))
    url = f"/police/cases/{referral.id}/delivery"
    today = local_today()
    given = {
        "outcome": "given",
        "delivered_on": [str(today.day), str(today.month), str(today.year)],
        "appropriate_adult_present": "yes",
        "appropriate_adult_name": "Pat Parent",
        "legal_advice_offered": "yes",
        "legal_advice_taken": "no",
        "admission_confirmed": "yes",
    }
    seen_one = _hidden(one.get(url).get_data(as_text=True), "version")
    seen_other = _hidden(other.get(url).get_data(as_text=True), "version")

    first = one.post(url, data={**given, "version": seen_one})
    assert first.status_code == 302, error_summary(first)
    declined = {**given, "outcome": "declined", "notes": "Would not agree.", "version": seen_other}
    response = other.post(url, data=declined)

    assert response.status_code == 400
    assert "Someone else changed this case" in error_summary(response)[0][1]
    done = _referral(session, referral.id)
    assert done.status is S.OUTCOME_DELIVERED
    assert [d.outcome.value for d in done.deliveries] == ["given"]


def test_two_administrators_changing_the_settings(
    app: Flask, factory: Factory, session: Session
) -> None:
    service = factory.service()
    url = f"/admin/services/{service.id}/settings"
    one = _client(app, factory.cast(Role.ADMIN))
    other = _client(app, factory.user(Role.ADMIN))
    form_one = _settings_form(one.get(url).get_data(as_text=True))
    form_other = _settings_form(other.get(url).get_data(as_text=True))

    assert one.post(url, data={**form_one, "decision_rule": "majority"}).status_code == 302
    response = other.post(url, data={**form_other, "escalation_due_days": "9"})

    assert response.status_code == 400
    assert "Someone else changed these settings" in error_summary(response)[0][1]
    assert 'value="9"' in response.get_data(as_text=True)  # what they typed is kept
    session.expire_all()
    saved = session.get(Service, service.id)
    assert saved is not None
    assert saved.settings["decision_rule"] == "majority"  # the first change is not lost
    assert saved.settings.get("escalation_due_days") != 9
    # Having seen the change in the history on the page, they save again: it goes through.
    page = response.get_data(as_text=True)
    again = other.post(url, data={**_settings_form(page), "decision_rule": "majority"})
    assert again.status_code == 302, error_summary(again)
    session.expire_all()
    saved = session.get(Service, service.id)
    assert saved is not None
    assert (saved.settings["decision_rule"], saved.settings["escalation_due_days"]) == (
        "majority",
        9,
    )


def _settings_form(page: str) -> dict[str, str]:
    """The settings form as the page shows it."""
    values = dict(re.findall(r'name="(\w+)" type="text" value="([^"]*)"', page))
    values.update(re.findall(r'name="(\w+)" type="radio" value="([^"]*)" checked', page))
    values.update(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page))
    return values


def test_two_administrators_changing_the_letter_wording(
    app: Flask, factory: Factory, session: Session
) -> None:
    """The first to save has the service's one draft; the second is told so, keeps what they
    typed, and after the draft is approved saves from a page that is then out of date."""
    service = factory.service()
    url = f"/admin/services/{service.id}/letter-wording"
    one = _client(app, factory.cast(Role.ADMIN))
    other = _client(app, factory.user(Role.ADMIN))
    seen_one = _hidden(one.get(url).get_data(as_text=True), "seen")
    seen_other = _hidden(other.get(url).get_data(as_text=True), "seen")

    first = {"contact__phone": "01632 960 123", "reviewed": "y", "seen": seen_one}
    assert one.post(url, data=first).status_code == 302
    second = {"contact__phone": "01632 960 999", "reviewed": "y", "seen": seen_other}
    response = other.post(url, data=second)
    assert response.status_code == 400
    assert "draft of the letter wording is awaiting approval" in error_summary(response)[0][1]

    draft = letter_wording.open_draft(session, service.id)
    assert draft is not None
    wording_approval.approve(
        session,
        factory.cast(Role.MANAGER),
        service_id=service.id,
        draft_id=draft.id,
        revision=draft.revision,
    )
    response = other.post(url, data=second)
    assert response.status_code == 400
    assert "Someone else changed the letter wording" in error_summary(response)[0][1]
    assert "01632 960 999" in response.get_data(as_text=True)
    again = {**second, "seen": _hidden(response.get_data(as_text=True), "seen")}
    assert other.post(url, data=again).status_code == 302
    assert "draft of the letter wording is awaiting approval" in text_of(one.get(url))
    # A draft: the approved version still applies.
    assert letter_wording.current_values(session, service)["contact:phone"] == "01632 960 123"
