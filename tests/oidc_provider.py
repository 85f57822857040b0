"""A small but real OpenID Connect provider for the tests, built from Authlib's server parts
(its Flask AuthorizationServer, the authorization code grant with PKCE and the OpenID Connect
code extension) and served over HTTP on loopback in a thread.

It serves discovery, authorize (approving at once, as the person the test says), token and
the JWKS (one RSA key). A test makes it misbehave through `behaviour`: another email, an
unverified one, another issuer in the ID token, a signature by a key it does not publish, a
token already expired, or an error instead of a code. Never shipped in oocd_panel."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from flask import Flask, jsonify, redirect, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

KID = "test-key-1"
CLIENT_ID = "oocd-panel-test"
CLIENT_SECRET = "a client secret only the tests know"


@dataclass
class Behaviour:
    """Who the provider says signed in, and how it says so (reset before each test)."""

    email: str = "someone@example.org"
    email_verified: Any = True
    subject: str = "subject-1"
    # The `iss` the ID token claims; None: the provider's own.
    issuer: str | None = None
    # A key to sign ID tokens with instead of the published one (the same kid).
    sign_with: RSAKey | None = None
    # Seconds until the ID token expires (negative: already expired).
    expires_in: int = 300
    # An error to send back instead of a code (e.g. access_denied).
    refuse_with: str | None = None


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # The product under test on loopback (the test client's host, or the live server).
        return redirect_uri.startswith(("http://localhost/", "http://127.0.0.1:"))

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Person:
    subject: str
    email: str
    email_verified: Any


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    person: Person
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """The provider's state: its key, its client, the codes it has issued, what it does."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET)
        self.codes: dict[str, Code] = {}
        self.behaviour = Behaviour()
        self.token_requests = 0
        self.issuer = ""  # set once the server has its port

    def reset(self) -> None:
        self.behaviour = Behaviour()
        self.codes.clear()
        self.token_requests = 0

    def other_key(self) -> RSAKey:
        """A key the provider does not publish, with the published key's kid (a forgery)."""
        return RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"})

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))


def _grant(provider: Provider) -> type[AuthorizationCodeGrant]:
    class Grant(AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

        def save_authorization_code(self, code: str, request: Any) -> None:
            data = request.payload.data
            provider.codes[code] = Code(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                person=request.user,
            )

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = provider.codes.get(code)
            return found if found is not None and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> Person:
            return authorization_code.person

    return Grant


def _id_token(provider: Provider) -> OpenIDCode:
    class IdToken(OpenIDCode):  # type: ignore[misc]
        def exists_nonce(self, nonce: str, request: Any) -> bool:
            return False

        def resolve_client_private_key(self, client: Client) -> RSAKey:
            return provider.behaviour.sign_with or provider.key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": KID}

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            now = int(time.time())
            expires = now + provider.behaviour.expires_in
            return {
                "iss": provider.behaviour.issuer or provider.issuer,
                "aud": [client.get_client_id()],
                "iat": min(now, expires - 60),
                "exp": expires,
            }

        def generate_user_info(self, user: Person, scope: str) -> dict[str, Any]:
            return {
                "sub": user.subject,
                "email": user.email,
                "email_verified": user.email_verified,
            }

    return IdToken(require_nonce=True)


def provider_app(provider: Provider) -> Flask:
    app = Flask("test_identity_provider")
    server = AuthorizationServer(
        app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None
    )
    server.save_token = lambda token, request: None
    server.register_grant(_grant(provider), [_id_token(provider), CodeChallenge(required=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        return jsonify(
            issuer=provider.issuer,
            authorization_endpoint=f"{provider.issuer}/authorize",
            token_endpoint=f"{provider.issuer}/token",
            jwks_uri=f"{provider.issuer}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            token_endpoint_auth_methods_supported=["client_secret_basic"],
            code_challenge_methods_supported=["S256"],
            scopes_supported=["openid", "email"],
        )

    @app.get("/authorize")
    def authorize() -> Response:
        b = provider.behaviour
        if b.refuse_with:
            target = request.args["redirect_uri"]
            return redirect(f"{target}?error={b.refuse_with}&state={request.args['state']}")
        person = Person(b.subject, b.email, b.email_verified)
        grant = server.get_consent_grant(end_user=person)
        response: Response = server.create_authorization_response(grant_user=person, grant=grant)
        return response

    @app.post("/token")
    def token() -> Response:
        provider.token_requests += 1
        response: Response = server.create_token_response()
        return response

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify(provider.jwks())

    return app


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider on a free port of 127.0.0.1, in a thread, until the block ends."""
    provider = Provider()
    server = make_server("127.0.0.1", 0, provider_app(provider), threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=5)
