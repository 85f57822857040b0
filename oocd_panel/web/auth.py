"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from oocd_panel.services.accounts import SignInThrottled, authenticate, end_sessions
from oocd_panel.web.access import (
    ALL_ROLES,
    actor,
    allow,
    public,
    signed_in_user,
    start_session_clock,
)
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import error_summary
from oocd_panel.web.forms import SignInForm, SignOutForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
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
            return render_template("auth/sign_in.html", form=form, errors=error_summary(form)), 429
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session at sign-in (no fixation)
            login_user(user)
            start_session_clock()
            return redirect(next_url or url_for("cases.my_work"))
        form.email.errors = ["Enter a correct email address and password"]
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form, errors=error_summary(form)), status


@bp.route("/sign-out", methods=["POST"])
@allow(*ALL_ROLES)
def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit():
        end_sessions(db_session(), actor())
        logout_user()
        session.clear()
        flash("You have signed out.")
        return redirect(url_for("auth.sign_in"))
    flash("Your sign-out request had expired. Select 'Sign out' again.")
    return redirect(url_for("cases.my_work"))
