"""Administrators register their service's police systems as API clients, see the secret once,
and revoke it (services.api_clients holds the rules)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms.fields import SelectMultipleField, StringField, SubmitField

from oocd_panel.models import ApiClient, ApiScope, Role, Service
from oocd_panel.plumbing.errors import InvalidInput, NotFound
from oocd_panel.services import api_clients
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import WebForm, attach_errors, csrf_failed, error_summary

bp = Blueprint("api_clients", __name__)


class ClientForm(WebForm):
    name = StringField(
        "The police system's name",
        widget=GovTextInput(),
        description="As your colleagues know it, for example Niche RMS or Athena.",
    )
    police_force = StringField(
        "The police force", widget=GovTextInput(), description="For example Northbrook Police."
    )
    scopes = SelectMultipleField(
        "What it may do",
        choices=ApiScope.choices(),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        description="Only what the system needs. It acts as a police officer of the service "
        "would, and reads only what an officer may.",
    )
    submit = SubmitField("Register the police system", widget=GovSubmitInput())


class RevokeForm(WebForm):
    submit = SubmitField("Revoke", widget=GovSubmitInput())


def _service(service_id: int) -> Service:
    service = db_session().get(Service, service_id)
    if service is None or service.id not in actor().service_ids:
        abort(404)
    return service


@bp.route("/admin/services/<id:service_id>/api-clients")
@allow(Role.ADMIN)
def index(service_id: int) -> str:
    service = _service(service_id)
    clients = api_clients.clients_of(db_session(), actor(), service.id)
    return render_template(
        "api_clients/index.html",
        service=service,
        clients=clients,
        revoke=RevokeForm(formdata=None),
        calls_per_minute=current_app.config["API_CALLS_PER_MINUTE"],
    )


@bp.route("/admin/services/<id:service_id>/api-clients/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new(service_id: int) -> tuple[str, int]:
    service = _service(service_id)
    form = ClientForm()
    extra: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            registered = api_clients.register(
                db_session(),
                actor(),
                service_id=service.id,
                name=form.name.data or "",
                police_force=form.police_force.data or "",
                scopes=form.scopes.data or [],
                calls_per_minute=current_app.config["API_CALLS_PER_MINUTE"],
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        else:
            # Shown on this answer only: never in an address, a session or a log.
            return render_template(
                "api_clients/secret.html",
                service=service,
                client=registered.client,
                secret=registered.secret,
            ), 200
    errors = error_summary(form, extra)
    return render_template("api_clients/new.html", service=service, form=form, errors=errors), (
        400 if errors else 200
    )


@bp.route("/admin/api-clients/<id:client_id>/revoke", methods=["POST"])
@allow(Role.ADMIN)
def revoke(client_id: int) -> Response:
    try:
        client: ApiClient = api_clients.get_client(db_session(), actor(), client_id)
    except NotFound:
        abort(404)
    form = RevokeForm()
    form.validate()
    if csrf_failed(form):
        flash("The page had been open too long, so nothing was changed. Try again.")
    else:
        api_clients.revoke(db_session(), actor(), client.id)
        flash(f"{client.name} ({client.police_force}) is revoked: its secret no longer works.")
    return redirect(url_for("api_clients.index", service_id=client.service_id))
