"""The API's OpenAPI document and its reference page (ReDoc, from the npm package, served
from static/build: nothing is fetched from elsewhere, so it works offline and within the
Content Security Policy; the page alone lets ReDoc's own inline styles apply)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template
from werkzeug.wrappers import Response

from oocd_panel.web.access import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(current_app.extensions["oocd_api"].spec.to_dict())


@bp.route("/docs")
@public
def reference() -> str:
    g.inline_styles = True  # ReDoc styles its page with <style> elements (web/headers.py)
    return render_template("api/reference.html")
