"""Sending email by SMTP (the standard library's smtplib), when it is configured.

`MailSettings.from_config` reads the SMTP_* settings (plumbing.config); without a host and a
from address there is no mail, and whoever would have sent an email shows its content instead.
`send` raises MailNotSent, with a message a person can read, when the server cannot be reached
or refuses the message."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from oocd_panel.plumbing.errors import DomainError

TIMEOUT_SECONDS = 10


class MailNotSent(DomainError):
    """The email could not be sent: the server was unreachable or refused it."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    from_address: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The SMTP settings, or None when mail is not configured."""
        host, sender = config.get("SMTP_HOST"), config.get("SMTP_FROM")
        if not host or not sender:
            return None
        return cls(
            host=str(host),
            port=int(config.get("SMTP_PORT") or 587),
            from_address=str(sender),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS", True)),
        )


def message(settings: MailSettings, *, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text email."""
    email = EmailMessage()
    email["From"] = settings.from_address
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=settings.from_address.rpartition("@")[2] or None)
    email.set_content(body)
    return email


def send(settings: MailSettings, email: EmailMessage) -> None:
    """Send `email` through the configured server (STARTTLS first where set, then the login
    where a username is set); raises MailNotSent."""
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(email)
    except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, TLS, time-out
        raise MailNotSent(f"The email could not be sent ({type(exc).__name__}).") from exc
