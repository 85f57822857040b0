"""One-time set-up links: how a person gets a password without anyone else choosing it.

An administrator issues a link for a user (services.user_admin checks who may): a new user's
first password, or a forgotten one. The link works once, for 24 hours; only the SHA-256 of its
random token is stored, and issuing a new link revokes the unused ones before it. It is shown
once to the administrator, or emailed to the user where mail is configured (and shown anyway
when sending fails). Setting a password through it ends every session of the user and signs
nobody in: they sign in as usual, two-factor included.

Every link that cannot be used, unknown, used, revoked, expired or of a disabled account,
is refused alike (LinkNotValid), so the page says no more than "this link is not valid"."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from oocd_panel.models import PasswordSetUpLink, User
from oocd_panel.plumbing import mail
from oocd_panel.plumbing.clock import LONDON
from oocd_panel.plumbing.db import begin_writing, utcnow
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import accounts, audit_trail

LINK_LIFETIME = dt.timedelta(hours=24)
_TOKEN_BYTES = 32
_LONGEST_TOKEN = 100  # anything longer in an address is not one of ours
_CONFIRM = "confirm_password"  # the field the second typing is in


class LinkNotValid(DomainError):
    def __init__(self) -> None:
        super().__init__("This link is not valid.")


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the token exists only here (and in the page or email it goes to)."""

    user: User
    token: str
    expires_at: dt.datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    session: Session, user: User, *, issued_by: User | None, now: dt.datetime | None = None
) -> IssuedLink:
    """A new link for `user` (the caller has checked that `issued_by` may): earlier unused links
    stop working. The audit row names who issued it, for whom and until when."""
    now = now or utcnow()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    expires_at = now + LINK_LIFETIME
    with unit_of_work(session):
        session.execute(
            update(PasswordSetUpLink)
            .where(
                PasswordSetUpLink.user_id == user.id,
                PasswordSetUpLink.used_at.is_(None),
                PasswordSetUpLink.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        session.add(
            PasswordSetUpLink(
                user_id=user.id,
                token_hash=_hash(token),
                issued_by_id=issued_by.id if issued_by else None,
                created_at=now,
                expires_at=expires_at,
            )
        )
        audit_trail.record(
            session,
            actor=issued_by,
            action="issue_set_up_link",
            record_type="user",
            record_id=user.id,
            details={"expires_at": expires_at.isoformat(timespec="seconds")},
        )
    return IssuedLink(user, token, expires_at)


def _usable(session: Session, token: str, now: dt.datetime) -> PasswordSetUpLink:
    if not token or len(token) > _LONGEST_TOKEN or not token.isascii():
        raise LinkNotValid()
    link = session.scalars(
        select(PasswordSetUpLink).where(PasswordSetUpLink.token_hash == _hash(token))
    ).one_or_none()
    if link is None or link.used_at is not None or link.revoked_at is not None:
        raise LinkNotValid()
    if link.expires_at <= now:
        raise LinkNotValid()
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise LinkNotValid()
    return link


def user_for(session: Session, token: str, *, now: dt.datetime | None = None) -> User:
    """The user a usable link is for; LinkNotValid otherwise."""
    link = _usable(session, token, now or utcnow())
    user = session.get(User, link.user_id)
    assert user is not None
    return user


def set_password(
    session: Session, token: str, *, password: str, confirm: str, now: dt.datetime | None = None
) -> User:
    """The person with the link chooses their password (twice, under the usual rules). The link
    is used up, every session of the user ends, and the audit row says so."""
    now = now or utcnow()
    link = _usable(session, token, now)
    user = session.get(User, link.user_id)
    assert user is not None
    errors: dict[str, str] = {}
    problem = (
        accounts.password_problem(password, personal=(user.full_name, user.email))
        if password
        else "Enter a password"
    )
    if problem:
        errors["password"] = problem
    elif password != confirm:
        errors[_CONFIRM] = "The passwords do not match: type the same password twice"
    if errors:
        raise InvalidInput(errors)
    with unit_of_work(session):
        # Used once: whoever marks it used first wins, even at the same moment.
        marked = session.execute(
            update(PasswordSetUpLink)
            .where(
                PasswordSetUpLink.id == link.id,
                PasswordSetUpLink.used_at.is_(None),
                PasswordSetUpLink.revoked_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(marked, "rowcount", 0) != 1:
            raise LinkNotValid()
        accounts.replace_password(user, password)
        audit_trail.record(
            session,
            actor=user,
            action="set_password_by_link",
            record_type="user",
            record_id=user.id,
        )
    return user


def latest(session: Session, user: User) -> PasswordSetUpLink | None:
    """The newest link issued for the user, used or not (for the administrator's page)."""
    return session.scalars(
        select(PasswordSetUpLink)
        .where(PasswordSetUpLink.user_id == user.id)
        .order_by(PasswordSetUpLink.id.desc())
        .limit(1)
    ).first()


def state(link: PasswordSetUpLink, now: dt.datetime | None = None) -> str:
    """'used', 'revoked', 'expired' or 'waiting' (it can still be used)."""
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= (now or utcnow()) else "waiting"


def london_time(moment: dt.datetime) -> str:
    """'2:05pm on 4 December 2026' (UK time)."""
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    ampm = local.strftime("%p").lower()
    return f"{hour}:{local:%M}{ampm} on {local.day} {local:%B %Y}"


def email_text(issued: IssuedLink, url: str, *, service_name: str, asked_by: str) -> str:
    """The email's text: who asked, the link, until when it works. Nothing about any case."""
    return (
        f"{asked_by} has asked for you to set a password for your account "
        f"({issued.user.email}) on {service_name}.\n\n"
        "Open this link to choose your password. It works once, until "
        f"{london_time(issued.expires_at)} (UK time):\n\n"
        f"{url}\n\n"
        "After you have chosen it, sign in with your email address and the new password.\n\n"
        "If the link has stopped working, ask an administrator of your service for a new one. "
        f"If you did not expect this email, do not use the link: tell {asked_by} or another "
        "administrator of your service.\n"
    )


def send(
    session: Session,
    settings: mail.MailSettings,
    issued: IssuedLink,
    url: str,
    *,
    service_name: str,
    issued_by: User | None,
) -> None:
    """Email the link to its user, after it was issued (and committed). Raises MailNotSent,
    with the audit row saying it was not sent; the caller shows the link instead."""
    asked_by = issued_by.full_name if issued_by else "An administrator of the service"
    message = mail.message(
        settings,
        to=issued.user.email,
        subject=f"Set your password for {service_name}",
        body=email_text(issued, url, service_name=service_name, asked_by=asked_by),
    )
    problem: mail.MailNotSent | None = None
    try:
        mail.send(settings, message)
    except mail.MailNotSent as exc:
        problem = exc
    begin_writing(session)
    with unit_of_work(session):
        audit_trail.record(
            session,
            actor=issued_by,
            action="email_set_up_link",
            record_type="user",
            record_id=issued.user.id,
            details={"sent": problem is None},
        )
    if problem is not None:
        raise problem
