"""Panel meetings: planning one, its attendance and agenda, closing it, and its minutes.

One case at a meeting (its page, vote, decision and pack) is in `panel_cases`, whose views are on
this module's blueprint: `init_web` imports both before registering `bp`.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from oocd_panel.models import Agency, MeetingStatus, PanelMeeting, Role, User
from oocd_panel.plumbing.clock import LONDON, local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, DomainError, InvalidInput, NotFound
from oocd_panel.rules import decision_rules
from oocd_panel.services import panels as service
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary, int_or_none
from oocd_panel.web.panel_forms import AgendaForm, AttendanceForm, MeetingForm, SimpleForm

bp = Blueprint("panels", __name__)

PANEL_ROLES = (Role.PANEL_MEMBER, Role.MANAGER)
Page = tuple[str, int] | str


def _meeting(meeting_id: int) -> PanelMeeting:
    try:
        return service.meeting_for(db_session(), actor(), meeting_id)
    except NotFound:
        abort(404)


# --- Meetings ------------------------------------------------------------------------------------


@bp.route("/panels")
@allow(*PANEL_ROLES)
def index() -> str:
    meetings = service.recent_meetings(db_session(), actor())
    today = local_today()
    upcoming = [
        m
        for m in meetings
        if m.meeting.starts_at.astimezone(LONDON).date() >= today
        and m.meeting.status is MeetingStatus.PLANNED
    ]
    past = [m for m in meetings if m not in upcoming]
    return render_template("panels/index.html", upcoming=list(reversed(upcoming)), past=past)


def _service_people(service_id: int) -> list[User]:
    users = db_session().scalars(select(User).where(User.is_active).order_by(User.full_name))
    return [u for u in users if service_id in u.service_ids]


def _fill_meeting_choices(form: MeetingForm, service_id: int) -> None:
    people = _service_people(service_id)
    panel = [u for u in people if u.has_role(Role.PANEL_MEMBER, Role.MANAGER)]
    form.police_decision_maker.choices = [("", "Select the police decision-maker")] + [
        (str(u.id), u.full_name) for u in panel if u.agency is Agency.POLICE
    ]
    form.yjs_decision_maker.choices = [("", "Select the YJS decision-maker")] + [
        (str(u.id), u.full_name) for u in panel if u.agency is Agency.YJS
    ]
    form.advisers.choices = [
        (str(u.id), f"{u.full_name} ({u.agency.label if u.agency else 'no agency'})") for u in panel
    ]
    form.chair_id.choices = [("", "Select the chair")] + [(str(u.id), u.full_name) for u in panel]


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


@bp.route("/panels/new", methods=["GET", "POST"])
@allow(*PANEL_ROLES)
def new() -> Page | Response:
    user = actor()
    form = MeetingForm()
    several = len(user.services) > 1
    if several:
        form.service_id.choices = [("", "Select the service")] + [
            (str(s.id), s.name) for s in user.services
        ]
    else:
        del form.service_id
    chosen_service = int_or_none(form.service_id.data) if several else user.services[0].id
    if chosen_service not in user.service_ids:
        chosen_service = user.services[0].id
    _fill_meeting_choices(form, chosen_service)
    extra: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        match = _TIME.match((form.starts_time.data or "").strip())
        starts_at = None
        if match is None:
            form.starts_time.errors = ["Enter the start time like 10:00"]
        elif form.starts_on.data is not None:
            starts_at = dt.datetime.combine(
                form.starts_on.data, dt.time(int(match.group(1)), int(match.group(2))), LONDON
            )
        members = _member_specs(form)
        try:
            meeting = service.plan_meeting(
                db_session(),
                user,
                service_id=chosen_service,
                starts_at=starts_at,
                place=form.place.data or "",
                chair_id=int_or_none(form.chair_id.data),
                members=members,
            )
        except InvalidInput as exc:
            if form.starts_on.errors:
                exc.errors.pop("starts_on", None)
            extra += attach_errors(form, exc.errors)
        except (ActionNotAllowed, NotFound) as exc:
            extra.append(exc.message)
        else:
            if not form.starts_time.errors:
                flash("Panel meeting planned.")
                return redirect(url_for("panels.meeting", meeting_id=meeting.id))
    errors = error_summary(form, extra)
    return render_template("panels/new.html", form=form, errors=errors), (
        400 if errors and request.method == "POST" else 200
    )


def _member_specs(form: MeetingForm) -> list[service.MemberSpec]:
    users = {u.id: u for u in _service_people_any(form)}
    specs: list[service.MemberSpec] = []
    seen: set[int] = set()
    for field, agency in (
        (form.police_decision_maker, Agency.POLICE),
        (form.yjs_decision_maker, Agency.YJS),
    ):
        uid = int_or_none(field.data)
        if uid in users and uid not in seen:
            specs.append(service.MemberSpec(agency, True, uid))
            seen.add(uid)
    for raw in form.advisers.data or []:
        uid = int_or_none(raw)
        if uid in users and uid not in seen:
            specs.append(service.MemberSpec(users[uid].agency or Agency.YJS, False, uid))
            seen.add(uid)
    return specs


def _service_people_any(form: MeetingForm) -> list[User]:
    ids = {
        int_or_none(v)
        for v in [
            form.police_decision_maker.data,
            form.yjs_decision_maker.data,
            *(form.advisers.data or []),
        ]
    }
    ids.discard(None)
    if not ids:
        return []
    return list(db_session().scalars(select(User).where(User.id.in_(ids))))


def _meeting_page(
    meeting: PanelMeeting,
    attendance: AttendanceForm | None = None,
    agenda: AgendaForm | None = None,
    extra: list[str] | None = None,
) -> Page:
    user = actor()
    service.load_agenda(db_session(), meeting)
    attendance = attendance or AttendanceForm(formdata=None)
    attendance.present.choices = [(str(m.id), f"{m.name}, {m.role_label}") for m in meeting.members]
    attendance.without_device.choices = [
        (str(m.id), m.name) for m in meeting.members if m.user_id is not None
    ]
    if attendance.present.data is None or request.method != "POST":
        attendance.present.data = [str(m.id) for m in meeting.members if m.present]
        attendance.without_device.data = [str(m.id) for m in meeting.members if m.without_device]
    agenda = agenda or AgendaForm(formdata=None)
    candidates = service.agenda_candidates(db_session(), meeting)
    agenda.referral_ids.choices = [
        (str(r.id), f"{r.child.full_name}, {r.police_reference} (gravity {r.gravity_score})")
        for r in candidates
    ]
    errors = error_summary(attendance, extra) + error_summary(agenda)
    return render_template(
        "panels/meeting.html",
        meeting=meeting,
        attendance=attendance,
        agenda=agenda,
        candidates=candidates,
        chair=service.is_chair(meeting, user),
        errors=errors,
        close_form=SimpleForm(formdata=None),
    ), (400 if errors else 200)


@bp.route("/panels/<id:meeting_id>")
@allow(*PANEL_ROLES)
def meeting(meeting_id: int) -> Page:
    return _meeting_page(_meeting(meeting_id))


@bp.route("/panels/<id:meeting_id>/attendance", methods=["POST"])
@allow(*PANEL_ROLES)
def attendance(meeting_id: int) -> Page | Response:
    meeting = _meeting(meeting_id)
    form = AttendanceForm()
    form.present.choices = [(str(m.id), m.name) for m in meeting.members]
    if not form.validate_on_submit():
        return _meeting_page(meeting, attendance=form)
    here = {int_or_none(v) for v in form.present.data or []}
    no_device = {int_or_none(v) for v in form.without_device.data or []}
    extra = None
    if (form.extra_name.data or "").strip():
        agency = form.extra_agency.data
        if agency not in {a.value for a in Agency}:
            form.extra_agency.errors = ["Select the agency of the member you are adding"]
            return _meeting_page(meeting, attendance=form)
        extra = service.MemberSpec(Agency(agency), False, None, form.extra_name.data or "")
    try:
        service.record_attendance(
            db_session(),
            actor(),
            meeting_id=meeting.id,
            present={m.id: m.id in here for m in meeting.members},
            without_device={m.id: m.id in no_device for m in meeting.members},
            extra_member=extra,
        )
    except DomainError as exc:
        return _meeting_page(_meeting(meeting_id), attendance=form, extra=[exc.message])
    flash("Attendance saved.")
    return redirect(url_for("panels.meeting", meeting_id=meeting_id))


@bp.route("/panels/<id:meeting_id>/agenda", methods=["POST"])
@allow(*PANEL_ROLES)
def agenda(meeting_id: int) -> Page | Response:
    meeting = _meeting(meeting_id)
    form = AgendaForm()
    if not form.validate_on_submit():
        return _meeting_page(meeting, agenda=form)
    ids = [i for i in (int_or_none(v) for v in form.referral_ids.data or []) if i is not None]
    try:
        added = service.add_to_agenda(
            db_session(), actor(), meeting_id=meeting.id, referral_ids=ids
        )
    except InvalidInput as exc:
        attach_errors(form, exc.errors)
        return _meeting_page(_meeting(meeting_id), agenda=form)
    except DomainError as exc:
        return _meeting_page(_meeting(meeting_id), agenda=form, extra=[exc.message])
    flash(f"{added} case{'s' if added != 1 else ''} added to the agenda.")
    return redirect(url_for("panels.meeting", meeting_id=meeting_id))


@bp.route("/panels/<id:meeting_id>/close", methods=["POST"])
@allow(*PANEL_ROLES)
def close(meeting_id: int) -> Page | Response:
    meeting = _meeting(meeting_id)
    if not SimpleForm().validate_on_submit():
        return _meeting_page(meeting, extra=["The form had expired: try again."])
    try:
        service.close_meeting(db_session(), actor(), meeting_id=meeting.id)
    except DomainError as exc:
        return _meeting_page(_meeting(meeting_id), extra=[exc.message])
    flash("Meeting closed. Cases not heard can go on the next agenda.")
    return redirect(url_for("panels.minutes", meeting_id=meeting_id))


@bp.route("/panels/<id:meeting_id>/minutes")
@allow(*PANEL_ROLES)
def minutes(meeting_id: int) -> str:
    meeting_ = _meeting(meeting_id)
    service.load_agenda(db_session(), meeting_, minutes=True)
    audit.viewed_all((i.referral for i in meeting_.items), "panel minutes", meeting=meeting_id)
    return render_template(
        "panels/minutes.html", meeting=meeting_, items=meeting_.items, rules=decision_rules
    )
