"""Evaluation reports (analysts and managers): the funnel, the disposal mix, and diversion by
group, raw and adjusted for gravity, with charts, tables and CSV exports; and the quarterly KPI
return (suppressed on its page; the return itself, unsuppressed, for managers only)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectField, SubmitField

from oocd_panel.evaluation import charts, extract, feedback, kpi, practice, reports
from oocd_panel.evaluation.rates import Ratio
from oocd_panel.evaluation.suppression import Cell, suppress
from oocd_panel.models import Role, Service
from oocd_panel.plumbing.clock import local_today
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.services import corrections
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import reports_session
from oocd_panel.web.form_fields import GovDateField, WebForm, error_summary
from oocd_panel.web.widgets import GovSelect

bp = Blueprint("reports", __name__)
EXPORTS = (
    "funnel",
    "disposals",
    "closures",
    "disproportionality",
    "practice",
    "timeliness",
    "trends",
    "feedback",
)
ROLES = (Role.ANALYST, Role.MANAGER)


class ReportForm(WebForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    service = SelectField("Service", choices=[], validate_choice=False, widget=GovSelect())
    start = GovDateField("From")
    end = GovDateField("To")
    characteristic = SelectField(
        "Compare children by",
        choices=[(c.key, c.label) for c in reports.CHARACTERISTICS.values()],
        validate_choice=False,
        widget=GovSelect(),
    )
    reference = SelectField(
        "Reference group", choices=[], validate_choice=False, widget=GovSelect()
    )
    by = SelectField(
        "Trends by",
        choices=[("month", "Month"), ("quarter", "Quarter")],
        validate_choice=False,
        widget=GovSelect(),
    )
    submit = SubmitField("Show the figures", widget=GovSubmitInput())


@dataclass
class Request:
    form: ReportForm
    quarterly: bool
    filters: reports.Filters | None
    characteristic: reports.Characteristic
    reference: str
    threshold: int
    services: list[Service]
    decision_target: int
    delivery_target: int


def _read() -> Request:
    user = actor()
    services = sorted(user.services, key=lambda s: s.name)
    form = ReportForm(formdata=request.args or None)
    form.service.choices = [("", "All your services")] + [(str(s.id), s.name) for s in services]
    if request.args:
        form.validate()
    key = form.characteristic.data or "ethnicity_group"
    characteristic = reports.CHARACTERISTICS.get(key)
    if characteristic is None:
        form.characteristic.errors = ["Choose a characteristic from the list"]
        characteristic = reports.CHARACTERISTICS["ethnicity_group"]
    form.characteristic.data = characteristic.key
    form.reference.choices = list(characteristic.values.items())
    reference = form.reference.data or characteristic.reference
    if reference not in characteristic.values:
        known = any(reference in c.values for c in reports.CHARACTERISTICS.values())
        if request.args.get("reference") and not known:
            form.reference.errors = [
                f"Choose a reference group for {characteristic.label.lower()} from the list"
            ]
        # A group of the characteristic chosen before: compare with this one's usual reference.
        reference = characteristic.reference
    form.reference.data = reference
    chosen = [s for s in services if str(s.id) == (form.service.data or "")] or services
    if form.service.data and not any(str(s.id) == form.service.data for s in services):
        form.service.errors = ["Choose one of your services"]
    today = local_today()
    start = form.start.data or today - dt.timedelta(days=365)
    end = form.end.data or today
    if not form.start.errors and not form.end.errors and start > end:
        form.end.errors = ["The end of the period must be on or after its start"]
    # Figures are for whole months, so no two periods differ by a few days' small counts.
    start = start.replace(day=1)
    end = reports.month_end(end)
    form.start.data, form.end.data = start, end
    # The strictest threshold of all the user's services applies to every view, so figures for
    # one service cannot be subtracted from figures for several under a lower threshold.
    threshold = max((settings_for(s).suppression_threshold for s in services), default=5)
    if form.by.data not in (None, "", "month", "quarter"):
        form.by.errors = ["Choose months or quarters"]
    quarterly = form.by.data == "quarter"
    valid = not any(f.errors for f in form)
    filters = reports.Filters(tuple(s.id for s in chosen), start, end) if valid else None
    # Across several services, the strictest targets apply.
    decision_target = min((settings_for(s).decision_target_days for s in chosen), default=30)
    delivery_target = min((settings_for(s).delivery_target_days for s in chosen), default=45)
    return Request(
        form,
        quarterly,
        filters,
        characteristic,
        reference,
        threshold,
        chosen,
        decision_target,
        delivery_target,
    )


def _timeliness(req: Request) -> list[practice.Figure]:
    assert req.filters is not None
    return practice.timeliness(
        reports_session(),
        req.filters,
        req.threshold,
        decision_target=req.decision_target,
        delivery_target=req.delivery_target,
    )


def _corrections(req: Request) -> tuple[dict[str, Cell], Cell] | None:
    """Corrections made in the period (all, of characteristics recorded wrongly, of
    characteristics otherwise, of other details), suppressed like every published count."""
    if req.filters is None:
        return None
    start, end = req.filters.moments()
    counts = corrections.counts_in_period(reports_session(), req.filters.service_ids, start, end)
    cells = {
        "wrongly": counts.characteristics_recorded_wrongly,
        "characteristics": counts.characteristics - counts.characteristics_recorded_wrongly,
        "other": counts.total - counts.characteristics,
    }
    return suppress(cells, req.threshold)


def _ratio_text(ratio: Ratio) -> str:
    if ratio.value is None:
        return f"Not measured: {ratio.why_not}"
    return f"{ratio.value:.2f} ({ratio.low:.2f} to {ratio.high:.2f})"


def _significance(ratio: Ratio) -> str:
    if ratio.value is None:
        return ""
    return "Significant" if ratio.significant else "Not significant"


@bp.route("/reports")
@allow(*ROLES)
def index() -> tuple[str, int]:
    req = _read()
    errors = error_summary(req.form)
    context: dict[str, object] = {}
    if req.filters is not None:
        session = reports_session()
        if not reports.has_data(session, req.filters):
            context["empty"] = True
        else:
            funnel = reports.funnel(session, req.filters, req.threshold)
            mix, mix_total = reports.disposal_mix(session, req.filters, req.threshold)
            comparisons = reports.compare(
                session, req.filters, req.characteristic, req.reference, req.threshold
            )
            reference_label = req.characteristic.values[req.reference]
            context.update(
                funnel=funnel,
                funnel_chart=charts.bar_chart(
                    "funnel",
                    "Cases at each decision point",
                    "How many cases reached each decision point in the period.",
                    funnel,
                ),
                mix=mix,
                mix_total=mix_total,
                closed=(closed := reports.closures(session, req.filters, req.threshold))[0],
                closed_total=closed[1],
                mix_chart=charts.bar_chart(
                    "mix",
                    "The panel's decisions by outcome",
                    "How many decisions of each outcome the panel made in the period.",
                    mix,
                ),
                comparisons=[
                    (
                        c,
                        charts.ratio_chart(
                            f"rri-{c.measure.key}",
                            f"{c.measure.label}: ratio to {reference_label}",
                            f"For each group, the rate of '{c.measure.label.lower()}' divided by "
                            f"the {reference_label} group's rate, raw (blue) and adjusted for "
                            "gravity (green), with 95% intervals. 1 is parity.",
                            [(r.label, r.raw, r.adjusted) for r in c.rows],
                        ),
                    )
                    for c in comparisons
                ],
                reference_label=reference_label,
                practice=practice.panel_practice(session, req.filters, req.threshold),
                timeliness=_timeliness(req),
                targets=(req.decision_target, req.delivery_target),
                trends=(
                    periods := practice.trends(
                        session, req.filters, req.threshold, quarterly=req.quarterly
                    )
                ),
                trends_chart=charts.bar_chart(
                    "trends",
                    f"Decisions by {'quarter' if req.quarterly else 'month'}",
                    "How many decisions the panel made in each period.",
                    [(p.label, p.decided) for p in periods],
                ),
                quarterly=req.quarterly,
                feedback=feedback.report(session, req.filters, req.threshold),
            )
        context["corrections"] = _corrections(req)
    return render_template(
        "reports/index.html",
        form=req.form,
        errors=errors,
        threshold=req.threshold,
        ratio_text=_ratio_text,
        significance=_significance,
        query=request.query_string.decode(),
        **context,
    ), (400 if errors else 200)


def _csv(name: str, header: list[str], rows: Sequence[Sequence[object]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/reports/<table>.csv")
@allow(*ROLES)
def export(table: str) -> Response:
    req = _read()
    if req.filters is None:
        abort(400)
    session = reports_session()
    stamp = f"{req.filters.start.isoformat()}-to-{req.filters.end.isoformat()}"
    if table in EXPORTS:
        audit.exported(
            table,
            {
                "services": list(req.filters.service_ids),
                "from": req.filters.start.isoformat(),
                "to": req.filters.end.isoformat(),
                "by": req.characteristic.key,
            },
        )
    if table == "funnel":
        stages = reports.funnel(session, req.filters, req.threshold)
        return _csv(f"funnel-{stamp}", ["Decision point", "Cases"], [list(r) for r in stages])
    if table == "disposals":
        mix, total = reports.disposal_mix(session, req.filters, req.threshold)
        return _csv(
            f"disposals-{stamp}",
            ["Outcome", "Decisions"],
            [*[list(r) for r in mix], ["Total", total]],
        )
    if table == "disproportionality":
        found = reports.compare(
            session, req.filters, req.characteristic, req.reference, req.threshold
        )
        rows: list[list[object]] = []  # one line per measure and group
        for c in found:
            for r in c.rows:
                rows.append(
                    [
                        c.measure.label,
                        req.characteristic.label,
                        r.label,
                        r.total,
                        r.selected,
                        f"{r.rate:.3f}" if r.rate is not None else "",
                        _number(r.raw.value),
                        _number(r.raw.low),
                        _number(r.raw.high),
                        "reference group"
                        if r.is_reference
                        else _significance(r.raw) or r.raw.why_not,
                        _number(r.adjusted.value),
                        _number(r.adjusted.low),
                        _number(r.adjusted.high),
                        "reference group"
                        if r.is_reference
                        else _significance(r.adjusted) or r.adjusted.why_not,
                    ]
                )
        return _csv(
            f"disproportionality-{req.characteristic.key}-{stamp}",
            [
                "Decision point",
                "Characteristic",
                "Group",
                "Cases",
                "Selected",
                "Rate",
                "RRI",
                "RRI low",
                "RRI high",
                "RRI significance",
                "Adjusted ratio",
                "Adjusted low",
                "Adjusted high",
                "Adjusted significance",
            ],
            rows,
        )
    if table == "closures":
        ended, total = reports.closures(session, req.filters, req.threshold)
        return _csv(
            f"closures-{stamp}",
            ["Closed as", "Cases"],
            [*[list(r) for r in ended], ["Total", total]],
        )
    if table in ("practice", "timeliness"):
        figures = (
            practice.panel_practice(session, req.filters, req.threshold)
            if table == "practice"
            else _timeliness(req)
        )
        return _csv(
            f"{table}-{stamp}",
            ["Measure", "Value", "Note"],
            [[f.label, f.value, f.note] for f in figures],
        )
    if table == "trends":
        periods = practice.trends(session, req.filters, req.threshold, quarterly=req.quarterly)
        return _csv(
            f"trends-{stamp}",
            [
                "Period",
                "Referred",
                "Decided",
                "Diverted",
                "Diverted, year passed",
                "Referred again within 12 months",
            ],
            [
                [p.label, p.referred, p.decided, p.diverted, p.followed, p.reoffended]
                for p in periods
            ],
        )
    if table == "feedback":
        answers = feedback.report(session, req.filters, req.threshold)
        return _csv(
            f"family-feedback-{stamp}",
            ["Question", "By", "Group", "Answer", "Count"],
            _feedback_rows(answers),
        )
    abort(404)


def _feedback_rows(report: feedback.FeedbackReport) -> list[list[object]]:
    """One line per question, group and answer, with each group's total as the answer 'All'."""
    rows: list[list[object]] = []
    for table in report.tables:
        for by, groups in (("Outcome", table.by_disposal), ("Letter for", table.by_audience)):
            for group in groups:
                for value, label in table.question.answers:
                    rows.append([table.question.text, by, group.label, label, group.cells[value]])
                rows.append([table.question.text, by, group.label, "All", group.total])
    return rows


@bp.route("/reports/extract/decision-points.csv")
@allow(*ROLES)
def extract_csv() -> Response:
    """The decision points of the chosen services and period, pseudonymised (one row each)."""
    req = _read()
    if req.filters is None:
        abort(400)
    audit.exported(
        "pseudonymised_extract",
        {
            "services": list(req.filters.service_ids),
            "from": req.filters.start.isoformat(),
            "to": req.filters.end.isoformat(),
        },
    )
    key = str(current_app.config["PSEUDONYM_KEY"]).encode()
    stamp = f"{req.filters.start.isoformat()}-to-{req.filters.end.isoformat()}"
    response = make_response(extract.to_csv(reports_session(), req.filters, key))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="decision-points-pseudonymised-{stamp}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _number(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else ""


# --- The quarterly KPI return ------------------------------------------------------------------

KPI_ROLES = (Role.MANAGER, Role.ANALYST)
# The return to the YJB is unsuppressed: only managers download it (and each download is
# audited).
KPI_RETURN_ROLES = (Role.MANAGER,)


class KpiForm(WebForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    service = SelectField("Service", choices=[], validate_choice=False, widget=GovSelect())
    quarter = SelectField("Quarter", choices=[], validate_choice=False, widget=GovSelect())
    submit = SubmitField("Show the quarter", widget=GovSubmitInput())


@dataclass
class KpiRequest:
    form: KpiForm
    service: Service | None
    quarter: kpi.Quarter | None


def _read_kpi() -> KpiRequest:
    """The service (one of the user's) and the quarter (by default the last one ended)."""
    services = sorted(actor().services, key=lambda s: s.name)
    form = KpiForm(formdata=request.args or None)
    form.service.choices = [(str(s.id), s.name) for s in services]
    today = local_today()
    quarters = kpi.recent_quarters(today)
    form.quarter.choices = [(q.slug, q.label) for q in quarters]
    chosen = form.service.data or (str(services[0].id) if services else "")
    service = next((s for s in services if str(s.id) == chosen), None)
    if service is None:
        form.service.errors = ["Choose one of your services"]
    form.service.data = chosen
    slug = form.quarter.data or kpi.Quarter.containing(today).previous().slug
    quarter = kpi.Quarter.parse(slug)
    if quarter is None or quarter > quarters[0]:
        form.quarter.errors = ["Choose a quarter from the list"]
        quarter = None
    elif quarter not in quarters:  # an earlier quarter, asked for by its address
        form.quarter.choices.append((quarter.slug, quarter.label))
    form.quarter.data = slug
    return KpiRequest(form, service, quarter)


@bp.route("/reports/kpi")
@allow(*KPI_ROLES)
def kpi_page() -> tuple[str, int]:
    req = _read_kpi()
    errors = error_summary(req.form)
    found = None
    threshold = None
    if req.service is not None and req.quarter is not None:
        threshold = settings_for(req.service).suppression_threshold
        found = kpi.published_return(reports_session(), req.service.id, req.quarter, threshold)
    return render_template(
        "reports/kpi.html",
        form=req.form,
        errors=errors,
        found=found,
        service=req.service,
        threshold=threshold,
        may_download=actor().has_role(*KPI_RETURN_ROLES),
        query=request.query_string.decode(),
    ), (400 if errors else 200)


KPI_COLUMNS = ["kpi", "measure", "numerator", "denominator", "note"]


def kpi_rows(counted: kpi.KpiReturn) -> list[list[object]]:
    """The return's lines as the CSV holds them, then the interventions it leaves out."""
    rows: list[list[object]] = [
        [
            line.kpi.title,
            f"{line.measure.number} {line.measure.label}",
            line.numerator,
            line.denominator,
            line.note,
        ]
        for line in counted.lines
    ]
    rows.append(
        [
            "Completeness (not a KPI)",
            "Interventions that ended in the quarter without the KPI facts (not counted above)",
            counted.without_facts,
            counted.ended,
            "They ended before the product recorded KPI facts: count them from the case records.",
        ]
    )
    return rows


@bp.route("/reports/kpi/return.csv")
@allow(*KPI_RETURN_ROLES)
def kpi_return_csv() -> Response:
    """The statutory return for the YJB, unsuppressed: one line per measure."""
    req = _read_kpi()
    if req.service is None or req.quarter is None:
        abort(400)
    audit.exported(
        "kpi_return",
        {"service": req.service.id, "quarter": req.quarter.slug},
    )
    counted = kpi.kpi_return(reports_session(), req.service.id, req.quarter)
    return _csv(f"kpi-return-{req.service.slug}-{req.quarter.slug}", KPI_COLUMNS, kpi_rows(counted))
