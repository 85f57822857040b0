"""Correcting a child's details and a referral's facts through the pages."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.models import Referral, ReferralStatus, Role, User
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _form(html: str) -> dict[str, list[str]]:
    """What the page's form would send as it stands: text inputs, checked boxes and radios,
    selected options and text areas (enough for these forms)."""
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in {"checkbox", "radio"} and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        data[name] = [chosen.group(1) if chosen else ""]
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = [body.strip()]
    data.pop("submit", None)
    return data


def test_a_practitioner_corrects_a_misspelt_name_and_the_case_shows_the_history(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    old = referral.child.first_name
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    page = worker.get(f"/cases/{referral.id}")
    assert "None: nothing about this case or its child has been corrected." in text_of(page)
    url = f"/cases/{referral.id}/correct/child"
    assert url in page.get_data(as_text=True)
    form = _form(worker.get(url).get_data(as_text=True))
    assert form["first_name"] == [old]
    form["first_name"] = ["Testchilda"]

    # Without a reason: an error summary, and nothing saved.
    response = worker.post(url, data=form)
    assert response.status_code == 400
    assert error_summary(response) == [("#reason", "Select why you are correcting this")]
    assert 'value="Testchilda"' in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Referral, referral.id).child.first_name == old  # type: ignore[union-attr]

    form["reason"] = ["typo"]
    response = worker.post(url, data=form)
    assert response.status_code == 302, error_summary(response)
    case = text_of(worker.get(f"/cases/{referral.id}"))
    assert "The child's details are corrected." in case
    assert f"Child: first name {old} Testchilda A typing mistake." in case

    # The same form again (its version is old now): refused as changed meanwhile.
    response = worker.post(url, data={**form, "first_name": ["Other"]})
    assert response.status_code == 400
    assert "Someone else changed this case" in error_summary(response)[0][1]


def test_the_police_correct_a_referral_until_it_is_decided(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    officer = _client(app, factory.cast(Role.POLICE_OFFICER))
    assert officer.get(f"/cases/{referral.id}/correct/child").status_code == 403
    url = f"/cases/{referral.id}/correct/referral"
    assert url in officer.get(f"/cases/{referral.id}").get_data(as_text=True)
    form = _form(officer.get(url).get_data(as_text=True))
    assert form["offences-0-gravity_score"] == ["3"]
    assert form["recorded"] == ["1"]
    # Offence 1 was recorded in error; a second, left out, is added with a problem in it.
    form.update(
        {
            "offences-0-remove": ["y"],
            "offences-1-offence_type": ["criminal_damage"],
            "offences-1-description": [""],
            "offences-1-gravity_score": ["2"],
            "reason": ["recorded_wrongly"],
        }
    )
    response = officer.post(url, data=form)
    assert response.status_code == 400
    # The message lands on the entry it is about, not the first.
    assert error_summary(response) == [("#offences-1-description", "Describe offence 1")]
    form["offences-1-description"] = ["Kicked a wing mirror off a parked car."]
    response = officer.post(url, data=form)
    assert response.status_code == 302, error_summary(response)
    session.expire_all()
    corrected = session.get(Referral, referral.id)
    assert corrected is not None
    assert [o.offence_type for o in corrected.offences] == ["criminal_damage"]
    assert corrected.gravity_score == 2
    case = text_of(officer.get(f"/cases/{referral.id}"))
    assert "Offence: offence removed" in case
    assert "Referral: gravity score (the highest of the offences) 3 2" in case

    decided = factory.referral_at(S.DECIDED)
    page = officer.get(f"/cases/{decided.id}")
    assert f"/cases/{decided.id}/correct/referral" not in page.get_data(as_text=True)
    page = text_of(officer.get(f"/cases/{decided.id}/correct/referral"))
    assert "only a YJS manager can correct its facts now" in page
    response = officer.post(
        f"/cases/{decided.id}/correct/referral",
        data={"police_reference": "NB/1/26", "reason": "typo"},
    )
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Referral, decided.id).police_reference != "NB/1/26"  # type: ignore[union-attr]


def test_a_parent_left_off_the_referral_is_added(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    url = f"/cases/{referral.id}/correct/contacts/new"
    form = _form(worker.get(url).get_data(as_text=True))
    form.update(
        {
            "contact_name": ["Sam Parent"],
            "contact_relationship": ["father"],
            "reason": ["recorded_wrongly"],
            "note": ["Lives with the child; was left off the referral."],
        }
    )
    response = worker.post(url, data=form)
    assert response.status_code == 302, error_summary(response)
    case = text_of(worker.get(f"/cases/{referral.id}"))
    assert "Sam Parent (father)" in case
    assert "Parent or carer: parent or carer added Not recorded Sam Parent" in case
    assert worker.get(f"/cases/{referral.id}/correct/contacts/999999").status_code == 404


def test_the_evaluation_says_how_corrections_count_and_how_many_there_were(
    app: Flask, factory: Factory, session: Session
) -> None:
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    for _ in range(6):
        referral = factory.referral()
        url = f"/cases/{referral.id}/correct/child"
        form = _form(worker.get(url).get_data(as_text=True))
        form.update({"ethnicity": ["white_irish"], "reason": ["recorded_wrongly"]})
        assert worker.post(url, data=form).status_code == 302
    analyst = _client(app, factory.cast(Role.ANALYST))
    page = text_of(analyst.get("/reports"))
    assert "A correction never rewrites it" in page
    assert "Corrections made in the period: 6." in page
    assert "6 recorded wrongly, 0 typing mistakes or changes since" in page
