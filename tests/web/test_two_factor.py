"""Two-factor sign-in through the pages: administrators and managers must set it up before any
other page, a right password alone signs nobody in, codes work once, wrong codes are throttled,
and anyone else may opt in."""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from oocd_panel.models import Role, User
from oocd_panel.services import two_factor
from oocd_panel.services.accounts import ACCOUNT_FAILURES
from tests.factories import PASSWORD, Factory, next_code
from tests.web.helpers import error_summary, sign_in, text_of


def _password(client: FlaskClient, user: User, next_url: str = "") -> TestResponse:
    response = client.post(f"/sign-in{next_url}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _secret_on(page: TestResponse) -> str:
    found = re.search(r'id="secret">([A-Z2-7 ]+)<', page.get_data(as_text=True))
    assert found is not None
    return found.group(1).replace(" ", "")


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_manager_without_two_factor_sets_it_up_before_any_page(
    client: FlaskClient, factory: Factory
) -> None:
    manager = factory.user(Role.MANAGER, two_factor_set_up=False)
    response = _password(client, manager, "?next=/cases")
    assert response.headers["Location"] == "/sign-in/set-up-two-factor"
    # The password alone signs nobody in.
    for path in ("/", "/cases", "/account/two-factor"):
        assert client.get(path).headers["Location"].startswith("/sign-in")

    page = client.get("/sign-in/set-up-two-factor")
    assert page.status_code == 200
    assert "Administrators and managers must give a code" in text_of(page)
    assert 'src="data:image/svg+xml' in page.get_data(as_text=True)  # the QR code
    secret = _secret_on(page)
    assert _secret_on(client.get("/sign-in/set-up-two-factor")) == secret  # stable on reload

    code = pyotp.TOTP(secret).now()
    refused = client.post("/sign-in/set-up-two-factor", data={"code": _wrong(code)})
    assert refused.status_code == 400
    assert error_summary(refused) == [
        ("#code", "The code is not right: enter the 6-digit code your app shows now")
    ]
    assert client.get("/cases").status_code == 302

    done = client.post("/sign-in/set-up-two-factor", data={"code": code})
    assert done.status_code == 200
    assert "Your recovery codes" in text_of(done)
    assert len(re.findall(r"<li>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}</li>", done.text)) == 8
    assert 'href="/cases"' in done.text  # on to where they were going
    assert client.get("/cases").status_code == 200
    factory.session.refresh(manager)
    assert manager.has_two_factor


def test_a_right_password_without_the_code_signs_nobody_in(
    client: FlaskClient, factory: Factory
) -> None:
    manager = factory.cast(Role.MANAGER)
    assert _password(client, manager).headers["Location"] == "/sign-in/code"
    assert client.get("/").headers["Location"].startswith("/sign-in")
    empty = client.post("/sign-in/code", data={"code": ""})
    assert error_summary(empty) == [("#code", "Enter the code from your authenticator app")]
    assert client.get("/cases").status_code == 302
    factory.session.refresh(manager)
    assert manager.last_signed_in_at is None  # nobody has signed in as them yet
    client.post("/sign-in/code", data={"code": next_code(factory.session, manager)})
    factory.session.refresh(manager)
    assert manager.last_signed_in_at is not None
    assert client.get("/cases").status_code == 200


def test_the_code_page_needs_a_fresh_password(app: Flask, factory: Factory) -> None:
    client = app.test_client()
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    manager = factory.cast(Role.MANAGER)
    _password(client, manager)
    with client.session_transaction() as stored:
        pending = dict(stored["pending_sign_in"])
        pending["at"] -= 6 * 60
        stored["pending_sign_in"] = pending
    response = client.post("/sign-in/code", data={"code": next_code(factory.session, manager)})
    assert response.headers["Location"] == "/sign-in"
    assert "Your sign-in had expired" in text_of(client.get("/sign-in"))
    assert client.get("/").status_code == 302


def test_a_code_is_accepted_once(app: Flask, factory: Factory, session: Session) -> None:
    manager = factory.cast(Role.MANAGER)
    first, second = app.test_client(), app.test_client()
    _password(first, manager, "?next=/cases")
    code = next_code(session, manager)
    response = first.post("/sign-in/code", data={"code": code})
    assert response.headers["Location"] == "/cases"
    assert first.get("/cases").status_code == 200

    _password(second, manager)
    replayed = second.post("/sign-in/code", data={"code": code})
    assert replayed.status_code == 400
    assert "used already" in error_summary(replayed)[0][1]
    assert second.get("/cases").status_code == 302


def test_wrong_codes_are_refused_then_throttled(client: FlaskClient, factory: Factory) -> None:
    manager = factory.cast(Role.MANAGER)
    _password(client, manager)
    wrong = _wrong(next_code(factory.session, manager))
    for _ in range(ACCOUNT_FAILURES):
        refused = client.post("/sign-in/code", data={"code": wrong})
        assert refused.status_code == 400
        assert "The code is not right" in error_summary(refused)[0][1]
    locked = client.post("/sign-in/code", data={"code": next_code(factory.session, manager)})
    assert locked.status_code == 429
    assert "too many failed sign-ins for this account" in text_of(locked)
    # The right password is not checked either, and the code page needs it again.
    again = client.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    assert again.status_code == 429
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


def test_a_recovery_code_signs_in_once(app: Flask, factory: Factory, session: Session) -> None:
    practitioner = factory.user(Role.PRACTITIONER)
    secret = two_factor.pending_secret(session, practitioner)
    codes = two_factor.confirm_set_up(session, practitioner, pyotp.TOTP(secret).now())
    client = app.test_client()
    _password(client, practitioner)
    assert client.post("/sign-in/code", data={"code": codes[3]}).status_code == 302
    assert client.get("/").status_code == 200
    other = app.test_client()
    _password(other, practitioner)
    assert other.post("/sign-in/code", data={"code": codes[3]}).status_code == 400
    assert "7 of 8" in text_of(client.get("/account/two-factor"))


def test_a_practitioner_signs_in_without_it_and_may_opt_in(
    app: Flask, factory: Factory, session: Session
) -> None:
    practitioner = factory.user(Role.PRACTITIONER)
    client = app.test_client()
    assert _password(client, practitioner).headers["Location"] == "/"
    assert client.get("/").status_code == 200
    status = text_of(client.get("/account/two-factor"))
    assert "Two-factor sign-in is off" in status

    page = client.get("/account/two-factor/set-up")
    assert page.status_code == 200
    secret = _secret_on(page)
    done = client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert "Your recovery codes" in text_of(done)
    assert "Recovery codes left 8 of 8" in text_of(client.get("/account/two-factor"))

    # From now on the password alone is not enough.
    later = app.test_client()
    assert _password(later, practitioner).headers["Location"] == "/sign-in/code"
    assert later.get("/").status_code == 302

    # They may turn it off again, with a current code.
    refused = client.post("/account/two-factor/turn-off", data={"off-code": "12"})
    assert refused.status_code == 400
    assert error_summary(refused) == [
        ("#off-code", "The code is not right: enter the 6-digit code your app shows now")
    ]
    off = client.post(
        "/account/two-factor/turn-off", data={"off-code": next_code(session, practitioner)}
    )
    assert off.headers["Location"] == "/account/two-factor"
    assert _password(app.test_client(), practitioner).headers["Location"] == "/"


def test_a_manager_cannot_turn_it_off(client: FlaskClient, factory: Factory) -> None:
    manager = factory.cast(Role.MANAGER)
    sign_in(client, manager)
    page = text_of(client.get("/account/two-factor"))
    assert "Turn off two-factor sign-in" not in page
    response = client.post(
        "/account/two-factor/turn-off", data={"off-code": next_code(factory.session, manager)}
    )
    assert response.status_code == 400
    assert "cannot turn it off" in error_summary(response)[0][1]
    assert manager.has_two_factor


def test_new_recovery_codes_need_a_current_code(client: FlaskClient, factory: Factory) -> None:
    manager = factory.cast(Role.MANAGER)
    sign_in(client, manager)
    refused = client.post("/account/two-factor/recovery-codes", data={"recovery-code": ""})
    assert error_summary(refused) == [
        ("#recovery-code", "Enter the code from your authenticator app")
    ]
    done = client.post(
        "/account/two-factor/recovery-codes",
        data={"recovery-code": next_code(factory.session, manager)},
    )
    assert "Your recovery codes" in text_of(done)


def test_a_session_that_needs_two_factor_goes_to_set_up_first(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    """Someone signed in without two-factor who then needs it (a role given since, or a session
    from before two-factor existed) may use no page but setting it up, and signing out."""
    user = factory.user(Role.PRACTITIONER)
    sign_in(client, user)
    user.set_roles({Role.PRACTITIONER, Role.MANAGER})
    session.commit()
    for path in ("/", "/cases", "/account/two-factor"):
        assert client.get(path).headers["Location"] == "/account/two-factor/set-up"
    page = client.get("/account/two-factor/set-up")
    assert page.status_code == 200
    client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(_secret_on(page)).now()})
    assert client.get("/cases").status_code == 200
