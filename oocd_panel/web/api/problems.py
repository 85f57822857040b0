"""Every error the API gives is an RFC 9457 problem (application/problem+json): `type`, `title`,
`status`, `detail` and `instance`, and for a request whose content breaks the rules, `errors`:
one {"detail", "pointer"} per field (a JSON Pointer into the request's body), or "parameter" /
"header" for a query parameter or a header. Never an HTML page, never a stack trace.

Problem types other than plain HTTP ones ("about:blank") are named in PROBLEM_TYPES, which the
OpenAPI document describes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"
TYPE_BASE = "/api/v1/problems/"

PROBLEM_TYPES: dict[str, str] = {
    "invalid-input": "The request's content or parameters break the rules: `errors` lists each "
    "field at fault with what to put right. Nothing was saved.",
    "not-allowed-now": "The case is not at a step where this can be done (for example a "
    "delivery recorded already). Nothing was saved.",
    "case-changed": "The case changed since the `version` given was read. Read it again, then "
    "decide. Nothing was saved.",
    "idempotency-key-reused": "The Idempotency-Key was used before with a different request. "
    "Nothing was saved.",
    "credentials-not-valid": "No bearer secret was sent, or it is unknown or was revoked.",
    "scope-missing": "The client is not registered to do this.",
    "rate-limited": "The client made too many calls just now: wait the seconds Retry-After says.",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


class Problem(Exception):
    """An error to answer as a problem document (raised anywhere under /api/)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        assert kind is None or kind in PROBLEM_TYPES
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = dict(headers or {})


def _instance() -> str:
    """The path asked for, as a URI reference (the bytes sent, percent-encoded where need be).
    The path only: a query may hold a police reference."""
    sent = request.environ.get("SCRIPT_NAME", "") + request.environ.get("PATH_INFO", "")
    return quote(sent.encode("latin-1", "replace"), safe="/-._~!$&'()*+,;=:@%")


def response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.kind if problem.kind else "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": _instance(),
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    answer = Response(json.dumps(body), status=problem.status, content_type=CONTENT_TYPE)
    for name, value in problem.headers.items():
        answer.headers[name] = value
    return answer


def _flattened(messages: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, message) for each message in marshmallow's nested errors."""
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            yield from _flattened(inner, (*path, str(key)) if key != "_schema" else path)
    elif isinstance(messages, list | tuple):
        for inner in messages:
            yield from _flattened(inner, path)
    else:
        yield path, str(messages)


def pointer(path: tuple[str, ...] | list[str]) -> str:
    """A JSON Pointer (RFC 6901) to `path` in the request's body, as a URI fragment."""
    return "#" + "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _where(location: str, path: tuple[str, ...]) -> dict[str, str]:
    if location == "json":
        return {"pointer": pointer(path)}
    if location == "headers":
        return {"header": path[0] if path else ""}
    return {"parameter": path[0] if path else ""}


def from_http_exception(error: HTTPException) -> Problem:
    """An HTTP error (from routing, the body's size or parsing, or the arguments' schemas) as
    a problem."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = {k: v for k, v in (data.get("headers") or {}).items() if isinstance(v, str)}
    allowed = getattr(error, "valid_methods", None)
    if allowed:
        headers["Allow"] = ", ".join(allowed)
    if status == 400 and messages:
        return Problem(400, "The request's body is not valid JSON.", headers=headers)
    if status == 422 and isinstance(messages, Mapping):
        errors = [
            {"detail": message, **_where(location, path)}
            for location, inner in messages.items()
            for path, message in _flattened(inner)
        ]
        return Problem(
            422,
            "The request breaks the rules: see `errors`.",
            kind="invalid-input",
            errors=errors,
            headers=headers,
        )
    detail = {
        404: "There is nothing at this address in the API.",
        405: f"This address does not take {request.method}.",
        413: "The request's body is larger than the API takes (1 MB).",
        415: "Send the request's body as JSON (Content-Type: application/json).",
    }.get(status, error.description or HTTPStatus(status).phrase)
    return Problem(status, detail, headers=headers)


def unexpected() -> Problem:
    return Problem(500, "Something went wrong on our side. Nothing was saved; try again later.")
