"""A user's own password: changing it from the link at the top of every page (this session goes
on, every other ends; wrong current passwords are throttled); a set-up link's page (CSRF on
its form, nothing told about a link that cannot be used, nobody signed in past two-factor);
and the page for a forgotten password."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.models import Role
from oocd_panel.services import accounts, user_admin
from oocd_panel.services.accounts import authenticate
from tests.factories import PASSWORD, Factory
from tests.web.helpers import error_summary, sign_in, text_of

NEW = "walrus teapot meadow"


def test_changing_your_password_keeps_you_signed_in_here_and_nowhere_else(
    app: Flask, factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    home = here.get("/")
    assert 'href="/account/password"' in home.text  # at the top of every page
    assert "Change your password" in text_of(here.get("/account/password"))

    changed = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW},
    )
    assert changed.headers["Location"] == "/account/password"
    assert "Your password has been changed" in text_of(here.get("/account/password"))
    assert here.get("/cases").status_code == 200  # this session goes on
    assert elsewhere.get("/cases").headers["Location"].startswith("/sign-in")  # that one ended
    session.expire_all()
    assert authenticate(session, user.email, NEW) is not None
    assert authenticate(session, user.email, PASSWORD) is None


def test_mistakes_are_listed_and_nothing_changes(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    sign_in(client, user)
    wrong = client.post(
        "/account/password",
        data={"current_password": "not it", "new_password": "short", "confirm_password": ""},
    )
    assert wrong.status_code == 400
    assert error_summary(wrong) == [
        ("#current_password", "Your current password is not right"),
        (
            "#new_password",
            "Password must be at least 12 characters: three or more unrelated words work well",
        ),
    ]
    common = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Summer2026!!!",
            "confirm_password": "Summer2026!!!",
        },
    )
    assert error_summary(common)[0][1].startswith("That password is too easy to guess: it is on")
    assert 'value="Summer2026!!!"' not in common.text  # passwords are never shown again
    session.expire_all()
    assert authenticate(session, user.email, PASSWORD) is not None


def test_wrong_current_passwords_are_throttled(client: FlaskClient, factory: Factory) -> None:
    user = factory.cast(Role.PRACTITIONER)
    sign_in(client, user)
    for _ in range(accounts.ACCOUNT_FAILURES):
        assert (
            client.post(
                "/account/password",
                data={"current_password": "guess", "new_password": NEW, "confirm_password": NEW},
            ).status_code
            == 400
        )
    throttled = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW},
    )
    assert throttled.status_code == 429
    assert "too many failed sign-ins" in error_summary(throttled)[0][1]


def test_a_set_up_link_never_signs_anyone_in_past_two_factor(
    app: Flask, factory: Factory, session: Session
) -> None:
    manager = factory.cast(Role.MANAGER)  # with two-factor set up
    issued = user_admin.issue_set_up_link(session, factory.cast(Role.ADMIN), manager.id)
    client = app.test_client()
    done = client.post(
        f"/set-up-password/{issued.token}", data={"password": NEW, "confirm_password": NEW}
    )
    assert done.headers["Location"] == "/sign-in"
    assert client.get("/cases").headers["Location"].startswith("/sign-in")  # not signed in
    signed = client.post("/sign-in", data={"email": manager.email, "password": NEW})
    assert signed.headers["Location"] == "/sign-in/code"  # the code is still asked for


def test_the_link_page_needs_its_csrf_token(app: Flask, factory: Factory, session: Session) -> None:
    user = factory.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(session, factory.cast(Role.ADMIN), user.id)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    url = f"/set-up-password/{issued.token}"
    assert 'name="csrf_token"' in client.get(url).text
    forged = client.post(url, data={"password": NEW, "confirm_password": NEW})
    assert forged.status_code == 400
    session.expire_all()
    assert authenticate(session, user.email, PASSWORD) is not None
    app.config["WTF_CSRF_ENABLED"] = False


def test_an_unusable_link_says_only_that_it_is_not_valid(client: FlaskClient) -> None:
    for token in ("x" * 43, "a", "%00", "é" * 200):
        for method in ("GET", "POST"):
            page = client.open(f"/set-up-password/{token}", method=method)
            assert page.status_code == 404
            assert "This link is not valid" in text_of(page)
            assert "Set your password" not in text_of(page)


def test_forgotten_your_password_says_what_to_do(client: FlaskClient) -> None:
    sign_in_page = client.get("/sign-in")
    assert 'href="/sign-in/forgotten-password"' in sign_in_page.text
    page = text_of(client.get("/sign-in/forgotten-password"))
    assert "Ask an administrator of your service" in page
    assert "set-up link" in page
    assert "it works once, for 24 hours" in page
    assert "does not email a reset link" in page
    assert "your organisation" in page
    assert "<input" not in client.get("/sign-in/forgotten-password").text  # nothing to enumerate
