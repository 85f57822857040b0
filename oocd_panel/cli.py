"""Flask commands: database upgrade, demo data, users, and the workflow diagram."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
import pyotp
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel import demo
from oocd_panel.models import Agency, Role, Service, User
from oocd_panel.plumbing.clock import local_today, utcnow
from oocd_panel.plumbing.config import PROJECT_ROOT
from oocd_panel.plumbing.db import Database
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import (
    accounts,
    audit_checkpoint,
    audit_trail,
    backup,
    feedback,
    letters,
    retention,
    set_up_links,
)
from oocd_panel.services.accounts import create_user
from oocd_panel.services.audit_checkpoint import Checkpoint
from oocd_panel.web.letters import feedback_link
from oocd_panel.workflow.diagram import render_workflow_markdown


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


def _database() -> Database:
    db: Database = current_app.extensions["oocd_db"]
    return db


@click.command("upgrade-db")
@with_appcontext
def upgrade_db() -> None:
    """Upgrade the database to the latest migration."""
    cfg = alembic_config()
    with _database().engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    click.echo("Database is at the latest migration.")


@click.command("seed-demo")
@click.option("--referrals", default=200, show_default=True, help="How many referrals to create.")
@click.option(
    "--seed", default=1, show_default=True, help="Random seed: the same seed gives the same cohort."
)
@click.option("--if-empty", is_flag=True, help="Do nothing if there are referrals already.")
@with_appcontext
def seed_demo(referrals: int, seed: int, if_empty: bool) -> None:
    """Create synthetic demo services, one user per role, and a cohort of referrals."""
    with _database().session() as session:
        if if_empty and demo.referral_count(session) > 0:
            click.echo("Demo data already present: nothing to do.")
            return
        with click.progressbar(length=referrals, label="Creating referrals") as bar:
            last = [0]

            def progress(done: int) -> None:
                bar.update(done - last[0])
                last[0] = done

            started = time.perf_counter()
            seeded = demo.seed_demo(session, referrals=referrals, seed=seed, progress=progress)
            seconds = time.perf_counter() - started
        click.echo(f"Created {referrals} referrals in {seconds:.1f} s.")
        if seeded.bulk is not None:
            bulk = seeded.bulk
            click.echo(
                f"{seeded.through_workflow} through the workflow, {bulk.referrals} in bulk: "
                f"{bulk.total_rows:,} rows in {bulk.seconds:.1f} s "
                f"({bulk.total_rows / bulk.seconds:,.0f} rows/s, "
                f"{bulk.referrals / bulk.seconds:,.0f} referrals/s)"
                + (
                    f"; of that, {bulk.indexed:.1f} s making the indexes"
                    if bulk.indexed is not None
                    else ""
                )
                + (
                    f"; of that, {bulk.analysed:.1f} s gathering statistics for the query planner"
                    if bulk.analysed is not None
                    else ""
                )
                + "."
            )


@click.command("demo-sign-ins")
def demo_sign_ins() -> None:
    """Print the demo accounts, their password and the demo two-factor key."""
    click.echo(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD})")
    for user in demo.DEMO_USERS:
        roles = ", ".join(r.label for r in user.roles)
        click.echo(f"  {user.email:<28} {roles:<18} {user.note}")
    click.echo(
        "Administrators and managers also give a two-factor code: add the key "
        f"{demo.DEMO_TOTP_SECRET} to an authenticator app, or run "
        "`.venv/bin/flask --app wsgi demo-code` for the current code."
    )


@click.command("demo-code")
def demo_code() -> None:
    """Print the current two-factor code of the demo administrators and managers."""
    click.echo(pyotp.TOTP(demo.DEMO_TOTP_SECRET).now())


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option(
    "--service",
    "services",
    multiple=True,
    required=True,
    help="Service slug; repeat for several services.",
)
@click.option(
    "--agency",
    type=click.Choice([a.value for a in Agency]),
    default=None,
    help="The agency a panel member or officer represents.",
)
@click.password_option(
    help="Prompted for if not given (at least 12 characters, not a common password). For a "
    "first administrator; on the Users page, new users get a set-up link instead."
)
@with_appcontext
def create_user_command(
    email: str,
    full_name: str,
    roles: tuple[str, ...],
    services: tuple[str, ...],
    agency: str | None,
    password: str,
) -> None:
    """Create a user who can sign in."""
    with _database().session() as session:
        found = [session.query(Service).filter_by(slug=slug).one_or_none() for slug in services]
        missing = [slug for slug, s in zip(services, found, strict=True) if s is None]
        if missing:
            click.echo(f"No service with slug: {', '.join(missing)}", err=True)
            sys.exit(2)
        try:
            user = create_user(
                session,
                email=email,
                full_name=full_name,
                password=password,
                roles=[Role(r) for r in roles],
                services=[s for s in found if s is not None],
                agency=Agency(agency) if agency else None,
            )
        except InvalidInput as exc:
            for message in exc.errors.values():
                click.echo(message, err=True)
            sys.exit(2)
        click.echo(f"Created user {user.email}.")


@click.command("set-up-link")
@click.option("--email", required=True, help="The user's email address.")
@with_appcontext
def set_up_link_command(email: str) -> None:
    """Print a one-time link for a user to choose a new password (a forgotten one, or the only
    administrator's). It works once, for 24 hours; earlier links stop working."""
    with _database().session() as session:
        user = accounts.find_by_email(session, email)
        if user is None or not user.is_active:
            click.echo("There is no active user with that email address.", err=True)
            sys.exit(2)
        issued = set_up_links.issue(session, user, issued_by=None)
    with current_app.test_request_context():
        path = url_for("passwords.set_up", token=issued.token)
    base = current_app.config.get("PUBLIC_URL")
    click.echo(f"{base}{path}" if base else path)
    if not base:
        click.echo("(open it at the service's address; set OOCD_PUBLIC_URL to print it whole)")
    click.echo(f"It works once, until {set_up_links.london_time(issued.expires_at)} (UK time).")


@click.command("create-service")
@click.option("--slug", required=True, help="Short name used in commands, e.g. northbrook.")
@click.option("--name", required=True, help="Full name, e.g. Northbrook Youth Justice Service.")
@with_appcontext
def create_service(slug: str, name: str) -> None:
    """Create a Youth Justice Service."""
    with _database().session() as session:
        if session.query(Service).filter_by(slug=slug).one_or_none() is not None:
            click.echo(f"A service with slug {slug} exists already.", err=True)
            sys.exit(2)
        with unit_of_work(session):
            session.add(Service(slug=slug, name=name, settings={}))
        click.echo(f"Created service {slug}.")


@click.command("workflow-diagram")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=PROJECT_ROOT / "docs" / "workflow.md",
    show_default=True,
)
def workflow_diagram(output: Path) -> None:
    """Write the workflow diagram (Mermaid) and the table of actions."""
    output.write_text(render_workflow_markdown())
    click.echo(f"Wrote {output}.")


def _feedback_links() -> Callable[[str], str] | None:
    """How the batch makes each letter's feedback link: from OOCD_PUBLIC_URL (a command has no
    request to take the address from), or not at all without it."""
    if not current_app.config.get("PUBLIC_URL"):
        return None

    def link(token: str) -> str:
        with current_app.test_request_context():
            return feedback_link(token)

    return link


@click.command("issue-letters")
@click.option("--service", "slug", required=True, help="The service's short name (slug).")
@click.option("--as", "email", required=True, help="The YJS manager or practitioner issuing them.")
@with_appcontext
def issue_letters(slug: str, email: str) -> None:
    """Issue every due letter in a service; a letter that fails its checks is held, saying why."""
    with _database().session() as session:
        service = session.scalars(select(Service).where(Service.slug == slug)).one_or_none()
        user = session.scalars(select(User).where(User.email == email.lower())).one_or_none()
        if service is None or user is None or not user.is_active:
            click.echo("No such service, or no such active user.", err=True)
            sys.exit(2)
        due = letters.due_cases(session, service.id)
        link = _feedback_links()
        if link is None:
            click.echo(
                "OOCD_PUBLIC_URL is not set, so these letters carry no feedback link: set it to "
                "the service's address to print one."
            )
        with click.progressbar(length=len(due), label="Issuing letters") as bar:
            try:
                result = letters.issue_due(
                    session, user, service.id, progress=bar.update, feedback_link=link
                )
            except DomainError as exc:
                click.echo(exc.message, err=True)
                sys.exit(2)
        click.echo(f"Issued {result.issued} letters for {len(due)} cases.")
        for reference, why in result.held:
            click.echo(f"Held {reference}: {why}")


def _checkpoint() -> audit_checkpoint.CheckpointFile | None:
    checkpoint: audit_checkpoint.CheckpointFile | None = current_app.extensions[
        "oocd_audit_checkpoint"
    ]
    return checkpoint


def _report(findings: list[audit_trail.Finding]) -> None:
    for finding in findings[:50]:
        where = "Checkpoint" if finding.entry_id is None else f"Row {finding.entry_id}"
        click.echo(f"{where}: {finding.problem}", err=True)


def _verified(
    session: Session, *, missing_ok: bool = False
) -> tuple[int, list[audit_trail.Finding], Checkpoint | None]:
    """(rows, problems, the checkpoint read) of the chain and of its end by the checkpoint."""
    checkpoint = _checkpoint()
    count, findings = audit_trail.verify(session)
    current = None
    if checkpoint is not None:
        current, by_checkpoint = audit_checkpoint.findings(
            session, checkpoint, rows=count, missing_ok=missing_ok
        )
        findings = [*by_checkpoint, *findings]
    return count, findings, current


@click.command("verify-audit")
@with_appcontext
def verify_audit() -> None:
    """Check the audit trail's hash chain and its end against the checkpoint: report any
    edited, deleted or reordered row, rows removed from the end, or a forged checkpoint."""
    checkpoint = _checkpoint()
    with _database().session() as session:
        count, findings, current = _verified(session)
        head = audit_checkpoint.last_row(session)
    if findings:
        _report(findings)
        click.echo(f"The audit trail has been tampered with: {len(findings)} problems.", err=True)
        sys.exit(1)
    click.echo(f"The audit trail is intact: {count:,} rows checked.")
    if checkpoint is None:
        click.echo("No checkpoint is configured: rows removed from the end would not be found.")
        return
    if current is not None:
        click.echo(
            f"Its end is as the checkpoint of {current.written_at:%Y-%m-%d %H:%M:%S} UTC "
            f"says (row {current.entry_id:,})."
        )
    if head is not None and checkpoint.advance(head, expected=current, base=None):
        click.echo(f"Checkpoint moved on to row {head.entry_id:,} ({checkpoint.path}).")


@click.command("audit-checkpoint")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Put back this checkpoint (the one beside a backup just restored) instead.",
)
@click.option("--force", is_flag=True, help="Write it even though the trail has problems.")
@with_appcontext
def audit_checkpoint_command(source: Path | None, force: bool) -> None:
    """Anchor the audit trail's end: check the trail, then write a checkpoint of its last row
    (or put back a backup's checkpoint, once its row is found in this database)."""
    checkpoint = _checkpoint()
    if checkpoint is None:
        click.echo("No checkpoint is configured (AUDIT_CHECKPOINT).", err=True)
        sys.exit(2)
    with _database().session() as session:
        if source is not None:
            try:
                restored = audit_checkpoint.parse(source.read_bytes(), checkpoint.key, str(source))
            except audit_checkpoint.CheckpointUnreadable as exc:
                click.echo(exc.message, err=True)
                sys.exit(1)
            problem = audit_checkpoint.anchored_row_problem(session, restored)
            if problem is not None and not force:
                _report([audit_trail.Finding(restored.entry_id, problem)])
                click.echo("This checkpoint is not of this database: nothing written.", err=True)
                sys.exit(1)
            written = checkpoint.replace(restored.head)
        else:
            _, findings, _ = _verified(session, missing_ok=True)
            if findings and not force:
                _report(findings)
                click.echo(
                    "The audit trail has problems: nothing written. Look into them first; "
                    "--force anchors the trail as it is now.",
                    err=True,
                )
                sys.exit(1)
            head = audit_checkpoint.last_row(session) or audit_trail.Head(0, audit_trail.GENESIS)
            written = checkpoint.replace(head)
    click.echo(f"Checkpoint written: row {written.entry_id:,}, to {checkpoint.path}.")


@click.command("backup")
@click.option(
    "--to",
    "destination",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The backup file (default: instance/backups/oocd-panel-<UTC time>.sqlite3 or .dump).",
)
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(min=0),
    default=backup.LOCK_WAIT_SECONDS,
    show_default=True,
    help="Seconds to wait (in tries) for a busy database's write lock before giving up.",
)
@with_appcontext
def backup_command(destination: Path | None, lock_wait: float) -> None:
    """Back up the whole database while the app runs (SQLite online backup, or pg_dump), with
    the audit checkpoint beside it; private (0600), and whole or not at all."""
    database = _database()
    folder = Path(current_app.instance_path) / "backups"
    target = destination or backup.default_path(database.engine, folder)
    try:
        done = backup.backup(database, target, checkpoint=_checkpoint(), lock_wait=lock_wait)
    except backup.BackupFailed as exc:
        click.echo(f"Backup failed: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"Backed up to {done.path} ({done.size:,} bytes, {done.method}).")
    if done.checkpoint is not None:
        click.echo(f"Its audit checkpoint: {done.checkpoint} (keep the two together).")


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"


def _children(n: int) -> str:
    return f"{n} child" if n == 1 else f"{n} children"


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Show what is due and change nothing.")
@click.option("--service", "slug", default=None, help="Only this service (its slug).")
@with_appcontext
def purge(dry_run: bool, slug: str | None) -> None:
    """Remove the personal data the retention schedule says is due, keeping the evaluation's
    counts; one transaction per child, and an audit row per case."""
    today = local_today()
    with _database().session() as session:
        service_ids = None
        if slug is not None:
            found = session.scalars(select(Service).where(Service.slug == slug)).one_or_none()
            if found is None:
                click.echo(f"No service with slug: {slug}", err=True)
                sys.exit(2)
            service_ids = [found.id]
        old_attempts = accounts.old_sign_in_attempts(session, utcnow())
        if old_attempts:
            days = accounts.SIGN_IN_ATTEMPTS_KEPT.days
            if dry_run:
                click.echo(f"{old_attempts:,} sign-in attempts older than {days} days are due.")
            else:
                removed = accounts.prune_sign_in_attempts(session, utcnow())
                click.echo(f"Removed {removed:,} sign-in attempts older than {days} days.")
        expired = feedback.expired_links(session, utcnow())
        if expired:
            if dry_run:
                click.echo(f"{expired:,} family feedback links that have expired are due.")
            else:
                removed = feedback.prune_expired_links(session, utcnow())
                click.echo(f"Removed {removed:,} family feedback links that have expired.")
        due = retention.due(session, today, service_ids)
        if not due:
            click.echo("Nothing is due for removal.")
            return
        for entry in due:
            click.echo(
                f"{entry.service.name}: {_cases(entry.cases)} of {_children(len(entry.children))} "
                "due"
            )
            for child in entry.children:
                click.echo(
                    f"  {', '.join(child.police_references)}: {child.rule_text} "
                    f"(last closed {child.last_closed_on:%-d %B %Y}, due {child.due_on:%-d %B %Y})"
                )
        if dry_run:
            click.echo("Dry run: nothing was changed.")
            return
        total = sum(len(e.children) for e in due)
        with click.progressbar(length=total, label="Removing") as bar:
            result = retention.purge(session, today, service_ids=service_ids, progress=bar.update)
        click.echo(
            f"Removed the personal data of {_cases(result.cases)} of {_children(result.children)}."
        )
        for child, problem in result.failed:
            click.echo(
                f"Not removed: {', '.join(child.police_references)} ({problem}); "
                "nothing of theirs was changed.",
                err=True,
            )
        if result.failed:
            sys.exit(1)


def init_app(app: Flask) -> None:
    for cmd in (
        upgrade_db,
        seed_demo,
        demo_sign_ins,
        demo_code,
        create_user_command,
        set_up_link_command,
        create_service,
        workflow_diagram,
        issue_letters,
        verify_audit,
        audit_checkpoint_command,
        backup_command,
        purge,
    ):
        app.cli.add_command(cmd)
