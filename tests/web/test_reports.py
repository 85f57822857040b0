"""The evaluation pages: figures, charts, CSV exports, suppression, and bad filters."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel import create_app
from oocd_panel.demo.seed import DEMO_PASSWORD
from oocd_panel.models import AuditEntry, ReferralStatus, Role, User
from oocd_panel.plumbing.db import make_engine
from tests.conftest import fresh_database
from tests.factories import Factory, child_details
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _cohort(factory: Factory) -> None:
    """White: 8 diverted, 5 charged; mixed: 6 and 5; black: 2 charged (too few to publish)."""
    for ethnicity, diverted, charged in (
        ("white_british", 8, 5),
        ("mixed_white_asian", 6, 5),
        ("black_caribbean", 0, 2),
    ):
        for disposal in ["youth_caution"] * diverted + ["charge"] * charged:
            factory.referral_at(
                S.DECIDED, disposal=disposal, child=child_details(ethnicity=ethnicity)
            )


def test_an_analyst_reads_the_figures_and_exports_them(
    app: Flask, factory: Factory, session: Session
) -> None:
    _cohort(factory)
    analyst = _client(app, factory.cast(Role.ANALYST))
    page = analyst.get("/reports")
    assert page.status_code == 200
    text = text_of(page)
    assert "From referral to closure" in text
    assert "Cases closed in the period, by how they ended" in text
    assert "Are groups treated alike? Compared with White" in text
    html = page.get_data(as_text=True)
    assert html.count('role="img"') >= 3  # charts, each with a title and a description
    assert '<title id="funnel-title">Cases at each decision point</title>' in html
    # Black children: 2 cases, fewer than the threshold of 5: never published, nor measured.
    assert "fewer than 5" in text
    assert "Not measured: too few cases to publish" in text

    export = analyst.get("/reports/disproportionality.csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    diverted = {r["Group"]: r for r in rows if r["Decision point"] == "Diverted from court"}
    assert (diverted["White"]["Cases"], diverted["White"]["Selected"]) == ("13", "8")
    assert (
        diverted["Black, Black British, Black Welsh, Caribbean or African"]["Cases"]
        == "fewer than 5"
    )
    # With one small group hidden, the next smallest is withheld: the total cannot reveal it.
    assert diverted["Mixed or multiple ethnic groups"]["Cases"] == "not shown"
    for row in rows:  # no published count below the threshold, anywhere in the export
        for key in ("Cases", "Selected"):
            assert not (row[key].isdigit() and 0 < int(row[key]) < 5), row
    assert "Panel practice" in text
    assert "Timeliness: average days" in text
    for table in ("practice", "timeliness", "trends", "closures"):
        assert analyst.get(f"/reports/{table}.csv").status_code == 200
    quarterly = text_of(analyst.get("/reports", query_string={"by": "quarter"}))
    assert "Trends and reoffending, by quarter" in quarterly
    funnel = analyst.get("/reports/funnel.csv").get_data(as_text=True)
    assert "Referred,26" in funnel


def test_bad_filters_get_a_clear_message_never_a_crash(app: Flask, factory: Factory) -> None:
    _cohort(factory)
    manager = _client(app, factory.cast(Role.MANAGER))
    response = manager.get(
        "/reports", query_string={"characteristic": "ethnicity_group", "reference": "martian"}
    )
    assert response.status_code == 400
    assert error_summary(response)[0][1].startswith("Choose a reference group")
    response = manager.get("/reports", query_string={"characteristic": "shoe_size"})
    assert response.status_code == 400
    response = manager.get(
        "/reports",
        query_string={"start": ["1", "1", "2001"], "end": ["31", "12", "2001"]},
    )
    assert response.status_code == 200
    assert "There are no decisions recorded for this period" in text_of(response)
    response = manager.get(
        "/reports", query_string={"start": ["1", "1", "2030"], "end": ["1", "1", "2020"]}
    )
    assert response.status_code == 400
    # A reference group with no cases: said so, no division by zero.
    response = manager.get(
        "/reports", query_string={"characteristic": "ethnicity_group", "reference": "asian"}
    )
    assert response.status_code == 200
    assert "The Asian" in text_of(response) or "group has no cases" in text_of(response)
    assert manager.get("/reports/nothing.csv").status_code == 404


def test_only_analysts_and_managers_see_the_evaluation(app: Flask, factory: Factory) -> None:
    for role in (Role.PRACTITIONER, Role.POLICE_OFFICER, Role.PANEL_MEMBER):
        assert _client(app, factory.cast(role)).get("/reports").status_code == 403


def test_the_panel_pack_carries_the_briefing(app: Flask, factory: Factory) -> None:
    _cohort(factory)
    referral = factory.referral_at(S.AT_PANEL)
    item = referral.agenda_items[-1]
    chair = _client(app, factory.panel().chair)
    page = chair.get(f"/panels/{item.meeting_id}/cases/{item.id}/pack")
    assert page.status_code == 200
    text = text_of(page)
    assert "Panel briefing: is diversion fair?" in text
    assert "as counted at" in text
    assert "Ethnicity (broad group): Black" in text
    assert "Not measured (too few cases to publish)" in text


def test_reports_read_the_replica_when_one_is_configured(tmp_path: Path) -> None:
    """REPORTS_DATABASE_URL: the evaluation is read from the replica, while signing in and the
    audit row of the export go to the primary."""
    settings = {
        "SECRET_KEY": "test",
        "ENV_MODE": "development",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
    }
    with fresh_database(tmp_path) as primary_url, fresh_database(tmp_path) as replica_url:
        settings["AUDIT_CHECKPOINT"] = str(tmp_path / "primary.audit-checkpoint")
        primary = create_app({**settings, "DATABASE_URL": primary_url})
        replica = create_app(
            {
                **settings,
                "DATABASE_URL": replica_url,
                "AUDIT_CHECKPOINT": str(tmp_path / "replica.audit-checkpoint"),
            }
        )
        for app, referrals in ((primary, "10"), (replica, "30")):
            done = app.test_cli_runner().invoke(args=["seed-demo", "--referrals", referrals])
            assert done.exit_code == 0, done.output
        both = create_app(
            {**settings, "DATABASE_URL": primary_url, "REPORTS_DATABASE_URL": replica_url}
        )

        def funnel(app: Flask) -> str:
            client = app.test_client()
            signed_in = client.post(
                "/sign-in", data={"email": "analyst@example.org", "password": DEMO_PASSWORD}
            )
            assert signed_in.status_code == 302
            query = {"start-day": "1", "start-month": "1", "start-year": "2020"}
            response = client.get("/reports/funnel.csv", query_string=query)
            assert response.status_code == 200
            return response.get_data(as_text=True)

        from_replica = funnel(replica)
        assert funnel(primary) != from_replica
        assert funnel(both) == from_replica
        for app in (primary, replica, both):
            app.extensions["oocd_db"].engine.dispose()
        both.extensions["oocd_reports_db"].engine.dispose()
        engine = make_engine(primary_url)
        with Session(engine) as session:
            exports = session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))
            assert len(list(exports)) == 2  # the primary's own export, and the one via replica
        engine.dispose()
