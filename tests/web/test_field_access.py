"""Field-level protection: nothing a police officer can reach shows a child's health, SEND,
communication, exploitation or assessment details."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.models import ReferralStatus, Role
from tests.factories import Factory
from tests.web.helpers import sign_in
from tests.web.test_access import _endpoints, _url

MARK = "ZQXSENSITIVE"


def _marked(value: Any, where: str) -> Any:
    if isinstance(value, str) and value:
        return f"{MARK}-{where}"
    if isinstance(value, dict):
        return {k: _marked(v, f"{where}-{k}") for k, v in value.items()}
    return value


def test_no_page_a_police_officer_can_reach_shows_sensitive_fields(
    app: Flask, client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(ReferralStatus.OUTCOME_DELIVERED)
    child = referral.child
    child.communication_needs = f"{MARK}-communication"
    child.neurodiversity_details = f"{MARK}-neurodiversity"
    assessment = referral.assessment
    assert assessment is not None
    for section in assessment.sections:
        section.answers = _marked(section.answers, section.key)
    for version in assessment.versions:
        version.content = _marked(version.content, f"v{version.number}")
    session.commit()

    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    pages = [
        f"/police?police_reference={referral.police_reference}",
        f"/police/cases/{referral.id}",
    ]
    for _endpoint, (rule, methods) in _endpoints(app).items():
        if "GET" in methods and "sign-out" not in rule:
            pages.append(_url(rule, referral))
    reached = 0
    for url in pages:
        response = client.get(url)
        if response.status_code == 200:
            reached += 1
        assert MARK not in response.get_data(as_text=True), url
    assert reached >= 5  # the officer's own pages were really read
    # The marked text is there to be found: the practitioner's pages show it.
    worker = app.test_client()
    sign_in(worker, factory.cast(Role.PRACTITIONER))
    assert MARK in worker.get(f"/cases/{referral.id}/assessment/versions/1").get_data(as_text=True)
