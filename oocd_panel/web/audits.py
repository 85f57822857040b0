"""Quality audits: auditing a case, and the report in the inspectorate's format."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from oocd_panel.catalogue.audit_standards import QUESTION_KEYS, QUESTIONS, STANDARDS, question_pairs
from oocd_panel.models import Referral, Role
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.services import audits as service
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.assessment_forms import audit_form_class
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary

bp = Blueprint("audits", __name__)

SAMPLE_SIZE = 10
AuditForm = audit_form_class([(service.field_name(s, q), text) for s, q, text in question_pairs()])


@bp.route("/audits")
@allow(Role.MANAGER, Role.ANALYST)
def index() -> str:
    user = actor()
    session = db_session()
    total, by_quarter, by_practitioner = service.audit_report(session, user)
    quarter = service.quarter_of(local_today())
    sample = (
        service.audit_sample(session, user, size=SAMPLE_SIZE, seed=quarter)
        if user.has_role(Role.MANAGER)
        else []
    )
    return render_template(
        "audits/index.html",
        total=total,
        by_quarter=by_quarter,
        by_practitioner=by_practitioner,
        standards=STANDARDS,
        questions=QUESTIONS,
        question_keys=QUESTION_KEYS,
        sample=sample,
        quarter=quarter,
        recent=service.recent_audits(session, user),
    )


@bp.route("/cases/<id:referral_id>/audit", methods=["GET", "POST"])
@allow(Role.MANAGER)
def new(referral_id: int) -> tuple[str, int] | Response:
    user = actor()
    session = db_session()
    refused = None
    try:
        referral: Referral | None = service.check_auditable(session, user, referral_id)
    except NotFound:
        abort(404)
    except ActionNotAllowed as exc:
        referral, refused = session.get(Referral, referral_id), exc.message
    assert referral is not None
    if request.method == "GET":
        audit.viewed(referral, "quality audit")
    form = AuditForm()
    extra: list[str] = []
    if request.method == "POST" and refused is None and form.validate_on_submit():
        answers = {
            service.field_name(s, q): (
                form[f"{service.field_name(s, q)}__answer"].data,
                form[f"{service.field_name(s, q)}__comment"].data,
            )
            for s, q, _ in question_pairs()
        }
        try:
            service.record_audit(
                session, user, referral_id=referral_id, answers=answers, summary=form.summary.data
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except ActionNotAllowed as exc:
            extra.append(exc.message)
        else:
            flash(f"Audit of {referral.child.full_name}'s case saved.")
            return redirect(url_for("audits.index"))
    if refused:
        extra.append(refused)
    errors = error_summary(form, extra)
    return render_template(
        "audits/new.html",
        referral=referral,
        form=form,
        errors=errors,
        refused=refused,
        standards=STANDARDS,
        pairs=[(s, q, text, service.field_name(s, q)) for s, q, text in question_pairs()],
    ), (400 if errors and request.method == "POST" else 200)
