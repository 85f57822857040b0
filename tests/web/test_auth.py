"""Signing in and out."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from oocd_panel.models import AuditEntry, Role
from oocd_panel.services.accounts import ACCOUNT_FAILURES
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of


def test_sign_in_goes_to_my_work_and_names_the_user(client: FlaskClient, factory: Factory) -> None:
    user = factory.cast(Role.PRACTITIONER)
    response = sign_in(client, user)
    assert response.headers["Location"] == "/"
    page = text_of(client.get("/"))
    assert f"Signed in as {user.full_name} (YJS practitioner)" in page


def test_wrong_password_says_so_without_saying_which_part_was_wrong(
    client: FlaskClient, factory: Factory
) -> None:
    user = factory.cast(Role.MANAGER)
    for email, password in ((user.email, "wrong password!"), ("nobody@example.org", "whatever")):
        response = client.post("/sign-in", data={"email": email, "password": password})
        assert response.status_code == 400
        assert error_summary(response) == [("#email", "Enter a correct email address and password")]
    assert client.get("/").status_code == 302


def test_empty_sign_in_names_both_fields(client: FlaskClient) -> None:
    response = client.post("/sign-in", data={})
    assert error_summary(response) == [
        ("#email", "Enter your email address"),
        ("#password", "Enter your password"),
    ]


def test_disabled_users_cannot_sign_in(client: FlaskClient, factory: Factory) -> None:
    user = factory.user(Role.PRACTITIONER)
    user.is_active = False
    factory.session.commit()
    assert (
        client.post("/sign-in", data={"email": user.email, "password": "x" * 20}).status_code == 400
    )


def test_next_only_goes_to_this_site(client: FlaskClient, factory: Factory) -> None:
    user = factory.cast(Role.PRACTITIONER)
    for target, expected in (
        ("/cases", "/cases"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
    ):
        client.post("/sign-out")
        response = client.post(
            f"/sign-in?next={target}",
            data={"email": user.email, "password": "correct horse battery staple"},
        )
        assert response.headers["Location"] == expected


def test_sign_out_ends_the_session_on_the_server(app: Flask, factory: Factory) -> None:
    user = factory.cast(Role.PRACTITIONER)
    first, second = app.test_client(), app.test_client()
    sign_in(first, user)
    sign_in(second, user)
    assert first.post("/sign-out").headers["Location"] == "/sign-in"
    assert "You have signed out." in text_of(first.get("/sign-in"))
    # Every session of the user has ended, not just this browser's cookie.
    assert second.get("/").status_code == 302
    # Signing in and out are in the audit trail.
    session = app.extensions["oocd_db"].sessionmaker()
    trail = session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user.id)).all()
    assert [e.action for e in trail if e.record_type == "user"][-3:] == [
        "sign_in",
        "sign_in",
        "sign_out",
    ]


def test_forms_need_a_csrf_token(app: Flask, client: FlaskClient, factory: Factory) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    user = factory.cast(Role.PRACTITIONER)
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 400
    assert "The form had expired" in text_of(response)


def test_pages_carry_security_headers(client: FlaskClient, factory: Factory) -> None:
    sign_in(client, factory.cast(Role.PRACTITIONER))
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_too_many_failed_sign_ins_get_a_clear_message(app: Flask, factory: Factory) -> None:
    user = factory.cast(Role.PRACTITIONER)
    client = app.test_client()
    for _ in range(ACCOUNT_FAILURES):
        client.post("/sign-in", data={"email": user.email, "password": "not it"})
    response = client.post("/sign-in", data={"email": user.email, "password": "not it"})
    assert response.status_code == 429
    assert "too many failed sign-ins for this account" in response.get_data(as_text=True)


def test_an_idle_or_old_session_is_signed_out(app: Flask, factory: Factory) -> None:
    user = factory.cast(Role.PRACTITIONER)
    for key, age in (("last_seen", 31 * 60), ("signed_in_at", 12 * 3600 + 60)):
        client = app.test_client()
        sign_in(client, user)
        assert client.get("/").status_code == 200
        with client.session_transaction() as stored:
            stored[key] = stored[key] - age
        response = client.get("/")
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]
        page = client.get(response.headers["Location"])
        assert "You were signed out because the session had been idle" in text_of(page)
        assert client.get("/").status_code == 302  # and it stays signed out
