"""The pages: a practitioner ends an intervention with its KPI facts (an error summary for any
missing), and the KPI return: suppressed on its page, unsuppressed in the manager's download
(audited), refused to everyone else."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import kpis
from oocd_panel.evaluation import kpi
from oocd_panel.models import AuditEntry, Referral, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import local_today
from oocd_panel.rules.intervention_end import kept
from tests.factories import NOT_KNOWN_ANSWERS, Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus
Q1 = kpi.Quarter(2025, 1)


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def test_a_practitioner_ends_an_intervention_with_the_facts(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.INTERVENTION)
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    page = worker.get(f"/cases/{referral.id}")
    url = f"/cases/{referral.id}/intervention-end/complete_intervention"
    assert f'href="{url}"' in page.get_data(as_text=True)
    # The generic confirmation page sends you to the one that asks for the facts.
    moved = worker.get(f"/cases/{referral.id}/actions/complete_intervention")
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(url)

    form = worker.get(url)
    assert form.status_code == 200
    text = text_of(form)
    for section in kpis.SECTIONS:
        assert section.heading in text
        for question in section.questions:
            assert question.label in text
    assert "Definition to check against the YJB's KPI guidance" in text  # KPIs 8 and 10
    assert "Education, health and care plan (EHCP) Yes" in text  # from the child's record
    assert "Looked after Yes" in text

    empty = worker.post(url, data={"version": str(referral.version)})
    assert empty.status_code == 400
    problems = error_summary(empty)
    asked_first = [q for q in kpis.QUESTIONS.values() if q.asked_if is None]
    assert [href for href, _ in problems] == [f"#{q.key}" for q in asked_first]
    html = empty.get_data(as_text=True)
    for href, _ in problems:
        assert f'id="{href[1:]}"' in html  # each links to its question's first radio
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.INTERVENTION  # type: ignore[union-attr]

    first = {q.key: "not_known" for q in asked_first}
    answers = {**first, "mental_health_need": "yes"}
    partly = worker.post(url, data={"version": str(referral.version), **answers})
    assert [href for href, _ in error_summary(partly)] == ["#mental_health_offered"]

    answers["mental_health_offered"] = "no"
    done = worker.post(url, data={"version": str(referral.version), **answers})
    assert done.status_code == 302, error_summary(done)
    session.expire_all()
    closed = session.get(Referral, referral.id)
    assert closed is not None
    assert closed.status is S.CLOSED
    assert closed.intervention_end is not None
    assert closed.intervention_end.mental_health_offered.value == "no"  # type: ignore[union-attr]
    # The case shows the facts to YJS staff; never to the police.
    shown = text_of(worker.get(f"/cases/{referral.id}"))
    assert "End of the intervention Completed, on" in shown
    assert f"{kpis.QUESTIONS['mental_health_offered'].label} No" in shown
    officer = _client(app, factory.cast(Role.POLICE_OFFICER))
    police_view = text_of(officer.get(f"/cases/{referral.id}"))
    assert "End of the intervention" not in police_view
    assert "mental health" not in police_view.lower()


def test_conditions_not_completed_need_the_reason_and_the_facts(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.INTERVENTION, disposal="youth_conditional_caution")
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    url = f"/cases/{referral.id}/intervention-end/end_not_completed"
    response = worker.post(url, data={"version": str(referral.version), **NOT_KNOWN_ANSWERS})
    assert error_summary(response) == [
        ("#reason", "Enter which conditions were not completed, and why")
    ]
    response = worker.post(
        url,
        data={
            "version": str(referral.version),
            "reason": "Missed 3 sessions.",
            **NOT_KNOWN_ANSWERS,
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.RETURNED_TO_POLICE  # type: ignore[union-attr]


def test_nobody_else_ends_an_intervention(app: Flask, factory: Factory) -> None:
    referral = factory.referral_at(S.INTERVENTION)
    url = f"/cases/{referral.id}/intervention-end/complete_intervention"
    officer = _client(app, factory.cast(Role.POLICE_OFFICER))
    assert officer.get(url).status_code == 403
    assert officer.post(url, data=NOT_KNOWN_ANSWERS).status_code == 403
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    assert (
        worker.get(f"/cases/{referral.id}/intervention-end/start_intervention").status_code == 404
    )
    other = factory.user(Role.PRACTITIONER, services=[factory.service("kpi-elsewhere")])
    assert _client(app, other).get(url).status_code == 404


def _quarter(factory: Factory) -> None:
    """20 ended interventions in Q1 2025: 3 with a mental health need (too few to publish)."""
    base = {key: "no" for key in kpis.QUESTIONS}
    need = {"mental_health_need": "yes", "mental_health_offered": "yes"}
    for extra in [need] * 3 + [{}] * 17:
        factory.ended_intervention(Q1.start, kept({**base, **extra}))


def test_a_manager_reads_the_quarter_suppressed_and_downloads_the_return_unsuppressed(
    app: Flask, factory: Factory, session: Session
) -> None:
    _quarter(factory)
    manager = factory.cast(Role.MANAGER)
    client = _client(app, manager)
    service = factory.service()
    query = f"service={service.id}&quarter={Q1.slug}"
    page = client.get(f"/reports/kpi?{query}")
    assert page.status_code == 200
    text = text_of(page)
    assert f"{service.name}: {Q1.label}" in text
    assert "4a Screened or identified need fewer than 5 20" in text
    assert "4c Of those with a need, intervention planned or offered fewer than 5 fewer than 5" in (
        text
    )
    assert "1a In suitable accommodation at the end 0 20" in text
    for kpi_number in (6, 8, 10):
        assert f"To check: {kpis.KPIS[kpi_number].check_note}" in text
    assert "Download the return for the YJB" in text

    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    download = client.get(f"/reports/kpi/return.csv?{query}")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert f"kpi-return-{service.slug}-{Q1.slug}.csv" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == ["kpi", "measure", "numerator", "denominator", "note"]
    by_measure = {r[1].split(" ", 1)[0]: r for r in rows[1:]}
    assert by_measure["4a"][2:4] == ["3", "20"]  # the statutory return is not suppressed
    assert by_measure["4c"][2:4] == ["3", "3"]
    assert by_measure["4d"][2:4] == ["0", "3"]
    assert by_measure["6a"][0] == "KPI 6: Out-of-court disposals"
    assert by_measure["6a"][4] == kpis.KPIS[6].check_note
    assert by_measure["1a"][4] == ""
    assert rows[-1][0] == "Completeness (not a KPI)"
    assert rows[-1][2:4] == ["0", "20"]
    exported = session.scalars(
        select(AuditEntry).where(AuditEntry.id > before, AuditEntry.action == "export")
    ).one()
    assert exported.record_type == "report"
    assert exported.actor_id == manager.id
    assert exported.record_id == "kpi_return"
    assert exported.details == {"service": service.id, "quarter": Q1.slug}


def test_an_analyst_reads_the_page_but_never_the_unsuppressed_return(
    app: Flask, factory: Factory
) -> None:
    _quarter(factory)
    analyst = _client(app, factory.cast(Role.ANALYST))
    query = f"service={factory.service().id}&quarter={Q1.slug}"
    page = analyst.get(f"/reports/kpi?{query}")
    assert page.status_code == 200
    text = text_of(page)
    assert "fewer than 5" in text
    assert "Download the return" not in text
    assert analyst.get(f"/reports/kpi/return.csv?{query}").status_code == 403


def test_the_kpi_pages_are_for_managers_and_analysts(app: Flask, factory: Factory) -> None:
    for role in (Role.PRACTITIONER, Role.POLICE_OFFICER, Role.PANEL_MEMBER, Role.ADMIN):
        client = _client(app, factory.cast(role))
        assert client.get("/reports/kpi").status_code == 403, role
        assert client.get("/reports/kpi/return.csv").status_code == 403, role


def test_a_wrong_service_or_quarter_gets_an_error_summary(app: Flask, factory: Factory) -> None:
    client = _client(app, factory.cast(Role.MANAGER))
    elsewhere = factory.service("kpi-not-mine")
    page = client.get(f"/reports/kpi?service={elsewhere.id}&quarter=2025-27-Q9")
    assert page.status_code == 400
    assert [m for _, m in error_summary(page)] == [
        "Choose one of your services",
        "Choose a quarter from the list",
    ]
    assert client.get(f"/reports/kpi/return.csv?service={elsewhere.id}").status_code == 400
    future = kpi.Quarter.containing(local_today()).next().slug
    assert client.get(f"/reports/kpi?quarter={future}").status_code == 400
    # An earlier quarter than the list offers, asked for by its address.
    earlier = client.get("/reports/kpi?quarter=2019-20-Q2")
    assert earlier.status_code == 200
    assert "Q2 2019 to 2020 (July to September 2019)" in text_of(earlier)
    # With nothing chosen: the service, and the last quarter that has ended.
    default = client.get("/reports/kpi")
    assert default.status_code == 200
    assert "KPI 1: Suitable accommodation" in text_of(default)
