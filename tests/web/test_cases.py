"""Case pages: my work, the list, a case, and taking actions through the pages."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from oocd_panel import workflow
from oocd_panel.models import Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today
from oocd_panel.rules.referral_rules import OffenceDetails
from oocd_panel.web.cases import DEDICATED_PAGES
from tests.factories import Factory, child_details
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _action_links(html: str, referral: Referral) -> list[str]:
    """The pages the case page's action buttons lead to, in order."""
    buttons = re.findall(r'<a href="([^"]+)"[^>]*class="govuk-button', html)
    prefix = f"/cases/{referral.id}/"
    return [
        b.removeprefix(prefix).removeprefix("actions/") for b in buttons if b.startswith(prefix)
    ]


def test_the_case_page_offers_exactly_the_actions_this_user_may_take(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral_at(S.AWAITING_SIGN_OFF)
    manager = factory.user(Role.MANAGER)
    sign_in(client, manager)
    html = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    assert _action_links(html, referral) == ["assessment/review", "withdraw"]

    client.post("/sign-out")
    sign_in(client, factory.cast(Role.PRACTITIONER))  # wrote it: may not sign off, may not withdraw
    html = client.get(f"/cases/{referral.id}").get_data(as_text=True)
    assert _action_links(html, referral) == []
    assert "Nothing is waiting on you for this case." in text_of(
        client.get(f"/cases/{referral.id}")
    )


def test_taking_an_action_through_the_page(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.AT_PANEL)
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    page = client.get(f"/cases/{referral.id}/actions/withdraw")
    assert "Why the police withdrew the referral" in text_of(page)
    response = client.post(
        f"/cases/{referral.id}/actions/withdraw",
        data={"version": str(referral.version), "reason": "The victim withdrew their statement."},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.CLOSED  # type: ignore[union-attr]
    page = text_of(client.get(f"/cases/{referral.id}"))
    assert "Done: withdraw the referral (police)." in page
    assert "The victim withdrew their statement." in page  # on the timeline


def test_starting_an_assessment_leads_to_it_and_the_case_page_points_to_it(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral()
    sign_in(client, factory.cast(Role.PRACTITIONER))
    response = client.post(
        f"/cases/{referral.id}/actions/start_assessment", data={"version": str(referral.version)}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{referral.id}/assessment"
    page = client.get(f"/cases/{referral.id}")
    assert "Nothing is waiting on you" not in text_of(page)
    assert _action_links(page.get_data(as_text=True), referral)[0] == "assessment"
    assert "Continue the assessment" in text_of(page)
    # And My work lists it under the practitioner's assessments in progress.
    mine = text_of(client.get("/"))
    assert "Your assessments in progress" in mine
    assert referral.police_reference in mine


def test_a_missing_reason_is_explained_and_nothing_changes(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.AT_PANEL)
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    response = client.post(
        f"/cases/{referral.id}/actions/withdraw", data={"version": str(referral.version)}
    )
    assert response.status_code == 400
    assert error_summary(response) == [("#reason", "Enter why the police withdrew the referral")]
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.AT_PANEL  # type: ignore[union-attr]


def test_a_stale_page_says_someone_else_changed_the_case(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    seen = referral.version
    factory.act(referral, "start_assessment", Role.PRACTITIONER)
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    response = client.post(
        f"/cases/{referral.id}/actions/withdraw", data={"version": str(seen), "reason": "No."}
    )
    assert response.status_code == 400
    assert "Someone else changed this case" in error_summary(response)[0][1]
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.ASSESSING  # type: ignore[union-attr]


def test_an_action_not_allowed_now_is_explained(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(S.CLOSED)
    sign_in(client, factory.cast(Role.MANAGER))
    page = client.get(f"/cases/{referral.id}/actions/start_intervention")
    assert page.status_code == 200
    assert "This case is now 'Closed', so you cannot start the intervention now." in text_of(page)
    assert "<form" not in page.get_data(as_text=True).split("<main")[1]
    response = client.post(
        f"/cases/{referral.id}/actions/start_intervention",
        data={"version": str(referral.version), "reason": "x"},
    )
    assert response.status_code == 400
    assert client.get(f"/cases/{referral.id}/actions/no_such_thing").status_code == 404


def test_police_officers_do_not_see_health_and_send_details(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral()
    referral.child.communication_needs = "DISTINCTIVE-SLCN-NOTE"
    referral.child.neurodiversity_details = "DISTINCTIVE-NEURO-NOTE"
    factory.session.commit()
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    page = text_of(client.get(f"/cases/{referral.id}"))
    assert referral.child.full_name in page
    assert "DISTINCTIVE" not in page
    assert "Education, health and care plan" not in page
    client.post("/sign-out")
    sign_in(client, factory.cast(Role.PRACTITIONER))
    page = text_of(client.get(f"/cases/{referral.id}"))
    assert "DISTINCTIVE-SLCN-NOTE" in page
    assert "DISTINCTIVE-NEURO-NOTE" in page


def test_my_work_lists_what_waits_on_each_role(client: FlaskClient, factory: Factory) -> None:
    waiting_sign_off = factory.referral_at(S.AWAITING_SIGN_OFF)
    to_deliver = factory.referral_at(S.DECIDED)
    sign_in(client, factory.user(Role.MANAGER))
    page = text_of(client.get("/"))
    assert "Assessments waiting for sign-off" in page
    assert waiting_sign_off.child.full_name in page
    assert to_deliver.child.full_name not in page
    client.post("/sign-out")
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    page = text_of(client.get("/"))
    assert "Decisions to give" in page
    assert to_deliver.child.full_name in page
    assert waiting_sign_off.child.full_name not in page


def test_the_case_list_filters_and_pages(client: FlaskClient, factory: Factory, app: Flask) -> None:
    old = factory.referral(
        received_on=local_today() - dt.timedelta(days=300),
        offence_date=local_today() - dt.timedelta(days=310),
    )
    grave = factory.referral(offences=[OffenceDetails("robbery", "Took a phone.", 5)])
    sign_in(client, factory.cast(Role.PRACTITIONER))
    assert grave.child.full_name in text_of(client.get("/cases?gravity=5"))
    assert old.child.full_name not in text_of(client.get("/cases?gravity=5"))
    recent = local_today() - dt.timedelta(days=30)
    page = text_of(
        client.get(
            f"/cases?received_from={recent.day}&received_from={recent.month}&received_from={recent.year}"
        )
    )
    assert grave.child.full_name in page
    assert old.child.full_name not in page
    # A name is searched for by posting the form: never read from the address.
    by_name = client.post("/cases", data={"q": old.child.first_name})
    assert by_name.status_code == 200
    assert old.child.full_name in text_of(by_name)
    in_address = client.get(f"/cases?q={old.child.first_name}")
    assert in_address.status_code == 400
    assert "names are never read from the page's address" in text_of(in_address)
    # The name from the address is not searched for, nor written back into the search box.
    assert f'value="{old.child.first_name}"' not in in_address.get_data(as_text=True)
    # A reference (or no search) posted comes back as an ordinary address to share.
    posted = client.post("/cases", data={"q": old.police_reference.lower(), "gravity": "3"})
    assert posted.status_code == 302
    assert posted.headers["Location"] == (
        f"/cases?q={old.police_reference.lower().replace('/', '%2F')}&gravity=3"
    )
    assert old.child.full_name in text_of(client.get(posted.headers["Location"]))
    assert "No cases match" in text_of(client.get("/cases?status=escalated"))

    for _ in range(3):
        factory.referral()
    app.config["CASES_PER_PAGE"] = 2
    try:
        first = client.get("/cases")
        assert "Showing cases 1 to 2, newest first" in text_of(first)
        assert _link(first, "prev") is None
        second = client.get(_link(first, "next") or "")
        assert "Showing cases 3 to 4, newest first" in text_of(second)
        last = client.get(_link(second, "next") or "")
        assert "Showing cases 5 to 5, newest first" in text_of(last)
        assert _link(last, "next") is None
        back = client.get(_link(last, "prev") or "")
        assert "Showing cases 3 to 4, newest first" in text_of(back)
        assert text_of(back) == text_of(second)
        assert "Showing cases 1 to 2" in text_of(client.get(_link(back, "prev") or ""))
    finally:
        app.config["CASES_PER_PAGE"] = 25


def test_the_pages_of_a_name_search_are_posted_and_keep_the_name_out_of_addresses(
    client: FlaskClient, factory: Factory, app: Flask
) -> None:
    for _ in range(3):
        factory.referral(child=child_details(last_name="Pagesearch"))
    sign_in(client, factory.cast(Role.PRACTITIONER))
    app.config["CASES_PER_PAGE"] = 2
    try:
        first = client.post("/cases", data={"q": "pagesearch"})
        html = first.get_data(as_text=True)
        assert "Showing cases 1 to 2" in text_of(first)
        assert "pagesearch" not in " ".join(re.findall(r'href="([^"]*)"', html)).lower()
        fields = re.search(r'<nav class="govuk-pagination".*?</nav>', html, re.S)
        assert fields is not None
        posted = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', fields.group(0)))
        assert posted["q"] == "pagesearch"
        second = client.post("/cases", data=posted)
        assert "Showing cases 3 to 3" in text_of(second)
        assert text_of(second).count("Pagesearch") >= 1
    finally:
        app.config["CASES_PER_PAGE"] = 25


def _link(response: TestResponse, rel: str) -> str | None:
    """The page's Next or Previous link."""
    found = re.search(rf'href="([^"]+)" rel="{rel}"', response.get_data(as_text=True))
    return unescape(found.group(1)) if found else None


def test_a_bad_filter_date_is_explained(client: FlaskClient, factory: Factory) -> None:
    sign_in(client, factory.cast(Role.PRACTITIONER))
    response = client.get("/cases?received_from=40&received_from=1&received_from=2026")
    assert ("#received_from-day", "Received on or after must be a real date") in error_summary(
        response
    )


def test_every_trigger_has_a_page(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral()
    sign_in(client, factory.cast(Role.MANAGER))
    for trigger in workflow.ACTIONS_BY_TRIGGER:
        response = client.get(f"/cases/{referral.id}/actions/{trigger}")
        if trigger in DEDICATED_PAGES:
            assert response.status_code == 302
            assert response.headers["Location"] != f"/cases/{referral.id}/actions/{trigger}"
        else:
            assert response.status_code == 200


def test_every_status_has_a_tag() -> None:
    from oocd_panel.web.filters import status_tag

    for status in S:
        assert status_tag(status)["text"] == status.label
