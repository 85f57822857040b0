"""oocd-panel: out-of-court disposal decision panels for Youth Justice Services."""

from __future__ import annotations

from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from oocd_panel.plumbing.config import INSTANCE_DIR, PROJECT_ROOT, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application. `config` overrides what the environment gives."""
    from oocd_panel.web.templating import Environment

    settings = load_config(overrides=config)
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        static_folder="static",
        static_url_path="/static",
    )
    app.config.update(settings)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Each request's address (and whether it came by HTTPS) as the proxies in front say:
        # the last `proxies` entries of X-Forwarded-For are theirs, and anything a client put
        # before them is ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies
        )
    app.jinja_environment = Environment
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(PROJECT_ROOT / "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from oocd_panel import cli
    from oocd_panel.services import audit_trail, identity_providers, two_factor
    from oocd_panel.web import init_web

    audit_trail.configure(app.config["AUDIT_KEY"])
    two_factor.configure(app.config["TOTP_KEY"])
    identity_providers.configure(app.config["TOTP_KEY"])
    init_web(app)
    cli.init_app(app)
    return app
