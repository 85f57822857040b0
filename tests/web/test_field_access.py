"""Field-level protection: nothing a police officer can reach shows a child's health, SEND,
communication, exploitation or assessment details, nor anything written in an assessment, its
review or its return directions.

Every free-text column the product stores is classified below, so a new one cannot be added
without saying whether the police may read it; the test writes a marker into each column the
police may not read, on real cases, and reads every page a police officer can open."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, String, Text, select
from sqlalchemy.orm import Session

from oocd_panel.models import (
    AuditAnswer,
    InterventionNote,
    QualityAudit,
    QualityAuditAnswer,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
)
from oocd_panel.models.types import json_type
from oocd_panel.plumbing.db import Base
from oocd_panel.workflow import ACTIONS_BY_TRIGGER
from tests.api.helpers import call, register
from tests.factories import Factory
from tests.web.helpers import sign_in
from tests.web.test_access import _endpoints, _url

MARK = "ZQXSENSITIVE"

# Free text (and JSON holding free text) the police never read, by table and column.
POLICE_NEVER = {
    ("child", "neurodiversity_details"),
    ("child", "communication_needs"),
    ("assessment_section", "answers"),
    ("assessment_version", "content"),
    ("assessment_version", "warnings"),
    ("assessment_version", "review_comment"),
    # The reasons of the assessment's steps: its notes, review comment and return directions.
    ("referral_event", "reason"),
    ("quality_audit", "summary"),
    ("quality_audit_answer", "comment"),
    ("intervention_note", "text"),
    # Corrections of sensitive fields are not shown to them (rules/corrections.py).
    ("correction", "note"),
    # Scrutiny panel packs are prepared by the YJS's managers: the redacted texts (from the
    # assessment and the panel's reasoning), the panel's comments and the sample's make-up.
    ("scrutiny_redaction", "text"),
    ("scrutiny_rating", "comments"),
    ("scrutiny_sample", "decisions_by_outcome"),
}
# What the police may read: what they wrote or need to act on, the decision they deliver, and
# things that are not about a case (settings, users, letters' wording).
POLICE_MAY = {
    ("referral", "officer_name"),
    ("referral", "officer_email"),
    ("referral", "victim_details"),
    ("referral", "victim_views"),
    ("offence", "description"),
    ("contact", "full_name"),
    ("contact", "email"),
    ("contact", "address"),
    ("child", "address_line_1"),
    ("child", "address_line_2"),
    ("correction", "old_value"),
    ("correction", "new_value"),
    ("decision", "interventions"),
    ("decision", "conditions"),
    ("decision", "tally"),
    ("decision", "dissent"),
    ("decision", "confirmation_rationale"),
    ("decision", "departure_rationale"),
    ("delivery", "appropriate_adult_name"),
    ("delivery", "notes"),
    ("escalation", "rationale"),
    ("escalation", "yjs_manager_view"),
    ("escalation", "proposal"),
    ("agenda_item", "rule_note"),
    ("panel_meeting", "place"),
    ("panel_member", "name"),
    ("panel_conflict", "reason"),
    ("panel_vote", "interventions"),
    ("panel_vote", "rationale"),
    ("referral_event", "details"),
    ("referral_event", "snapshot"),
    ("letter", "recipient_name"),
    ("letter", "address"),
    ("letter", "html"),
    ("wording_version", "values"),
    ("wording_version", "changed"),
    ("wording_version", "reason"),
    ("translation_approval", "reviewer_name"),
    ("assessment", "contributor_ids"),
    ("service", "name"),
    ("service", "settings"),
    ("setting_change", "old_value"),
    ("setting_change", "new_value"),
    ("sign_in_attempt", "email"),
    ("user_account", "email"),
    ("user_account", "full_name"),
    ("user_account", "password_hash"),
    ("user_account", "totp_secret"),
    ("user_account", "totp_pending_secret"),
    ("audit_entry", "details"),
    ("identity_provider", "organisation"),
    ("identity_provider", "issuer"),
    ("identity_provider", "client_id"),
    ("identity_provider", "client_secret"),
    # A police system's API client (who it is), and the first result of a call made with an
    # Idempotency-Key: the case as the police read it.
    ("api_client", "name"),
    ("api_client", "police_force"),
    ("api_client", "scopes"),
    ("api_idempotent_result", "key"),
    ("api_idempotent_result", "response"),
}


def _free_text_columns() -> set[tuple[str, str]]:
    found = set()
    json_kind = type(json_type())
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            long_string = isinstance(kind, String) and (kind.length or 0) >= 200
            if isinstance(kind, Text | JSON | json_kind) or long_string:
                found.add((table.name, column.name))
    return found


def test_every_free_text_column_says_whether_the_police_may_read_it() -> None:
    unclassified = _free_text_columns() - POLICE_NEVER - POLICE_MAY
    assert not unclassified, "say in POLICE_NEVER or POLICE_MAY whether the police may read it"
    assert not POLICE_NEVER & POLICE_MAY


def _marked(value: Any, where: str) -> Any:
    if isinstance(value, str) and value:
        return f"{MARK}-{where}"
    if isinstance(value, dict):
        return {k: _marked(v, f"{where}-{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v, f"{where}-{i}") for i, v in enumerate(value)]
    return value


def _mark_case(factory: Factory, session: Session, referral: Referral) -> None:
    """A marker in every field of the case the police must not read."""
    child = referral.child
    child.communication_needs = f"{MARK}-communication"
    child.neurodiversity_details = f"{MARK}-neurodiversity"
    assessment = referral.assessment
    if assessment is not None:
        for section in assessment.sections:
            section.answers = _marked(section.answers, section.key)
        for version in assessment.versions:
            version.content = _marked(version.content, f"v{version.number}")
            version.warnings = [f"{MARK}-warning"]
            version.review_comment = f"{MARK}-review-{version.number}"
    for event in session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ):
        action = ACTIONS_BY_TRIGGER.get(event.trigger)
        if (
            action is not None
            and action.reason_readers
            and Role.POLICE_OFFICER not in (action.reason_readers)
        ):
            event.reason = f"{MARK}-event-{event.trigger}"
    session.add(
        QualityAudit(
            referral_id=referral.id,
            auditor_id=factory.cast(Role.MANAGER).id,
            summary=f"{MARK}-audit",
            answers=[
                QualityAuditAnswer(
                    standard="assessment",
                    question="desistance",
                    answer=AuditAnswer.NO,
                    comment=f"{MARK}-audit-answer",
                )
            ],
        )
    )
    session.add(
        InterventionNote(
            referral_id=referral.id,
            author_id=factory.cast(Role.PRACTITIONER).id,
            text=f"{MARK}-intervention-note",
        )
    )
    session.commit()


def _police_pages(app: Flask, referral: Referral) -> list[str]:
    pages = [
        f"/police?police_reference={referral.police_reference}",
        f"/police/cases/{referral.id}",
    ]
    for _endpoint, (rule, methods) in _endpoints(app).items():
        if "GET" in methods and "sign-out" not in rule:
            pages.append(_url(rule, referral))
    return pages


def test_no_page_a_police_officer_can_reach_shows_sensitive_fields(
    app: Flask, client: FlaskClient, factory: Factory, session: Session
) -> None:
    delivered = factory.referral_at(ReferralStatus.OUTCOME_DELIVERED)
    # A case whose assessment a manager returned with directions, then signed off.
    returned = factory.referral_at(ReferralStatus.AWAITING_SIGN_OFF)
    factory.act(returned, "return_for_rework", Role.MANAGER, reason="Analyse the exploitation.")
    factory.act(returned, "submit_for_sign_off", Role.PRACTITIONER)
    factory.act(returned, "sign_off", Role.MANAGER, reason="Now it is clear.")
    factory.to_panel(returned)
    for referral in (delivered, returned):
        _mark_case(factory, session, referral)

    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    reached = 0
    for referral in (delivered, returned):
        for url in _police_pages(app, referral):
            response = client.get(url)
            if response.status_code == 200:
                reached += 1
            assert MARK not in response.get_data(as_text=True), url
        # The officer still sees that the assessment was returned, without the directions.
        page = client.get(f"/cases/{referral.id}").get_data(as_text=True)
        assert "Sign off the assessment" in page
    assert "Return the assessment with directions" in client.get(f"/cases/{returned.id}").get_data(
        as_text=True
    )
    assert reached >= 10  # the officer's own pages were really read
    # A police system reads what an officer does, through the API: no more.
    system = register(factory)
    for referral in (delivered, returned):
        for path in (
            f"/api/v1/referrals/{referral.id}",
            f"/api/v1/referrals?police_reference={referral.police_reference}",
            "/api/v1/outcomes/awaiting-delivery",
        ):
            response = call(client, "GET", path, system.secret)
            assert response.status_code == 200, path
            assert MARK not in response.get_data(as_text=True), path
    # The marked text is there to be found: YJS staff read it.
    worker = app.test_client()
    sign_in(worker, factory.cast(Role.PRACTITIONER))
    assert MARK in worker.get(f"/cases/{delivered.id}/assessment/versions/1").get_data(as_text=True)
    assert f"{MARK}-event-return_for_rework" in worker.get(f"/cases/{returned.id}").get_data(
        as_text=True
    )


CASE_MARK = "ZQXCASETEXT"


def test_no_page_an_analyst_can_reach_shows_any_case_text(
    app: Flask, client: FlaskClient, factory: Factory, session: Session
) -> None:
    """Analysts work from counts: no page of theirs shows what anyone wrote about a case, not
    even what the police may read."""
    referral = factory.referral_at(ReferralStatus.OUTCOME_DELIVERED)
    _mark_case(factory, session, referral)
    referral.victim_details = f"{CASE_MARK}-victim"
    referral.victim_views = f"{CASE_MARK}-views"
    referral.officer_name = f"{CASE_MARK}-officer"
    for offence in referral.offences:
        offence.description = f"{CASE_MARK}-offence"
    decision = referral.decision
    assert decision is not None
    decision.confirmation_rationale = f"{CASE_MARK}-rationale"
    session.commit()

    sign_in(client, factory.cast(Role.ANALYST))
    reached = 0
    for url in [*_police_pages(app, referral), "/reports?by=quarter"]:
        response = client.get(url)
        if response.status_code == 200:
            reached += 1
        body = response.get_data(as_text=True)
        assert MARK not in body, url
        assert CASE_MARK not in body, url
    assert reached >= 4  # the evaluation and its exports were really read
