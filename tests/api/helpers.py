"""Helpers for the API's tests: registering a police system's client as an administrator
would, and calling the API with its secret."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from oocd_panel.models import ApiScope, Role, Service
from oocd_panel.plumbing.clock import local_today, years_before
from oocd_panel.services import api_clients
from tests.factories import Factory

ALL_SCOPES = [s.value for s in ApiScope]


def register(
    factory: Factory,
    scopes: Iterable[str] = ALL_SCOPES,
    *,
    service: Service | None = None,
    calls_per_minute: int = 1000,
) -> api_clients.RegisteredClient:
    service = service or factory.service()
    admin = factory.user(Role.ADMIN, services=[service])
    return api_clients.register(
        factory.session,
        admin,
        service_id=service.id,
        name="Niche RMS",
        police_force="Northbrook Police",
        scopes=scopes,
        calls_per_minute=calls_per_minute,
    )


def call(
    client: FlaskClient,
    method: str,
    path: str,
    secret: str | None,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> TestResponse:
    sent = dict(headers or {})
    if secret is not None:
        sent["Authorization"] = f"Bearer {secret}"
    return client.open(path, method=method, headers=sent, **kwargs)


_counter = iter(range(1, 10**6))


def referral_body(**overrides: Any) -> dict[str, Any]:
    """A referral a police system might send: everything the form asks for."""
    today = local_today()
    born = years_before(today, 15) - dt.timedelta(days=40)
    body: dict[str, Any] = {
        "police_reference": f"nb/{70000 + next(_counter)}/26",
        "offence_date": (today - dt.timedelta(days=20)).isoformat(),
        "received_on": (today - dt.timedelta(days=1)).isoformat(),
        "admission": "admits",
        "officer_name": "PC Example",
        "proposed_outcome": "youth_caution",
        "offences": [
            {
                "offence_type": "theft_and_handling",
                "description": "Took sweets from a shop.",
                "gravity_score": 2,
            }
        ],
        "child": {
            "first_name": "Apichild",
            "last_name": f"Number{next(_counter)}",
            "date_of_birth": born.isoformat(),
            "address_line_1": "1 Example Street",
            "town": "Northbrook",
            "postcode": "nb1 1aa",
            "sex": "female",
            "ethnicity": "white_british",
            "care_experience": "none",
            "send": "none",
            "neurodivergent": "not_known",
        },
        "contact": {"full_name": "Pat Parent", "relationship_to_child": "mother"},
    }
    body.update(overrides)
    return body


def problem(response: TestResponse) -> dict[str, Any]:
    assert response.content_type == "application/problem+json", response.get_data(as_text=True)
    found: dict[str, Any] = response.get_json(force=True)
    assert {"type", "title", "status", "detail", "instance"} <= set(found)
    assert found["status"] == response.status_code
    return found


def pointers(response: TestResponse) -> dict[str, str]:
    return {
        e.get("pointer") or e.get("parameter") or "": e["detail"]
        for e in problem(response)["errors"]
    }
