"""Odd and hostile input gets a page in plain words, never a server error."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import Referral, ReferralStatus, Role, SignInAttempt, User
from oocd_panel.web.form_fields import CSRF_MESSAGE
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of
from tests.web.test_new_referral import valid_form

HUGE = "9" * 30


@pytest.fixture
def signed_in(client: FlaskClient, factory: Factory) -> FlaskClient:
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    return client


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/cases?page={HUGE}", 200),
        ("/cases?page=%C2%B2", 200),
        ("/cases?after=nonsense", 200),
        (f"/cases?after=2026-99-01.{HUGE}", 200),
        (f"/cases?before=2026-01-01.{HUGE}&from=-5", 200),
        (f"/cases?after=9999-12-31.1&from={HUGE}", 200),
        ("/cases?service=%C2%B2", 200),
        (f"/cases?service={HUGE}", 200),
        ("/cases?q=%00", 200),
        ("/cases?q=" + "x" * 5000, 400),  # a name in the address: refused, not searched
        ("/cases?status=not-a-status&gravity=99", 200),
        (f"/cases?received_from={HUGE}&received_from=1&received_from=2026", 200),
        ("/cases?received_from=%C2%B2&received_from=1&received_from=2026", 200),
        ("/cases?endpoint=x&_anchor=y&_external=1&_scheme=gopher&_method=PUT", 200),
        (f"/cases/{HUGE}", 404),
        ("/cases/0", 404),
        (f"/children/{HUGE}/referrals/new", 404),
        (f"/cases/{HUGE}/actions/withdraw", 404),
        (f"/cases/{HUGE}/assessment", 404),
    ],
)
def test_odd_query_strings_and_ids(signed_in: FlaskClient, url: str, status: int) -> None:
    response = signed_in.get(url)
    assert response.status_code == status, url


def test_page_links_carry_only_the_filters(
    signed_in: FlaskClient, factory: Factory, app: Flask
) -> None:
    for _ in range(3):
        factory.referral()
    app.config["CASES_PER_PAGE"] = 1
    try:
        html = signed_in.get("/cases?_external=1&q=test0&gravity=3&evil=1").get_data(as_text=True)
    finally:
        app.config["CASES_PER_PAGE"] = 25
    assert re.search(
        r'href="/cases\?q=test0&amp;gravity=3&amp;after=[0-9-]+\.[0-9]+&amp;from=2"', html
    )
    assert "http://localhost" not in html


def test_huge_numbers_in_a_date_are_a_message(signed_in: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(ReferralStatus.DECIDED)
    response = signed_in.post(
        f"/police/cases/{referral.id}/delivery",
        data={
            "version": str(referral.version),
            "outcome": "given",
            "delivered_on": [HUGE, "1", "2026"],
        },
    )
    assert response.status_code == 400
    assert error_summary(response)[0][0] == "#delivered_on-day"
    response = signed_in.post("/cases/new", data=valid_form(date_of_birth=["1", "1", HUGE]))
    assert response.status_code == 400
    expected = (
        "#date_of_birth-year",
        "Date of birth must include a year with 4 numbers, like 2011",
    )
    assert expected in error_summary(response)


def test_text_longer_than_the_database_holds_is_a_message(
    signed_in: FlaskClient, session: Session
) -> None:
    before = session.scalar(select(func.count()).select_from(Referral))
    response = signed_in.post(
        "/cases/new",
        data=valid_form(first_name="A" * 150, contact_phone="0" * 60, offences_0_description="x"),
    )
    assert response.status_code == 400
    summary = error_summary(response)
    assert ("#first_name", "First name must be 100 characters or fewer") in summary
    assert ("#contact_phone", "Phone must be 40 characters or fewer") in summary
    assert session.scalar(select(func.count()).select_from(Referral)) == before


def test_control_characters_are_removed_not_stored(
    signed_in: FlaskClient, session: Session
) -> None:
    response = signed_in.post(
        "/cases/new", data=valid_form(first_name="Ad\x00a", last_name="Null\x07test")
    )
    assert response.status_code == 302
    referral = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral is not None
    assert (referral.child.first_name, referral.child.last_name) == ("Ada", "Nulltest")


def test_control_characters_in_sign_in_new_users_and_searches_are_removed(
    app: Flask, factory: Factory, session: Session
) -> None:
    """PostgreSQL refuses NUL even in a query: once a server error on the sign-in page."""
    admin = factory.cast(Role.ADMIN)
    refused = app.test_client().post(
        "/sign-in", data={"email": "no\x00body@example.org", "password": "wrong password"}
    )
    assert refused.status_code == 400
    assert "Enter a correct email address and password" in text_of(refused)
    attempt = session.scalars(select(SignInAttempt).order_by(SignInAttempt.id.desc())).first()
    assert attempt is not None
    assert attempt.email == "nobody@example.org"

    client = app.test_client()
    sign_in(client, admin)
    created = client.post(
        "/users/new",
        data={
            "full_name": "Pat\x00 Ex\x07ample",
            "email": "pat\x00@example.org",
            "roles": ["practitioner"],
            "services": [str(factory.service().id)],
        },
    )
    assert created.status_code == 200, error_summary(created)
    assert "Set-up link for Pat Example" in text_of(created)
    user = session.scalars(select(User).where(User.email == "pat@example.org")).one()
    assert user.full_name == "Pat Example"

    reference = factory.referral().police_reference
    with_nul = reference[:2] + "\x00" + reference[2:]
    for url, query in [
        ("/audit", {"police_reference": with_nul}),
        ("/audit", {"email": "pat@\x00example.org"}),
        ("/subject-access", {"police_reference": with_nul}),
    ]:
        found = client.get(url, query_string=query)
        assert found.status_code == 200, (url, query, error_summary(found))


def test_an_expired_form_keeps_what_was_typed(
    app: Flask, signed_in: FlaskClient, session: Session
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    before = session.scalar(select(func.count()).select_from(Referral))
    response = signed_in.post("/cases/new", data=valid_form(first_name="Kept"))
    assert response.status_code == 400
    assert error_summary(response)[0] == ("", CSRF_MESSAGE)
    assert 'value="Kept"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Referral)) == before
    # Other forms are still protected: a POST without a token changes nothing.
    assert signed_in.post("/sign-out").status_code == 400


def test_a_post_without_the_version_it_came_from_is_treated_as_stale(
    signed_in: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    response = signed_in.post(f"/cases/{referral.id}/actions/withdraw", data={"reason": "No."})
    assert response.status_code == 400
    assert "Someone else changed this case" in text_of(response)
    session.expire_all()
    assert session.get(Referral, referral.id).status is ReferralStatus.REFERRED  # type: ignore[union-attr]


def test_a_form_sent_with_files_or_as_json_is_read_as_empty_not_a_server_error(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    """No page takes an upload or JSON: a file or a JSON number where text is expected is
    never handed to the form (it used to fail deep in a service)."""
    referral = factory.referral_at(ReferralStatus.INTERVENTION)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    url = f"/cases/{referral.id}/notes"
    upload = client.post(
        url,
        data={"text": (io.BytesIO(b"Went well."), "note.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 400
    assert error_summary(upload) == [("#text", "Write the note")]
    as_json = client.post(url, json={"text": 12})
    assert as_json.status_code == 400
    assert error_summary(as_json) == [("#text", "Write the note")]
    session.expire_all()
    assert session.get(Referral, referral.id).intervention_notes == []  # type: ignore[union-attr]
