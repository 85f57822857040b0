"""OpenID Connect, the relying party's side: discovery, the authorization request (code flow
with PKCE, state and nonce), the token request and checking the ID token.

Plain protocol, no database: `services.provider_sign_in` uses it to sign a person in. Speaks
HTTP through Authlib's requests client; checks the ID token with joserfc: its signature
against the provider's published keys (JWKS, fetched again once when a token names a key not
in it: the provider rotated its keys), an issuer exactly equal to the one configured, the
client id among its audiences, its expiry and the nonce this sign-in sent. Any failure raises
`Refused` with a reason (a short code, for the audit trail and the page), never a token.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    DecodeError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet

from oocd_panel.services.identity_providers import url_problem

TIMEOUT = 10  # seconds for each request to the provider
LEEWAY = 60  # seconds of clock difference allowed on the token's times
CACHE_SECONDS = 5 * 60  # discovery documents and key sets are kept this long
SCOPE = "openid email"
# Asymmetric signatures only: a token "signed" with `none`, or with HMAC under a public key
# taken for a shared secret, is refused.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class Refused(Exception):
    """The provider's answer cannot sign anyone in; `reason` says why, in a word or two."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Discovery:
    """What the provider's /.well-known/openid-configuration says, as used here."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    auth_methods: tuple[str, ...] = ("client_secret_basic",)


@dataclass
class _Cache:
    discovery: dict[str, tuple[float, Discovery]] = field(default_factory=dict)
    keys: dict[str, tuple[float, KeySet]] = field(default_factory=dict)


_CACHE = _Cache()


def forget_cached() -> None:
    """Drop every cached discovery document and key set (tests; a provider set up again)."""
    _CACHE.discovery.clear()
    _CACHE.keys.clear()


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        raise Refused("provider_unreachable") from None
    if not isinstance(data, dict):
        raise Refused("provider_unreachable")
    return data


def discover(issuer: str) -> Discovery:
    """The provider's configuration, from `<issuer>/.well-known/openid-configuration`, whose
    `issuer` must be exactly the one configured here."""
    cached = _CACHE.discovery.get(issuer)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    data = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if data.get("issuer") != issuer:
        raise Refused("wrong_issuer")
    endpoints = [data.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
    if not all(isinstance(e, str) and url_problem(e) is None for e in endpoints):
        raise Refused("provider_misconfigured")
    methods = data.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    found = Discovery(
        issuer=issuer,
        authorization_endpoint=str(endpoints[0]),
        token_endpoint=str(endpoints[1]),
        jwks_uri=str(endpoints[2]),
        auth_methods=tuple(str(m) for m in methods if isinstance(m, str)),
    )
    _CACHE.discovery[issuer] = (time.monotonic(), found)
    return found


def _keys(discovery: Discovery, *, fresh: bool = False) -> KeySet:
    cached = _CACHE.keys.get(discovery.jwks_uri)
    if not fresh and cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    data = _get_json(discovery.jwks_uri)
    try:
        keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError):
        raise Refused("provider_misconfigured") from None
    _CACHE.keys[discovery.jwks_uri] = (time.monotonic(), keys)
    return keys


@dataclass(frozen=True)
class Request:
    """One sign-in's secrets, kept until the person comes back (in the signed session cookie:
    the browser that started the sign-in holds them, nobody else can)."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> Request:
        return cls(
            state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64)
        )


def _client(client_id: str, client_secret: str, redirect_uri: str, methods: tuple[str, ...]) -> Any:
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(
        client_id=client_id,
        client_secret=client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method=method,
        code_challenge_method="S256",
    )


def authorization_url(
    discovery: Discovery, client_id: str, redirect_uri: str, request: Request
) -> str:
    """Where to send the person: the provider's authorization endpoint, asking for a code."""
    with _client(client_id, "", redirect_uri, discovery.auth_methods) as client:
        url, _ = client.create_authorization_url(
            discovery.authorization_endpoint,
            state=request.state,
            code_verifier=request.code_verifier,
            nonce=request.nonce,
        )
    return str(url)


def redeem_code(
    discovery: Discovery,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    request: Request,
) -> str:
    """Trade the code for tokens at the token endpoint; returns the ID token (unchecked)."""
    with _client(client_id, client_secret, redirect_uri, discovery.auth_methods) as client:
        try:
            token = client.fetch_token(
                discovery.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=request.code_verifier,
                timeout=TIMEOUT,
            )
        except OAuthError:
            raise Refused("code_refused") from None
        except (requests.RequestException, ValueError):
            raise Refused("provider_unreachable") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise Refused("invalid_token")
    return id_token


def _decode(id_token: str, discovery: Discovery) -> dict[str, Any]:
    for fresh in (False, True):
        try:
            return jwt.decode(id_token, _keys(discovery, fresh=fresh), ALGORITHMS).claims
        except InvalidKeyIdError:
            continue  # a key not (yet) in the cached set: fetch the set once more
        except DecodeError:
            raise Refused("invalid_token") from None
        except (BadSignatureError, JoseError, ValueError):
            raise Refused("bad_signature") from None
    raise Refused("bad_signature")  # signed with a key the provider does not publish


def _audience_problem(claims: dict[str, Any], client_id: str) -> bool:
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        return True
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        return True
    return azp is not None and azp != client_id


def check_id_token(
    id_token: str, discovery: Discovery, client_id: str, request: Request, *, now: int | None = None
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce are right."""
    claims = _decode(id_token, discovery)
    if claims.get("iss") != discovery.issuer:
        raise Refused("wrong_issuer")
    if _audience_problem(claims, client_id):
        raise Refused("wrong_audience")
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY,
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise Refused("expired_token") from None
    except (ClaimError, JoseError):
        raise Refused("invalid_token") from None
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not secrets.compare_digest(nonce, request.nonce):
        raise Refused("nonce_mismatch")
    return claims
