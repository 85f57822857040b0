"""Signing in with a service's identity provider (OpenID Connect), and its settings page.

`/sign-in/with/<slug>` sends the person to their organisation's sign-in, keeping this sign-in's
state, nonce and PKCE verifier in the session; `/sign-in/with/<slug>/callback` (the redirect
URI each provider registers) takes them back, and services.provider_sign_in checks the answer.
A user it signs in starts a fresh session, marked as signed in through the provider, so no
two-factor code is asked for; a refusal sends them back to the sign-in page, which says what
happened and what to do. Administrators set the provider up on their service's settings.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import session as browser
from werkzeug.wrappers import Response

from oocd_panel.models import Role, Service
from oocd_panel.plumbing.errors import EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.services import identity_providers, provider_sign_in
from oocd_panel.web.access import THROUGH_PROVIDER, actor, allow, public, signed_in_user
from oocd_panel.web.auth import PROBLEM, safe_next, start_session
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none
from oocd_panel.web.identity_forms import ProviderForm, RemoveProviderForm
from oocd_panel.web.links import external_url

bp = Blueprint("identity", __name__)

_PENDING = "provider_sign_in"
_NEXT = "provider_sign_in_next"
_NO_PROVIDER = "That service does not sign in through an organisation: sign in here instead."


def redirect_uri(slug: str) -> str:
    """Where the provider sends people back: the address to register with it. Built from
    PUBLIC_URL when set (behind a proxy), else from the request."""
    return external_url("identity.callback", slug=slug)


def _back_to_sign_in(message: str) -> Response:
    browser[PROBLEM] = message
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in/with/<slug>")
@public
def start(slug: str) -> Response:
    if signed_in_user() is not None:
        return redirect(url_for("cases.my_work"))
    try:
        url, pending = provider_sign_in.begin(db_session(), slug, redirect_uri(slug))
    except NotFound:
        return _back_to_sign_in(_NO_PROVIDER)
    except provider_sign_in.SignInRefused as refused:
        return _back_to_sign_in(refused.message)
    browser[_PENDING] = pending.as_dict()
    browser[_NEXT] = safe_next(request.args.get("next"))
    return redirect(url)


@bp.route("/sign-in/with/<slug>/callback")
@public
def callback(slug: str) -> Response:
    if signed_in_user() is not None:
        return redirect(url_for("cases.my_work"))
    # Each sign-in's state is used once, whatever happens next.
    pending = provider_sign_in.Pending.from_dict(browser.pop(_PENDING, None))
    next_url = browser.pop(_NEXT, None)
    try:
        user = provider_sign_in.finish(
            db_session(),
            slug,
            pending,
            state=request.args.get("state", ""),
            code=request.args.get("code", ""),
            error=request.args.get("error", ""),
            redirect_uri=redirect_uri(slug),
        )
    except NotFound:
        return _back_to_sign_in(_NO_PROVIDER)
    except provider_sign_in.SignInRefused as refused:
        return _back_to_sign_in(refused.message)
    assert pending is not None  # finish refuses a sign-in without one
    start_session(user)
    browser[THROUGH_PROVIDER] = pending.service_id
    target = safe_next(next_url if isinstance(next_url, str) else None)
    return redirect(target or url_for("cases.my_work"))


# --- Settings ------------------------------------------------------------------------------------


def _service(service_id: int) -> Service:
    service = db_session().get(Service, service_id)
    if service is None or service.id not in actor().service_ids:
        abort(404)
    return service


@bp.route("/admin/services/<id:service_id>/sign-in", methods=["GET", "POST"])
@allow(Role.ADMIN)
def settings(service_id: int) -> tuple[str, int] | Response:
    service = _service(service_id)
    provider = identity_providers.for_service(db_session(), service.id)
    form = ProviderForm()
    extra: list[str] = []
    if request.method == "GET":
        form.seen.data = str(identity_providers.version(provider))
        if provider is not None:
            form.organisation.data = provider.organisation
            form.issuer.data = provider.issuer
            form.client_id.data = provider.client_id
    elif form.validate_on_submit():
        try:
            identity_providers.save_provider(
                db_session(),
                actor(),
                service_id=service.id,
                organisation=form.organisation.data or "",
                issuer=form.issuer.data or "",
                client_id=form.client_id.data or "",
                client_secret=form.client_secret.data or "",
                seen=int_or_none(form.seen.data),
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except EditedMeanwhile as exc:
            extra.append(exc.message)
            provider = identity_providers.for_service(db_session(), service.id)
            form.seen.data = str(identity_providers.version(provider))
        else:
            flash("Sign-in settings saved.")
            return redirect(url_for("identity.settings", service_id=service.id))
    remove = RemoveProviderForm(formdata=None)
    remove.seen.data = str(identity_providers.version(provider))
    errors = error_summary(form, extra)
    return render_template(
        "identity/settings.html",
        service=service,
        provider=provider,
        form=form,
        remove=remove,
        redirect_uri=redirect_uri(service.slug),
        errors=errors,
    ), (400 if errors and request.method == "POST" else 200)


@bp.route("/admin/services/<id:service_id>/sign-in/remove", methods=["POST"])
@allow(Role.ADMIN)
def remove(service_id: int) -> Response:
    service = _service(service_id)
    form = RemoveProviderForm()
    if form.validate_on_submit():
        try:
            identity_providers.remove_provider(
                db_session(), actor(), service_id=service.id, seen=int_or_none(form.seen.data)
            )
        except EditedMeanwhile as exc:
            flash(exc.message)
        else:
            flash(f"{service.name}'s staff now sign in with their email address and password.")
    else:
        flash("The page had been open too long, so nothing was changed. Try again.")
    return redirect(url_for("identity.settings", service_id=service.id))
