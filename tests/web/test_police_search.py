"""The police "Find a case" search: names and dates of birth are posted, never in the address;
a reference is found as the officer types it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from oocd_panel.models import Role
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of


def _officer(app: Flask, factory: Factory) -> FlaskClient:
    client = app.test_client()
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    return client


def _by_name(factory: Factory) -> tuple[MultiDict[str, str], str]:
    referral = factory.referral()
    child = referral.child
    born = child.date_of_birth
    data = MultiDict(
        [
            ("last_name", child.last_name.lower()),
            ("date_of_birth", str(born.day)),
            ("date_of_birth", str(born.month)),
            ("date_of_birth", str(born.year)),
        ]
    )
    return data, child.full_name


def test_the_search_form_posts_so_personal_details_stay_out_of_the_address(
    app: Flask, factory: Factory
) -> None:
    officer = _officer(app, factory)
    data, name = _by_name(factory)
    form = officer.get("/police").get_data(as_text=True)
    assert '<form method="post"' in form
    response = officer.post("/police", data=data)
    assert response.status_code == 200, error_summary(response)
    assert "1 case found" in text_of(response)
    assert name in text_of(response)
    assert response.request.url.endswith("/police")


def test_names_and_dates_of_birth_in_the_address_are_not_searched(
    app: Flask, factory: Factory
) -> None:
    officer = _officer(app, factory)
    data, name = _by_name(factory)
    query = "&".join(f"{k}={v}" for k, v in data.items(multi=True))
    response = officer.get(f"/police?{query}")
    assert response.status_code == 400
    assert any("not read from the address" in message for _, message in error_summary(response))
    page = text_of(response)
    assert name not in page
    assert "found" not in page
    assert data["last_name"] not in response.get_data(as_text=True).lower().split("<main")[1]


def test_a_reference_in_the_address_or_the_form_is_found_as_typed(
    app: Flask, factory: Factory
) -> None:
    referral = factory.referral(police_reference="WM/40021/26")
    officer = _officer(app, factory)
    for response in (
        officer.get("/police?police_reference=wm/40021"),
        officer.post("/police", data={"police_reference": "40021"}),
    ):
        assert response.status_code == 200, error_summary(response)
        assert referral.child.full_name in text_of(response)


def test_bad_search_input_gets_an_error_summary_and_no_results(
    app: Flask, factory: Factory
) -> None:
    officer = _officer(app, factory)
    for data in (
        {},
        {"last_name": "Smith"},
        MultiDict([("last_name", "Smith")] + [("date_of_birth", v) for v in ("31", "2", "2012")]),
        {"police_reference": "\x00" * 3},
    ):
        response = officer.post("/police", data=data)
        assert response.status_code == 400, data
        assert error_summary(response), data
