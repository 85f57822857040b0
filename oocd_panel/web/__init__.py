"""The web layer: blueprints, forms and the request plumbing around them."""

from __future__ import annotations

from flask import Flask, jsonify
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from oocd_panel.web import access, database, errors, filters, headers
from oocd_panel.web.access import public

csrf = CSRFProtect()


@public
def healthz() -> Response:
    """For load balancers and the benchmarks' trivial endpoint: touches no database."""
    return jsonify(status="ok")


def init_web(app: Flask) -> None:
    database.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    filters.init_app(app)

    from oocd_panel.web import assessments, auth, cases

    app.register_blueprint(auth.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(assessments.bp)
    app.add_url_rule("/healthz", "healthz", healthz)

    app.add_template_global(cases.action_url)

    @app.context_processor
    def _layout() -> dict[str, object]:
        return {"service_name": app.config["SERVICE_NAME"]}
