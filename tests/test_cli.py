"""The flask commands: demo data, users, sign-ins."""

from __future__ import annotations

import datetime as dt

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from oocd_panel import demo
from oocd_panel.catalogue import disposals
from oocd_panel.models import (
    AuditEntry,
    Child,
    ClosureReason,
    Letter,
    Referral,
    ReferralStatus,
    Role,
    User,
)
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.services import two_factor
from oocd_panel.services.accounts import authenticate
from tests.factories import Factory
from tests.personal_data import everything, found, marked_case


def _cohort(session: Session, after_id: int) -> list[tuple[str, str, str | None]]:
    rows = session.scalars(select(Referral).where(Referral.id > after_id).order_by(Referral.id))
    return [(r.police_reference, r.status.value, r.disposal) for r in rows]


def test_seed_demo_covers_every_status_closure_and_disposal(app: Flask, session: Session) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--referrals", "30", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Created 30 referrals in " in result.output
    referrals = session.scalars(select(Referral)).all()
    assert len(referrals) == 30
    assert {r.status for r in referrals} == set(ReferralStatus)
    assert {r.closure_reason for r in referrals if r.closure_reason} == set(ClosureReason)
    assert {r.disposal for r in referrals if r.disposal} == disposals.codes()
    # Every timeline replays to the status it ended at.
    for referral in referrals:
        assert referral.events[0].from_status is None
        for before, after in zip(referral.events, referral.events[1:], strict=False):
            assert after.from_status == before.to_status
        assert referral.events[-1].to_status == referral.status
    # One demo user per role, each able to sign in with the printed password.
    for role in Role:
        user = session.scalars(
            select(User).join(User.role_rows).where(User.role_rows.any(role=role))
        ).first()
        assert user is not None, role
    assert authenticate(session, "manager@example.org", demo.DEMO_PASSWORD) is not None


def test_seed_demo_is_deterministic_and_skips_when_asked(app: Flask, session: Session) -> None:
    services = demo.ensure_services(session)
    users = demo.ensure_demo_users(session, services)
    today = dt.date(2026, 6, 1)
    demo.seed_referrals(session, count=12, seed=3, users=users, services=services, today=today)
    first = _cohort(session, 0)
    last_id = session.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    demo.seed_referrals(session, count=12, seed=3, users=users, services=services, today=today)
    assert _cohort(session, last_id) == first
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "already present" in result.output


def test_demo_sign_ins_lists_every_account(app: Flask) -> None:
    output = app.test_cli_runner().invoke(args=["demo-sign-ins"]).output
    assert demo.DEMO_PASSWORD in output
    assert demo.DEMO_TOTP_SECRET in output
    for user in demo.DEMO_USERS:
        assert user.email in output


def test_demo_managers_and_admins_sign_in_with_the_demo_key(app: Flask, session: Session) -> None:
    services = demo.ensure_services(session)
    users = demo.ensure_demo_users(session, services)
    for email in ("manager@example.org", "admin@example.org"):
        assert two_factor.current_secret(users[email]) == demo.DEMO_TOTP_SECRET
    assert not users["practitioner@example.org"].has_two_factor
    before = pyotp.TOTP(demo.DEMO_TOTP_SECRET).now()
    code = app.test_cli_runner().invoke(args=["demo-code"]).output.strip()
    after = pyotp.TOTP(demo.DEMO_TOTP_SECRET).now()
    assert code in {before, after}


def test_create_user(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["create-service", "--slug", "westvale", "--name", "Westvale YJS"]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "New.Person@Example.org",
            "--name",
            "New Person",
            "--role",
            "panel_member",
            "--role",
            "manager",
            "--service",
            "westvale",
            "--agency",
            "education",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "new.person@example.org")).one()
    assert user.roles == {Role.PANEL_MEMBER, Role.MANAGER}
    assert [s.slug for s in user.services] == ["westvale"]
    assert user.password_hash.startswith("$argon2id$")
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "user", AuditEntry.record_id == str(user.id)
        )
    ).one()
    assert (audit.action, audit.actor_id, audit.details["roles"]) == (
        "create",
        None,
        ["manager", "panel_member"],
    )

    short = runner.invoke(
        args=[
            "create-user",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--role",
            "manager",
            "--service",
            "westvale",
            "--password",
            "short",
        ]
    )
    assert short.exit_code == 2
    assert "at least 12 characters" in short.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "--email",
            "c@example.org",
            "--name",
            "C",
            "--role",
            "manager",
            "--service",
            "nowhere",
            "--password",
            "x" * 12,
        ]
    )
    assert unknown.exit_code == 2
    assert "No service with slug: nowhere" in unknown.output


def test_set_up_link_prints_a_link_that_works_once(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    user = factory.cast(Role.ADMIN)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["set-up-link", "--email", user.email.upper()])
    assert result.exit_code == 0, result.output
    path = result.output.splitlines()[0]
    assert path.startswith("/set-up-password/")
    assert "It works once, until" in result.output
    new = "walrus teapot meadow"
    done = client.post(path, data={"password": new, "confirm_password": new})
    assert done.headers["Location"] == "/sign-in"
    app.config["PUBLIC_URL"] = "https://oocd.example"
    try:
        whole = runner.invoke(args=["set-up-link", "--email", user.email])
    finally:
        app.config["PUBLIC_URL"] = None
    assert whole.output.startswith("https://oocd.example/set-up-password/")
    nobody = runner.invoke(args=["set-up-link", "--email", "nobody@example.org"])
    assert nobody.exit_code == 2
    assert "no active user" in nobody.output


def test_issue_letters_issues_every_due_letter_of_a_service(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--referrals", "30", "--seed", "7"]).exit_code == 0
    result = runner.invoke(
        args=["issue-letters", "--service", "northbrook", "--as", "manager@example.org"]
    )
    assert result.exit_code == 0, result.output
    issued = int(result.output.split("Issued ")[1].split(" ")[0])
    assert issued == session.query(Letter).count() > 0
    again = runner.invoke(
        args=["issue-letters", "--service", "northbrook", "--as", "manager@example.org"]
    )
    assert "Issued 0 letters" in again.output
    nobody = runner.invoke(args=["issue-letters", "--service", "northbrook", "--as", "x@y.z"])
    assert nobody.exit_code == 2


def test_purge_dry_run_then_purge_then_nothing_more(
    app: Flask, session: Session, factory: Factory
) -> None:
    marked = marked_case(factory, letters_out=False)
    recent = factory.referral_at(ReferralStatus.CLOSED)  # closed today: kept for six years
    # Make the marked case seven years closed, and the child grown up.
    session.execute(
        update(Referral)
        .where(Referral.id == marked.referral.id)
        .values(closed_at=utcnow() - dt.timedelta(days=7 * 366))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Child)
        .where(Child.id == marked.child_id)
        .values(date_of_birth=marked.born.replace(year=marked.born.year - 8))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.expire_all()
    runner = app.test_cli_runner()
    before = everything(session)

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{factory.service().name}: 1 case of 1 child due" in dry.output
    assert f"{marked.referral.police_reference}: 6 years after the last case closed" in dry.output
    assert recent.police_reference not in dry.output
    assert "Dry run: nothing was changed." in dry.output
    session.expire_all()
    assert everything(session) == before

    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert "Removed the personal data of 1 case of 1 child." in done.output
    session.expire_all()
    assert found(session, marked.markers) == []
    kept = session.get(Referral, recent.id)
    assert kept is not None
    assert kept.police_reference == recent.police_reference

    again = runner.invoke(args=["purge"])
    assert again.exit_code == 0
    assert "Nothing is due for removal." in again.output
    unknown = runner.invoke(args=["purge", "--dry-run", "--service", "nowhere"])
    assert unknown.exit_code == 2
