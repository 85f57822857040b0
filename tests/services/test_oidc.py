"""Checking an ID token, claim by claim, against the test provider's published keys: what the
end-to-end tests cannot easily make a real provider send (no signature, a shared-secret
signature, another audience, a missing claim, a rotated key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from oocd_panel.services import oidc
from tests.oidc_provider import CLIENT_ID, KID, Provider

REQUEST = oidc.Request(state="state", nonce="the-nonce", code_verifier="verifier")
NOW = 10**10  # in a parameter, a time relative to now: `NOW + 30` is 30 seconds from now


def _claims(provider: Provider, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "sub": "subject-1",
        "iat": now,
        "exp": now + 300,
        "nonce": REQUEST.nonce,
        "email": "someone@example.org",
        "email_verified": True,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _token(key: Any, claims: dict[str, Any], alg: str = "RS256", kid: str | None = KID) -> str:
    header = {"alg": alg, **({"kid": kid} if kid else {})}
    return jwt.encode(header, claims, key, [alg])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any]) -> str:
    """A token with `alg: none` and no signature (joserfc will not make one)."""
    header = {"alg": "none", "typ": "JWT"}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _hmac_with_public_key(provider: Provider, claims: dict[str, Any]) -> str:
    """HS256 with the provider's public key as the shared secret: the old key-confusion
    attack (joserfc will not make one either)."""
    header = {"alg": "HS256", "typ": "JWT", "kid": KID}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    secret = provider.key.as_pem(private=False)
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _reason(provider: Provider, token: str) -> str:
    with pytest.raises(oidc.Refused) as refused:
        oidc.check_id_token(token, oidc.discover(provider.issuer), CLIENT_ID, REQUEST)
    return refused.value.reason


def test_a_right_token_gives_its_claims(identity_provider: Provider) -> None:
    token = _token(identity_provider.key, _claims(identity_provider))
    claims = oidc.check_id_token(token, oidc.discover(identity_provider.issuer), CLIENT_ID, REQUEST)
    assert claims["email"] == "someone@example.org"


def test_a_token_without_a_signature_or_with_a_shared_secret_is_refused(
    identity_provider: Provider,
) -> None:
    claims = _claims(identity_provider)
    assert _reason(identity_provider, _unsigned(claims)) == "bad_signature"
    assert _reason(identity_provider, _hmac_with_public_key(identity_provider, claims)) == (
        "bad_signature"
    )


def test_a_key_not_published_is_refused_and_a_rotated_key_is_fetched_again(
    identity_provider: Provider,
) -> None:
    other = RSAKey.generate_key(2048, parameters={"kid": "someone-elses"})
    assert _reason(
        identity_provider, _token(other, _claims(identity_provider), kid="someone-elses")
    ) == ("bad_signature")
    # The provider rotates its key: the cached set no longer has the token's kid.
    discovery = oidc.discover(identity_provider.issuer)
    oidc._keys(discovery)
    published = identity_provider.key
    rotated = RSAKey.generate_key(2048, parameters={"kid": "rotated", "use": "sig"})
    identity_provider.key = rotated
    try:
        token = _token(rotated, _claims(identity_provider), kid="rotated")
        assert oidc.check_id_token(token, discovery, CLIENT_ID, REQUEST)["sub"] == "subject-1"
    finally:
        identity_provider.key = published
        oidc.forget_cached()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "another-client"}, "wrong_audience"),
        ({"aud": ["another-client"]}, "wrong_audience"),
        ({"aud": [CLIENT_ID, "another-client"]}, "wrong_audience"),  # several, and no azp
        ({"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID}, None),
        ({"azp": "another-client"}, "wrong_audience"),
        ({"iss": "https://login.other.example"}, "wrong_issuer"),
        ({"iss": None}, "wrong_issuer"),
        ({"nonce": "another nonce"}, "nonce_mismatch"),
        ({"nonce": None}, "nonce_mismatch"),
        ({"sub": None}, "invalid_token"),
        ({"iat": None}, "invalid_token"),
        ({"exp": None}, "invalid_token"),
        # Times as seconds from now (the test runs later than it is collected).
        ({"iat": NOW + 3600}, "invalid_token"),  # issued in the future
        ({"exp": NOW - 3600}, "expired_token"),
        ({"exp": NOW - 30}, None),  # within the minute allowed for clocks
        ({"exp": "tomorrow"}, "invalid_token"),
    ],
)
def test_each_claim_is_checked(
    identity_provider: Provider, overrides: dict[str, Any], reason: str | None
) -> None:
    now = int(time.time())
    overrides = {
        k: now + v - NOW if isinstance(v, int) and v > NOW // 2 else v for k, v in overrides.items()
    }
    token = _token(identity_provider.key, _claims(identity_provider, **overrides))
    if reason is None:
        oidc.check_id_token(token, oidc.discover(identity_provider.issuer), CLIENT_ID, REQUEST)
    else:
        assert _reason(identity_provider, token) == reason


def test_a_token_that_is_not_a_jwt_is_refused(identity_provider: Provider) -> None:
    assert _reason(identity_provider, "not.a.token") == "invalid_token"
    assert _reason(identity_provider, "") == "invalid_token"


def test_discovery_must_name_the_issuer_configured(identity_provider: Provider) -> None:
    with pytest.raises(oidc.Refused) as refused:
        oidc.discover(identity_provider.issuer + "/")  # one character off: not the same issuer
    assert refused.value.reason == "wrong_issuer"


def test_the_key_set_is_the_providers_public_keys_only(identity_provider: Provider) -> None:
    published = KeySet.import_key_set(identity_provider.jwks())  # type: ignore[arg-type]
    assert all(not key.is_private for key in published)
