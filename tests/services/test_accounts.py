"""Accounts: changing one's own password (the current one first, throttled like signing in),
one function with the rules for a user's details, and a new user without a password."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.models import Agency, AuditEntry, Role, SignInAttempt, User
from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import accounts
from oocd_panel.services.accounts import SignInThrottled, authenticate
from tests.factories import PASSWORD, Factory

NEW = "walrus teapot meadow"


def _change(session: Session, user: User, current: str, new: str, confirm: str) -> None:
    accounts.change_password(
        session, user, current=current, new=new, confirm=confirm, address="10.0.0.1"
    )


def _errors(session: Session, user: User, current: str, new: str, confirm: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        _change(session, user, current, new, confirm)
    return caught.value.errors


def test_changing_your_password_ends_your_sessions_and_is_audited(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    token = user.session_token
    _change(session, user, PASSWORD, NEW, NEW)
    assert user.session_token != token
    assert authenticate(session, user.email, NEW) is not None
    assert authenticate(session, user.email, PASSWORD) is None
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "change_password")).one()
    assert (audit.actor_id, audit.record_id) == (user.id, str(user.id))
    assert not audit.details  # no password, nor anything of it


def test_every_problem_is_said_at_once_and_nothing_changes(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    token = user.session_token
    assert _errors(session, user, "", "", "") == {
        "current_password": "Enter your current password",
        "new_password": "Enter a new password",
    }
    assert _errors(session, user, "not my password", "short", "short") == {
        "current_password": "Your current password is not right",
        "new_password": "Password must be at least 12 characters: three or more unrelated "
        "words work well",
    }
    assert _errors(session, user, PASSWORD, NEW, NEW + " ") == {
        "confirm_password": "The new passwords do not match: type it again twice"
    }
    assert _errors(session, user, PASSWORD, PASSWORD, PASSWORD) == {
        "new_password": "Your new password must be different from your current one"
    }
    assert (
        "too easy to guess"
        in _errors(session, user, PASSWORD, "Password!2026", "x")["new_password"]
    )
    assert user.session_token == token
    assert authenticate(session, user.email, PASSWORD) is not None


def test_wrong_current_passwords_count_toward_the_sign_in_throttle(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    for _ in range(accounts.ACCOUNT_FAILURES):
        _errors(session, user, "a wrong guess", NEW, NEW)
    failures = session.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.email == user.email, SignInAttempt.succeeded.is_(False))
    )
    assert failures == accounts.ACCOUNT_FAILURES
    # Now even the right password is not checked, here or at sign-in.
    with pytest.raises(SignInThrottled):
        _change(session, user, PASSWORD, NEW, NEW)
    with pytest.raises(SignInThrottled):
        authenticate(session, user.email, PASSWORD)


def test_one_function_holds_the_rules_for_a_users_details(
    factory: Factory, session: Session
) -> None:
    taken = factory.cast(Role.PRACTITIONER)
    service = factory.service()
    assert accounts.user_problems(
        session, email=taken.email.upper(), full_name=" ", roles=set(), services=[], agency=None
    ) == {
        "email": "A user with this email address already exists",
        "full_name": "Enter the person's full name",
        "roles": "Give the user at least one role",
        "services": "Give the user at least one service",
    }
    # Editing: the email is not checked (it is not being set).
    assert accounts.user_problems(
        session, full_name="Pat", roles={Role.PANEL_MEMBER}, services=[service], agency=None
    ) == {"agency": "A panel member must represent an agency"}
    # Only a police officer of the police agency may be offered to resolve escalations.
    inspector_rule = (
        "A police inspector who resolves escalations must also be a police officer (or a "
        "panel member) of the police agency"
    )
    for roles, agency in (
        ({Role.POLICE_INSPECTOR}, Agency.POLICE),
        ({Role.POLICE_INSPECTOR, Role.POLICE_OFFICER}, Agency.YJS),
    ):
        assert accounts.user_problems(
            session, full_name="Pat", roles=roles, services=[service], agency=agency
        ) == {"roles": inspector_rule}
    assert not accounts.user_problems(
        session,
        full_name="Pat",
        roles={Role.POLICE_INSPECTOR, Role.POLICE_OFFICER},
        services=[service],
        agency=Agency.POLICE,
    )
    assert (
        accounts.user_problems(
            session,
            full_name="Pat",
            roles={Role.PANEL_MEMBER},
            services=[service],
            agency=Agency.HEALTH,
        )
        == {}
    )


def test_a_user_made_without_a_password_cannot_sign_in_until_they_set_one(
    factory: Factory, session: Session
) -> None:
    user = accounts.create_user(
        session,
        email="no.password@example.org",
        full_name="No Password",
        password=None,
        roles=[Role.ANALYST],
        services=[factory.service()],
    )
    assert user.password_hash.startswith("$argon2id$")
    for guess in ("", "None", PASSWORD):
        assert authenticate(session, user.email, guess) is None
    created = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "create", AuditEntry.record_id == str(user.id)
        )
    ).one()
    assert created.details is not None
    assert created.details["password"] == "set-up link"
