"""A service's identity provider (OpenID Connect): setting it up, changing and removing it
(administrators of the service), and what the sign-in page offers.

The issuer, the client id and the organisation's name are plain settings, shown on the page
and recorded in the service's list of changes. The client secret is encrypted in the database
(plumbing.encryption, under `TOTP_KEY` like the two-factor secrets, in a box of its own) and
never shown again once saved: the page only says that one is saved, and a change records that
it was replaced, never its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oocd_panel.models import IdentityProvider, Role, Service, SettingChange, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.encryption import SecretBox, Unreadable
from oocd_panel.plumbing.errors import (
    ActionNotAllowed,
    DomainError,
    EditedMeanwhile,
    InvalidInput,
    NotFound,
)
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

SECRETS = SecretBox(b"oocd-panel identity provider client secrets")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WHAT = "this service's sign-in settings"

# Each setting as it is named in the list of changes.
CHANGE_NAMES = {
    "organisation": "sign_in_organisation",
    "issuer": "sign_in_issuer",
    "client_id": "sign_in_client_id",
    "client_secret": "sign_in_client_secret",
}


def configure(keys: str) -> None:
    """Set the key(s) the client secrets are encrypted with (comma-separated: the first
    encrypts, any decrypts)."""
    SECRETS.configure(keys)


class ProviderSecretUnreadable(DomainError):
    """The stored client secret cannot be decrypted (the key was changed)."""

    def __init__(self) -> None:
        super().__init__(
            "Signing in with your organisation is not working at the moment: this service's "
            "settings for it need updating. Tell your service's administrator (they enter the "
            "client secret again)."
        )


@dataclass(frozen=True)
class SignInChoice:
    """A button on the sign-in page."""

    slug: str
    organisation: str


def sign_in_choices(session: Session) -> list[SignInChoice]:
    """Every service whose staff may sign in through their organisation, by organisation."""
    rows = session.execute(
        select(Service.slug, IdentityProvider.organisation)
        .join(IdentityProvider, IdentityProvider.service_id == Service.id)
        .order_by(IdentityProvider.organisation, Service.slug)
    )
    return [SignInChoice(slug, organisation) for slug, organisation in rows]


def for_service(session: Session, service_id: int) -> IdentityProvider | None:
    return session.scalars(
        select(IdentityProvider).where(IdentityProvider.service_id == service_id)
    ).one_or_none()


def by_slug(session: Session, slug: str) -> IdentityProvider | None:
    """The provider of the service with this slug, if it has one."""
    return session.scalars(
        select(IdentityProvider).join(Service).where(Service.slug == slug)
    ).one_or_none()


def client_secret(provider: IdentityProvider) -> str:
    """The client secret in plain text, to send to the provider's token endpoint only."""
    try:
        return SECRETS.decrypt(provider.client_secret)
    except Unreadable:
        raise ProviderSecretUnreadable() from None


def url_problem(url: str) -> str | None:
    """Why this cannot be a provider's address: HTTPS only, except on this machine's loopback
    (a provider run for tests or development); no query or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "is not a web address"
    secure = parts.scheme == "https" and bool(host)
    if not secure and not (parts.scheme == "http" and host in LOOPBACK_HOSTS):
        return "must start with https://"
    if parts.query or parts.fragment or any(c.isspace() for c in url):
        return "must be a plain web address, without ?, # or spaces"
    return None


def version(provider: IdentityProvider | None) -> int:
    """What the page keeps to tell whether someone else changed the settings meanwhile (0 when
    there is no provider)."""
    return provider.version if provider is not None else 0


def _service_of(session: Session, admin: User, service_id: int) -> Service:
    if not admin.has_role(Role.ADMIN):
        raise ActionNotAllowed("Only administrators change how a service's staff sign in.")
    service = session.get(Service, service_id)
    if service is None or service.id not in admin.service_ids:
        raise NotFound("There is no such service among yours.")
    return service


def _check(
    organisation: str, issuer: str, client_id: str, secret: str, *, new: bool
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not organisation:
        errors["organisation"] = "Enter the organisation's name, as its staff know it"
    elif len(organisation) > 200:
        errors["organisation"] = "The organisation's name must be 200 characters or fewer"
    if not issuer:
        errors["issuer"] = "Enter the issuer URL your organisation's identity provider gives"
    elif len(issuer) > 500:
        errors["issuer"] = "The issuer URL must be 500 characters or fewer"
    elif problem := url_problem(issuer):
        errors["issuer"] = f"The issuer URL {problem}"
    if not client_id:
        errors["client_id"] = "Enter the client ID your organisation registered for this service"
    elif len(client_id) > 300:
        errors["client_id"] = "The client ID must be 300 characters or fewer"
    # (Messages about the secret, not secrets: hence the noqa.)
    if new and not secret:
        errors["client_secret"] = "Enter the client secret your organisation gave with the ID"  # noqa: S105
    elif len(secret) > 1000:
        errors["client_secret"] = "The client secret must be 1000 characters or fewer"  # noqa: S105
    return errors


def _changes(
    service: Service, admin: User, before: dict[str, str | None], after: dict[str, str | None]
) -> list[SettingChange]:
    return [
        SettingChange(
            service_id=service.id,
            setting=CHANGE_NAMES[name],
            old_value="(none)" if before[name] is None else str(before[name])[:200],
            new_value="(none)" if after[name] is None else str(after[name])[:200],
            changed_by_id=admin.id,
        )
        for name in CHANGE_NAMES
        if before[name] != after[name]
    ]


def _shown(provider: IdentityProvider | None, secret: str = "") -> dict[str, str | None]:
    """The settings as the list of changes shows them: a secret only as '(a secret)'."""
    if provider is None:
        return dict.fromkeys(CHANGE_NAMES)
    return {
        "organisation": provider.organisation,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": "(a new secret)" if secret else "(a secret)",
    }


def save_provider(
    session: Session,
    admin: User,
    *,
    service_id: int,
    organisation: str,
    issuer: str,
    client_id: str,
    client_secret: str = "",
    seen: int | None = None,
) -> IdentityProvider:
    """Set up or change the service's provider. An empty `client_secret` keeps the saved one.

    `seen` is the version the page showed (see `version`): if the settings changed since,
    nothing is saved and EditedMeanwhile is raised."""
    service = _service_of(session, admin, service_id)
    provider = for_service(session, service.id)
    if seen is not None and seen != version(provider):
        raise EditedMeanwhile(WHAT)
    organisation, issuer, client_id = (
        clean_text(organisation),
        clean_text(issuer),
        clean_text(client_id),
    )
    secret = client_secret.strip()
    errors = _check(organisation, issuer, client_id, secret, new=provider is None)
    if errors:
        raise InvalidInput(errors)
    before = _shown(provider)
    with unit_of_work(session, conflicts=(IntegrityError,), changed=lambda: EditedMeanwhile(WHAT)):
        if provider is None:
            provider = IdentityProvider(service_id=service.id)
            session.add(provider)
        provider.organisation = organisation
        provider.issuer = issuer
        provider.client_id = client_id
        if secret:
            provider.client_secret = SECRETS.encrypt(secret)
        after = _shown(provider, secret)
        changes = _changes(service, admin, before, after)
        if changes:
            provider.changed_at = utcnow()
            session.add_all(changes)
        session.flush()
        audit_trail.record(
            session,
            actor=admin,
            action="change",
            record_type="identity_provider",
            record_id=provider.id,
            details={
                "service": service.id,
                "changed": sorted(c.setting for c in changes),
            },
        )
    return provider


def remove_provider(
    session: Session, admin: User, *, service_id: int, seen: int | None = None
) -> None:
    """The service's staff sign in with a password (and two-factor) again."""
    service = _service_of(session, admin, service_id)
    provider = for_service(session, service.id)
    if provider is None or (seen is not None and seen != provider.version):
        raise EditedMeanwhile(WHAT)
    with unit_of_work(session, changed=lambda: EditedMeanwhile(WHAT)):
        session.add_all(_changes(service, admin, _shown(provider), _shown(None)))
        audit_trail.record(
            session,
            actor=admin,
            action="remove",
            record_type="identity_provider",
            record_id=provider.id,
            details={"service": service.id},
        )
        session.delete(provider)
