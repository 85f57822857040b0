"""Error responses the application answers carry the same security headers as pages, and are
never cached (an error page may say what was asked for)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from oocd_panel.models import Role
from oocd_panel.services.accounts import ACCOUNT_FAILURES
from tests.factories import Factory


def _secured(response: TestResponse) -> None:
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("POST", "/sign-in", 400),  # nothing typed: the form again, with its error summary
        ("GET", "/no-such-page", 404),
        ("GET", "/static/no-such-file.css", 404),
        ("GET", "/sign-out", 405),
    ],
)
def test_error_responses_carry_the_security_headers(
    client: FlaskClient, method: str, url: str, status: int
) -> None:
    response = client.open(url, method=method)
    assert response.status_code == status
    _secured(response)


def test_a_request_too_large_is_refused_with_the_headers(client: FlaskClient) -> None:
    response = client.post("/sign-in", data={"email": "x" * 3_000_000, "password": "y"})
    assert response.status_code == 413
    _secured(response)


def test_a_throttled_sign_in_carries_the_headers(client: FlaskClient, factory: Factory) -> None:
    email = factory.cast(Role.PRACTITIONER).email
    for _ in range(ACCOUNT_FAILURES):
        client.post("/sign-in", data={"email": email, "password": "wrong password here"})
    response = client.post("/sign-in", data={"email": email, "password": "wrong password here"})
    assert response.status_code == 429
    _secured(response)
