"""Subject access: managers and administrators export everything held about a child."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import StringField, SubmitField

from oocd_panel.models import Referral, Role
from oocd_panel.plumbing.errors import ActionNotAllowed, NotFound
from oocd_panel.services import subject_access
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import WebForm, error_summary

bp = Blueprint("privacy", __name__)


class FindForm(WebForm):
    class Meta:
        csrf = False  # a search: it changes nothing

    police_reference = StringField(
        "Police reference of one of the child's cases", widget=GovTextInput()
    )
    submit = SubmitField("Find the child", widget=GovSubmitInput())


@bp.route("/subject-access")
@allow(Role.MANAGER, Role.ADMIN)
def find() -> tuple[str, int]:
    form = FindForm(formdata=request.args or None)
    found: Referral | None = None
    if form.police_reference.data:
        found = subject_access.find_by_reference(db_session(), actor(), form.police_reference.data)
        if found is None:
            form.police_reference.errors = [
                "There is no case with that police reference in your services."
            ]
        else:
            audit.viewed(found, "subject access")
    errors = error_summary(form)
    return render_template("privacy/find.html", form=form, found=found, errors=errors), (
        400 if errors else 200
    )


@bp.route("/children/<id:child_id>/subject-access", methods=["POST"])
@allow(Role.MANAGER, Role.ADMIN)
def export(child_id: int) -> Response:
    try:
        access = subject_access.export(db_session(), actor(), child_id)
    except (NotFound, ActionNotAllowed):
        abort(404)
    response = make_response(subject_access.to_zip(access))
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{access.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
