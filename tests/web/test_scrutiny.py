"""The scrutiny panel pages: a manager draws a sample, redacts a case's text, downloads the pack
and records the panel's rating, with errors in the GOV.UK error summary; managers of other
services and other roles are refused; the ratings report (managers and analysts)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from oocd_panel.models import AuditEntry, Referral, ReferralStatus, Role, ScrutinySample, User, Vote
from oocd_panel.plumbing.clock import local_today
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus
TODAY = local_today()


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _draw_form(factory: Factory, **changes: object) -> dict[str, object]:
    start = TODAY - dt.timedelta(days=30)
    return {
        "service": str(factory.service().id),
        "start": [str(start.day), str(start.month), str(start.year)],
        "end": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
        "size": "5",
        "seed": "",
        **changes,
    }


def _named(factory: Factory) -> Referral:
    referral = factory.referral_at(S.DECIDED, disposal="youth_caution")
    for vote in factory.session.scalars(
        select(Vote).where(Vote.item_id == referral.agenda_items[-1].id)
    ):
        vote.rationale = f"{referral.child.first_name} admitted it at once."
    factory.session.commit()
    return referral


def test_a_manager_draws_a_sample_redacts_downloads_and_rates(app: Flask, factory: Factory) -> None:
    referral = _named(factory)
    factory.referral_at(S.DECIDED, disposal="community_resolution")
    manager = _client(app, factory.cast(Role.MANAGER))
    assert "Draw a sample" in text_of(manager.get("/scrutiny"))
    page = manager.get("/scrutiny/new")
    assert page.status_code == 200
    assert "stratified by outcome" in text_of(page)
    drawn = manager.post("/scrutiny/new", data=_draw_form(factory, seed="abcd 2345"))
    assert drawn.status_code == 302, error_summary(drawn)
    sample = factory.session.scalars(select(ScrutinySample)).one()
    assert sample.seed == "ABCD2345"
    assert drawn.headers["Location"] == f"/scrutiny/{sample.id}"
    shown = text_of(manager.get(f"/scrutiny/{sample.id}"))
    assert "Sample drawn: 2 cases. Its seed is ABCD2345" in shown
    assert "2 free texts not yet redacted" in shown or "free texts not yet redacted" in shown
    assert referral.child.first_name not in shown
    assert referral.police_reference not in shown

    number = next(c.number for c in sample.cases if c.referral_id == referral.id)
    url = f"/scrutiny/{sample.id}/cases/{number}/texts/decision"
    form = manager.get(url)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert referral.child.first_name in text_of(form)  # the text as the case records it
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert box is not None
    assert "[name] admitted it at once." in box.group(1)
    assert referral.child.first_name not in box.group(1)
    refused = manager.post(url, data={"text": f"{referral.child.first_name} admitted it."})
    assert refused.status_code == 400
    assert [m for _, m in error_summary(refused)] == [
        "The text still gives a name: take it out and check again",
        "Confirm that you have read the whole text and it names nobody and gives no address, "
        "date of birth or police reference",
    ]
    assert f"{referral.child.first_name} admitted it." in refused.get_data(as_text=True)  # kept
    saved = manager.post(url, data={"text": "The child admitted it at once.", "confirmed": "y"})
    assert saved.status_code == 302

    rating_url = f"/scrutiny/{sample.id}/cases/{number}/rating"
    assert manager.get(rating_url).status_code == 200
    missing = manager.post(rating_url, data={"rating": "inappropriate"})
    assert missing.status_code == 400
    assert [m for _, m in error_summary(missing)] == [
        "Enter why the panel found the decision inappropriate",
        "Enter the date of the scrutiny panel's meeting",
    ]
    day = [str(TODAY.day), str(TODAY.month), str(TODAY.year)]
    rated = manager.post(
        rating_url, data={"rating": "appropriate", "comments": "", "meeting_on": day}
    )
    assert rated.status_code == 302
    case_page = text_of(manager.get(f"/scrutiny/{sample.id}/cases/{number}"))
    assert "The child admitted it at once." in case_page
    assert "Appropriate (meeting of" in case_page

    pdf = manager.get(f"/scrutiny/{sample.id}/pack.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["Cache-Control"] == "no-store"
    assert pdf.data.startswith(b"%PDF")
    got = manager.get(f"/scrutiny/{sample.id}/pack.csv")
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    row = next(r for r in rows if r["Case"] == f"Case {number}")
    assert row["The panel's reasoning"] == "The child admitted it at once."
    assert row["Scrutiny panel's rating"] == "Appropriate"
    assert referral.child.first_name not in got.get_data(as_text=True)
    exports = factory.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "export", AuditEntry.record_type == "scrutiny_sample"
        )
    ).all()
    assert [e.details["format"] for e in exports] == ["pdf", "csv"]
    assert manager.get(f"/scrutiny/{sample.id}/pack.docx").status_code == 404


def test_drawing_with_wrong_input_lists_each_problem(app: Flask, factory: Factory) -> None:
    factory.referral_at(S.DECIDED)
    manager = _client(app, factory.cast(Role.MANAGER))
    bad = manager.post(
        "/scrutiny/new",
        data=_draw_form(factory, start=["31", "2", "2026"], size="lots"),
    )
    assert bad.status_code == 400
    assert [m for _, m in error_summary(bad)] == ["Decisions made from must be a real date"]
    worse = manager.post("/scrutiny/new", data=_draw_form(factory, start=["", "", ""], size="0"))
    assert [m for _, m in error_summary(worse)] == [
        "Enter the first day of the period",
        "The number of cases must be between 1 and 200",
    ]
    other = factory.service("not-theirs")
    wrong = manager.post("/scrutiny/new", data=_draw_form(factory, service=str(other.id)))
    assert [m for _, m in error_summary(wrong)] == ["Choose one of your services"]
    assert factory.session.scalars(select(ScrutinySample)).first() is None


def test_only_managers_of_the_samples_service_reach_it(app: Flask, factory: Factory) -> None:
    factory.referral_at(S.DECIDED)
    manager = _client(app, factory.cast(Role.MANAGER))
    manager.post("/scrutiny/new", data=_draw_form(factory))
    sample = factory.session.scalars(select(ScrutinySample)).one()
    pages = [
        f"/scrutiny/{sample.id}",
        f"/scrutiny/{sample.id}/cases/1",
        f"/scrutiny/{sample.id}/cases/1/rating",
        f"/scrutiny/{sample.id}/pack.pdf",
        f"/scrutiny/{sample.id}/pack.csv",
    ]
    stranger = _client(app, factory.user(Role.MANAGER, services=[factory.service("other-yjs")]))
    for url in pages:
        assert stranger.get(url).status_code == 404, url
    assert "No samples yet" in text_of(stranger.get("/scrutiny"))
    for role in (
        Role.PRACTITIONER,
        Role.ANALYST,
        Role.PANEL_MEMBER,
        Role.POLICE_OFFICER,
        Role.ADMIN,
    ):
        other = _client(app, factory.cast(role))
        for url in [*pages, "/scrutiny", "/scrutiny/new"]:
            assert other.get(url).status_code == 403, (role, url)
    assert manager.get(f"/scrutiny/{sample.id}/cases/99").status_code == 404
    assert manager.get(f"/scrutiny/{sample.id}/cases/1/texts/nothing").status_code == 404


def test_the_report_shows_ratings_suppressed_to_managers_and_analysts(
    app: Flask, factory: Factory
) -> None:
    for _ in range(6):
        factory.referral_at(S.DECIDED)
    manager = _client(app, factory.cast(Role.MANAGER))
    manager.post("/scrutiny/new", data=_draw_form(factory, size="6"))
    sample = factory.session.scalars(select(ScrutinySample)).one()
    day = [str(TODAY.day), str(TODAY.month), str(TODAY.year)]
    for case in sample.cases:
        given = "inappropriate" if case.number == 1 else "appropriate"
        posted = manager.post(
            f"/scrutiny/{sample.id}/cases/{case.number}/rating",
            data={
                "rating": given,
                "comments": "Not enough weight to the child's views.",
                "meeting_on": day,
            },
        )
        assert posted.status_code == 302
    for who in (manager, _client(app, factory.cast(Role.ANALYST))):
        page = who.get("/scrutiny/report")
        assert page.status_code == 200
        text = text_of(page)
        assert "Scrutiny panel ratings" in text
        assert "By outcome" in text
        assert "By quarter of the decision" in text
        assert "By ethnicity (broad group)" in text
        assert "By special educational needs (SEND)" in text
        # Five appropriate, one inappropriate: the one is "fewer than 5".
        assert "fewer than 5" in text
    assert _client(app, factory.cast(Role.PRACTITIONER)).get("/scrutiny/report").status_code == 403
    bad = manager.get("/scrutiny/report?start=31&start=2&start=2026")
    assert bad.status_code == 400
    assert error_summary(bad)
