"""Users: administrators list the users of their services, create and edit users, issue
set-up links (a new password), disable and re-enable accounts and reset two-factor sign-in.
The rules live in services.user_admin.

A set-up link is emailed where mail is configured; otherwise, or when sending fails, the page
shows it once, for the administrator to pass on."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from oocd_panel.models import Agency, Role, User
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.mail import MailNotSent, MailSettings
from oocd_panel.services import set_up_links, user_admin
from oocd_panel.services.set_up_links import IssuedLink
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none
from oocd_panel.web.links import external_url
from oocd_panel.web.user_forms import EditUserForm, NewUserForm

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


def _details(form: NewUserForm) -> tuple[frozenset[Role], Agency | None, frozenset[int]]:
    """The roles, agency and services ticked, ignoring anything that is not one."""
    roles = frozenset(Role(r) for r in form.roles.data or [] if r in _ROLES)
    agency = Agency(form.agency.data) if form.agency.data in _AGENCIES else None
    ids = [int_or_none(v) for v in form.services.data or []]
    return roles, agency, frozenset(i for i in ids if i is not None)


def _status(errors: list[Any]) -> int:
    return 400 if errors and request.method == "POST" else 200


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new() -> Page | Response:
    admin = actor()
    form = NewUserForm()
    form.services.choices = [(str(s.id), s.name) for s in admin.services]
    extra: list[str] = []
    if form.validate_on_submit():
        roles, agency, service_ids = _details(form)
        try:
            _user, issued = user_admin.create(
                db_session(),
                admin,
                user_admin.NewUser(
                    email=form.email.data or "",
                    full_name=form.full_name.data or "",
                    roles=roles,
                    service_ids=service_ids,
                    agency=agency,
                ),
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        else:
            return _deliver(issued, created=True)
    errors = error_summary(form, extra)
    return render_template("users/new.html", form=form, errors=errors), _status(errors)


def _link_url(token: str) -> str:
    return external_url("passwords.set_up", token=token)


def _deliver(issued: IssuedLink, *, created: bool) -> Page | Response:
    """Email the link where mail is configured (then back to the user's page); else, or if
    sending fails, show it on this page, once."""
    url = _link_url(issued.token)
    settings = MailSettings.from_config(current_app.config)
    problem = None
    if settings is not None:
        try:
            set_up_links.send(
                db_session(),
                settings,
                issued,
                url,
                service_name=current_app.config["SERVICE_NAME"],
                issued_by=actor(),
            )
        except MailNotSent as exc:
            current_app.logger.warning(
                "set-up link for user %s not emailed: %s", issued.user.id, exc
            )
            problem = exc.message
        else:
            until = set_up_links.london_time(issued.expires_at)
            made = f"{issued.user.full_name} has been created. " if created else ""
            flash(
                f"{made}A set-up link has been emailed to {issued.user.email}. It works once, "
                f"until {until}."
            )
            return redirect(url_for("users.show", user_id=issued.user.id))
    return render_template(
        "users/set_up_link.html",
        user=issued.user,
        url=url,
        until=set_up_links.london_time(issued.expires_at),
        created=created,
        problem=problem,
    )


@bp.route("/users/<id:user_id>/set-up-link", methods=["POST"])
@allow(Role.ADMIN)
def set_up_link(user_id: int) -> Page | Response:
    try:
        issued = user_admin.issue_set_up_link(db_session(), actor(), user_id)
    except NotFound:
        abort(404)
    except ActionNotAllowed as exc:
        return _show(_user(user_id), exc.message)
    return _deliver(issued, created=False)


@bp.route("/users/<id:user_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(user_id: int) -> Page | Response:
    admin = actor()
    user = _user(user_id)
    ours = admin.service_ids
    data = {
        "full_name": user.full_name,
        "roles": sorted(r.value for r in user.roles),
        "agency": user.agency.value if user.agency else "",
        "services": [str(s.id) for s in user.services if s.id in ours],
    }
    form = EditUserForm(data=data)
    form.services.choices = [(str(s.id), s.name) for s in admin.services]
    extra: list[str] = []
    if form.validate_on_submit():
        roles, agency, service_ids = _details(form)
        changes = user_admin.UserChanges(
            full_name=form.full_name.data or "",
            roles=roles,
            service_ids=service_ids,
            agency=agency,
        )
        try:
            edited = user_admin.edit(db_session(), admin, user_id, changes)
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except ActionNotAllowed as exc:
            extra.append(exc.message)
        else:
            if not edited.service_ids & ours:
                flash(f"{edited.full_name} no longer works for any of your services.")
                return redirect(url_for("users.index"))
            flash(f"The changes to {edited.full_name} are saved. They apply from their next page.")
            return redirect(url_for("users.show", user_id=edited.id))
    others = [s.name for s in user.services if s.id not in ours]
    errors = error_summary(form, extra)
    return render_template(
        "users/edit.html", form=form, errors=errors, user=user, other_services=others
    ), _status(errors)


@bp.route("/users/<id:user_id>")
@allow(Role.ADMIN)
def show(user_id: int) -> Page:
    return _show(_user(user_id))


def _show(user: User, problem: str | None = None) -> Page:
    errors = [{"text": problem}] if problem else []
    link = set_up_links.latest(db_session(), user)
    return render_template(
        "users/show.html",
        user=user,
        link=link,
        link_state=set_up_links.state(link) if link else None,
        errors=errors,
    ), (400 if errors else 200)


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
