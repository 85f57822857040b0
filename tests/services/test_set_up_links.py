"""One-time set-up links: only a hash is kept; a link works once, for 24 hours, and only the
newest; every link that cannot be used is refused alike; setting a password through one ends
the user's sessions; the email reaches a real SMTP server, and a failure loses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, PasswordSetUpLink, Role
from oocd_panel.plumbing import mail
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import set_up_links, user_admin
from oocd_panel.services.accounts import authenticate
from oocd_panel.services.set_up_links import LINK_LIFETIME, LinkNotValid
from tests.conftest import SMTPServer, free_port
from tests.factories import PASSWORD, Factory

NEW = "walrus teapot meadow"
URL = "https://oocd.northbrook.example/set-up-password/"


def _actions(session: Session, user_id: int) -> list[tuple[str, dict[str, object] | None]]:
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.record_type == "user", AuditEntry.record_id == str(user_id))
        .order_by(AuditEntry.id)
    )
    return [(action, details) for action, details in rows]


def test_only_the_tokens_hash_is_kept_and_the_link_works_once(
    factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(session, admin, user.id)
    assert issued.expires_at - utcnow() > LINK_LIFETIME - dt.timedelta(minutes=1)
    row = session.scalars(select(PasswordSetUpLink)).one()
    assert issued.token not in repr(
        [getattr(row, c.key) for c in PasswordSetUpLink.__table__.columns]
    )
    assert len(row.token_hash) == 64
    assert issued.token not in repr(_actions(session, user.id))
    # The current password goes on working until the link is used.
    assert authenticate(session, user.email, PASSWORD) is not None
    token_before = user.session_token

    assert set_up_links.user_for(session, issued.token) == user
    set_up_links.set_password(session, issued.token, password=NEW, confirm=NEW)
    assert user.session_token != token_before  # every session of theirs has ended
    assert authenticate(session, user.email, NEW) is not None
    assert authenticate(session, user.email, PASSWORD) is None
    with pytest.raises(LinkNotValid):
        set_up_links.set_password(session, issued.token, password=PASSWORD, confirm=PASSWORD)
    assert [a for a, _ in _actions(session, user.id)][-2:] == [
        "issue_set_up_link",
        "set_password_by_link",
    ]


def test_every_link_that_cannot_be_used_is_refused_alike(
    factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    first = user_admin.issue_set_up_link(session, admin, user.id)
    second = user_admin.issue_set_up_link(session, admin, user.id)
    later = utcnow() + LINK_LIFETIME + dt.timedelta(seconds=1)
    refused = {
        "replaced by a newer one": lambda: set_up_links.user_for(session, first.token),
        "expired": lambda: set_up_links.user_for(session, second.token, now=later),
        "unknown": lambda: set_up_links.user_for(session, "x" * 43),
        "empty": lambda: set_up_links.user_for(session, ""),
        "absurd": lambda: set_up_links.user_for(session, "é" * 500),
    }
    for why, attempt in refused.items():
        with pytest.raises(LinkNotValid) as caught:
            attempt()
        assert caught.value.message == "This link is not valid.", why
    assert set_up_links.user_for(session, second.token) == user  # the newest still works
    user_admin.set_active(session, admin, user.id, active=False)
    with pytest.raises(LinkNotValid):
        set_up_links.user_for(session, second.token)  # a disabled account's link


def test_the_password_follows_the_usual_rules_and_a_refusal_keeps_the_link(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(session, factory.cast(Role.ADMIN), user.id)
    for password, confirm, field in [
        ("", "", "password"),
        ("short", "short", "password"),
        ("password1234", "password1234", "password"),
        (NEW, NEW + "!", "confirm_password"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            set_up_links.set_password(session, issued.token, password=password, confirm=confirm)
        assert list(caught.value.errors) == [field]
    assert set_up_links.user_for(session, issued.token) == user
    assert authenticate(session, user.email, PASSWORD) is not None


def test_the_email_reaches_the_server_with_the_link_who_asked_and_until_when(
    factory: Factory, session: Session, smtp_server: SMTPServer
) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(session, admin, user.id)
    settings = mail.MailSettings.from_config(smtp_server.settings())
    assert settings is not None
    set_up_links.send(
        session, settings, issued, URL + issued.token, service_name="Northbrook", issued_by=admin
    )
    [(recipients, message)] = smtp_server.received
    assert recipients == [user.email]
    assert message["To"] == user.email
    assert message["From"] == "oocd-panel@northbrook.example"
    assert message["Subject"] == "Set your password for Northbrook"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert URL + issued.token in body
    assert admin.full_name in body  # who asked
    assert set_up_links.london_time(issued.expires_at) in body  # until when
    assert "works once" in body
    assert len(body) < 1000  # short
    assert _actions(session, user.id)[-1] == ("email_set_up_link", {"sent": True})


@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")  # aiosmtpd's own
def test_the_email_is_sent_with_the_servers_login_where_one_is_set(
    factory: Factory, session: Session, smtp_server: SMTPServer
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(session, factory.cast(Role.ADMIN), user.id)
    wrong = mail.MailSettings.from_config(
        smtp_server.settings(SMTP_USERNAME="mailer", SMTP_PASSWORD="wrong")
    )
    right = mail.MailSettings.from_config(
        smtp_server.settings(SMTP_USERNAME="mailer", SMTP_PASSWORD=smtp_server.password)
    )
    assert wrong is not None
    assert right is not None
    with pytest.raises(mail.MailNotSent):
        set_up_links.send(session, wrong, issued, URL, service_name="N", issued_by=None)
    assert smtp_server.received == []
    set_up_links.send(session, right, issued, URL, service_name="N", issued_by=None)
    assert len(smtp_server.received) == 1
    assert "An administrator of the service" in smtp_server.received[0][1].get_content()


def test_a_failed_email_says_so_and_the_link_still_works(
    factory: Factory, session: Session
) -> None:
    user = factory.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(session, factory.cast(Role.ADMIN), user.id)
    nobody = mail.MailSettings(host="127.0.0.1", port=free_port(), from_address="a@b.example")
    with pytest.raises(mail.MailNotSent) as caught:
        set_up_links.send(session, nobody, issued, URL, service_name="N", issued_by=None)
    assert caught.value.message.startswith("The email could not be sent")
    assert _actions(session, user.id)[-1] == ("email_set_up_link", {"sent": False})
    assert set_up_links.user_for(session, issued.token) == user


def test_mail_is_off_without_a_host_and_a_from_address() -> None:
    assert mail.MailSettings.from_config({"SMTP_HOST": "mail.example"}) is None
    assert mail.MailSettings.from_config({"SMTP_FROM": "a@b.example"}) is None
    on = mail.MailSettings.from_config({"SMTP_HOST": "mail.example", "SMTP_FROM": "a@b.example"})
    assert on == mail.MailSettings("mail.example", 587, "a@b.example", starttls=True)
