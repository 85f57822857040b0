"""Letters in the family's language through the pages: awaiting review (English, with the
sentence in their language), a manager recording a translator's approval, the letter then in
Welsh (and bilingual where the service says so), and a wording change needing a new review."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.letters import feedback, render
from oocd_panel.models import AuditEntry, Letter, ReferralStatus, Role, TranslationApproval, User
from oocd_panel.services import letters
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus
PHONE = "01632 960 123"


def _parts(html: str) -> list[str]:
    """The languages of the letter's parts on a page, in order."""
    return re.findall(r'<article class="app-letter[^"]*" lang="(\w+)">', html)


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _welsh_case(factory: Factory, session: Session) -> int:
    factory.approved_wording({"contact:phone": PHONE})
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    referral.child.first_language = "Cymraeg"
    session.commit()
    return referral.id


def _approve(manager: FlaskClient, factory: Factory, language: str = "cy") -> None:
    url = f"/services/{factory.service().id}/translations/{language}"
    page = manager.get(url)
    assert page.status_code == 200
    seen = page.get_data(as_text=True).split('name="seen" type="hidden" value="')[1].split('"')[0]
    response = manager.post(
        url, data={"seen": seen, "reviewer_name": "Gwen Jones", "confirmed": "y"}
    )
    assert response.status_code == 302, error_summary(response)


def test_a_welsh_speakers_letter_awaits_review_then_goes_in_welsh_once_approved(
    app: Flask, factory: Factory, session: Session
) -> None:
    case_id = _welsh_case(factory, session)
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    preview = worker.get(f"/cases/{case_id}/letters/child")
    html = preview.get_data(as_text=True)
    text = text_of(preview)
    # Awaiting review: English, with the Welsh sentence first, and the page says why.
    assert "Checks passed" in text
    assert _parts(html) == ["en"]
    assert '<p class="app-letter__notice" lang="cy"><strong>Bydd llythyr yn Gymraeg' in html
    assert "Their record says: Cymraeg." in text
    assert "awaiting a reviewer" in text
    # The app's own words stay English around it.
    assert '<html lang="en"' in html
    response = worker.post(f"/cases/{case_id}/letters/child", data={})
    assert response.status_code == 302, error_summary(response)
    first = session.scalars(select(Letter)).one()
    assert (first.languages, first.pending_language) == ("en", "cy")
    assert "Bydd llythyr yn Gymraeg yn dilyn" in first.html

    # A manager reads the Welsh letters beside the English ones and records the approval.
    manager = _client(app, factory.cast(Role.MANAGER))
    listing = text_of(manager.get("/translations"))
    assert "Welsh (Cymraeg)" in listing
    assert "Awaiting review" in listing
    service_id = factory.service().id
    review = manager.get(f"/services/{service_id}/translations/cy")
    assert "Youth caution" in text_of(review)
    pair = manager.get(f"/services/{service_id}/translations/cy/youth_caution-child_14_17")
    both = pair.get_data(as_text=True)
    assert _parts(both) == ["cy", "en"]
    assert "Cyfeirnod: NB/12345/26" in both  # the template's own word, in Welsh
    # Without a name, or without confirming: an error summary, nothing recorded.
    refused = manager.post(
        f"/services/{service_id}/translations/cy", data={"reviewer_name": "", "confirmed": "y"}
    )
    assert refused.status_code == 400
    assert error_summary(refused) == [
        ("#reviewer_name", "Enter the name of the qualified translator who reviewed them")
    ]
    assert session.query(TranslationApproval).count() == 0
    _approve(manager, factory)
    approval = session.scalars(select(TranslationApproval)).one()
    assert approval.reviewer_name == "Gwen Jones"
    assert approval.recorded_by_id == factory.cast(Role.MANAGER).id
    assert session.scalars(
        select(AuditEntry).where(AuditEntry.action == "approve_translation")
    ).one()
    assert "Approved" in text_of(manager.get("/translations"))

    # The letter promised in Welsh can go now: in Welsh, on the page as in the PDF.
    listing = text_of(worker.get(f"/cases/{case_id}/letters"))
    assert "The letter in Welsh that was promised can go now" in listing
    preview = worker.get(f"/cases/{case_id}/letters/child")
    html = preview.get_data(as_text=True)
    assert _parts(html) == ["cy"]
    assert "Annwyl" in html
    _, draft = letters.draft_for(session, factory.cast(Role.PRACTITIONER), case_id, "child")
    # The page shows what the PDF will say (the feedback link's place kept for it).
    assert str(render.fragment(draft.letter, feedback=feedback.PREVIEW)) in html
    response = worker.post(f"/cases/{case_id}/letters/child", data={})
    assert response.status_code == 302, error_summary(response)
    second = session.scalars(select(Letter).order_by(Letter.id.desc())).first()
    assert second is not None
    assert (second.languages, second.pending_language) == ("cy", None)
    assert '<html lang="cy">' in second.html


def test_a_wording_change_needs_a_new_review_and_an_own_text_has_no_translation(
    app: Flask, factory: Factory, session: Session
) -> None:
    case_id = _welsh_case(factory, session)
    manager = _client(app, factory.cast(Role.MANAGER))
    _approve(manager, factory)
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    assert _parts(worker.get(f"/cases/{case_id}/letters/child").get_data(as_text=True)) == ["cy"]
    own = "You told the police you did it. It is a warning. You do not go to court."
    factory.approved_wording({"disposal:youth_caution:child_meaning": own})
    # The approval was for the wording as it was: English again, with the Welsh sentence.
    preview = worker.get(f"/cases/{case_id}/letters/child")
    assert _parts(preview.get_data(as_text=True)) == ["en"]
    assert "Awaiting review" in text_of(manager.get("/translations"))
    review = text_of(manager.get(f"/services/{factory.service().id}/translations/cy"))
    assert f"it uses the service's own wording “{own}”, which has no translation" in review
    # Approved again: the letters that use the service's own text still go in English.
    _approve(manager, factory)
    text = text_of(worker.get(f"/cases/{case_id}/letters/child"))
    assert "the service's own wording" in text
    assert own in text


def test_a_welsh_service_sends_letters_in_welsh_and_english_welsh_first(
    app: Flask, factory: Factory, session: Session
) -> None:
    case_id = _welsh_case(factory, session)
    admin = _client(app, factory.cast(Role.ADMIN))
    url = f"/admin/services/{factory.service().id}/settings"
    page = admin.get(url)
    assert "Send letters in Welsh and English?" in text_of(page)
    form = {
        "decision_rule": "joint",
        "majority_tie_break": "police_decision_maker",
        "quorum_other_members": "2",
        "votes_hidden_until_all_cast": "yes",
        "escalation_due_days": "5",
        "assessment_due_working_days": "10",
        "decision_target_days": "30",
        "delivery_target_days": "45",
        "suppression_threshold": "5",
        "retention_years_after_closure": "6",
        "retention_until_age": "18",
        "bilingual_letters": "yes",
    }
    response = admin.post(url, data=form)
    assert response.status_code == 302, error_summary(response)
    _approve(_client(app, factory.cast(Role.MANAGER)), factory)
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    session.expire_all()  # the pages saved the settings in their own session
    _, drafts = letters.drafts(session, factory.cast(Role.PRACTITIONER), case_id)
    parent = drafts[1]
    assert parent.edition.languages == ("cy", "en"), parent.edition.why  # English: both
    html = worker.get(f"/cases/{case_id}/letters/{parent.recipient.key}").get_data(as_text=True)
    assert _parts(html) == ["cy", "en"]
    assert "(in one letter, Welsh first)" in html
    assert drafts[0].edition.languages == ("cy",)  # the Welsh-speaking child: Welsh alone


def test_only_administrators_and_managers_review_translations(app: Flask, factory: Factory) -> None:
    for role in (Role.PRACTITIONER, Role.POLICE_OFFICER, Role.ANALYST):
        client = _client(app, factory.cast(role))
        assert client.get("/translations").status_code == 403
        response = client.get(f"/services/{factory.service().id}/translations/cy")
        assert response.status_code == 403
    manager = _client(app, factory.cast(Role.MANAGER))
    assert manager.get(f"/services/{factory.service().id}/translations/xx").status_code == 404
