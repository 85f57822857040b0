"""Letter translations (administrators and managers): each language's status for the service's
wording, the review (every letter beside its English), and recording a reviewer's approval."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from oocd_panel.letters.feedback import PREVIEW as FEEDBACK_PREVIEW
from oocd_panel.letters.languages import name_of
from oocd_panel.models import Role
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.services import translations as service
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary
from oocd_panel.web.letter_forms import TranslationApprovalForm

bp = Blueprint("translations", __name__)

Page = tuple[str, int] | str
REVIEWERS = (Role.ADMIN, Role.MANAGER)


@bp.route("/translations")
@allow(*REVIEWERS)
def index() -> Page:
    found = [service.statuses(db_session(), actor(), s.id) for s in actor().services]
    return render_template("translations/index.html", services=found)


@bp.route("/services/<id:service_id>/translations/<language>", methods=["GET", "POST"])
@allow(*REVIEWERS)
def review(service_id: int, language: str) -> Page | Response:
    form = TranslationApprovalForm()
    extra: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        if not form.confirmed.data:
            form.confirmed.errors = ["Confirm the reviewer read every letter and text"]
        else:
            try:
                row = service.approve(
                    db_session(),
                    actor(),
                    service_id,
                    language,
                    reviewer_name=form.reviewer_name.data,
                    seen=form.seen.data or None,
                )
            except NotFound:
                abort(404)
            except InvalidInput as exc:
                extra += attach_errors(form, exc.errors)
            except (ActionNotAllowed, EditedMeanwhile) as exc:
                extra.append(exc.message)
            else:
                flash(
                    f"Approval recorded: the {name_of(row.language)} letters reviewed by "
                    f"{row.reviewer_name} are used from now on."
                )
                return redirect(url_for("translations.index"))
    try:
        found = service.review(db_session(), actor(), service_id, language)
    except NotFound:
        abort(404)
    form.seen.data = found.seen
    errors = error_summary(form, extra)
    return render_template("translations/review.html", review=found, form=form, errors=errors), (
        400 if errors else 200
    )


@bp.route("/services/<id:service_id>/translations/<language>/<which>")
@allow(*REVIEWERS)
def letter(service_id: int, language: str, which: str) -> Page:
    """One disposal's letter to one audience ("youth_caution-easy_read"), beside its English."""
    try:
        found = service.review(db_session(), actor(), service_id, language)
    except NotFound:
        abort(404)
    pair = next((p for p in found.letters if p.key == which), None)
    if pair is None:
        abort(404)
    return render_template(
        "translations/letter.html", review=found, pair=pair, feedback=FEEDBACK_PREVIEW
    )
