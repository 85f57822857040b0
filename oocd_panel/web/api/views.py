"""The API's operations (`/api/v1`), thin: each reads its request through its schema, calls
services.police_api as the client's officer, and writes the answer through its schema. Who is
calling (and whether they may) is settled before any of them runs (web/api/__init__.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from typing import Any, TypeVar

from flask import current_app, g, json, request, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE
from werkzeug.wrappers import Response

from oocd_panel.models import ApiClient, ApiScope, Referral, Route
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import CaseChanged, DomainError, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules.referral_rules import (
    ChildDetails,
    ContactDetails,
    NewReferral,
    OffenceDetails,
)
from oocd_panel.services import api_clients, police, police_api
from oocd_panel.web.access import api_token
from oocd_panel.web.api import problems, schemas
from oocd_panel.web.api.problems import CONTENT_TYPE, Problem, pointer
from oocd_panel.web.database import db_session

blp = Blueprint("api", __name__, url_prefix="/api/v1")
TAGS = {
    "Referrals": "Submit a referral or a notification, and read a case as the police may.",
    "Deliveries": "Outcomes waiting for the police to deliver them, and recording a delivery.",
}

F = TypeVar("F", bound=Callable[..., Any])

# What each view needs beside its bearer secret (checked before it runs).
SCOPE_OF: dict[str, ApiScope] = {}


def needs(scope: ApiScope) -> Callable[[F], F]:
    def declare(view: F) -> F:
        SCOPE_OF[view.__name__] = scope
        return api_token(view)

    return declare


def documented(*statuses: int) -> Callable[[F], F]:
    """Document the problems a view may answer with, besides those every view may."""

    def document(view: F) -> F:
        for status in sorted({401, 403, 429, *statuses}, reverse=True):
            view = blp.alt_response(
                status,
                schema=schemas.ProblemOut,
                content_type=CONTENT_TYPE,
                description=_PROBLEM_DESCRIPTIONS[status],
            )(view)
        return view

    return document


_PROBLEM_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "No bearer secret, or one that is unknown or revoked.",
    403: "The client's scopes do not include this.",
    404: "No such case in the client's service.",
    409: "Not at this step (not-allowed-now), or changed since `version` (case-changed).",
    413: "The body is over 1 MB.",
    415: "The body is not JSON.",
    422: "The request breaks the rules (invalid-input: see `errors`), or an Idempotency-Key "
    "reused with another request (idempotency-key-reused). Nothing was saved.",
    429: "Too many calls just now: see Retry-After.",
}


# --- Who is calling -----------------------------------------------------------------------------

_REALM = 'Bearer realm="oocd-panel"'


def _bearer() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


@blp.before_request
def _admit() -> None:
    """The caller's secret, one call spent of its rate, and the scope the view needs."""
    name = (request.endpoint or "").rsplit(".", 1)[-1]
    scope = SCOPE_OF.get(name)
    if scope is None:
        current_app.logger.error("API view %s declares no scope; refused", name)
        raise Problem(403, "This operation is not open to any client.")
    secret = _bearer()
    if secret is None:
        raise Problem(
            401,
            "Send the client's secret: Authorization: Bearer oocd_...",
            kind="credentials-not-valid",
            headers={"WWW-Authenticate": _REALM},
        )
    try:
        g.api_client = api_clients.admit(
            db_session(), secret, calls_per_minute=current_app.config["API_CALLS_PER_MINUTE"]
        )
    except api_clients.CredentialsNotValid as exc:
        raise Problem(
            401,
            exc.message,
            kind="credentials-not-valid",
            headers={"WWW-Authenticate": f'{_REALM}, error="invalid_token"'},
        ) from None
    except api_clients.RateLimited as exc:
        raise Problem(
            429, exc.message, kind="rate-limited", headers={"Retry-After": str(exc.retry_after)}
        ) from None
    police_api.require_scope(g.api_client, scope)
    if request.method == "POST" and not request.is_json:
        raise Problem(415, "Send the request's body as JSON (Content-Type: application/json).")


@blp.errorhandler(DomainError)
def _refused(error: DomainError) -> Response:
    """What the services refused, as a problem."""
    if isinstance(error, InvalidInput):
        return problems.response(invalid(error, lambda name: [name]))
    if isinstance(error, NotFound):
        return problems.response(Problem(404, error.message))
    if isinstance(error, police_api.ScopeMissing):
        return problems.response(Problem(403, error.message, kind="scope-missing"))
    if isinstance(error, police_api.IdempotencyKeyReused):
        return problems.response(Problem(422, error.message, kind="idempotency-key-reused"))
    if isinstance(error, CaseChanged):
        return problems.response(Problem(409, error.message, kind="case-changed"))
    return problems.response(Problem(409, error.message, kind="not-allowed-now"))


def client() -> ApiClient:
    found: ApiClient = g.api_client
    return found


def viewed(referrals: list[Referral]) -> None:
    """The cases this call read, for the audit trail (written when the call ends)."""
    g.api_viewed = [*g.get("api_viewed", []), *referrals]


def _dump(referral: Referral) -> dict[str, Any]:
    dumped: dict[str, Any] = schemas.ReferralOut().dump(police_api.outcome_view(referral))
    return dumped


# --- Errors by field: the rules' names, as places in the request's body ------------------------

_CHILD_FIELDS = {f.name for f in dataclass_fields(ChildDetails)}
_CONTACT_FIELDS = {
    "contact_name": "full_name",
    "contact_relationship": "relationship_to_child",
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_address": "address",
}
_OFFENCE_FIELD = re.compile(r"offences-(\d+)-(\w+)")


def referral_path(name: str) -> list[str]:
    """Where the rules' field `name` (rules.referral_rules) is in a referral's body."""
    if name in _CONTACT_FIELDS:
        return ["contact", _CONTACT_FIELDS[name]]
    if name in _CHILD_FIELDS:
        return ["child", name]
    offence = _OFFENCE_FIELD.fullmatch(name)
    if offence is not None:
        return ["offences", offence.group(1), offence.group(2)]
    return [name]


def delivery_path(name: str) -> list[str]:
    """Where a delivery's field is in its body (the workflow calls the notes its reason)."""
    return ["notes" if name == "reason" else name]


def invalid(error: InvalidInput, path: Callable[[str], list[str]]) -> Problem:
    return Problem(
        422,
        "The request breaks the rules: see `errors`. Nothing was saved.",
        kind="invalid-input",
        errors=[
            {"detail": message, "pointer": pointer(path(name))}
            for name, message in error.errors.items()
        ],
    )


# --- Submitting a referral ---------------------------------------------------------------------


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    """Text as the forms take it: control characters dropped, surrounding space stripped."""
    return {k: clean_text(v) if isinstance(v, str) else v for k, v in values.items()}


def new_referral(body: dict[str, Any]) -> NewReferral:
    """The body as the rules' NewReferral (the service the client's, set by the service)."""
    values = _cleaned(body)
    route = values.get("route")
    child = _cleaned(values["child"])
    return NewReferral(
        service_id=0,
        route=Route(route) if route in {r.value for r in Route} else None,
        police_reference=values["police_reference"],
        offence_date=values["offence_date"],
        received_on=values.get("received_on") or local_today(),
        admission=values["admission"],
        officer_name=values["officer_name"],
        officer_email=values.get("officer_email"),
        proposed_outcome=values.get("proposed_outcome") or "",
        police_outcome=values.get("police_outcome"),
        victim_details=values.get("victim_details"),
        victim_views=values.get("victim_views"),
        victim_restorative_wish=values.get("victim_restorative_wish") or "not_asked",
        offences=[OffenceDetails(**_cleaned(o)) for o in values["offences"]],
        child=ChildDetails(**child),
        contact=ContactDetails(**_cleaned(values["contact"])),
    )


def request_hash() -> str:
    """The request's body, written canonically (so spacing and key order do not matter)."""
    canonical = json.dumps(
        request.get_json(silent=True), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@blp.route("/referrals", methods=["POST"], tags=["Referrals"])
@needs(ApiScope.SUBMIT_REFERRALS)
@blp.arguments(schemas.IdempotencyHeader, location="headers")
@blp.arguments(schemas.ReferralIn)
@blp.response(
    201,
    schemas.ReferralOut,
    description="Saved: the case as the police may read it. A retry with the same "
    "Idempotency-Key and request gets this again (Idempotent-Replayed: true).",
    headers={
        "Location": {"description": "The case's address in the API", "schema": {"type": "string"}},
        "Idempotent-Replayed": {
            "description": "true when this is the first call's result given again",
            "schema": {"type": "string", "enum": ["true", "false"]},
        },
    },
)
@documented(400, 413, 415, 422)
def submit_referral(headers: dict[str, Any], body: dict[str, Any]) -> Response:
    """Submit a referral or a notification

    The same rules as the form: anything wrong is listed in `errors` and nothing is saved. A
    child the service knows (same names and date of birth) is linked, not made again."""
    key = headers.get("idempotency_key")
    try:
        result = police_api.submit_referral(
            db_session(),
            client(),
            new_referral(body),
            idempotency=police_api.Idempotency(key, request_hash()) if key else None,
            render=_dump,
        )
    except InvalidInput as exc:
        raise invalid(exc, referral_path) from None
    answer = current_app.response_class(
        json.dumps(result.body), status=result.status_code, mimetype="application/json"
    )
    if result.referral_id is not None:
        answer.headers["Location"] = url_for(".get_referral", referral_id=result.referral_id)
    answer.headers["Idempotent-Replayed"] = "true" if result.replayed else "false"
    g.api_record = result.referral_id
    return answer


# --- Reading outcomes -------------------------------------------------------------------------


@blp.route("/referrals", methods=["GET"], tags=["Referrals"])
@needs(ApiScope.READ_OUTCOMES)
@blp.arguments(schemas.ReferenceQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.ReferralListOut, description="The cases with that reference.")
@documented(422)
def find_referrals(query: dict[str, Any]) -> dict[str, Any]:
    """Find cases by police reference

    Exactly the reference (in any letter case), in the client's service; usually one case,
    none if the service has no such reference."""
    found = police_api.find_by_reference(db_session(), client(), query["police_reference"])
    viewed(found)
    return {"items": [police_api.outcome_view(r) for r in found]}


@blp.route("/referrals/<id:referral_id>", methods=["GET"], tags=["Referrals"])
@needs(ApiScope.READ_OUTCOMES)
@blp.response(200, schemas.ReferralOut)
@documented(404)
def get_referral(referral_id: int) -> police_api.OutcomeView:
    """Read a case: its status, decision, conditions and delivery"""
    referral = police_api.get_referral(db_session(), client(), referral_id)
    viewed([referral])
    return police_api.outcome_view(referral)


_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2})\.(\d{1,10})")


def _cursor(value: str | None) -> police_api.Cursor | None:
    if value is None:
        return None
    found = _CURSOR.fullmatch(value)
    try:
        if found is None:
            raise ValueError
        return dt.date.fromisoformat(found.group(1)), int(found.group(2))
    except ValueError:
        raise Problem(
            422,
            "The request breaks the rules: see `errors`.",
            kind="invalid-input",
            errors=[{"detail": "Give `next_after` from the page before", "parameter": "after"}],
        ) from None


@blp.route("/outcomes/awaiting-delivery", methods=["GET"], tags=["Deliveries"])
@needs(ApiScope.READ_OUTCOMES)
@blp.arguments(schemas.PageQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.ReferralPageOut, description="A page, oldest received first.")
@documented(422)
def awaiting_delivery(query: dict[str, Any]) -> dict[str, Any]:
    """List decided outcomes the police have yet to deliver"""
    page = police_api.awaiting_delivery(
        db_session(), client(), after=_cursor(query.get("after")), limit=query["limit"]
    )
    viewed(page.items)
    after = f"{page.next_after[0].isoformat()}.{page.next_after[1]}" if page.next_after else None
    return {"items": [police_api.outcome_view(r) for r in page.items], "next_after": after}


# --- Recording the delivery -------------------------------------------------------------------


@blp.route("/referrals/<id:referral_id>/delivery", methods=["POST"], tags=["Deliveries"])
@needs(ApiScope.RECORD_DELIVERIES)
@blp.arguments(schemas.DeliveryIn)
@blp.response(200, schemas.ReferralOut, description="Recorded: the case as it is now.")
@documented(400, 404, 409, 413, 415, 422)
def record_delivery(body: dict[str, Any], referral_id: int) -> police_api.OutcomeView:
    """Record the delivery of the outcome, or that the child declined it

    The police outcome page's rules: for a caution, the appropriate adult (a child under 17)
    and free legal advice; the admission where the outcome needs one; the signed consent to
    conditions. A child declining sends the case back to the police, except for Outcome 22,
    where saying no is the child's right and the case closes."""
    values = _cleaned(body)
    version = values.pop("version", None)
    try:
        referral = police_api.record_delivery(
            db_session(),
            client(),
            referral_id=referral_id,
            given=police.DeliveryInput(**values),
            expected_version=version,
        )
    except InvalidInput as exc:
        raise invalid(exc, delivery_path) from None
    g.api_record = referral.id
    return police_api.outcome_view(referral)
