"""Your account: setting up two-factor sign-in, new recovery codes, turning it off.

Setting up is shared with signing in: an administrator or manager without two-factor sets it
up between their password and their first page (auth.set_up_at_sign_in)."""

from __future__ import annotations

from collections.abc import Callable

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from oocd_panel.models import User
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.services import two_factor
from oocd_panel.services.accounts import SignInThrottled
from oocd_panel.services.two_factor import TwoFactorUnreadable
from oocd_panel.web.access import ALL_ROLES, actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary
from oocd_panel.web.forms import CodeForm

bp = Blueprint("account", __name__)

Page = tuple[str, int] | str


def qr_data_uri(uri: str) -> str:
    """A QR code of `uri` as an SVG data: address for an <img> (the CSP allows data: images)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def set_up_page(
    user: User, on_success: Callable[[User, list[str]], Page | Response]
) -> Page | Response:
    """The set-up page: the secret as a QR code and as text, and a code to confirm it. On a
    right code, `on_success(user, recovery_codes)` answers."""
    session = db_session()
    form = CodeForm()
    form.code.label.text = "Code from your authenticator app"
    form.submit.label.text = "Confirm and continue"
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_set_up(session, user, form.code.data or "")
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
        except TwoFactorUnreadable:
            form.code.errors = ["Your set-up had expired: scan the new QR code and try again"]
        else:
            return on_success(user, codes)
    secret = two_factor.pending_secret(session, user)
    uri = two_factor.provisioning_uri(secret, user.email, current_app.config["SERVICE_NAME"])
    errors = error_summary(form)
    return render_template(
        "account/set_up.html",
        form=form,
        errors=errors,
        qr=qr_data_uri(uri),
        secret=grouped(secret),
        required=two_factor.required_for(user),
        replacing=user.has_two_factor,
    ), (400 if errors else 200)


def recovery_codes_page(codes: list[str], next_url: str) -> Page:
    return render_template("account/recovery_codes.html", codes=codes, next_url=next_url)


def _status_page(
    user: User, *, recovery_form: CodeForm | None = None, off_form: CodeForm | None = None
) -> Page:
    recovery_form = recovery_form or CodeForm(prefix="recovery")
    off_form = off_form or CodeForm(prefix="off")
    recovery_form.submit.label.text = "Get new recovery codes"
    off_form.submit.label.text = "Turn off two-factor sign-in"
    errors = error_summary(recovery_form) + error_summary(off_form)
    return render_template(
        "account/two_factor.html",
        user=user,
        required=two_factor.required_for(user),
        codes_left=two_factor.recovery_codes_left(db_session(), user),
        recovery_form=recovery_form,
        off_form=off_form,
        errors=errors,
    ), (400 if errors else 200)


@bp.route("/account/two-factor")
@allow(*ALL_ROLES)
def two_factor_status() -> Page:
    return _status_page(actor())


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@allow(*ALL_ROLES)
def set_up_two_factor() -> Page | Response:
    user = actor()

    def done(_user: User, codes: list[str]) -> Page:
        return recovery_codes_page(codes, url_for("account.two_factor_status"))

    return set_up_page(user, done)


def _code_action(prefix: str, change: Callable[[User, str], list[str] | None]) -> Page | Response:
    user = actor()
    form = CodeForm(prefix=prefix)
    if form.validate_on_submit():
        try:
            codes = change(user, form.code.data or "")
        except SignInThrottled as exc:
            form.code.errors = [exc.message]
        except DomainError as exc:
            errors = exc.errors if isinstance(exc, InvalidInput) else {"code": exc.message}
            attach_errors(form, errors)
        else:
            if codes is not None:
                return recovery_codes_page(codes, url_for("account.two_factor_status"))
            flash("Two-factor sign-in is off. You can set it up again at any time.")
            return redirect(url_for("account.two_factor_status"))
    forms = {"recovery_form": form} if prefix == "recovery" else {"off_form": form}
    return _status_page(user, **forms)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@allow(*ALL_ROLES)
def new_recovery_codes() -> Page | Response:
    return _code_action(
        "recovery",
        lambda user, code: two_factor.new_recovery_codes(
            db_session(), user, code, address=request.remote_addr or "unknown"
        ),
    )


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@allow(*ALL_ROLES)
def turn_off_two_factor() -> Page | Response:
    def change(user: User, code: str) -> None:
        two_factor.turn_off(db_session(), user, code, address=request.remote_addr or "unknown")

    return _code_action("off", change)
