"""Auditing a case and reading the audit report through the pages."""

from __future__ import annotations

from flask.testing import FlaskClient

from oocd_panel.catalogue.audit_standards import question_pairs
from oocd_panel.models import ReferralStatus, Role
from oocd_panel.services.audits import field_name
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of


def _all_yes() -> dict[str, str]:
    return {f"{field_name(s, q)}__answer": "yes" for s, q, _ in question_pairs()}


def test_a_manager_audits_a_sampled_case_and_the_report_counts_it(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral_at(ReferralStatus.READY_FOR_PANEL)
    sign_in(client, factory.user(Role.MANAGER))
    index = text_of(client.get("/audits"))
    assert f"Audit {referral.child.full_name}" in index
    form = _all_yes()
    form["assessment_child_safety__answer"] = "no"
    response = client.post(f"/cases/{referral.id}/audit", data=form)
    assert response.status_code == 400
    anchors = [href for href, _ in error_summary(response)]
    assert anchors == ["#assessment_child_safety__comment"]
    form["assessment_child_safety__comment"] = "Exploitation noted but not analysed."
    assert client.post(f"/cases/{referral.id}/audit", data=form).status_code == 302
    report = text_of(client.get("/audits"))
    assert "All audits (1)" in report
    assert "analyse how to keep the child safe? 0% (0 of 1)" in report
    assert "support the child's desistance? 100% (1 of 1) Inadequate" in report  # the lowest
    assert f"Audit {referral.child.full_name}" not in report  # no longer in the sample


def test_analysts_read_the_report_but_cannot_audit(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(ReferralStatus.READY_FOR_PANEL)
    sign_in(client, factory.cast(Role.ANALYST))
    assert "By practitioner" in text_of(client.get("/audits"))
    assert client.get(f"/cases/{referral.id}/audit").status_code == 403


def test_a_case_not_ready_to_audit_says_why(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(ReferralStatus.ASSESSING)
    sign_in(client, factory.cast(Role.MANAGER))
    page = client.get(f"/cases/{referral.id}/audit")
    assert "Only cases with a signed-off assessment can be audited." in text_of(page)
    response = client.post(f"/cases/{referral.id}/audit", data=_all_yes())
    assert response.status_code == 400
