"""Who may use each view, declared once on the view and enforced before every request.

Every view must carry `@allow(...)` (roles) or `@public`. A view with neither is refused to
everyone at run time, and the access test in the suite fails, so a new page cannot be left open
by mistake. Object rules (a case of one of the user's services) are enforced by the services.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from oocd_panel.models import Role, User
from oocd_panel.services import accounts, two_factor
from oocd_panel.web.database import db_session

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES = frozenset(Role)
# The only pages an administrator or manager without two-factor sign-in may use.
SET_UP_ENDPOINTS = frozenset({"account.set_up_two_factor", "auth.sign_out"})
# In the session of someone signed in through their service's identity provider (its
# service's id): two-factor is the provider's job for them, so none is asked for here.
THROUGH_PROVIDER = "signed_in_through_provider"

csrf = CSRFProtect()

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.session_protection = "strong"


def allow(*roles: Role) -> Callable[[F], F]:
    """Only signed-in users holding at least one of `roles` may use the view."""

    def decorate(view: F) -> F:
        view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: F) -> F:
    """Anyone may use the view, signed in or not (sign-in page, health check)."""
    view.allowed_roles = None  # type: ignore[attr-defined]
    view.is_public = True  # type: ignore[attr-defined]
    return view


# The API for police systems (web/api): a bearer secret, never a browser's session, says who is
# calling, and the API checks it (and the scope each of its views needs) itself.
API_TOKEN = "api token"  # noqa: S105 (a kind of access rule, not a token)


def api_token(view: F) -> F:
    view.allowed_roles = API_TOKEN  # type: ignore[attr-defined]
    return view


def csrf_checked_by_form(view: F) -> F:
    """The view's FlaskForm checks the CSRF token itself, so an expired form is re-shown with
    what was typed and a message, instead of the blanket error page. The view must not save
    anything when `form.csrf_token.errors` is set."""
    csrf.exempt(view)
    view.csrf_checked_by_form = True  # type: ignore[attr-defined]
    return view


def rule_for(view: Callable[..., Any]) -> frozenset[Role] | str | None:
    """The roles a view allows, None if public, API_TOKEN, or 'undeclared'."""
    if getattr(view, "is_public", False):
        return None
    roles: frozenset[Role] | str = getattr(view, "allowed_roles", "undeclared")
    return roles


def signed_in_user() -> User | None:
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        return user
    return None


def actor() -> User:
    """The signed-in user (views behind `@allow` always have one)."""
    user = signed_in_user()
    if user is None:
        abort(401)
    return user


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    user_id, _, session_token = token.partition(":")
    if not (user_id.isascii() and user_id.isdecimal()) or not session_token:
        return None
    user = accounts.get_user(db_session(), int(user_id))
    if user is None or not user.is_active or user.session_token != session_token:
        return None
    return user


def signed_in_through_provider() -> bool:
    return isinstance(session.get(THROUGH_PROVIDER), int)


def start_session_clock() -> None:
    """At sign-in: the session's absolute and idle clocks start now."""
    now = time.time()
    session["signed_in_at"] = now
    session["last_seen"] = now


def _timed_out() -> bool:
    """Idle for longer than the idle limit, or signed in for longer than the absolute one."""
    now = time.time()
    started, seen = session.get("signed_in_at"), session.get("last_seen")
    if not isinstance(started, float | int) or not isinstance(seen, float | int):
        return True
    idle = float(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    absolute = float(current_app.config["SESSION_ABSOLUTE_HOURS"]) * 3600
    return bool(now - seen > idle or now - started > absolute)


def _enforce() -> Response | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    view = current_app.view_functions[endpoint]
    rule = rule_for(view)
    if rule == API_TOKEN:
        return None  # no session is read or kept: the API checks its caller's secret
    if current_user.is_authenticated:
        if _timed_out():
            logout_user()
            session.clear()
            flash(
                "You were signed out because the session had been idle for 30 minutes or open "
                "for 12 hours. Sign in again."
            )
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        session["last_seen"] = time.time()
    if rule == "undeclared":
        current_app.logger.error("view %s declares no access rule; refused", endpoint)
        abort(403)
    if rule is None:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    assert isinstance(rule, frozenset)
    user = actor()
    if (
        two_factor.must_set_up(user)
        and endpoint not in SET_UP_ENDPOINTS
        and not signed_in_through_provider()
    ):
        # A session from before two-factor was needed (or a role given since): set it up first.
        return redirect(url_for("account.set_up_two_factor"))
    if not user.has_role(*rule):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_enforce)
