"""Security headers on every response, and a per-request nonce for the one inline script."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.wrappers import Response


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def init_app(app: Flask) -> None:
    production = app.config.get("ENV_MODE") == "production"

    @app.context_processor
    def _nonce() -> dict[str, str]:
        return {"cspNonce": csp_nonce()}

    @app.after_request
    def _headers(response: Response) -> Response:
        nonce = csp_nonce()
        # Only the API's reference page (no personal data on it) lets inline styles apply:
        # ReDoc writes its own. Scripts stay the product's own files everywhere.
        styles = "'self' 'unsafe-inline'" if g.get("inline_styles") else "'self'"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src {styles}; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static" or response.status_code >= 400:
            # Pages carry children's personal data: never keep them in a cache (nor an error,
            # which may say what was asked for).
            response.headers["Cache-Control"] = "no-store"
        return response
