"""Every endpoint, against every role and an anonymous visitor.

EXPECTED is the access policy written out by hand: a new view that is not listed here fails
the suite, and so does a view whose declared roles drift from the policy.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, Letter, Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today, utcnow
from oocd_panel.services import feedback, scrutiny
from oocd_panel.services.set_up_links import issue
from oocd_panel.web.access import API_TOKEN, rule_for
from tests.factories import Factory
from tests.web.helpers import sign_in, text_of

ANON = "anonymous"
CASE_READERS = {Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER, Role.POLICE_OFFICER}
REFERRERS = {Role.PRACTITIONER, Role.MANAGER, Role.POLICE_OFFICER}
EVERYONE = set(Role)
ASSESSMENT_READERS = {Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER}
YJS = {Role.PRACTITIONER, Role.MANAGER}
PANEL = {Role.PANEL_MEMBER, Role.MANAGER}

EXPECTED: dict[str, set[Role] | str | None] = {
    # None: public.
    "healthz": None,
    # The API for police systems: its caller's secret, never a session (tests/api).
    **{
        f"api.{name}": API_TOKEN
        for name in [
            "submit_referral",
            "find_referrals",
            "get_referral",
            "awaiting_delivery",
            "record_delivery",
        ]
    },
    # Its description and reference page: nothing about anyone.
    "api_docs.openapi": None,
    "api_docs.reference": None,
    # Administrators register their service's police systems.
    "api_clients.index": {Role.ADMIN},
    "api_clients.new": {Role.ADMIN},
    "api_clients.revoke": {Role.ADMIN},
    "auth.sign_in": None,
    "auth.sign_out": EVERYONE,
    # The second step of signing in: it checks the pending sign-in itself.
    "auth.two_factor_code": None,
    "auth.set_up_at_sign_in": None,
    # Signing in with a service's identity provider: the answer is checked by the view.
    "identity.start": None,
    "identity.callback": None,
    "identity.settings": {Role.ADMIN},
    "identity.remove": {Role.ADMIN},
    "account.two_factor_status": EVERYONE,
    "account.set_up_two_factor": EVERYONE,
    "account.new_recovery_codes": EVERYONE,
    "account.turn_off_two_factor": EVERYONE,
    "passwords.change": EVERYONE,
    # A set-up link's page checks its token itself; what to do about a forgotten password.
    "passwords.set_up": None,
    "passwords.forgotten": None,
    # A letter's family feedback page: its one-time link is checked by the view.
    "feedback.answer": None,
    **{
        f"users.{name}": {Role.ADMIN}
        for name in [
            "index",
            "new",
            "show",
            "edit",
            "set_up_link",
            "disable",
            "enable",
            "reset_two_factor",
        ]
    },
    "cases.my_work": EVERYONE,
    "cases.case_list": CASE_READERS,
    "cases.show": CASE_READERS,
    # The YJS correct a child and their parents or carers; the police (until the decision) and
    # YJS managers a referral's facts (the page refuses the police once it is decided).
    "corrections.child": YJS,
    "corrections.contact": YJS,
    "corrections.new_contact": YJS,
    "corrections.referral_facts": {Role.POLICE_OFFICER, Role.MANAGER},
    "cases.action": CASE_READERS,
    "cases.new_referral": REFERRERS,
    "cases.new_referral_for_child": REFERRERS,
    # Police officers never see the assessment.
    "assessments.task_list": ASSESSMENT_READERS,
    "assessments.section": ASSESSMENT_READERS,
    "assessments.version": ASSESSMENT_READERS,
    "assessments.submit": YJS,
    "assessments.review": {Role.MANAGER},
    "assessments.plan": YJS,
    "audits.index": {Role.MANAGER, Role.ANALYST},
    "audits.new": {Role.MANAGER},
    **{
        f"panels.{name}": PANEL
        for name in [
            "index",
            "new",
            "meeting",
            "attendance",
            "agenda",
            "close",
            "item",
            "open_vote",
            "conflict",
            "vote",
            "close_vote",
            "confirm",
            "pack",
            "minutes",
        ]
    },
    "outcomes.escalation": {Role.MANAGER, Role.POLICE_OFFICER, Role.PANEL_MEMBER},
    "outcomes.police_search": {Role.POLICE_OFFICER},
    "outcomes.police_case": {Role.POLICE_OFFICER},
    "outcomes.delivery": {Role.POLICE_OFFICER},
    "letters.index": {Role.PRACTITIONER, Role.MANAGER},
    "letters.letter": {Role.PRACTITIONER, Role.MANAGER},
    "letters.download": {Role.PRACTITIONER, Role.MANAGER},
    "letters.wording": {Role.ADMIN},
    # A change of the wording is drafted by an administrator and approved by another, or by a
    # manager of the service (the service refuses its author).
    "letters.wording_review": {Role.ADMIN, Role.MANAGER},
    "letters.wording_withdraw": {Role.ADMIN},
    "letters.wording_restore": {Role.ADMIN},
    "translations.index": {Role.MANAGER, Role.ADMIN},
    "translations.review": {Role.MANAGER, Role.ADMIN},
    "translations.letter": {Role.MANAGER, Role.ADMIN},
    "reports.index": {Role.ANALYST, Role.MANAGER},
    "reports.export": {Role.ANALYST, Role.MANAGER},
    "reports.extract_csv": {Role.ANALYST, Role.MANAGER},
    # The KPI return: its page suppressed; the return itself (unsuppressed) for managers.
    "reports.kpi_page": {Role.ANALYST, Role.MANAGER},
    "reports.kpi_return_csv": {Role.MANAGER},
    # Subject access: the child's whole record, for managers and administrators.
    "privacy.find": {Role.MANAGER, Role.ADMIN},
    "privacy.export": {Role.MANAGER, Role.ADMIN},
    "audit.search": {Role.MANAGER, Role.ADMIN},
    # Scrutiny panels: managers prepare the samples, packs and ratings; analysts read the report.
    **{
        f"scrutiny.{name}": {Role.MANAGER}
        for name in ["index", "new", "sample", "case", "redact", "rating", "download"]
    },
    "scrutiny.report": {Role.MANAGER, Role.ANALYST},
    "outcomes.notes": YJS,
    "outcomes.end_intervention": YJS,
    "outcomes.services": {Role.ADMIN},
    "outcomes.service_settings": {Role.ADMIN},
}


def _endpoints(app: Flask) -> dict[str, tuple[str, set[str]]]:
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            found[rule.endpoint] = (rule.rule, set(rule.methods or ()) - {"HEAD", "OPTIONS"})
    return found


def test_every_endpoint_has_a_declared_rule_matching_the_policy(app: Flask) -> None:
    endpoints = _endpoints(app)
    assert set(endpoints) == set(EXPECTED), "add new views to EXPECTED with who may use them"
    for endpoint in endpoints:
        declared = rule_for(app.view_functions[endpoint])
        assert declared != "undeclared", f"{endpoint} declares no access rule"
        expected = EXPECTED[endpoint]
        if isinstance(expected, set):
            expected = frozenset(expected)
        assert declared == expected, endpoint


def _issued_letter(factory: Factory) -> int:
    """A letter on record (its PDF's bytes do not matter here)."""
    decided = factory.referral_at(ReferralStatus.DECIDED)
    assert decided.decision is not None
    row = Letter(
        referral_id=decided.id,
        decision_id=decided.decision.id,
        recipient_key="child",
        recipient_name="Child",
        address="1 Example Street",
        variant="child_14_17",
        html="<p>Letter</p>",
        pdf=b"%PDF-1.7",
        sha256="0" * 64,
        template_version="test",
        catalogue_version="test",
        issued_by_id=factory.cast(Role.PRACTITIONER).id,
    )
    factory.session.add(row)
    factory.session.commit()
    return row.id


def _feedback_code(factory: Factory, letter_id: int) -> str:
    """A feedback link of the letter on record (looking at its page does not use it up)."""
    letter = factory.session.get(Letter, letter_id)
    assert letter is not None
    code = feedback.new_token()
    feedback.keep_link(
        factory.session, code, letter, service_id=factory.service().id, disposal="outcome_22",
        now=utcnow(),
    )  # fmt: skip
    factory.session.commit()
    return code


def _scrutiny_sample(factory: Factory, letter_id: int) -> int:
    """A sample of one case: the letter's (decided) case, its panel's reasoning given."""
    letter = factory.session.get_one(Letter, letter_id)
    sample = scrutiny.draw_sample(
        factory.session,
        factory.cast(Role.MANAGER),
        service_id=factory.service().id,
        start=local_today(),
        end=local_today(),
        size=1,
    )
    assert [c.referral_id for c in sample.cases] == [letter.referral_id]
    return sample.id


def _url(
    rule: str,
    referral: Referral,
    letter_id: int = 0,
    user_id: int = 0,
    token: str = "",
    code: str = "",
    sample_id: int = 0,
) -> str:
    item = referral.agenda_items[-1]
    return (
        rule.replace("<id:user_id>", str(user_id))
        .replace("<id:sample_id>", str(sample_id))
        .replace("<text_key>", "decision")
        .replace("<kind>", "csv")
        .replace("<token>", token)
        .replace("<code>", code)
        .replace("<id:referral_id>", str(referral.id))
        .replace("<id:letter_id>", str(letter_id))
        .replace("<recipient>", "child")
        .replace("<table>", "funnel")
        .replace("<id:meeting_id>", str(item.meeting_id))
        .replace("<id:item_id>", str(item.id))
        .replace("<id:service_id>", str(referral.service_id))
        .replace("<id:child_id>", str(referral.child_id))
        .replace("<id:contact_id>", str(referral.child.contacts[0].id))
        .replace(
            "<trigger>",
            "complete_intervention" if "/intervention-end/" in rule else "start_assessment",
        )
        .replace("<key>", "exploitation")
        .replace("<id:number>", "1")
        .replace("<id:client_id>", "1")
        .replace("<slug>", referral.service.slug)
        .replace("<language>", "cy")
        .replace("<which>", "youth_caution-parent")
    )


# "Police inspector (resolves escalations)" is given beside "Police officer" and opens no page
# of its own: an inspector reaches what an officer does (and the escalations they are named on).
ROLES_ALONE = [r for r in Role if r is not Role.POLICE_INSPECTOR]


@pytest.mark.parametrize("who", [ANON, *ROLES_ALONE], ids=str)
def test_each_role_gets_exactly_its_endpoints(
    app: Flask, client: FlaskClient, factory: Factory, who: Role | str
) -> None:
    referral = factory.referral_at(ReferralStatus.ESCALATED)
    letter_id = _issued_letter(factory)
    code = _feedback_code(factory, letter_id)
    sample_id = _scrutiny_sample(factory, letter_id)
    # Someone else in the service, for the user administration pages.
    colleague_user = factory.user(Role.PRACTITIONER, two_factor_set_up=True)
    colleague = colleague_user.id
    if who != ANON:
        assert isinstance(who, Role)
        sign_in(client, factory.cast(who))
    for endpoint, (rule, methods) in _endpoints(app).items():
        if endpoint == "auth.sign_out":
            continue  # exercised in test_auth: it would end this session
        # A set-up link's page, on a link issued just now (the administrator issues others).
        token = (
            issue(factory.session, colleague_user, issued_by=None).token
            if "<token>" in rule
            else ""
        )
        url = _url(rule, referral, letter_id, colleague, token, code, sample_id)
        method = "GET" if "GET" in methods else "POST"
        response = client.open(url, method=method)
        allowed = EXPECTED[endpoint]
        if allowed == API_TOKEN:
            # A session (anyone's) is never a caller's secret.
            assert response.status_code == 401, (endpoint, who, response.status_code)
            assert response.content_type == "application/problem+json"
            continue
        assert not isinstance(allowed, str)
        if allowed is None:
            assert response.status_code in {200, 302}, (endpoint, who, response.status_code)
        elif who == ANON:
            assert response.status_code == 302, (endpoint, response.status_code)
            assert "/sign-in" in response.headers["Location"]
        elif who in allowed and method == "POST":
            assert response.status_code not in {403, 500}, (endpoint, who, response.status_code)
        elif who in allowed:
            assert response.status_code == 200, (endpoint, who, response.status_code)
        else:
            assert response.status_code == 403, (endpoint, who, response.status_code)
        if "POST" in methods and method == "GET" and allowed is not None:
            # Forms are refused to the same people, whatever they post.
            posted = client.post(url, data={"reason": "x", "outcome": "signed_off"})
            if who == ANON:
                assert posted.status_code == 302, (endpoint, "POST")
            elif who not in allowed:
                assert posted.status_code == 403, (endpoint, who, "POST")


def test_a_view_without_a_rule_is_refused(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    """The enforcement itself: an undeclared view is refused even to a signed-in admin."""
    app.view_functions["cases.my_work"].__dict__.pop("allowed_roles")
    try:
        sign_in(client, factory.cast(Role.ADMIN))
        assert client.get("/").status_code == 403
    finally:
        app.view_functions["cases.my_work"].allowed_roles = frozenset(EVERYONE)


def test_cases_of_another_service_are_invisible(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral()
    stranger = factory.user(Role.MANAGER, services=[factory.service("other-yjs")])
    sign_in(client, stranger)
    assert client.get(f"/cases/{referral.id}").status_code == 404
    assert client.get(f"/cases/{referral.id}/actions/start_assessment").status_code == 404
    assert client.get(f"/children/{referral.child_id}/referrals/new").status_code == 404
    listing = text_of(client.get(f"/cases?q={referral.police_reference}"))
    assert "No cases match these filters" in listing
    assert referral.child.full_name not in listing


# Pages about one child's case: any of them that shows the child's name writes an audit row.
CHILD_PAGE_PARAMETERS = ("<id:referral_id>", "<id:item_id>", "<id:letter_id>", "<id:child_id>")


def test_every_page_about_a_child_writes_an_audit_row_for_each_reader(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(ReferralStatus.ESCALATED)
    letter_id = _issued_letter(factory)
    letter_referral = session.get(Referral, session.get(Letter, letter_id).referral_id)  # type: ignore[union-attr]
    assert letter_referral is not None
    children = {referral.child_id, letter_referral.child_id}
    names = (referral.child.full_name, letter_referral.child.full_name)
    pages = [
        (endpoint, rule)
        for endpoint, (rule, methods) in _endpoints(app).items()
        if "GET" in methods and any(p in rule for p in CHILD_PAGE_PARAMETERS)
    ]
    assert len(pages) >= 15
    read = 0
    for role in Role:
        client = app.test_client()
        sign_in(client, factory.cast(role))
        for endpoint, rule in pages:
            before = session.scalar(select(func.max(AuditEntry.id))) or 0
            response = client.get(_url(rule, referral, letter_id))
            # A letter's PDF is the child's record whatever it shows as text.
            personal = endpoint == "letters.download" or any(
                name in text_of(response) for name in names
            )
            if response.status_code != 200 or not personal:
                continue  # a refusal, or a page with nothing of the child's
            read += 1
            rows = session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
            assert any(
                e.action in {"view", "download"}
                and e.actor_id == factory.cast(role).id
                and e.child_id in children
                for e in rows
            ), f"{endpoint} as {role} wrote no audit row"
    assert read >= 20  # the readers' pages were really read
