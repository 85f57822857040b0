"""Error pages in plain words, never a stack trace; under /api/, problem documents instead
(web/api/problems.py), never a page."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from oocd_panel.web.api import problems


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | Response:
        if problems.is_api_request():
            return problems.response(problems.from_http_exception(error))
        code = error.code or 500
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(code, "errors/other.html")
        return render_template(template, error=error), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int] | Response:
        app.logger.exception("unexpected error")
        if problems.is_api_request():
            return problems.response(problems.unexpected())
        return render_template("errors/500.html"), 500
