"""Police systems' API clients: registered by an administrator of a service, with scopes and a
secret shown once (only its SHA-256 is kept: the secret is random, so a slow hash adds nothing),
and revocable. Each client acts through an account of its own: a police officer of its service
that cannot sign in (it has no password and is never active, and the Users pages leave it out),
so every check the product makes of an officer, and every event and audit row, applies to the
client's calls as to that officer's.

Each call spends one of the client's calls: a bucket holding at most a minute's worth
(API_CALLS_PER_MINUTE), refilled continuously; an empty bucket refuses the call (RateLimited,
saying how many seconds until the next one would be accepted). The call is checked against the
bucket as it begins (admit) and spent as it is recorded (spend_call, with its audit row), so a
call costs the database one write, whatever it did."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from oocd_panel.models import Agency, ApiClient, ApiScope, Role, Service, User
from oocd_panel.plumbing.db import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import in_unit_of_work, unit_of_work
from oocd_panel.services import audit_trail

# Every secret starts so: easy to recognise in a configuration file, and for secret scanners.
SECRET_PREFIX = "oocd_"  # noqa: S105 (the start every secret shares, not a secret)
_SECRET_BYTES = 32
_LONGEST_SECRET = 200  # anything longer is not one of ours
HINT_LENGTH = 12
# The account a client acts as: an address that can never receive mail (.invalid), and a
# password hash no password matches (it is not a hash at all).
_ACCOUNT_DOMAIN = "api-client.invalid"
_NO_PASSWORD = "!api-client: signs in with no password"  # noqa: S105 (no password matches it)
_NAME_LIMIT = 200


class CredentialsNotValid(DomainError):
    """No client has this secret, or its client was revoked (told apart to nobody)."""

    def __init__(self) -> None:
        super().__init__("The secret is not valid: it is unknown or was revoked.")


class RateLimited(DomainError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"This client has made too many calls just now. Wait {retry_after} seconds and "
            "try again."
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class RegisteredClient:
    """A client just registered: the secret exists only here (and on the page showing it)."""

    client: ApiClient
    secret: str


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def account_name(name: str, police_force: str) -> str:
    """How the client's account is named wherever the product names who did something."""
    return f"{name}, {police_force} (police system)"


def _require_admin(admin: User, service_id: int) -> None:
    if not admin.has_role(Role.ADMIN) or not admin.is_active:
        raise ActionNotAllowed("Only administrators register police systems.")
    if service_id not in admin.service_ids:
        raise NotFound("There is no such service among yours.")


def client_problems(name: str, police_force: str, scopes: Iterable[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, value, what in (
        ("name", name, "the police system's name"),
        ("police_force", police_force, "the police force"),
    ):
        if not value:
            errors[field] = f"Enter {what}"
        elif len(value) > _NAME_LIMIT:
            errors[field] = f"The name must be {_NAME_LIMIT} characters or fewer"
    given = set(scopes)
    if not given:
        errors["scopes"] = "Select at least one thing the system may do"
    elif not given <= {s.value for s in ApiScope}:
        errors["scopes"] = "Select only the things listed"
    return errors


def register(
    session: Session,
    admin: User,
    *,
    service_id: int,
    name: str,
    police_force: str,
    scopes: Iterable[str],
    calls_per_minute: int,
    now: dt.datetime | None = None,
) -> RegisteredClient:
    """A new client of the administrator's service, and its secret (shown once)."""
    _require_admin(admin, service_id)
    now = now or utcnow()
    name, police_force = clean_text(name), clean_text(police_force)
    scopes = sorted(set(scopes))
    errors = client_problems(name, police_force, scopes)
    if errors:
        raise InvalidInput(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)
    with unit_of_work(session):
        service = session.get(Service, service_id)
        assert service is not None  # the administrator works for it
        account = User(
            email=f"api-client-{secrets.token_hex(8)}@{_ACCOUNT_DOMAIN}",
            full_name=account_name(name, police_force),
            password_hash=_NO_PASSWORD,
            agency=Agency.POLICE,
            is_active=False,
            services=[service],
        )
        account.set_roles({Role.POLICE_OFFICER})
        client = ApiClient(
            service=service,
            user=account,
            name=name,
            police_force=police_force,
            scopes=scopes,
            secret_hash=secret_hash(secret),
            secret_hint=secret[:HINT_LENGTH],
            created_at=now,
            created_by_id=admin.id,
            rate_tokens=float(calls_per_minute),
            rate_checked_at=now,
        )
        session.add(client)
        session.flush()
        audit_trail.record(
            session,
            actor=admin,
            action="create",
            record_type="api_client",
            record_id=client.id,
            details={"service": service_id, "scopes": scopes},
        )
    return RegisteredClient(client, secret)


def clients_of(session: Session, admin: User, service_id: int) -> list[ApiClient]:
    """The service's clients, those in use first, newest first."""
    _require_admin(admin, service_id)
    return list(
        session.scalars(
            select(ApiClient)
            .where(ApiClient.service_id == service_id)
            .order_by(ApiClient.revoked_at.is_not(None), ApiClient.id.desc())
        )
    )


def get_client(session: Session, admin: User, client_id: int) -> ApiClient:
    client = session.get(ApiClient, client_id)
    if client is None:
        raise NotFound("There is no such police system among your services.")
    _require_admin(admin, client.service_id)
    return client


def revoke(
    session: Session, admin: User, client_id: int, *, now: dt.datetime | None = None
) -> ApiClient:
    """The client's secret stops working at once (its calls are refused from the next one);
    the client and what it did stay on record. Revoking it again changes nothing."""
    client = get_client(session, admin, client_id)
    if client.revoked_at is not None:
        return client
    with unit_of_work(session):
        client.revoked_at = now or utcnow()
        client.revoked_by_id = admin.id
        audit_trail.record(
            session, actor=admin, action="revoke", record_type="api_client", record_id=client.id
        )
    return client


# The client whose secret has this digest, with its account's roles and services: one query.
_BY_SECRET = (
    select(ApiClient)
    .where(ApiClient.secret_hash == bindparam("digest"))
    .options(
        joinedload(ApiClient.user).joinedload(User.role_rows),
        joinedload(ApiClient.user).joinedload(User.services),
    )
)


def _bucket(client: ApiClient, calls_per_minute: int, now: dt.datetime) -> tuple[float, float]:
    """(calls the client may make now, calls it regains a second)."""
    capacity = float(calls_per_minute)
    per_second = capacity / 60
    elapsed = max(0.0, (now - client.rate_checked_at).total_seconds())
    return min(capacity, client.rate_tokens + elapsed * per_second), per_second


def admit(
    session: Session, secret: str, *, calls_per_minute: int, now: dt.datetime | None = None
) -> ApiClient:
    """The client whose secret this is (its account's roles and services loaded), if it may
    make a call now. Raises CredentialsNotValid or RateLimited. The call is spent when it is
    recorded (spend_call), in the transaction that writes its audit row."""
    now = now or utcnow()
    if not secret.startswith(SECRET_PREFIX) or len(secret) > _LONGEST_SECRET:
        raise CredentialsNotValid()
    client = session.scalars(_BY_SECRET, {"digest": secret_hash(secret)}).unique().one_or_none()
    if client is None or client.revoked_at is not None:
        raise CredentialsNotValid()
    tokens, per_second = _bucket(client, calls_per_minute, now)
    if tokens < 1:
        raise RateLimited(max(1, math.ceil((1 - tokens) / per_second)))
    return client


_BUCKET = (
    select(ApiClient.rate_tokens, ApiClient.rate_checked_at)
    .where(ApiClient.id == bindparam("client_id"))
    .with_for_update()
)
_SPEND = (
    update(ApiClient)
    .where(ApiClient.id == bindparam("client_id"))
    .values(
        rate_tokens=bindparam("tokens"),
        rate_checked_at=bindparam("now"),
        last_used_at=bindparam("now"),
    )
    .execution_options(synchronize_session=False)
)


def spend_call(
    session: Session, client: ApiClient, *, calls_per_minute: int, now: dt.datetime | None = None
) -> None:
    """One call spent of the client's rate, counted from the bucket as it is now (the client's
    row locked on PostgreSQL; SQLite's writers take turns). Calls admitted at once may together
    overdraw it by a call or two: the client then waits that much longer."""
    if not in_unit_of_work(session):
        raise RuntimeError("spend_call belongs in the unit of work that records the call")
    now = now or utcnow()
    tokens, checked_at = session.execute(_BUCKET, {"client_id": client.id}).one()
    capacity = float(calls_per_minute)
    elapsed = max(0.0, (now - checked_at).total_seconds())
    left = min(capacity, tokens + elapsed * capacity / 60) - 1
    session.execute(_SPEND, {"client_id": client.id, "tokens": left, "now": now})


def client_accounts() -> Select[tuple[int]]:
    """The ids of the accounts clients act as (never people: the Users pages leave them out)."""
    return select(ApiClient.user_id)
