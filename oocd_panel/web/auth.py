"""Signing in and out.

With two-factor sign-in, a right password only leaves a *pending* sign-in in the session (the
user's id, their session token and the time); the user is signed in (`login_user`, in a fresh
session) only after a right code, or after setting two-factor up where their role needs it.

The sign-in page also offers each service's identity provider, if it has one (web.identity
signs those people in, through `start_session`), and says why such a sign-in was refused."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from oocd_panel.models import User
from oocd_panel.services import identity_providers, two_factor
from oocd_panel.services.accounts import (
    SignInThrottled,
    authenticate,
    mark_signed_in,
)
from oocd_panel.services.accounts import (
    sign_out as sign_out_everywhere,
)
from oocd_panel.services.two_factor import TwoFactorUnreadable
from oocd_panel.web.access import (
    ALL_ROLES,
    actor,
    allow,
    public,
    signed_in_user,
    start_session_clock,
)
from oocd_panel.web.account import recovery_codes_page, set_up_page
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import error_summary
from oocd_panel.web.forms import CodeForm, SignInForm, SignOutForm

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 5 * 60  # time to give the code after the password
_PENDING = "pending_sign_in"
# Why a sign-in through an identity provider was refused: shown once, on the sign-in page.
PROBLEM = "sign_in_problem"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host (an open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> tuple[str, int] | Response:
    if signed_in_user() is not None:
        return redirect(url_for("cases.my_work"))
    form = SignInForm()
    problem = session.pop(PROBLEM, None)
    if isinstance(problem, str) and request.method == "GET":
        return _page(form, [problem]), 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                db_session(),
                form.email.data or "",
                form.password.data or "",
                address=request.remote_addr or "unknown",
            )
        except SignInThrottled as exc:
            form.email.errors = [exc.message]
            return _page(form), 429
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            if not user.has_two_factor and not two_factor.required_for(user):
                return _complete(user, next_url)
            session.clear()
            session[_PENDING] = {
                "user": user.id,
                "token": user.session_token,
                "at": time.time(),
                "next": next_url,
            }
            if user.has_two_factor:
                return redirect(url_for("auth.two_factor_code"))
            return redirect(url_for("auth.set_up_at_sign_in"))
        form.email.errors = ["Enter a correct email address and password"]
    status = 400 if form.errors else 200
    return _page(form), status


def _page(form: SignInForm, extra: list[str] | None = None) -> str:
    return render_template(
        "auth/sign_in.html",
        form=form,
        errors=error_summary(form, extra),
        providers=identity_providers.sign_in_choices(db_session()),
        next_url=safe_next(request.args.get("next")),
    )


def start_session(user: User) -> None:
    """Sign in a user already recorded as signed in, in a fresh session (no fixation)."""
    session.clear()
    login_user(user)
    start_session_clock()


def _sign_in(user: User) -> None:
    """Sign the user in, in a fresh session (no fixation)."""
    mark_signed_in(db_session(), user)
    start_session(user)


def _complete(user: User, next_url: str | None) -> Response:
    _sign_in(user)
    return redirect(next_url or url_for("cases.my_work"))


def _pending() -> tuple[User, str | None] | None:
    """The user whose password was right a moment ago, and where they were going; None if
    there is no such sign-in, it is too old, or the account has since been disabled or had
    its sessions ended."""
    data: Any = session.get(_PENDING)
    if not isinstance(data, dict):
        return None
    user_id, token, started = data.get("user"), data.get("token"), data.get("at")
    if not isinstance(user_id, int) or not isinstance(started, float | int):
        return None
    if time.time() - started > PENDING_SECONDS:
        return None
    user = db_session().get(User, user_id)
    if user is None or not user.is_active or user.session_token != token:
        return None
    next_url = data.get("next")
    return user, safe_next(next_url if isinstance(next_url, str) else None)


def _start_again() -> Response:
    session.pop(_PENDING, None)
    flash("Your sign-in had expired. Sign in again.")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def two_factor_code() -> tuple[str, int] | Response:
    """The second step: a code from the user's authenticator app, or a recovery code."""
    pending = _pending()
    if pending is None:
        return _start_again()
    user, next_url = pending
    if not user.has_two_factor:
        return redirect(url_for("auth.set_up_at_sign_in"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            accepted = two_factor.verify_sign_in(
                db_session(),
                user,
                form.code.data or "",
                address=request.remote_addr or "unknown",
            )
        except SignInThrottled as exc:
            session.pop(_PENDING, None)
            form.code.errors = [exc.message]
            status = 429
        except TwoFactorUnreadable as exc:
            form.code.errors = [exc.message]
        else:
            if accepted:
                return _complete(user, next_url)
            form.code.errors = [
                "The code is not right, or was used already: enter the newest code your app "
                "shows, or an unused recovery code"
            ]
    errors = error_summary(form)
    if errors and status == 200:
        status = 400
    return render_template("auth/code.html", form=form, errors=errors), status


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
def set_up_at_sign_in() -> tuple[str, int] | str | Response:
    """Administrators and managers without two-factor set it up before their first page."""
    pending = _pending()
    if pending is None:
        return _start_again()
    user, next_url = pending
    if user.has_two_factor:
        return redirect(url_for("auth.two_factor_code"))

    def done(signed_in: User, codes: list[str]) -> tuple[str, int] | str:
        _sign_in(signed_in)
        return recovery_codes_page(codes, next_url or url_for("cases.my_work"))

    return set_up_page(user, done)


@bp.route("/sign-out", methods=["POST"])
@allow(*ALL_ROLES)
def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit():
        sign_out_everywhere(db_session(), actor())
        logout_user()
        session.clear()
        flash("You have signed out.")
        return redirect(url_for("auth.sign_in"))
    flash("Your sign-out request had expired. Select 'Sign out' again.")
    return redirect(url_for("cases.my_work"))
