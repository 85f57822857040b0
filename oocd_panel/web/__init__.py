"""The web layer: blueprints, forms and the request plumbing around them."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from oocd_panel.web import access, audit, database, errors, filters, headers, i18n
from oocd_panel.web.access import public


@public
def healthz() -> Response:
    """For load balancers and the benchmarks' trivial endpoint: touches no database."""
    return jsonify(status="ok")


class IdConverter(IntegerConverter):
    """A record id in a URL: digits only, and small enough for the database's integer."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def init_web(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    database.init_app(app)
    access.csrf.init_app(app)
    access.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    i18n.init_app(app)
    audit.init_app(app)

    from oocd_panel.web import (
        account,
        api,
        api_clients,
        assessments,
        audits,
        auth,
        cases,
        corrections,
        feedback,
        identity,
        letters,
        outcomes,
        panel_cases,  # noqa: F401  (adds one case's views to panels.bp)
        panels,
        passwords,
        privacy,
        reports,
        scrutiny,
        translations,
        users,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(identity.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(passwords.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(corrections.bp)
    app.register_blueprint(translations.bp)
    app.register_blueprint(assessments.bp)
    app.register_blueprint(audits.bp)
    app.register_blueprint(panels.bp)
    app.register_blueprint(outcomes.bp)
    app.register_blueprint(letters.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(scrutiny.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(api_clients.bp)
    api.init_app(app)
    app.add_url_rule("/healthz", "healthz", healthz)

    app.add_template_global(cases.action_url)

    @app.context_processor
    def _layout() -> dict[str, object]:
        return {"service_name": app.config["SERVICE_NAME"]}
