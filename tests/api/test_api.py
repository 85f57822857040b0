"""The API for police systems, as a police system uses it: submit a referral, read its outcome,
record the delivery; and what it refuses (no secret, a revoked one, a missing scope, another
service's case, a replayed key with another body, too many calls), always as a problem."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import (
    ApiScope,
    AuditEntry,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
)
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import api_clients
from tests.api.helpers import call, pointers, problem, referral_body, register
from tests.factories import Factory
from tests.web.helpers import sign_in

REFERRALS = "/api/v1/referrals"


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Referral)) or 0


# --- Submitting --------------------------------------------------------------------------------


def test_a_submitted_referral_is_saved_as_the_clients_officer_would_save_it(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    registered = register(factory)
    body = referral_body()
    response = call(client, "POST", REFERRALS, registered.secret, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    saved = response.get_json()
    assert saved["police_reference"] == body["police_reference"].upper()
    assert saved["status"] == "referred"
    assert saved["decision"] is None
    assert response.headers["Location"] == f"{REFERRALS}/{saved['id']}"
    assert response.headers["Idempotent-Replayed"] == "false"
    referral = session.get(Referral, saved["id"])
    assert referral is not None
    assert referral.service_id == registered.client.service_id
    assert referral.child.postcode == "NB1 1AA"  # as the form keeps it
    assert referral.child.contacts[0].full_name == "Pat Parent"
    event = session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ).one()
    assert event.trigger == "refer"
    assert event.actor_id == registered.client.user_id
    assert event.actor is not None
    assert event.actor.full_name == "Niche RMS, Northbrook Police (police system)"


def test_a_notification_of_an_outcome_the_police_gave_alone(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    body = referral_body(
        route="notification", police_outcome="community_resolution", proposed_outcome=None
    )
    del body["proposed_outcome"]
    response = call(client, "POST", REFERRALS, registered.secret, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["status"] == "notified"
    assert response.get_json()["outcome"]["code"] == "community_resolution"


def test_the_forms_rules_refuse_a_referral_naming_each_field_and_nothing_is_saved(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    registered = register(factory)
    body = referral_body()
    body["child"]["date_of_birth"] = (local_today() - dt.timedelta(days=365 * 8)).isoformat()
    body["child"]["sex"] = "unknown"
    body["contact"]["full_name"] = "   "
    body["offences"][0]["gravity_score"] = 9
    body["officer_name"] = ""
    before = _count(session)
    response = call(client, "POST", REFERRALS, registered.secret, json=body)
    assert response.status_code == 422
    assert problem(response)["type"] == "/api/v1/problems/invalid-input"
    errors = pointers(response)
    assert errors["#/child/date_of_birth"].startswith("The child was 7 on the offence date")
    assert errors["#/child/sex"] == "Select the child's sex"
    assert errors["#/contact/full_name"] == "Enter the name of a parent or carer"
    assert (
        errors["#/offences/0/gravity_score"]
        == "Gravity score for offence 1 must be between 1 and 5"
    )
    assert errors["#/officer_name"] == "Enter the name of the referring officer"
    assert _count(session) == before


def test_a_body_of_the_wrong_shape_is_refused_by_field(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    body = referral_body(surprise=True)
    body["offences"][0]["gravity_score"] = "3"
    body["child"]["needs_interpreter"] = "yes"
    del body["child"]["first_name"]
    response = call(client, "POST", REFERRALS, registered.secret, json=body)
    assert response.status_code == 422
    errors = pointers(response)
    assert set(errors) == {
        "#/surprise",
        "#/offences/0/gravity_score",
        "#/child/needs_interpreter",
        "#/child/first_name",
    }


def test_a_retried_submission_with_its_idempotency_key_returns_the_first_result(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    registered = register(factory)
    body = referral_body()
    key = {"Idempotency-Key": "4d4b6c1e-5bd5-4d0c-8f3a-1a2b3c4d5e6f"}
    first = call(client, "POST", REFERRALS, registered.secret, json=body, headers=key)
    assert first.status_code == 201
    before = _count(session)
    # The same request again (its keys in another order: the same JSON).
    again = call(
        client,
        "POST",
        REFERRALS,
        registered.secret,
        headers=key,
        json=dict(reversed(list(body.items()))),
    )
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(session) == before
    # The same key with another request is refused, and saves nothing.
    other = call(
        client,
        "POST",
        REFERRALS,
        registered.secret,
        headers=key,
        json={**body, "officer_name": "PC Someone Else"},
    )
    assert other.status_code == 422
    assert problem(other)["type"] == "/api/v1/problems/idempotency-key-reused"
    assert _count(session) == before
    # Another client may use the same key for its own submission.
    stranger = register(factory)
    theirs = call(client, "POST", REFERRALS, stranger.secret, json=body, headers=key)
    assert theirs.status_code == 201
    assert theirs.get_json()["id"] != first.get_json()["id"]


def test_a_refused_submission_keeps_no_result_so_its_key_can_be_sent_again_put_right(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    key = {"Idempotency-Key": "first-attempt"}
    wrong = referral_body(officer_name="")
    assert (
        call(client, "POST", REFERRALS, registered.secret, json=wrong, headers=key).status_code
        == 422
    )
    right = call(
        client,
        "POST",
        REFERRALS,
        registered.secret,
        headers=key,
        json={**wrong, "officer_name": "PC Right"},
    )
    assert right.status_code == 201


# --- Who may call ------------------------------------------------------------------------------


def test_no_secret_or_a_wrong_one_is_refused(client: FlaskClient, factory: Factory) -> None:
    register(factory)
    for secret in (None, "oocd_not-a-real-secret", "something else"):
        response = call(client, "GET", f"{REFERRALS}?police_reference=X", secret)
        assert response.status_code == 401
        assert problem(response)["type"] == "/api/v1/problems/credentials-not-valid"
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="oocd-panel"')


def test_a_revoked_client_is_refused_from_its_next_call(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    path = f"{REFERRALS}?police_reference=X"
    assert call(client, "GET", path, registered.secret).status_code == 200
    admin = factory.user(Role.ADMIN, services=[registered.client.service])
    api_clients.revoke(factory.session, admin, registered.client.id)
    response = call(client, "GET", path, registered.secret)
    assert response.status_code == 401
    assert "revoked" in problem(response)["detail"]


def test_each_operation_needs_its_scope(client: FlaskClient, factory: Factory) -> None:
    reader = register(factory, [ApiScope.READ_OUTCOMES.value])
    decided = factory.referral_at(ReferralStatus.DECIDED)
    submitted = call(client, "POST", REFERRALS, reader.secret, json=referral_body())
    assert submitted.status_code == 403
    assert problem(submitted)["type"] == "/api/v1/problems/scope-missing"
    delivery = call(
        client,
        "POST",
        f"{REFERRALS}/{decided.id}/delivery",
        reader.secret,
        json={"outcome": "given", "delivered_on": local_today().isoformat()},
    )
    assert delivery.status_code == 403
    submitter = register(factory, [ApiScope.SUBMIT_REFERRALS.value])
    assert call(client, "GET", f"{REFERRALS}/{decided.id}", submitter.secret).status_code == 403
    assert call(client, "GET", f"{REFERRALS}/{decided.id}", reader.secret).status_code == 200


def test_a_client_never_sees_or_changes_another_services_cases(
    client: FlaskClient, factory: Factory
) -> None:
    theirs = factory.referral_at(ReferralStatus.DECIDED)  # the default service's
    other = register(factory, service=factory.service("other-yjs"))
    assert call(client, "GET", f"{REFERRALS}/{theirs.id}", other.secret).status_code == 404
    found = call(
        client, "GET", f"{REFERRALS}?police_reference={theirs.police_reference}", other.secret
    )
    assert found.status_code == 200
    assert found.get_json() == {"items": []}
    waiting = call(client, "GET", "/api/v1/outcomes/awaiting-delivery", other.secret)
    assert waiting.get_json()["items"] == []
    delivery = call(
        client,
        "POST",
        f"{REFERRALS}/{theirs.id}/delivery",
        other.secret,
        json={"outcome": "declined", "delivered_on": local_today().isoformat(), "notes": "No."},
    )
    assert delivery.status_code == 404
    assert factory.session.get(Referral, theirs.id).status is ReferralStatus.DECIDED  # type: ignore[union-attr]


def test_a_browser_session_is_never_enough(client: FlaskClient, factory: Factory) -> None:
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    response = client.get(f"{REFERRALS}?police_reference=X")
    assert response.status_code == 401
    problem(response)


def test_too_many_calls_are_refused_with_retry_after(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory, calls_per_minute=3)
    app.config["API_CALLS_PER_MINUTE"] = 3
    try:
        path = f"{REFERRALS}?police_reference=X"
        assert [call(client, "GET", path, registered.secret).status_code for _ in range(3)] == [
            200
        ] * 3
        refused = call(client, "GET", path, registered.secret)
        assert refused.status_code == 429
        assert problem(refused)["type"] == "/api/v1/problems/rate-limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 20
        # Another client's calls are its own.
        assert call(client, "GET", path, register(factory).secret).status_code == 200
    finally:
        app.config["API_CALLS_PER_MINUTE"] = 120


def test_the_rate_refills_with_time(factory: Factory, session: Session) -> None:
    registered = register(factory, calls_per_minute=60)
    client = registered.client
    now = client.rate_checked_at

    def make_call(at: dt.datetime) -> None:
        api_clients.admit(session, registered.secret, calls_per_minute=60, now=at)
        with unit_of_work(session):
            api_clients.spend_call(session, client, calls_per_minute=60, now=at)
        session.refresh(client)

    for _ in range(60):
        make_call(now)
    with pytest.raises(api_clients.RateLimited) as refused:
        make_call(now)
    assert refused.value.retry_after == 1
    later = now + dt.timedelta(seconds=2)
    make_call(later)
    make_call(later)
    with pytest.raises(api_clients.RateLimited):
        make_call(later)


# --- Reading outcomes --------------------------------------------------------------------------


def test_an_outcome_read_by_police_reference(client: FlaskClient, factory: Factory) -> None:
    registered = register(factory)
    decided = factory.referral_at(ReferralStatus.DECIDED, disposal="youth_conditional_caution")
    reference = decided.police_reference.lower()
    found = call(client, "GET", f"{REFERRALS}?police_reference={reference}", registered.secret)
    assert found.status_code == 200
    [case] = found.get_json()["items"]
    assert case["id"] == decided.id
    assert case["status"] == "decided"
    assert case["awaiting_delivery"] is True
    assert case["decision"]["outcome"]["code"] == "youth_conditional_caution"
    assert case["decision"]["outcome"]["name"].startswith("Youth conditional caution")
    assert case["decision"]["conditions"]
    assert set(case["decision"]["conditions"][0]) == {"text", "due_on"}
    assert set(case) == {
        "id",
        "police_reference",
        "route",
        "status",
        "status_label",
        "received_on",
        "offence_date",
        "proposed_outcome",
        "outcome",
        "decision",
        "deliveries",
        "awaiting_delivery",
        "closure_reason",
        "closed_at",
        "version",
    }


def test_outcomes_awaiting_delivery_come_a_page_at_a_time(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    waiting = [factory.referral_at(ReferralStatus.DECIDED) for _ in range(3)]
    factory.referral_at(ReferralStatus.OUTCOME_DELIVERED)
    seen: list[int] = []
    path = "/api/v1/outcomes/awaiting-delivery?limit=2"
    while path:
        page = call(client, "GET", path, registered.secret)
        assert page.status_code == 200
        seen += [case["id"] for case in page.get_json()["items"]]
        after = page.get_json()["next_after"]
        path = f"/api/v1/outcomes/awaiting-delivery?limit=2&after={after}" if after else ""
    assert sorted(seen) == sorted(r.id for r in waiting)
    bad = call(
        client, "GET", "/api/v1/outcomes/awaiting-delivery?after=yesterday", registered.secret
    )
    assert bad.status_code == 422
    assert "after" in pointers(bad)


def test_every_call_is_audited_and_each_case_it_read(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    registered = register(factory)
    decided = factory.referral_at(ReferralStatus.DECIDED)
    before = session.scalar(select(func.max(AuditEntry.id))) or 0
    call(client, "GET", f"{REFERRALS}/{decided.id}", registered.secret)
    call(client, "GET", f"{REFERRALS}/{decided.id}", "oocd_wrong")
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.id > before).order_by(AuditEntry.id)
    ).all()
    calls = [r for r in rows if r.action == "api_call"]
    assert [(c.record_id, c.details["status"], c.actor_id) for c in calls] == [
        (str(registered.client.id), 200, registered.client.user_id),
        ("unknown", 401, None),
    ]
    assert calls[0].details["operation"] == "get_referral"
    views = [r for r in rows if r.action == "view"]
    assert [(v.record_id, v.child_id, v.actor_id) for v in views] == [
        (str(decided.id), decided.child_id, registered.client.user_id)
    ]


# --- Recording the delivery ---------------------------------------------------------------------


def test_a_delivery_recorded_by_a_police_system(client: FlaskClient, factory: Factory) -> None:
    registered = register(factory)
    decided = factory.referral_at(ReferralStatus.DECIDED, disposal="youth_caution")
    path = f"{REFERRALS}/{decided.id}/delivery"
    today = local_today().isoformat()
    missing = call(
        client, "POST", path, registered.secret, json={"outcome": "given", "delivered_on": today}
    )
    assert missing.status_code == 422
    assert (
        pointers(missing)["#/legal_advice_offered"]
        == "Free legal advice must be offered before a caution"
    )
    stale = call(
        client,
        "POST",
        path,
        registered.secret,
        json={"outcome": "declined", "delivered_on": today, "notes": "Would not.", "version": 1},
    )
    assert stale.status_code == 409
    assert problem(stale)["type"] == "/api/v1/problems/case-changed"
    given = {
        "outcome": "given",
        "delivered_on": today,
        "appropriate_adult_present": True,
        "appropriate_adult_name": "Pat Parent",
        "legal_advice_offered": True,
        "legal_advice_taken": False,
        "admission_confirmed": True,
        "version": decided.version,
    }
    done = call(client, "POST", path, registered.secret, json=given)
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["status"] == "outcome_delivered"
    assert done.get_json()["deliveries"][0]["outcome"] == "given"
    assert done.get_json()["awaiting_delivery"] is False
    again = call(client, "POST", path, registered.secret, json={**given, "version": None})
    assert again.status_code == 409
    assert problem(again)["type"] == "/api/v1/problems/not-allowed-now"


def test_a_child_declining_outcome_22_closes_the_case(
    client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    decided = factory.referral_at(ReferralStatus.DECIDED, disposal="outcome_22")
    response = call(
        client,
        "POST",
        f"{REFERRALS}/{decided.id}/delivery",
        registered.secret,
        json={
            "outcome": "declined",
            "delivered_on": local_today().isoformat(),
            "notes": "Said no.",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "closed"
    assert response.get_json()["closure_reason"] == "declined"


# --- Errors are problems, never pages ------------------------------------------------------------


def test_http_errors_under_the_api_are_problems(client: FlaskClient, factory: Factory) -> None:
    registered = register(factory)
    secret = registered.secret
    assert problem(call(client, "GET", "/api/v1/no-such-thing", secret))["status"] == 404
    assert problem(call(client, "GET", "/api/v2/referrals", secret))["status"] == 404
    not_allowed = call(client, "DELETE", REFERRALS, secret)
    assert problem(not_allowed)["status"] == 405
    assert "POST" in not_allowed.headers["Allow"]
    bad_json = call(client, "POST", REFERRALS, secret, data="{", content_type="application/json")
    assert problem(bad_json)["status"] == 400
    form = call(client, "POST", REFERRALS, secret, data={"police_reference": "X"})
    assert problem(form)["status"] == 415
    huge = call(
        client,
        "POST",
        REFERRALS,
        secret,
        data="[" + "1," * 600_000 + "1]",
        content_type="application/json",
    )
    assert problem(huge)["status"] == 413
    assert problem(call(client, "GET", f"{REFERRALS}/99999999", secret))["status"] == 404
    # Pages are still pages.
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.content_type.startswith("text/html")


def test_csrf_does_not_apply_to_the_api_but_still_to_the_pages(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    registered = register(factory)
    app.config["WTF_CSRF_ENABLED"] = True
    submitted = call(client, "POST", REFERRALS, registered.secret, json=referral_body())
    assert submitted.status_code == 201
    officer = factory.cast(Role.POLICE_OFFICER)
    app.config["WTF_CSRF_ENABLED"] = False
    sign_in(client, officer)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.post("/police", data={"police_reference": "X"})
    assert page.status_code == 400
    assert page.content_type.startswith("text/html")
