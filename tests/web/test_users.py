"""User administration: administrators list, create, disable and re-enable the users of their
services and reset two-factor sign-in; each change is audited and takes effect at once."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, Role, User
from oocd_panel.services.accounts import authenticate
from tests.factories import PASSWORD, Factory
from tests.web.helpers import error_summary, sign_in, text_of


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

    bad = client.post(
        "/users/new",
        data={"full_name": " ", "email": "not-an-email", "password": "password2026"},
    )
    assert bad.status_code == 400
    assert error_summary(bad) == [
        ("#full_name", "Enter the person's full name"),
        ("#email", "Enter an email address like name@example.org"),
        ("#roles", "Give the user at least one role"),
        ("#services", "Give the user at least one service"),
        (
            "#password",
            "That password is too common to be safe: use three or more unrelated words instead",
        ),
    ]
    assert 'value="not-an-email"' in bad.text  # nothing typed is lost

    sneaky = client.post(
        "/users/new",
        data={
            "full_name": "Pat Example",
            "email": "pat@example.org",
            "roles": ["panel_member"],
            "services": [str(elsewhere.id)],
            "password": "three unrelated words",
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
            "password": "three unrelated words",
        },
    )
    assert made.status_code == 302
    user = session.scalars(select(User).where(User.email == "pat@example.org")).one()
    assert made.headers["Location"] == f"/users/{user.id}"
    assert user.roles == {Role.MANAGER, Role.PANEL_MEMBER}
    assert user.service_ids == {service.id}
    assert _audit(session, user.id) == [("create", admin.id)]
    assert "Pat Example can now sign in" in text_of(client.get(made.headers["Location"]))
    # A new manager must set up two-factor when they first sign in.
    other = client.application.test_client()
    signed = other.post("/sign-in", data={"email": user.email, "password": "three unrelated words"})
    assert signed.headers["Location"] == "/sign-in/set-up-two-factor"


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
