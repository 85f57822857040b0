"""Passwords: changing your own, choosing one through a set-up link, and what to do when you
have forgotten it. The rules live in services.accounts and services.set_up_links.

Changing your password ends every other session of yours (the session token rotates) and signs
this one in again with the new token. A set-up link's page is public; a link that cannot be
used says only that it is not valid, and what to do. Setting a password through it signs
nobody in: the person signs in as usual, with two-factor where they have it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import accounts, set_up_links
from oocd_panel.services.accounts import SignInThrottled
from oocd_panel.services.set_up_links import LinkNotValid
from oocd_panel.web.access import (
    ALL_ROLES,
    THROUGH_PROVIDER,
    actor,
    allow,
    public,
    signed_in_user,
    start_session_clock,
)
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary
from oocd_panel.web.password_forms import ChangePasswordForm, SetPasswordForm

bp = Blueprint("passwords", __name__)

Page = tuple[str, int] | str


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*ALL_ROLES)
def change() -> Page | Response:
    user = actor()
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db_session(),
                user,
                current=form.current_password.data or "",
                new=form.new_password.data or "",
                confirm=form.confirm_password.data or "",
                address=request.remote_addr or "unknown",
            )
        except SignInThrottled as exc:
            form.current_password.errors = [exc.message]
            status = 429
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
        else:
            # Every session of theirs has ended with the old token: this one goes on, in a
            # fresh session with the new one.
            through_provider = session.get(THROUGH_PROVIDER)
            session.clear()
            if through_provider is not None:  # still signed in through their organisation
                session[THROUGH_PROVIDER] = through_provider
            login_user(user)
            start_session_clock()
            flash("Your password has been changed. You have been signed out everywhere else.")
            return redirect(url_for("passwords.change"))
    errors = error_summary(form)
    if errors and status == 200:
        status = 400
    return render_template("passwords/change.html", form=form, errors=errors), status


def _not_valid() -> tuple[str, int]:
    return render_template("passwords/link_not_valid.html"), 404


@bp.route("/set-up-password/<token>", methods=["GET", "POST"])
@public
def set_up(token: str) -> Page | Response:
    """The page a set-up link opens: choose a password, twice."""
    db = db_session()
    try:
        user = set_up_links.user_for(db, token)
    except LinkNotValid:
        return _not_valid()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            done = set_up_links.set_password(
                db,
                token,
                password=form.password.data or "",
                confirm=form.confirm_password.data or "",
            )
        except LinkNotValid:
            return _not_valid()
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
        else:
            signed_in = signed_in_user()
            if signed_in is not None and signed_in.id == done.id:
                logout_user()  # that session has ended on the server anyway
                session.clear()
            flash("Your password is set. Sign in with your email address and your new password.")
            return redirect(url_for("auth.sign_in"))
    errors = error_summary(form)
    return render_template("passwords/set_up.html", form=form, errors=errors, email=user.email), (
        400 if errors else 200
    )


@bp.route("/sign-in/forgotten-password")
@public
def forgotten() -> str:
    return render_template("passwords/forgotten.html")
