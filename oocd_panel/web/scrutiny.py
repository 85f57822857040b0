"""Scrutiny panels (YJS managers): draw a sample of the service's decisions, redact each case's
free texts, download the anonymised pack (PDF or CSV), record the panel's ratings; and the
report of ratings by outcome, quarter and group (managers and analysts)."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from oocd_panel.catalogue.scrutiny import ALLOCATION_RULE, FREE_TEXTS, RATINGS
from oocd_panel.catalogue.scrutiny import rating as rating_of
from oocd_panel.evaluation import scrutiny as report_counts
from oocd_panel.evaluation.kpi import Quarter
from oocd_panel.evaluation.reports import month_end
from oocd_panel.models import Role, ScrutinySample
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.services import scrutiny as service
from oocd_panel.services import scrutiny_pack
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session, reports_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none
from oocd_panel.web.scrutiny_forms import DrawForm, RatingForm, RedactionForm, ScrutinyReportForm

bp = Blueprint("scrutiny", __name__)

Page = tuple[str, int] | str


@bp.route("/scrutiny")
@allow(Role.MANAGER)
def index() -> str:
    found = service.samples(db_session(), actor())
    return render_template("scrutiny/index.html", samples=found)


@bp.route("/scrutiny/new", methods=["GET", "POST"])
@allow(Role.MANAGER)
def new() -> Page | Response:
    user = actor()
    services = sorted(user.services, key=lambda s: s.name)
    form = DrawForm()
    form.service.choices = [(str(s.id), s.name) for s in services]
    extra: list[str] = []
    if request.method == "GET" and not form.size.data:
        form.size.data = "20"
    if request.method == "POST" and form.validate_on_submit():
        service_id = int_or_none(form.service.data)
        if service_id is None or service_id not in user.service_ids:
            form.service.errors = ["Choose one of your services"]
        else:
            try:
                sample = service.draw_sample(
                    db_session(),
                    user,
                    service_id=service_id,
                    start=form.start.data,
                    end=form.end.data,
                    size=int_or_none(form.size.data),
                    seed=form.seed.data,
                )
            except InvalidInput as exc:
                extra += attach_errors(form, exc.errors)
            except (NotFound, ActionNotAllowed) as exc:
                extra.append(exc.message)
            else:
                flash(
                    f"Sample drawn: {len(sample.cases)} cases. Its seed is {sample.seed}: "
                    "the same service, period, number of cases and seed draw the same cases."
                )
                return redirect(url_for("scrutiny.sample", sample_id=sample.id))
    errors = error_summary(form, extra)
    return render_template("scrutiny/new.html", form=form, errors=errors, rule=ALLOCATION_RULE), (
        400 if errors and request.method == "POST" else 200
    )


def _sample(sample_id: int) -> ScrutinySample:
    try:
        return service.sample_for(db_session(), actor(), sample_id)
    except NotFound:
        abort(404)


@bp.route("/scrutiny/<id:sample_id>")
@allow(Role.MANAGER)
def sample(sample_id: int) -> str:
    found = _sample(sample_id)
    rows = [
        (case, [(t, scrutiny_pack.text_status(case, t.key)[0]) for t in FREE_TEXTS])
        for case in found.cases
    ]
    waiting = sum(1 for _, texts in rows for _, status in texts if status == "waiting")
    rated = sum(1 for case in found.cases if case.rating is not None)
    return render_template(
        "scrutiny/sample.html",
        sample=found,
        rows=rows,
        waiting=waiting,
        rated=rated,
        outcome_name=scrutiny_pack.outcome_name,
        rating_label=lambda code: rating_of(code).label,
        rule=ALLOCATION_RULE,
    )


@bp.route("/scrutiny/<id:sample_id>/cases/<id:number>")
@allow(Role.MANAGER)
def case(sample_id: int, number: int) -> str:
    found = _sample(sample_id)
    try:
        one = service.case_of(found, number)
    except NotFound:
        abort(404)
    statuses = {t.key: scrutiny_pack.text_status(one, t.key)[0] for t in FREE_TEXTS}
    return render_template(
        "scrutiny/case.html",
        sample=found,
        case=one,
        summary=scrutiny_pack.summarise(one),
        statuses=statuses,
    )


@bp.route("/scrutiny/<id:sample_id>/cases/<id:number>/texts/<text_key>", methods=["GET", "POST"])
@allow(Role.MANAGER)
def redact(sample_id: int, number: int, text_key: str) -> Page | Response:
    session = db_session()
    try:
        view = service.redaction_view(session, actor(), sample_id, number, text_key)
    except (NotFound, ActionNotAllowed):
        abort(404)
    form = RedactionForm()
    extra: list[str] = []
    if request.method == "GET":
        form.text.data = view.proposed
        audit.viewed(view.case.referral, "scrutiny redaction", sample=sample_id, case=number)
    elif form.validate_on_submit():
        try:
            service.confirm_redaction(
                session,
                actor(),
                sample_id=sample_id,
                number=number,
                key=text_key,
                text=form.text.data,
                confirmed=bool(form.confirmed.data),
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except (NotFound, ActionNotAllowed) as exc:
            extra.append(exc.message)
        else:
            flash(f"{view.case.label}: {view.text.label.lower()} redacted and confirmed.")
            return redirect(url_for("scrutiny.sample", sample_id=sample_id))
    errors = error_summary(form, extra)
    return render_template("scrutiny/redact.html", view=view, form=form, errors=errors), (
        400 if errors and request.method == "POST" else 200
    )


@bp.route("/scrutiny/<id:sample_id>/cases/<id:number>/rating", methods=["GET", "POST"])
@allow(Role.MANAGER)
def rating(sample_id: int, number: int) -> Page | Response:
    found = _sample(sample_id)
    try:
        one = service.case_of(found, number)
    except NotFound:
        abort(404)
    form = RatingForm()
    extra: list[str] = []
    if request.method == "GET":
        given = one.rating
        if given is not None:
            form.rating.data = given.rating
            form.comments.data = given.comments
            form.meeting_on.data = given.meeting_on
        else:  # the meeting's date, as given for another case of the sample
            form.meeting_on.data = next(
                (c.rating.meeting_on for c in found.cases if c.rating is not None), None
            )
    elif form.validate_on_submit():
        try:
            service.record_rating(
                db_session(),
                actor(),
                sample_id=sample_id,
                number=number,
                rating=form.rating.data,
                comments=form.comments.data,
                meeting_on=form.meeting_on.data,
            )
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except (NotFound, ActionNotAllowed) as exc:
            extra.append(exc.message)
        else:
            flash(f"{one.label}: the scrutiny panel's rating is saved.")
            return redirect(url_for("scrutiny.sample", sample_id=sample_id))
    errors = error_summary(form, extra)
    return render_template(
        "scrutiny/rating.html",
        sample=found,
        case=one,
        summary=scrutiny_pack.summarise(one),
        form=form,
        errors=errors,
        ratings=RATINGS,
    ), (400 if errors and request.method == "POST" else 200)


@bp.route("/scrutiny/<id:sample_id>/pack.<kind>")
@allow(Role.MANAGER)
def download(sample_id: int, kind: str) -> Response:
    try:
        export = service.export_pack(db_session(), actor(), sample_id, kind)
    except NotFound:
        abort(404)
    response = make_response(export.content)
    response.headers["Content-Type"] = export.content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _report_period(form: ScrutinyReportForm, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Whole months: by default the last eight quarters of decisions, to the end of this
    month."""
    first = Quarter.containing(today)
    for _ in range(7):
        first = first.previous()
    start = form.start.data or first.start
    end = form.end.data or today
    if not form.start.errors and not form.end.errors and start > end:
        form.end.errors = ["The end of the period must be on or after its start"]
    if form.start.errors or form.end.errors:
        return None
    start, end = start.replace(day=1), month_end(end)
    form.start.data, form.end.data = start, end
    return start, end


@bp.route("/scrutiny/report")
@allow(Role.MANAGER, Role.ANALYST)
def report() -> tuple[str, int]:
    user = actor()
    services = sorted(user.services, key=lambda s: s.name)
    form = ScrutinyReportForm(formdata=request.args or None)
    form.service.choices = [("", "All your services")] + [(str(s.id), s.name) for s in services]
    if request.args:
        form.validate()
    chosen = [s for s in services if str(s.id) == (form.service.data or "")] or services
    if form.service.data and not any(str(s.id) == form.service.data for s in services):
        form.service.errors = ["Choose one of your services"]
    period = _report_period(form, local_today())
    # The strictest threshold of all the user's services, as every report of theirs uses.
    threshold = max((settings_for(s).suppression_threshold for s in services), default=5)
    found = None
    if period is not None and not form.service.errors:
        found = report_counts.scrutiny_report(
            reports_session(), [s.id for s in chosen], period[0], period[1], threshold
        )
    errors = error_summary(form)
    return render_template(
        "scrutiny/report.html",
        form=form,
        errors=errors,
        report=found,
        ratings=RATINGS,
        threshold=threshold,
    ), (400 if errors else 200)
