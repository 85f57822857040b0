"""The API for police systems, under /api/v1: JSON in and out, described by an OpenAPI 3.1
document written from the code (flask-smorest, marshmallow schemas) at /api/v1/openapi.json,
with a reference page at /api/v1/docs.

A police system calls with its client's secret (`Authorization: Bearer ...`), registered by an
administrator of one service (services.api_clients); no browser session is read, and no CSRF
token asked for (the pages still ask for theirs). Every call is admitted (the secret checked,
and the client's rate), checked against the scope its view needs, and recorded when it ends, in
one transaction: one call spent of the client's rate, an audit row for the call (client,
operation, status) and one for each case it read.
Every error is an RFC 9457 problem (web/api/problems.py)."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, current_app, g, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from oocd_panel.plumbing.db import begin_writing
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import api_clients, audit_trail
from oocd_panel.web.access import csrf
from oocd_panel.web.api import docs, problems, views
from oocd_panel.web.api.problems import CONTENT_TYPE, PROBLEM_TYPES
from oocd_panel.web.api.schemas import ProblemOut
from oocd_panel.web.database import db_session

_DESCRIPTION = """\
Referrals in, outcomes out, for police systems: submit a referral (or a notification of an
outcome the police gave alone), read a case's status, decision, conditions and delivery by its
police reference, list decided outcomes waiting for the police to deliver, and record the
delivery, or that the child declined.

A client is registered by an administrator of one Youth Justice Service, for one police
system, with the scopes it needs: `referrals:submit`, `outcomes:read`, `deliveries:record`. It
acts as a police officer of that service would, and reads only what an officer may: never the
assessment, the child's health, SEND, exploitation or communication details. Send its secret
with every call: `Authorization: Bearer oocd_...`.

Each client may make {calls_per_minute} calls a minute, in bursts of as many; past that the
answer is `429` with `Retry-After` (seconds). Every call is on the service's audit trail.

A submission sent with an `Idempotency-Key` header is made once: a retry with the same key and
the same body gets the first answer back (`Idempotent-Replayed: true`), never a second
referral; the same key with another body is refused (`422`, idempotency-key-reused).

Every error is an RFC 9457 problem (`application/problem+json`), its `type` one of these (or
`about:blank` for plain HTTP errors):

""" + "\n".join(f"- `{problems.TYPE_BASE}{name}`: {text}" for name, text in PROBLEM_TYPES.items())


def description(calls_per_minute: int) -> str:
    return _DESCRIPTION.replace("{calls_per_minute}", f"{calls_per_minute:,}")


class PoliceApi(Api):
    """flask-smorest's Api, with the app's own error handling: its default handler would
    answer every HTTP error of the whole app (pages included) in its own JSON, so it is not
    registered; and the error responses it documents are problems."""

    ERROR_SCHEMA = ProblemOut

    def _register_error_handlers(self) -> None:
        pass  # web/errors.py answers errors under /api/ with problems (web/api/problems.py)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "A problem", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


def _id_parameter(_converter: BaseConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def api_of(app: Flask) -> PoliceApi:
    api: PoliceApi = app.extensions["oocd_api"]
    return api


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="oocd-panel API for police systems",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=None,  # the document is served by web/api/docs.py
        API_SPEC_OPTIONS={
            "info": {"description": description(app.config["API_CALLS_PER_MINUTE"])},
            "security": [{"bearer": []}],
        },
    )
    api = PoliceApi()
    api.register_converter(app.url_map.converters["id"], _id_parameter)
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearer",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "The client's secret, shown once when an administrator registers "
            "the client (oocd_...).",
        },
    )
    api.register_blueprint(views.blp)
    # The operations are grouped by these tags, not by the blueprint flask-smorest tags them
    # with (its tag would head an empty section of the reference).
    api.spec._tags[:] = [t for t in api.spec._tags if t["name"] != views.blp.name]
    for name, about in views.TAGS.items():
        api.spec.tag({"name": name, "description": about})
    csrf.exempt(views.blp)
    app.extensions["oocd_api"] = api
    app.register_blueprint(docs.bp)
    app.register_error_handler(problems.Problem, problems.response)
    app.after_request(_audit_the_call)


def _audit_the_call(response: Response) -> Response:
    """One audit row for each call to the API (whoever made it, however it ended), and one for
    each case it read, in a transaction of their own."""
    if not request.path.startswith(views.blp.url_prefix + "/") or request.blueprint == docs.bp.name:
        return response
    client = g.get("api_client")
    operation = request.endpoint.rsplit(".", 1)[-1] if request.endpoint else None
    details: dict[str, Any] = {
        "operation": operation,
        "method": request.method,
        "status": response.status_code,
    }
    if g.get("api_record") is not None:
        details["referral"] = g.api_record
    if response.headers.get("Idempotent-Replayed") == "true":
        details["replayed"] = True
    rows: list[audit_trail.Row] = [
        ("api_call", "api_client", client.id if client is not None else "unknown", None, details)
    ]
    rows += [
        ("view", "referral", r.id, r.child_id, {"page": f"api {operation}"})
        for r in g.get("api_viewed", [])
    ]
    session = db_session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()  # end the call's reading, so that the audit rows begin ready to write
    begin_writing(session)
    with unit_of_work(session):
        if client is not None:
            api_clients.spend_call(
                session, client, calls_per_minute=current_app.config["API_CALLS_PER_MINUTE"]
            )
        audit_trail.record_many(session, client.user if client is not None else None, rows)
    return response
