"""Users: administrators list the users of their services, create users, disable and re-enable
accounts and reset two-factor sign-in. The rules live in services.user_admin."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from oocd_panel.models import Agency, Role, User
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.services import user_admin
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none
from oocd_panel.web.user_forms import NewUserForm

bp = Blueprint("users", __name__)

Page = tuple[str, int] | str
_ROLES = frozenset(r.value for r in Role)
_AGENCIES = frozenset(a.value for a in Agency)


def _user(user_id: int) -> User:
    try:
        return user_admin.get_user(db_session(), actor(), user_id)
    except NotFound:
        abort(404)


@bp.route("/users")
@allow(Role.ADMIN)
def index() -> str:
    return render_template("users/index.html", users=user_admin.users_of(db_session(), actor()))


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new() -> Page | Response:
    admin = actor()
    form = NewUserForm()
    form.services.choices = [(str(s.id), s.name) for s in admin.services]
    extra: list[str] = []
    if form.validate_on_submit():
        roles = {Role(r) for r in form.roles.data or [] if r in _ROLES}
        agency = form.agency.data if form.agency.data in _AGENCIES else None
        ids = [int_or_none(v) for v in form.services.data or []]
        try:
            user = user_admin.create(
                db_session(),
                admin,
                user_admin.NewUser(
                    email=form.email.data or "",
                    full_name=form.full_name.data or "",
                    password=form.password.data or "",
                    roles=frozenset(roles),
                    service_ids=frozenset(i for i in ids if i is not None),
                    agency=Agency(agency) if agency else None,
                ),
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        else:
            flash(f"{user.full_name} can now sign in with the password you gave.")
            return redirect(url_for("users.show", user_id=user.id))
    errors = error_summary(form, extra)
    return render_template("users/new.html", form=form, errors=errors), (
        400 if errors and request.method == "POST" else 200
    )


@bp.route("/users/<id:user_id>")
@allow(Role.ADMIN)
def show(user_id: int) -> Page:
    return _show(_user(user_id))


def _show(user: User, problem: str | None = None) -> Page:
    errors = [{"text": problem}] if problem else []
    return render_template("users/show.html", user=user, errors=errors), (400 if errors else 200)


def _change(user_id: int, action: str) -> Page | Response:
    admin = actor()
    session = db_session()
    try:
        if action == "reset":
            user = user_admin.reset_two_factor(session, admin, user_id)
            message = (
                f"Two-factor sign-in has been reset for {user.full_name}. Their sessions have "
                "ended."
            )
        else:
            user = user_admin.set_active(session, admin, user_id, active=action == "enable")
            message = (
                f"{user.full_name} can sign in again."
                if user.is_active
                else f"{user.full_name} can no longer sign in. Their sessions have ended."
            )
    except NotFound:
        abort(404)
    except ActionNotAllowed as exc:
        return _show(_user(user_id), exc.message)
    flash(message)
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/users/<id:user_id>/disable", methods=["POST"])
@allow(Role.ADMIN)
def disable(user_id: int) -> Page | Response:
    return _change(user_id, "disable")


@bp.route("/users/<id:user_id>/enable", methods=["POST"])
@allow(Role.ADMIN)
def enable(user_id: int) -> Page | Response:
    return _change(user_id, "enable")


@bp.route("/users/<id:user_id>/reset-two-factor", methods=["POST"])
@allow(Role.ADMIN)
def reset_two_factor(user_id: int) -> Page | Response:
    return _change(user_id, "reset")
