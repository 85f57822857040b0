"""The API against its own OpenAPI document, with schemathesis: for each operation, requests
made from the document (valid ones, and ones that break it), and every response checked: never
a server error, its status code and content type documented, its body and headers matching
the document. A bounded number of examples per operation (deterministic: the suite's
Hypothesis profile), on SQLite or PostgreSQL like the rest of the suite.

Left out is the check that every request the document allows succeeds: the document says a
field's type and its allowed values, and the rules say more (a child 10 to 17 on the offence
date, dates not in the future), so a request the document allows may rightly be refused (422).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from oocd_panel import create_app
from oocd_panel.models import ReferralStatus
from tests.api.helpers import register
from tests.factories import Factory

CALLS = 100_000  # no rate limit in the way of the examples


@pytest.fixture
def api_secret(app: Flask, factory: Factory) -> Iterator[str]:
    """A client with every scope, and cases to find: one decided (awaiting delivery)."""
    registered = register(factory, calls_per_minute=CALLS)
    factory.referral_at(ReferralStatus.DECIDED)
    app.config["API_CALLS_PER_MINUTE"] = CALLS
    yield registered.secret
    app.config["API_CALLS_PER_MINUTE"] = 120


# The document as the app serves it (it depends on the code, not on any data): read from an
# app of its own when the tests are collected; each example is sent to the test's own app.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "AUDIT_CHECKPOINT": None}),
)


@schema.parametrize()
# The examples share the test's database transaction (cases they submit pile up, which is
# what a police system's calls do too), and its app.
@settings(
    max_examples=30,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
def test_every_operation_answers_as_its_document_says(
    case: schemathesis.Case, app: Flask, api_secret: str
) -> None:
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {api_secret}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
