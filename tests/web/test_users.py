"""User administration: administrators list, create, disable and re-enable the users of their
services and reset two-factor sign-in; each change is audited and takes effect at once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, Role, User
from oocd_panel.services.accounts import authenticate
from tests.conftest import SMTPServer, free_port
from tests.factories import PASSWORD, Factory
from tests.web.helpers import error_summary, link_on, sign_in, text_of

NEW = "walrus teapot meadow"


def _audit(session: Session, user_id: int) -> list[tuple[str, int | None]]:
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.actor_id)
        .where(AuditEntry.record_type == "user", AuditEntry.record_id == str(user_id))
        .order_by(AuditEntry.id)
    )
    return [(action, actor) for action, actor in rows]


def test_the_list_shows_only_users_of_the_admins_services(
    client: FlaskClient, factory: Factory
) -> None:
    admin = factory.cast(Role.ADMIN)
    colleague = factory.cast(Role.PRACTITIONER)
    stranger = factory.user(Role.PRACTITIONER, services=[factory.service("elsewhere")])
    sign_in(client, admin)
    page = text_of(client.get("/users"))
    assert colleague.full_name in page
    assert colleague.email in page
    assert stranger.email not in page
    # Another service's user cannot be opened or changed.
    assert client.get(f"/users/{stranger.id}").status_code == 404
    for action in ("disable", "enable", "reset-two-factor"):
        assert client.post(f"/users/{stranger.id}/{action}").status_code == 404
    factory.session.refresh(stranger)
    assert stranger.is_active


def test_creating_a_user_shows_every_problem_then_saves(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    sign_in(client, admin)
    service = factory.service()
    elsewhere = factory.service("not-theirs")
    page = client.get("/users/new")
    assert page.status_code == 200
    assert elsewhere.name not in text_of(page)

    assert 'name="password"' not in page.text  # the administrator never chooses it
    bad = client.post("/users/new", data={"full_name": " ", "email": "not-an-email"})
    assert bad.status_code == 400
    assert error_summary(bad) == [
        ("#full_name", "Enter the person's full name"),
        ("#email", "Enter an email address like name@example.org"),
        ("#roles", "Give the user at least one role"),
        ("#services", "Give the user at least one service"),
    ]
    assert 'value="not-an-email"' in bad.text  # nothing typed is lost

    sneaky = client.post(
        "/users/new",
        data={
            "full_name": "Pat Example",
            "email": "pat@example.org",
            "roles": ["panel_member"],
            "services": [str(elsewhere.id)],
        },
    )
    assert ("#services", "Choose only services you administer") in error_summary(sneaky)
    assert ("#agency", "A panel member must represent an agency") in error_summary(sneaky)

    made = client.post(
        "/users/new",
        data={
            "full_name": "Pat Example",
            "email": "Pat@Example.org",
            "roles": ["manager", "panel_member"],
            "agency": "yjs",
            "services": [str(service.id)],
        },
    )
    # Without mail configured, the set-up link is shown, once.
    assert made.status_code == 200
    shown = text_of(made)
    assert "Pat Example has been created" in shown
    assert "This is the only time the link is shown" in shown
    link = link_on(made)
    user = session.scalars(select(User).where(User.email == "pat@example.org")).one()
    assert user.roles == {Role.MANAGER, Role.PANEL_MEMBER}
    assert user.service_ids == {service.id}
    assert _audit(session, user.id) == [("create", admin.id), ("issue_set_up_link", admin.id)]
    assert "has not been used yet" in text_of(client.get(f"/users/{user.id}"))
    # They choose their password with it; a new manager then sets up two-factor at sign-in.
    other = client.application.test_client()
    chosen = other.post(link, data={"password": NEW, "confirm_password": NEW})
    assert chosen.headers["Location"] == "/sign-in"
    signed = other.post("/sign-in", data={"email": user.email, "password": NEW})
    assert signed.headers["Location"] == "/sign-in/set-up-two-factor"
    assert "They set their password with a set-up link" in text_of(client.get(f"/users/{user.id}"))


def test_disabling_ends_the_users_sessions_at_once(
    app: Flask, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    theirs, admins = app.test_client(), app.test_client()
    sign_in(theirs, user)
    assert theirs.get("/cases").status_code == 200
    sign_in(admins, admin)

    response = admins.post(f"/users/{user.id}/disable")
    assert response.headers["Location"] == f"/users/{user.id}"
    assert "can no longer sign in" in text_of(admins.get(response.headers["Location"]))
    # Their open session is refused at its next request, and they cannot sign in again.
    assert theirs.get("/cases").headers["Location"].startswith("/sign-in")
    session.expire_all()
    assert authenticate(session, user.email, PASSWORD) is None
    assert "Disabled" in text_of(admins.get("/users"))

    admins.post(f"/users/{user.id}/enable")
    session.expire_all()
    assert authenticate(session, user.email, PASSWORD) is not None
    assert _audit(session, user.id)[-2:] == [("disable", admin.id), ("enable", admin.id)]


def test_an_admin_cannot_disable_themselves(client: FlaskClient, factory: Factory) -> None:
    admin = factory.cast(Role.ADMIN)
    sign_in(client, admin)
    assert "This is you" in text_of(client.get(f"/users/{admin.id}"))
    response = client.post(f"/users/{admin.id}/disable")
    assert response.status_code == 400
    assert error_summary(response) == [("", "You cannot disable your own account.")]
    assert client.get("/users").status_code == 200  # still signed in, still active


def test_resetting_two_factor_makes_them_set_it_up_again(
    app: Flask, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    manager = factory.cast(Role.MANAGER)
    theirs, admins = app.test_client(), app.test_client()
    sign_in(theirs, manager)
    sign_in(admins, admin)
    assert "Reset two-factor sign-in" in text_of(admins.get(f"/users/{manager.id}"))

    response = admins.post(f"/users/{manager.id}/reset-two-factor")
    assert response.status_code == 302
    assert "Two-factor sign-in has been reset" in text_of(admins.get(response.headers["Location"]))
    assert theirs.get("/cases").headers["Location"].startswith("/sign-in")
    again = theirs.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    assert again.headers["Location"] == "/sign-in/set-up-two-factor"
    assert _audit(session, manager.id)[-1] == ("reset_two_factor", admin.id)

    # Nothing to reset now; and never their own here.
    assert admins.post(f"/users/{manager.id}/reset-two-factor").status_code == 400
    own = admins.post(f"/users/{admin.id}/reset-two-factor")
    assert own.status_code == 400
    assert "cannot reset your own" in error_summary(own)[0][1]


@pytest.fixture
def mailing(app: Flask, smtp_server: SMTPServer) -> Iterator[SMTPServer]:
    """The app sends mail through a real SMTP server on 127.0.0.1, for this test."""
    settings = smtp_server.settings()
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    yield smtp_server
    app.config.update(saved)


def test_a_new_set_up_link_replaces_the_old_and_the_password_is_theirs(
    app: Flask, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    admins, theirs = app.test_client(), app.test_client()
    sign_in(admins, admin)
    sign_in(theirs, user)
    page = text_of(admins.get(f"/users/{user.id}"))
    assert "Issue a set-up link" in page
    first = link_on(admins.post(f"/users/{user.id}/set-up-link"))
    second = link_on(admins.post(f"/users/{user.id}/set-up-link"))
    assert first != second
    stranger = app.test_client()
    old = stranger.get(first)
    assert old.status_code == 404
    assert "This link is not valid" in text_of(old)
    assert "ask an administrator of your service for a new set-up link" in text_of(old)
    # Their current password works until they use the link; their session goes on too.
    assert theirs.get("/cases").status_code == 200
    form = stranger.get(second)
    assert user.email in text_of(form)
    mismatch = stranger.post(second, data={"password": NEW, "confirm_password": "other words"})
    assert mismatch.status_code == 400
    assert error_summary(mismatch) == [
        ("#confirm_password", "The passwords do not match: type the same password twice")
    ]
    done = stranger.post(second, data={"password": NEW, "confirm_password": NEW})
    assert done.headers["Location"] == "/sign-in"
    assert "Your password is set" in text_of(stranger.get("/sign-in"))
    # Every session of theirs has ended; the link works once; the new password signs in.
    assert theirs.get("/cases").headers["Location"].startswith("/sign-in")
    assert stranger.get(second).status_code == 404
    sign_in(theirs, user, NEW)
    assert [a for a, _ in _audit(session, user.id)][-4:] == [
        "issue_set_up_link",
        "issue_set_up_link",
        "set_password_by_link",
        "sign_in",
    ]


def test_the_link_is_emailed_where_mail_is_configured(
    client: FlaskClient, factory: Factory, mailing: SMTPServer
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    sign_in(client, admin)
    sent = client.post(f"/users/{user.id}/set-up-link")
    assert sent.headers["Location"] == f"/users/{user.id}"
    page = text_of(client.get(sent.headers["Location"]))
    assert f"A set-up link has been emailed to {user.email}. It works once, until" in page
    [(recipients, message)] = mailing.received
    assert recipients == [user.email]
    body = message.get_content()
    assert admin.full_name in body
    path = re.search(r"http://localhost(/set-up-password/\S+)", body)
    assert path is not None
    assert user.email in text_of(client.application.test_client().get(path.group(1)))


def test_when_the_email_cannot_be_sent_the_link_is_shown_instead(
    app: Flask, client: FlaskClient, factory: Factory, mailing: SMTPServer
) -> None:
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    sign_in(client, factory.cast(Role.ADMIN))
    made = client.post(
        "/users/new",
        data={
            "full_name": "Sam Example",
            "email": "sam@example.org",
            "roles": ["analyst"],
            "services": [str(factory.service().id)],
        },
    )
    assert made.status_code == 200
    page = text_of(made)
    assert "The email was not sent" in page
    assert "Nothing is lost: give Sam Example the link below yourself" in page
    assert client.application.test_client().get(link_on(made)).status_code == 200
    assert mailing.received == []


def test_an_admin_edits_a_user_with_the_rules_of_a_new_one(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    theirs = factory.service("theirs-only")
    user.services = [*user.services, theirs]
    session.commit()
    sign_in(client, admin)
    assert "Change their details" in text_of(client.get(f"/users/{user.id}"))
    form = client.get(f"/users/{user.id}/edit")
    assert form.status_code == 200
    assert f'value="{user.full_name}"' in form.text
    assert f"They also work for {theirs.name}" in text_of(form)
    assert 'name="email"' not in form.text

    bad = client.post(f"/users/{user.id}/edit", data={"full_name": "", "roles": ["panel_member"]})
    assert bad.status_code == 400
    assert error_summary(bad) == [
        ("#full_name", "Enter the person's full name"),
        ("#agency", "A panel member must represent an agency"),
    ]  # no services of ours left, but theirs stays: they still have one
    saved = client.post(
        f"/users/{user.id}/edit",
        data={
            "full_name": "Renamed Person",
            "roles": ["manager"],
            "services": [str(factory.service().id)],
        },
    )
    assert saved.headers["Location"] == f"/users/{user.id}"
    assert "They apply from their next page" in text_of(client.get(saved.headers["Location"]))
    session.refresh(user)
    assert (user.full_name, user.roles) == ("Renamed Person", {Role.MANAGER})
    assert user.service_ids == {factory.service().id, theirs.id}
    assert _audit(session, user.id)[-1] == ("edit", admin.id)


def test_lost_rights_take_effect_on_the_users_next_request(app: Flask, factory: Factory) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    admins, theirs = app.test_client(), app.test_client()
    sign_in(theirs, user)
    assert theirs.get("/cases").status_code == 200
    sign_in(admins, admin)
    admins.post(
        f"/users/{user.id}/edit",
        data={
            "full_name": user.full_name,
            "roles": ["analyst"],
            "services": [str(factory.service().id)],
        },
    )
    refused = theirs.get("/cases")
    assert refused.status_code == 403
    assert "You cannot see this page" in text_of(refused)
    # Still signed in, with what the analyst role gives.
    assert theirs.get("/").status_code == 200
    assert theirs.get("/reports").status_code == 200


def test_the_last_administrator_of_a_service_cannot_be_removed(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    westvale = factory.service("westvale")
    colleague = factory.user(Role.ADMIN, services=[factory.service(), westvale])
    westvale_admin = factory.user(Role.ADMIN, services=[westvale])
    sign_in(client, westvale_admin)
    # The colleague may stop being an administrator: `admin` remains one of their service.
    client.post(
        f"/users/{colleague.id}/edit",
        data={"full_name": colleague.full_name, "roles": ["manager"], "services": [westvale.id]},
    )
    session.refresh(colleague)
    assert colleague.roles == {Role.MANAGER}
    # `admin` is now the last: neither an edit nor disabling may take them away.
    admin.services = [*admin.services, westvale]
    session.commit()
    last = f"{admin.full_name} is the last administrator of {factory.service().name}"
    edit = client.post(
        f"/users/{admin.id}/edit",
        data={"full_name": admin.full_name, "roles": ["manager"], "services": [str(westvale.id)]},
    )
    assert edit.status_code == 400
    assert error_summary(edit)[0][1].startswith(last)
    disable = client.post(f"/users/{admin.id}/disable")
    assert disable.status_code == 400
    assert error_summary(disable)[0][1].startswith(last)
    session.refresh(admin)
    assert admin.is_active
    assert admin.has_role(Role.ADMIN)
