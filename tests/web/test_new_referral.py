"""Entering a referral through the real form: good input is saved, bad input is explained and
nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import Child, Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today, years_before
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

TODAY = local_today()


def _date(prefix: str, day: dt.date) -> dict[str, list[str]]:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def valid_form(**overrides: object) -> dict[str, object]:
    born = years_before(TODAY, 14) - dt.timedelta(days=30)
    data: dict[str, object] = {
        "route": "panel",
        "first_name": "Ada",
        "last_name": "Formtest",
        "sex": "female",
        "ethnicity": "mixed_white_black_african",
        "care_experience": "none",
        "send": "sen_support",
        "neurodivergent": "not_known",
        "first_language": "English",
        "address_line_1": "2 Example Road",
        "town": "Northbrook",
        "postcode": "nb2  2bb",
        "contact_name": "Grace Formtest",
        "contact_relationship": "mother",
        "contact_parental_responsibility": "y",
        "contact_receives_letters": "y",
        "police_reference": " ab1234567/26 ",
        "admission": "admits",
        "officer_name": "PC Field",
        "proposed_outcome": "community_resolution",
        "offences-0-offence_type": "criminal_damage",
        "offences-0-description": "Wrote on a wall.",
        "offences-0-gravity_score": "2",
        "victim_restorative_wish": "yes",
        **_date("date_of_birth", born),
        **_date("offence_date", TODAY - dt.timedelta(days=5)),
        **_date("received_on", TODAY - dt.timedelta(days=1)),
    }
    data.update(overrides)
    return data


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def practitioner_client(client: FlaskClient, factory: Factory) -> FlaskClient:
    sign_in(client, factory.cast(Role.PRACTITIONER))
    return client


def test_a_practitioner_creates_a_referral_and_sees_it_in_the_list(
    practitioner_client: FlaskClient, session: Session
) -> None:
    response = practitioner_client.post("/cases/new", data=valid_form())
    assert response.status_code == 302
    referral = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral is not None
    assert response.headers["Location"] == f"/cases/{referral.id}"
    assert referral.police_reference == "AB1234567/26"
    assert referral.status is ReferralStatus.REFERRED
    assert referral.child.postcode == "NB2 2BB"
    assert referral.child.contacts[0].full_name == "Grace Formtest"
    assert [e.trigger for e in referral.events] == ["refer"]
    assert referral.events[0].snapshot["ethnicity_group"] == "mixed"

    page = text_of(practitioner_client.get(response.headers["Location"]))
    assert "Referral saved." in page
    assert "Ada Formtest" in page
    assert "Start the assessment" in page
    listing = text_of(practitioner_client.post("/cases", data={"q": "formtest"}))
    assert "Ada Formtest" in listing


def test_a_second_offence_can_be_added_without_losing_anything(
    practitioner_client: FlaskClient,
) -> None:
    response = practitioner_client.post("/cases/new", data=valid_form(add_offence="y"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="offences-1-offence_type"' in html
    assert 'value="Ada"' in html


BAD_INPUTS = [
    pytest.param(
        {"first_name": ""}, "#first_name", "Enter the child's first name", id="missing-name"
    ),
    pytest.param(
        {"offences-0-gravity_score": "7"},
        "#offences-0-gravity_score",
        "Gravity score for offence 1 must be between 1 and 5",
        id="gravity-7",
    ),
    pytest.param(
        {"offences-0-gravity_score": "0"},
        "#offences-0-gravity_score",
        "Gravity score for offence 1 must be between 1 and 5",
        id="gravity-0",
    ),
    pytest.param(
        {"offences-0-gravity_score": ""},
        "#offences-0-gravity_score",
        "Select the gravity score for offence 1",
        id="gravity-missing",
    ),
    pytest.param(
        _date("offence_date", TODAY + dt.timedelta(days=1)),
        "#offence_date-day",
        "The offence date must be today or in the past",
        id="future-offence",
    ),
    pytest.param(
        _date("received_on", TODAY + dt.timedelta(days=3)),
        "#received_on-day",
        "The date the referral was received must be today or in the past",
        id="future-received",
    ),
    pytest.param(
        _date("date_of_birth", years_before(TODAY, 9)),
        "#date_of_birth-day",
        "below the age of criminal responsibility",
        id="under-10",
    ),
    pytest.param(
        _date("date_of_birth", years_before(TODAY, 19)),
        "#date_of_birth-day",
        "adult system",
        id="18-or-over",
    ),
    pytest.param(
        {"date_of_birth": ["31", "2", "2011"]},
        "#date_of_birth-day",
        "Date of birth must be a real date",
        id="31-february",
    ),
    pytest.param(
        {"date_of_birth": ["12", "", "2011"]},
        "#date_of_birth-month",
        "Date of birth must include a month",
        id="missing-month",
    ),
    pytest.param(
        {"offence_date": ["1", "1", "26"]},
        "#offence_date-year",
        "year with 4 numbers",
        id="two-digit-year",
    ),
    pytest.param(
        {"ethnicity": ""}, "#ethnicity", "Select the child's ethnicity", id="no-ethnicity"
    ),
    pytest.param({"ethnicity": "martian"}, "#ethnicity", "from the list", id="unknown-ethnicity"),
    pytest.param(
        {"proposed_outcome": "banishment"},
        "#proposed_outcome",
        "Select the outcome the officer proposes",
        id="bad-disposal",
    ),
    pytest.param(
        {"route": "notification"},
        "#police_outcome",
        "Select the outcome the police gave",
        id="notification-without-outcome",
    ),
    pytest.param(
        {"needs_interpreter": "y"},
        "#interpreter_language",
        "Enter the language the interpreter needs to speak",
        id="interpreter-language",
    ),
    pytest.param(
        {"police_reference": "x" * 41},
        "#police_reference",
        "40 characters or fewer",
        id="long-reference",
    ),
]


@pytest.mark.parametrize(("change", "anchor", "message"), BAD_INPUTS)
def test_bad_input_is_named_in_the_error_summary_and_nothing_is_saved(
    practitioner_client: FlaskClient,
    session: Session,
    change: dict[str, object],
    anchor: str,
    message: str,
) -> None:
    before = (_count(session, Referral), _count(session, Child))
    response = practitioner_client.post("/cases/new", data=valid_form(**change))
    assert response.status_code == 400
    summary = error_summary(response)
    assert any(href == anchor and message in text for href, text in summary), summary
    assert "Error: New referral" in response.get_data(as_text=True)
    # What was typed is still there.
    assert 'value="Formtest"' in response.get_data(as_text=True) or change.get("last_name") == ""
    assert (_count(session, Referral), _count(session, Child)) == before


def test_age_limits_are_inclusive_of_10_and_17(practitioner_client: FlaskClient) -> None:
    offence = TODAY - dt.timedelta(days=5)
    tenth_birthday = years_before(offence, 10)
    assert (
        practitioner_client.post(
            "/cases/new", data=valid_form(**_date("date_of_birth", tenth_birthday))
        ).status_code
        == 302
    )
    day_before_18 = years_before(offence, 18) + dt.timedelta(days=1)
    assert (
        practitioner_client.post(
            "/cases/new",
            data=valid_form(last_name="Older", **_date("date_of_birth", day_before_18)),
        ).status_code
        == 302
    )


def test_an_empty_post_reports_every_missing_field_and_does_not_crash(
    practitioner_client: FlaskClient, session: Session
) -> None:
    before = _count(session, Referral)
    response = practitioner_client.post("/cases/new", data={})
    assert response.status_code == 400
    anchors = {href for href, _ in error_summary(response)}
    assert {
        "#first_name",
        "#date_of_birth-day",
        "#offence_date-day",
        "#police_reference",
        "#offences-0-gravity_score",
    } <= anchors
    assert _count(session, Referral) == before


def test_a_known_child_is_linked_not_duplicated(
    practitioner_client: FlaskClient, session: Session
) -> None:
    practitioner_client.post("/cases/new", data=valid_form())
    children = _count(session, Child)
    response = practitioner_client.post(
        "/cases/new", data=valid_form(first_name="ADA", police_reference="AB7654321/26")
    )
    assert response.status_code == 302
    assert _count(session, Child) == children
    page = text_of(practitioner_client.get(response.headers["Location"]))
    assert "linked to the existing record for Ada Formtest" in page
    assert "AB1234567/26" in page  # the other referral is listed on the case page


def test_a_new_referral_for_a_known_child_asks_only_for_the_referral(
    practitioner_client: FlaskClient, factory: Factory, session: Session
) -> None:
    existing = factory.referral()
    form = {
        k: v for k, v in valid_form().items() if not k.startswith(("first_", "last_", "contact_"))
    }
    response = practitioner_client.post(f"/children/{existing.child_id}/referrals/new", data=form)
    assert response.status_code == 302
    session.expire_all()
    assert len(session.get(Child, existing.child_id).referrals) == 2  # type: ignore[union-attr]


def test_a_notification_starts_at_notified(
    practitioner_client: FlaskClient, session: Session
) -> None:
    response = practitioner_client.post(
        "/cases/new",
        data=valid_form(
            route="notification", police_outcome="community_resolution", proposed_outcome=""
        ),
    )
    assert response.status_code == 302
    referral = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral is not None
    assert referral.status is ReferralStatus.NOTIFIED
    assert referral.disposal == "community_resolution"
    assert referral.proposed_outcome == "community_resolution"


def test_a_police_code_alone_is_mapped_to_the_census_category(
    practitioner_client: FlaskClient, session: Session
) -> None:
    response = practitioner_client.post(
        "/cases/new", data=valid_form(ethnicity="", police_ethnicity_code="O1")
    )
    assert response.status_code == 302
    referral = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral is not None
    assert (referral.child.ethnicity, referral.child.police_ethnicity_code) == (
        "asian_chinese",
        "O1",
    )


def test_a_user_with_several_services_must_choose_one(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    two = factory.user(Role.POLICE_OFFICER, services=[factory.service(), factory.service("second")])
    sign_in(client, two)
    response = client.post("/cases/new", data=valid_form())
    assert ("#service_id", "Select the service this referral is for") in error_summary(response)
    response = client.post(
        "/cases/new", data=valid_form(service_id=str(factory.service("third").id))
    )
    assert response.status_code == 400  # a service they do not work for is not accepted
    response = client.post("/cases/new", data=valid_form(service_id=str(two.services[1].id)))
    assert response.status_code == 302
