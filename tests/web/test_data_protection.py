"""Subject access from the case page and the subject access page; the pseudonymised extract
from the evaluation pages; who may use each."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel import demo
from oocd_panel.models import AuditEntry, Child, ReferralStatus, Role, User
from tests.factories import Factory
from tests.personal_data import marked_case
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus
EVERY_YEAR = {"start": ["1", "1", "2000"], "end": ["31", "12", "2099"]}


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def test_a_manager_downloads_everything_held_about_the_child_from_the_case_page(
    app: Flask, factory: Factory, session: Session
) -> None:
    marked = marked_case(factory)
    manager = _client(app, factory.cast(Role.MANAGER))
    page = manager.get(f"/cases/{marked.referral.id}")
    assert "Download everything held about" in text_of(page)
    url = f"/children/{marked.child_id}/subject-access"
    assert f'action="{url}"' in page.get_data(as_text=True)

    response = manager.post(url)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    record = json.loads(archive.read("record.json"))
    assert record["child"]["last_name"] == marked.last_name
    assert len([n for n in archive.namelist() if n.startswith("letters/")]) == 2
    assert session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "export", AuditEntry.child_id == marked.child_id
        )
    ).one()


def test_others_cannot_download_it_nor_see_the_offer(
    app: Flask, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED)
    url = f"/children/{referral.child_id}/subject-access"
    for role in (Role.PRACTITIONER, Role.PANEL_MEMBER, Role.POLICE_OFFICER):
        client = _client(app, factory.cast(role))
        assert "Download everything held about" not in text_of(client.get(f"/cases/{referral.id}"))
        assert client.post(url).status_code == 403
    assert _client(app, factory.cast(Role.ANALYST)).post(url).status_code == 403
    stranger = factory.user(Role.MANAGER, services=[factory.service("another")])
    assert _client(app, stranger).post(url).status_code == 404
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all() == []


def test_an_administrator_finds_the_child_by_police_reference_and_downloads(
    app: Flask, factory: Factory
) -> None:
    referral = factory.referral()
    admin = _client(app, factory.user(Role.ADMIN))
    page = admin.get("/subject-access", query_string={"police_reference": "nothing/99"})
    assert page.status_code == 400
    assert error_summary(page)[0][1] == (
        "There is no case with that police reference in your services."
    )
    found = admin.get(
        "/subject-access", query_string={"police_reference": referral.police_reference.lower()}
    )
    assert found.status_code == 200
    assert referral.child.full_name in text_of(found)
    response = admin.post(f"/children/{referral.child_id}/subject-access")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"


def test_an_analyst_downloads_the_pseudonymised_extract_of_their_services_only(
    app: Flask, session: Session, factory: Factory
) -> None:
    demo.seed_demo(session, referrals=30, seed=4)
    services = demo.ensure_services(session)
    analyst = factory.user(Role.ANALYST, services=[services["northbrook"]])
    client = _client(app, analyst)
    assert "Download the pseudonymised decision points" in text_of(
        client.get("/reports", query_string=EVERY_YEAR)
    )

    response = client.get("/reports/extract/decision-points.csv", query_string=EVERY_YEAR)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    assert {r["service"] for r in rows} == {"northbrook"}
    for child in session.scalars(select(Child)):
        assert child.last_name not in text
        assert child.postcode not in text
        assert child.date_of_birth.isoformat() not in text
    again = client.get("/reports/extract/decision-points.csv", query_string=EVERY_YEAR)
    assert again.get_data(as_text=True) == text  # the same pseudonyms every time
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "export", AuditEntry.actor_id == analyst.id)
        .order_by(AuditEntry.id)
    ).first()
    assert entry is not None
    assert entry.record_id == "pseudonymised_extract"
    assert entry.details["services"] == [services["northbrook"].id]
    police = _client(app, factory.cast(Role.POLICE_OFFICER))
    assert police.get("/reports/extract/decision-points.csv").status_code == 403
