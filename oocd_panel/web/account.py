"""Your account: setting up two-factor sign-in, moving it to a new phone, new recovery codes,
turning it off.

Setting up is shared with signing in: an administrator or manager without two-factor sets it
up between their password and their first page (auth.set_up_at_sign_in). Once it is set up,
every change to it asks for the current factor and the password (services.two_factor); a
session signed in through the organisation's identity provider has no password here to give,
so its pages say that two-factor is the organisation's job and change nothing."""

from __future__ import annotations

from collections.abc import Callable

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from oocd_panel.models import User
from oocd_panel.plumbing.errors import DomainError, InvalidInput
from oocd_panel.services import identity_providers, two_factor
from oocd_panel.services.accounts import SignInThrottled
from oocd_panel.services.two_factor import TwoFactorUnreadable
from oocd_panel.web.access import (
    ALL_ROLES,
    THROUGH_PROVIDER,
    actor,
    allow,
    signed_in_through_provider,
)
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary
from oocd_panel.web.forms import CodeForm, ConfirmFactorsForm, ReplaceTwoFactorForm

bp = Blueprint("account", __name__)

Page = tuple[str, int] | str


def qr_data_uri(uri: str) -> str:
    """A QR code of `uri` as an SVG data: address for an <img> (the CSP allows data: images)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _address() -> str:
    return request.remote_addr or "unknown"


def _set_up_template(
    user: User, form: CodeForm | ReplaceTwoFactorForm, status: int | None = None
) -> Page:
    session = db_session()
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
        replacing=isinstance(form, ReplaceTwoFactorForm),
    ), status or (400 if errors else 200)


def set_up_page(
    user: User, on_success: Callable[[User, list[str]], Page | Response]
) -> Page | Response:
    """The first set-up (no two-factor yet): the secret as a QR code and as text, and a code to
    confirm it. On a right code, `on_success(user, recovery_codes)` answers."""
    form = CodeForm()
    form.code.label.text = "Code from your authenticator app"
    form.submit.label.text = "Confirm and continue"
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_set_up(db_session(), user, form.code.data or "")
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
        except TwoFactorUnreadable:
            form.code.errors = ["Your set-up had expired: scan the new QR code and try again"]
        except DomainError as exc:  # set up meanwhile, in another window
            form.code.errors = [exc.message]
        else:
            return on_success(user, codes)
    return _set_up_template(user, form)


def _replace_page(user: User) -> Page | Response:
    """A new phone: the new secret, a code from it, and the current factor and password."""
    form = ReplaceTwoFactorForm()
    status = None
    if form.validate_on_submit():
        try:
            codes = two_factor.replace(
                db_session(),
                user,
                form.code.data or "",
                current_code=form.current_code.data or "",
                password=form.password.data or "",
                address=_address(),
            )
        except SignInThrottled as exc:
            form.current_code.errors = [exc.message]
            status = 429
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
        except DomainError as exc:
            form.current_code.errors = [exc.message]
        else:
            return recovery_codes_page(codes, url_for("account.two_factor_status"))
    return _set_up_template(user, form, status)


def recovery_codes_page(codes: list[str], next_url: str) -> Page:
    return render_template("account/recovery_codes.html", codes=codes, next_url=next_url)


def _organisation() -> str | None:
    """The organisation whose identity provider signed this session in, if it still has one."""
    service_id = session.get(THROUGH_PROVIDER)
    if not isinstance(service_id, int):
        return None
    provider = identity_providers.for_service(db_session(), service_id)
    return provider.organisation if provider is not None else None


def _status_page(
    user: User,
    *,
    recovery_form: ConfirmFactorsForm | None = None,
    off_form: ConfirmFactorsForm | None = None,
    status: int | None = None,
) -> Page:
    recovery_form = recovery_form or ConfirmFactorsForm(prefix="recovery")
    off_form = off_form or ConfirmFactorsForm(prefix="off")
    recovery_form.submit.label.text = "Get new recovery codes"
    off_form.submit.label.text = "Turn off two-factor sign-in"
    errors = error_summary(recovery_form) + error_summary(off_form)
    through_provider = signed_in_through_provider()
    return render_template(
        "account/two_factor.html",
        user=user,
        required=two_factor.required_for(user),
        codes_left=two_factor.recovery_codes_left(db_session(), user),
        recovery_form=recovery_form,
        off_form=off_form,
        errors=errors,
        through_provider=through_provider,
        organisation=_organisation() if through_provider else None,
    ), status or (400 if errors else 200)


def _provider_says_no() -> Response:
    flash(
        "You signed in through your organisation, so you cannot change two-factor sign-in "
        "here: see below."
    )
    return redirect(url_for("account.two_factor_status"))


@bp.route("/account/two-factor")
@allow(*ALL_ROLES)
def two_factor_status() -> Page:
    return _status_page(actor())


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@allow(*ALL_ROLES)
def set_up_two_factor() -> Page | Response:
    user = actor()
    if user.has_two_factor:
        if signed_in_through_provider():
            return _provider_says_no()
        return _replace_page(user)

    def done(_user: User, codes: list[str]) -> Page:
        return recovery_codes_page(codes, url_for("account.two_factor_status"))

    return set_up_page(user, done)


def _change(prefix: str, change: Callable[[User, str, str], list[str] | None]) -> Page | Response:
    """New recovery codes or turning it off: `change(user, current_code, password)`."""
    user = actor()
    if signed_in_through_provider():
        return _provider_says_no()
    form = ConfirmFactorsForm(prefix=prefix)
    status = None
    if form.validate_on_submit():
        try:
            codes = change(user, form.current_code.data or "", form.password.data or "")
        except SignInThrottled as exc:
            form.current_code.errors = [exc.message]
            status = 429
        except DomainError as exc:
            errors = exc.errors if isinstance(exc, InvalidInput) else {"current_code": exc.message}
            attach_errors(form, errors)
        else:
            if codes is not None:
                return recovery_codes_page(codes, url_for("account.two_factor_status"))
            flash("Two-factor sign-in is off. You can set it up again at any time.")
            return redirect(url_for("account.two_factor_status"))
    forms = {"recovery_form": form} if prefix == "recovery" else {"off_form": form}
    return _status_page(user, status=status, **forms)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@allow(*ALL_ROLES)
def new_recovery_codes() -> Page | Response:
    return _change(
        "recovery",
        lambda user, code, password: two_factor.new_recovery_codes(
            db_session(), user, code, password=password, address=_address()
        ),
    )


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@allow(*ALL_ROLES)
def turn_off_two_factor() -> Page | Response:
    def change(user: User, code: str, password: str) -> None:
        two_factor.turn_off(db_session(), user, code, password=password, address=_address())

    return _change("off", change)
