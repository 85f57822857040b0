"""When the database fails in the middle of a change, the person sees the error page, which says
nothing was saved, and nothing was: no half-changed case. Trying again later works."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from oocd_panel.models import Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today
from tests.db_state import inserts_refused, snapshot
from tests.factories import Factory
from tests.web.helpers import sign_in, text_of

S = ReferralStatus
SORRY = "Sorry, there is a problem with the service Nothing you entered was saved."


def _delivery_form(referral: Referral) -> dict[str, object]:
    today = local_today()
    return {
        "version": str(referral.version),
        "outcome": "given",
        "delivered_on": [str(today.day), str(today.month), str(today.year)],
        "appropriate_adult_present": "yes",
        "appropriate_adult_name": "Pat Parent",
        "legal_advice_offered": "yes",
        "legal_advice_taken": "no",
        "admission_confirmed": "yes",
    }


def _submission(factory: Factory) -> tuple[Referral, Role, str, dict[str, object], S]:
    referral = factory.referral_at(S.ASSESSING)
    factory.complete_assessment(referral)
    form = {"version": str(referral.version)}
    url = f"/cases/{referral.id}/assessment/submit"
    return referral, Role.PRACTITIONER, url, form, S.AWAITING_SIGN_OFF


def _sign_off(factory: Factory) -> tuple[Referral, Role, str, dict[str, object], S]:
    referral = factory.referral_at(S.AWAITING_SIGN_OFF)
    form = {"version": str(referral.version), "outcome": "signed_off", "comment": "Clear."}
    url = f"/cases/{referral.id}/assessment/review"
    return referral, Role.MANAGER, url, form, S.READY_FOR_PANEL


@pytest.mark.parametrize(
    ("page", "table"),
    [
        (_submission, "referral_event"),
        (_submission, "assessment_version"),
        (_submission, "audit_entry"),
        (_sign_off, "decision_point"),
    ],
    ids=["submit-event", "submit-version", "submit-audit", "sign_off-decision_point"],
)
def test_an_action_that_fails_in_the_database_shows_the_error_page_and_saves_nothing(
    client: FlaskClient,
    factory: Factory,
    session: Session,
    connection: Connection,
    page: Callable[[Factory], tuple[Referral, Role, str, dict[str, object], S]],
    table: str,
) -> None:
    referral, role, url, form, then = page(factory)
    sign_in(client, factory.cast(role))
    before = snapshot(session)
    session.commit()

    with inserts_refused(connection, table):
        response = client.post(url, data=form)

    assert response.status_code == 500
    assert SORRY in text_of(response)
    assert snapshot(session) == before
    session.commit()
    assert client.post(url, data=form).status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status is then  # type: ignore[union-attr]


def test_a_delivery_that_fails_in_the_database_saves_nothing(
    client: FlaskClient, factory: Factory, session: Session, connection: Connection
) -> None:
    referral = factory.referral_at(S.DECIDED)
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    url = f"/police/cases/{referral.id}/delivery"
    before = snapshot(session)
    session.commit()

    with inserts_refused(connection, "delivery"):
        response = client.post(url, data=_delivery_form(referral))

    assert response.status_code == 500
    assert SORRY in text_of(response)
    assert snapshot(session) == before
    session.commit()
    assert client.post(url, data=_delivery_form(referral)).status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.OUTCOME_DELIVERED  # type: ignore[union-attr]
