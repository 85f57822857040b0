"""Signing in through a service's identity provider (OpenID Connect).

`begin` makes the authorization request (a fresh state, nonce and PKCE verifier, which the
caller keeps for this browser); `finish` takes the person's return: the state must be the one
this browser was given (and less than 10 minutes old), the code is redeemed and the ID token
checked (services.oidc), and the person is matched by a **verified** email address to an
active user an administrator has already added, who works for that service. Nobody is created
on the fly; roles stay as they are here. Two-factor is the provider's job for those users: the
caller signs them in without the code step.

Every outcome is an audit row: the sign-in (`sign_in`, through the provider) or the refusal
(`sign_in_refused`, with a reason). Neither holds a token, a code, a secret or the email.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from oocd_panel.models import IdentityProvider, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.db import begin_writing
from oocd_panel.plumbing.errors import DomainError, NotFound
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail, oidc
from oocd_panel.services.accounts import find_by_email
from oocd_panel.services.identity_providers import (
    ProviderSecretUnreadable,
    by_slug,
    client_secret,
)

STATE_SECONDS = 10 * 60  # time to come back from the provider

_TELL_ADMIN = "If it keeps happening, tell your service's administrator."
MESSAGES = {
    "state_mismatch": (
        "Your sign-in could not be finished: it was not started from this page in this "
        "browser, or it took more than 10 minutes. Nothing was signed in. Select 'Sign in "
        "with {organisation}' again."
    ),
    "provider_said_no": (
        "{organisation} did not sign you in (you may have cancelled, or it refused). Try "
        "again, or ask your organisation's IT service desk."
    ),
    "provider_unreachable": (
        "{organisation}'s sign-in could not be reached just now. Try again in a few minutes. "
        + _TELL_ADMIN
    ),
    "provider_misconfigured": (
        "{organisation}'s sign-in did not answer as expected, so nobody can sign in with it at "
        "the moment. Tell your service's administrator."
    ),
    "code_refused": (
        "{organisation}'s sign-in would not complete this sign-in (it may have taken too "
        "long, or the settings here may be out of date). Try again. " + _TELL_ADMIN
    ),
    "secret_unreadable": ProviderSecretUnreadable().message,
    "wrong_issuer": (
        "The answer did not come from {organisation}'s sign-in as it is set up here (it names "
        "another issuer), so nothing was signed in. Tell your service's administrator."
    ),
    "wrong_audience": (
        "The answer from {organisation}'s sign-in was meant for another service, so nothing "
        "was signed in. Tell your service's administrator."
    ),
    "bad_signature": (
        "The answer from {organisation}'s sign-in could not be verified (it is not signed "
        "with {organisation}'s keys), so nothing was signed in. Tell your service's "
        "administrator."
    ),
    "expired_token": (
        "The answer from {organisation}'s sign-in had expired when it arrived, so nothing was "
        "signed in. Try again. " + _TELL_ADMIN + " (A clock may be wrong.)"
    ),
    "nonce_mismatch": (
        "The answer from {organisation}'s sign-in did not belong to the sign-in started here, "
        "so nothing was signed in. Select 'Sign in with {organisation}' again."
    ),
    "invalid_token": (
        "The answer from {organisation}'s sign-in was incomplete, so nothing was signed in. "
        "Tell your service's administrator."
    ),
    "no_email": (
        "{organisation}'s sign-in worked, but it did not give your email address, so this "
        "service cannot tell who you are. Tell your service's administrator."
    ),
    "unverified_email": (
        "{organisation}'s sign-in worked, but it has not confirmed that your email address is "
        "yours, so this service cannot tell who you are. Ask your organisation's IT service "
        "desk to confirm it, or ask your service's administrator."
    ),
    "unknown_email": (
        "{organisation}'s sign-in worked, but no account here uses that email address: ask "
        "your service's administrator to add you, with the email address {organisation} "
        "gives you."
    ),
    "account_disabled": (
        "{organisation}'s sign-in worked, but your account here is disabled: ask your "
        "service's administrator."
    ),
    "other_service": (
        "{organisation}'s sign-in worked, but your account here belongs to another service: "
        "sign in the way your own service does, or ask your service's administrator."
    ),
}


class SignInRefused(DomainError):
    """Nobody was signed in; `reason` is the audit trail's word for why, `message` the page's."""

    def __init__(self, reason: str, organisation: str) -> None:
        super().__init__(MESSAGES[reason].format(organisation=organisation))
        self.reason = reason


@dataclass(frozen=True)
class Pending:
    """A sign-in sent to the provider and not yet back: kept in this browser's session."""

    service_id: int
    request: oidc.Request
    started: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service_id,
            "state": self.request.state,
            "nonce": self.request.nonce,
            "verifier": self.request.code_verifier,
            "at": self.started,
        }

    @classmethod
    def from_dict(cls, data: object) -> Pending | None:
        if not isinstance(data, dict):
            return None
        service, at = data.get("service"), data.get("at")
        texts = [data.get(k) for k in ("state", "nonce", "verifier")]
        if not isinstance(service, int) or not isinstance(at, float | int):
            return None
        if not all(isinstance(t, str) and t for t in texts):
            return None
        state, nonce, verifier = (str(t) for t in texts)
        return cls(service, oidc.Request(state, nonce, verifier), float(at))


def _end_reading(session: Session) -> None:
    """End the transaction that has only read, so that none is open while the provider is
    asked (for seconds, at worst) and the next one can begin ready to write."""
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def _ready_to_write(session: Session) -> None:
    """Begin the transaction that writes the outcome ready to write: on SQLite one that reads
    and then writes fails when another process wrote in between (plumbing.db.begin_writing)."""
    _end_reading(session)
    begin_writing(session)


def _provider(session: Session, slug: str) -> IdentityProvider:
    provider = by_slug(session, slug)
    _end_reading(session)
    if provider is None:
        raise NotFound("That service does not sign in through an organisation.")
    return provider


def _refuse(
    session: Session, provider: IdentityProvider, reason: str, user: User | None = None
) -> SignInRefused:
    """Record the refusal (its reason only) and return the error to raise."""
    _ready_to_write(session)
    with unit_of_work(session):
        audit_trail.record(
            session,
            actor=user,
            action="sign_in_refused",
            record_type="identity_provider",
            record_id=provider.id,
            details={"service": provider.service_id, "reason": reason},
        )
    return SignInRefused(reason, provider.organisation)


def begin(
    session: Session, slug: str, redirect_uri: str, *, now: float | None = None
) -> tuple[str, Pending]:
    """The provider's address to send the person to, and what to keep until they return."""
    provider = _provider(session, slug)
    try:
        discovery = oidc.discover(provider.issuer)
    except oidc.Refused as refused:
        raise _refuse(session, provider, refused.reason) from None
    request = oidc.Request.new()
    url = oidc.authorization_url(discovery, provider.client_id, redirect_uri, request)
    return url, Pending(provider.service_id, request, time.time() if now is None else now)


def _state_is_right(
    pending: Pending | None, provider: IdentityProvider, state: str, now: float
) -> bool:
    return (
        pending is not None
        and pending.service_id == provider.service_id
        and 0 <= now - pending.started <= STATE_SECONDS
        and bool(state)
        and secrets.compare_digest(state.encode(), pending.request.state.encode())
    )


def finish(
    session: Session,
    slug: str,
    pending: Pending | None,
    *,
    state: str,
    code: str,
    error: str,
    redirect_uri: str,
    now: float | None = None,
) -> User:
    """The user the provider's answer signs in (already recorded as signed in), or
    SignInRefused (already recorded as refused)."""
    provider = _provider(session, slug)
    if not _state_is_right(pending, provider, state, time.time() if now is None else now):
        raise _refuse(session, provider, "state_mismatch")
    assert pending is not None
    if error or not code:
        raise _refuse(session, provider, "provider_said_no")
    try:
        secret = client_secret(provider)
    except ProviderSecretUnreadable:
        raise _refuse(session, provider, "secret_unreadable") from None
    try:
        discovery = oidc.discover(provider.issuer)
        id_token = oidc.redeem_code(
            discovery, provider.client_id, secret, redirect_uri, code, pending.request
        )
        claims = oidc.check_id_token(id_token, discovery, provider.client_id, pending.request)
    except oidc.Refused as refused:
        raise _refuse(session, provider, refused.reason) from None
    _ready_to_write(session)
    user = _match(session, provider, claims)
    with unit_of_work(session):
        user.last_signed_in_at = utcnow()
        audit_trail.record(
            session,
            actor=user,
            action="sign_in",
            record_type="user",
            record_id=user.id,
            details={"through": "identity_provider", "provider": provider.id},
        )
    return user


def _match(session: Session, provider: IdentityProvider, claims: dict[str, Any]) -> User:
    """The active user of this service with the token's verified email address."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise _refuse(session, provider, "no_email")
    if claims.get("email_verified") is not True:
        raise _refuse(session, provider, "unverified_email")
    user = find_by_email(session, email)
    if user is None:
        raise _refuse(session, provider, "unknown_email")
    if not user.is_active:
        raise _refuse(session, provider, "account_disabled", user)
    if provider.service_id not in user.service_ids:
        raise _refuse(session, provider, "other_service", user)
    return user
