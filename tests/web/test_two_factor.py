"""Two-factor sign-in through the pages: administrators and managers must set it up before any
other page, a right password alone signs nobody in, codes work once, wrong codes are throttled,
and anyone else may opt in."""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from oocd_panel.models import AuditEntry, Role, User
from oocd_panel.services import two_factor
from oocd_panel.services.accounts import ACCOUNT_FAILURES
from oocd_panel.web.access import THROUGH_PROVIDER
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

    # They may turn it off again, with a current code and their password.
    refused = client.post(
        "/account/two-factor/turn-off", data={"off-current_code": "12", "off-password": PASSWORD}
    )
    assert refused.status_code == 400
    assert error_summary(refused) == [
        (
            "#off-current_code",
            "The code is not right, or was used already: enter the newest code your current "
            "app shows, or an unused recovery code",
        )
    ]
    off = client.post(
        "/account/two-factor/turn-off",
        data={"off-current_code": next_code(session, practitioner), "off-password": PASSWORD},
    )
    assert off.headers["Location"] == "/account/two-factor"
    assert _password(app.test_client(), practitioner).headers["Location"] == "/"


def test_a_manager_cannot_turn_it_off(client: FlaskClient, factory: Factory) -> None:
    manager = factory.cast(Role.MANAGER)
    sign_in(client, manager)
    page = text_of(client.get("/account/two-factor"))
    assert "Turn off two-factor sign-in" not in page
    response = client.post(
        "/account/two-factor/turn-off",
        data={"off-current_code": next_code(factory.session, manager), "off-password": PASSWORD},
    )
    assert response.status_code == 400
    assert "cannot turn it off" in error_summary(response)[0][1]
    assert manager.has_two_factor


def test_new_recovery_codes_need_a_current_code_and_the_password(
    client: FlaskClient, factory: Factory
) -> None:
    manager = factory.cast(Role.MANAGER)
    sign_in(client, manager)
    refused = client.post("/account/two-factor/recovery-codes", data={"recovery-current_code": ""})
    assert error_summary(refused) == [
        ("#recovery-current_code", "Enter a code from your authenticator app, or a recovery code"),
        ("#recovery-password", "Enter your password"),
    ]
    code = next_code(factory.session, manager)
    wrong = client.post(
        "/account/two-factor/recovery-codes",
        data={"recovery-current_code": code, "recovery-password": "not the password"},
    )
    assert error_summary(wrong) == [("#recovery-password", "Your password is not right")]
    done = client.post(
        "/account/two-factor/recovery-codes",
        data={"recovery-current_code": code, "recovery-password": PASSWORD},
    )
    assert "Your recovery codes" in text_of(done)


def _audited(session: Session, user: User) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.record_type == "user", AuditEntry.record_id == str(user.id))
            .order_by(AuditEntry.id)
        )
    )


def test_a_signed_in_session_alone_cannot_replace_two_factor(
    app: Flask, factory: Factory, session: Session
) -> None:
    """Issue 16, item 4: someone with a manager's session (a stolen cookie, an unlocked
    screen) and their own new authenticator cannot take over the account's two-factor."""
    manager = factory.cast(Role.MANAGER)
    original = manager.totp_secret
    client = app.test_client()
    sign_in(client, manager)
    page = client.get("/account/two-factor/set-up")
    assert page.status_code == 200
    shown = text_of(page)
    assert "Confirm it is you" in shown
    assert "ask your service's administrator to reset" in shown.lower()
    theirs = pyotp.TOTP(_secret_on(page))

    alone = client.post("/account/two-factor/set-up", data={"code": theirs.now()})
    assert alone.status_code == 400
    assert [href for href, _ in error_summary(alone)] == ["#current_code", "#password"]
    guessed = client.post(
        "/account/two-factor/set-up",
        data={"code": theirs.now(), "current_code": "123456", "password": "a guess at it"},
    )
    assert error_summary(guessed) == [("#password", "Your password is not right")]
    session.refresh(manager)
    assert manager.totp_secret == original
    assert "replace_two_factor" not in _audited(session, manager)

    # The manager themself, with their current code and password, moves to the new phone.
    done = client.post(
        "/account/two-factor/set-up",
        data={
            "code": theirs.now(),
            "current_code": next_code(session, manager),
            "password": PASSWORD,
        },
    )
    assert "Your recovery codes" in text_of(done)
    session.refresh(manager)
    assert manager.totp_secret != original
    assert _audited(session, manager)[-1] == "replace_two_factor"


def test_wrong_passwords_when_changing_two_factor_are_throttled(
    client: FlaskClient, factory: Factory
) -> None:
    manager = factory.cast(Role.MANAGER)
    sign_in(client, manager)
    for _ in range(ACCOUNT_FAILURES):
        refused = client.post(
            "/account/two-factor/recovery-codes",
            data={"recovery-current_code": "123456", "recovery-password": "a guess"},
        )
        assert refused.status_code == 400
    locked = client.post(
        "/account/two-factor/recovery-codes",
        data={
            "recovery-current_code": next_code(factory.session, manager),
            "recovery-password": PASSWORD,
        },
    )
    assert locked.status_code == 429
    assert "too many failed sign-ins for this account" in text_of(locked)


def test_a_session_through_the_organisations_provider_is_told_two_factor_is_theirs(
    client: FlaskClient, factory: Factory
) -> None:
    """Signed in through the identity provider, there is no password here to confirm a change
    with: the page says two-factor is the organisation's job, and changes nothing."""
    manager = factory.cast(Role.MANAGER)
    original = manager.totp_secret
    sign_in(client, manager)
    with client.session_transaction() as stored:
        stored[THROUGH_PROVIDER] = factory.service().id
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    shown = text_of(page)
    assert "two-factor sign-in is your organisation's job" in shown
    assert "Get new recovery codes" not in shown
    assert "Set up on a new phone" not in shown
    assert client.get("/account/two-factor/set-up").headers["Location"] == "/account/two-factor"
    for path, data in (
        ("recovery-codes", {"recovery-current_code": "123456", "recovery-password": PASSWORD}),
        ("turn-off", {"off-current_code": "123456", "off-password": PASSWORD}),
    ):
        refused = client.post(f"/account/two-factor/{path}", data=data)
        assert refused.headers["Location"] == "/account/two-factor"
    assert "you cannot change two-factor sign-in here" in text_of(client.get("/account/two-factor"))
    factory.session.refresh(manager)
    assert manager.totp_secret == original


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
