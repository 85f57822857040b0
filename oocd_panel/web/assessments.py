"""The pre-panel assessment pages: task list, sections, submission, review, versions, the plan."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from oocd_panel.catalogue import assessment_sections, interventions
from oocd_panel.catalogue.assessment_sections import SECTIONS
from oocd_panel.models import (
    AssessmentSection,
    AssessmentStatus,
    Referral,
    ReferralStatus,
    ReviewOutcome,
    Role,
)
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.services import assessments as service
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow, csrf_checked_by_form
from oocd_panel.web.assessment_forms import (
    ReviewForm,
    SubmitAssessmentForm,
    answers_from,
    expected_version,
    section_form_class,
)
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, csrf_failed, error_summary, int_or_none
from oocd_panel.workflow import ACTIONS_BY_TRIGGER, Context, refusal

bp = Blueprint("assessments", __name__)

READERS = (Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER)
EDITORS = (Role.PRACTITIONER, Role.MANAGER)

Page = tuple[str, int] | str


def _referral(referral_id: int) -> Referral:
    """The case whose assessment is asked for; reading it (any GET) writes an audit row."""
    try:
        referral = service.read_assessment(db_session(), actor(), referral_id)
    except NotFound:
        abort(404)
    except ActionNotAllowed:
        abort(403)
    if request.method == "GET":
        audit.viewed(
            referral,
            (request.endpoint or "assessment").replace("assessments.", "assessment "),
            **request.view_args or {},
        )
    return referral


@bp.route("/cases/<id:referral_id>/assessment")
@allow(*READERS)
def task_list(referral_id: int) -> str:
    referral = _referral(referral_id)
    user = actor()
    problems, warnings = service.check_for_submission(referral)
    submit = ACTIONS_BY_TRIGGER["submit_for_sign_off"]
    review = ACTIONS_BY_TRIGGER["sign_off"]
    return render_template(
        "assessments/task_list.html",
        referral=referral,
        sections=SECTIONS,
        statuses=service.statuses(referral.assessment),
        editable=service.is_editable(referral) and user.has_role(*EDITORS),
        can_submit=refusal(submit, Context(referral, user)) is None,
        can_review=refusal(review, Context(referral, user)) is None,
        ready=not problems,
        warnings=warnings,
    )


@bp.route("/cases/<id:referral_id>/assessment/<key>", methods=["GET", "POST"])
@allow(*READERS)
@csrf_checked_by_form
def section(referral_id: int, key: str) -> Page | Response:
    referral = _referral(referral_id)
    section_def = assessment_sections.SECTIONS_BY_KEY.get(key)
    if section_def is None:
        abort(404)
    user = actor()
    editable = service.is_editable(referral) and user.has_role(*EDITORS)
    saved = referral.assessment.section(key) if referral.assessment else None
    form = section_form_class(section_def)(
        data=_form_data(saved) if request.method == "GET" else None
    )
    extra: list[str] = []
    if request.method == "POST":
        if not editable:
            abort(403)
        form.validate()
        if csrf_failed(form):
            return _section_page(referral, section_def, form, saved, editable, [])
        try:
            result = service.save_section(
                db_session(),
                user,
                referral_id=referral_id,
                key=key,
                answers=answers_from(form, section_def),
                mark_completed=form.completed.data == "yes",
                expected_version=expected_version(form) or 0,
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except service.SectionChanged as exc:
            extra.append(exc.message)
            # Saving again from this page is a choice made knowing someone else saved it.
            saved = referral.assessment.section(key) if referral.assessment else None
            form.version.data = str(saved.version if saved else 0)
        except ActionNotAllowed as exc:
            extra.append(exc.message)
        else:
            if not result.problems:
                flash(f"Saved: {section_def.title}.")
                return redirect(url_for("assessments.task_list", referral_id=referral_id))
            attach_errors(form, {p.question: p.message for p in result.problems})
            form.version.data = str(result.section.version)
            form.completed.data = "no"
            extra.insert(0, "Your answers are saved, but the section is not completed yet:")
    return _section_page(referral, section_def, form, saved, editable, extra)


def _section_page(
    referral: Referral,
    section_def: assessment_sections.Section,
    form: FlaskForm,
    saved: AssessmentSection | None,
    editable: bool,
    extra: list[str],
) -> Page:
    errors = error_summary(form, extra)
    return render_template(
        "assessments/section.html",
        referral=referral,
        section=section_def,
        form=form,
        saved=saved,
        editable=editable,
        errors=errors,
        position=SECTIONS.index(section_def) + 1,
    ), (400 if errors and request.method == "POST" else 200)


def _form_data(saved: AssessmentSection | None) -> dict[str, object]:
    if saved is None:
        return {"version": "0"}
    data: dict[str, object] = dict(saved.answers)
    data["version"] = str(saved.version)
    data["completed"] = "yes" if saved.completed else ""
    return data


@bp.route("/cases/<id:referral_id>/assessment/submit", methods=["GET", "POST"])
@allow(*EDITORS)
def submit(referral_id: int) -> Page | Response:
    referral = _referral(referral_id)
    user = actor()
    form = SubmitAssessmentForm()
    extra: list[str] = []
    if request.method == "GET":
        form.version.data = str(referral.version)
    elif form.validate_on_submit():
        try:
            service.submit(
                db_session(),
                user,
                referral_id=referral_id,
                expected_version=int_or_none(form.version.data) or 0,
            )
        except service.QualityGateFailed as exc:
            extra += [p.message for p in exc.problems]
        except (ActionNotAllowed, CaseChanged) as exc:
            extra.append(exc.message)
        else:
            flash("The assessment was sent for sign-off.")
            return redirect(url_for("cases.show", referral_id=referral_id))
        db_session().expire_all()
        referral = _referral(referral_id)
        form.version.data = str(referral.version)
    problems, warnings = service.check_for_submission(referral)
    refused = refusal(ACTIONS_BY_TRIGGER["submit_for_sign_off"], Context(referral, user))
    errors = [{"text": m} for m in extra] + [
        {
            "text": p.message,
            "href": url_for("assessments.section", referral_id=referral_id, key=p.section)
            + (f"#{p.question}" if p.question else ""),
        }
        for p in problems
    ]
    if refused and not problems:
        errors.append({"text": refused})
    return render_template(
        "assessments/submit.html",
        referral=referral,
        form=form,
        errors=errors,
        problems=problems,
        warnings=warnings,
        sections=SECTIONS,
        answers=referral.assessment.answers() if referral.assessment else {},
        can_submit=not problems and refused is None,
    ), (400 if extra else 200)


@bp.route("/cases/<id:referral_id>/assessment/review", methods=["GET", "POST"])
@allow(Role.MANAGER)
def review(referral_id: int) -> Page | Response:
    referral = _referral(referral_id)
    user = actor()
    assessment = referral.assessment
    if assessment is None or assessment.latest_version is None:
        abort(404)
    form = ReviewForm()
    extra: list[str] = []
    if request.method == "GET":
        form.version.data = str(referral.version)
    elif form.validate_on_submit():
        outcome = {"signed_off": ReviewOutcome.SIGNED_OFF, "returned": ReviewOutcome.RETURNED}.get(
            form.outcome.data or ""
        )
        if outcome is None:
            form.outcome.errors = ["Select whether you sign off the assessment or return it"]
        else:
            try:
                service.review(
                    db_session(),
                    user,
                    referral_id=referral_id,
                    outcome=outcome,
                    comment=form.comment.data,
                    expected_version=int_or_none(form.version.data) or 0,
                )
            except InvalidInput as exc:
                # The workflow asks for a reason: here it is the manager's comment or directions.
                extra += attach_errors(
                    form, {"comment": exc.errors.pop("reason", ""), **exc.errors}
                )
            except (ActionNotAllowed, CaseChanged) as exc:
                extra.append(exc.message)
            else:
                flash(
                    "Assessment signed off."
                    if outcome is ReviewOutcome.SIGNED_OFF
                    else "Assessment returned to the practitioner with your directions."
                )
                return redirect(url_for("cases.show", referral_id=referral_id))
        db_session().expire_all()
        referral = _referral(referral_id)
        assessment = referral.assessment
        assert assessment is not None
    latest = assessment.latest_version
    assert latest is not None
    previous = assessment.versions[-2] if len(assessment.versions) > 1 else None
    refused = refusal(ACTIONS_BY_TRIGGER["sign_off"], Context(referral, user))
    return render_template(
        "assessments/review.html",
        referral=referral,
        form=form,
        errors=error_summary(form, extra),
        latest=latest,
        previous=previous,
        changes=service.changes_between(previous.content, latest.content) if previous else [],
        sections=SECTIONS,
        refused=refused,
        can_return=refusal(ACTIONS_BY_TRIGGER["return_for_rework"], Context(referral, user))
        is None,
    ), (400 if request.method == "POST" else 200)


@bp.route("/cases/<id:referral_id>/assessment/versions/<id:number>")
@allow(*READERS)
def version(referral_id: int, number: int) -> str:
    referral = _referral(referral_id)
    try:
        found = service.version(db_session(), referral, number)
    except NotFound:
        abort(404)
    return render_template(
        "assessments/version.html",
        referral=referral,
        version=found,
        sections=SECTIONS,
    )


@bp.route("/cases/<id:referral_id>/plan")
@allow(*EDITORS)
def plan(referral_id: int) -> str:
    """The child's own plan, in plain words, to print and share with the child and family."""
    referral = _referral(referral_id)
    answers = referral.assessment.answers() if referral.assessment else {}
    voices = answers.get("voices", {})
    recommendation = answers.get("recommendation", {})
    work = [interventions.get(code) for code in recommendation.get("interventions", [])]
    return render_template(
        "assessments/plan.html",
        referral=referral,
        voices=voices,
        work=work,
        details=recommendation.get("intervention_details", ""),
        signed_off=referral.assessment is not None
        and referral.assessment.status is AssessmentStatus.SIGNED_OFF,
        assessing=referral.status is ReferralStatus.ASSESSING,
    )
