"""Letters: each recipient's letter checked and previewed, issued as a PDF, and downloaded; and
the service's letter wording (administrators)."""

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

from oocd_panel.catalogue import disposals
from oocd_panel.letters.compose import FirstMeeting
from oocd_panel.letters.feedback import PREVIEW as FEEDBACK_PREVIEW
from oocd_panel.letters.wording import CONTACT_KEYS, WORD_KEYS
from oocd_panel.models import Referral, Role, Service
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import (
    ActionNotAllowed,
    CaseChanged,
    EditedMeanwhile,
    InvalidInput,
    NotFound,
)
from oocd_panel.services import letter_wording as wording_service
from oocd_panel.services import letters as service
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import attach_errors, error_summary
from oocd_panel.web.letter_forms import IssueForm, MeetingForm, field_name, key_for, wording_form
from oocd_panel.web.links import external_url

bp = Blueprint("letters", __name__)

Page = tuple[str, int] | str
YJS = (Role.PRACTITIONER, Role.MANAGER)


def feedback_link(token: str) -> str:
    """The short link a letter prints for its family's feedback."""
    return external_url("feedback.answer", code=token)


def _meeting(form: MeetingForm) -> FirstMeeting | None:
    """The first meeting from the form; errors go on its fields."""
    if form.meeting_on.errors:
        raise InvalidInput({})
    try:
        return service.check_meeting(
            form.meeting_on.data, form.meeting_time.data, form.meeting_place.data, local_today()
        )
    except InvalidInput as exc:
        attach_errors(form, exc.errors)
        raise


@bp.route("/cases/<id:referral_id>/letters")
@allow(*YJS)
def index(referral_id: int) -> Page:
    try:
        referral, drafts = service.drafts(db_session(), actor(), referral_id)
    except NotFound:
        abort(404)
    except ActionNotAllowed as exc:
        return render_template("letters/none.html", referral_id=referral_id, message=exc.message)
    audit.viewed(referral, "letters")
    return render_template("letters/index.html", referral=referral, drafts=drafts)


@bp.route("/cases/<id:referral_id>/letters/<recipient>", methods=["GET", "POST"])
@allow(*YJS)
def letter(referral_id: int, recipient: str) -> Page | Response:
    """GET: the letter previewed with its checks (the first meeting from the query string).
    POST: issue it as previewed."""
    posting = request.method == "POST"
    form = MeetingForm(formdata=request.args or None, meta={"csrf": False})
    issue_form = IssueForm(formdata=request.form if posting else None)
    extra: list[str] = []
    meeting = None
    if posting:
        # The hidden copy of the meeting the preview showed.
        form.meeting_on.data = _iso_date(issue_form.meeting_on.data)
        form.meeting_time.data = issue_form.meeting_time.data
        form.meeting_place.data = issue_form.meeting_place.data
        form.offered.data = [c for c in (issue_form.offered.data or "").split(",") if c]
    elif request.args:
        form.validate()
    issuing = posting
    try:
        meeting = _meeting(form)
    except InvalidInput:
        issuing = False  # show the page with the errors; nothing is issued
    offered = tuple(form.offered.data or ())
    if form.offered.errors:
        issuing, offered = False, ()
    if issuing:
        try:
            issued = service.issue(
                db_session(),
                actor(),
                referral_id,
                recipient,
                meeting=meeting,
                offered=offered,
                previewed=issue_form.previewed.data or None,
                feedback_link=feedback_link,
            )
        except NotFound:
            abort(404)
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
            offered = ()
        except (
            service.LetterProblems,
            service.WordingChanged,
            ActionNotAllowed,
            CaseChanged,
        ) as exc:
            extra.append(exc.message)
        else:
            flash(f"Letter to {issued.recipient_name} issued (version {issued.number}).")
            return redirect(url_for("letters.index", referral_id=referral_id))
    try:
        try:
            referral, draft = service.draft_for(
                db_session(), actor(), referral_id, recipient, meeting=meeting, offered=offered
            )
        except InvalidInput as exc:
            attach_errors(form, exc.errors)
            offered = ()
            referral, draft = service.draft_for(
                db_session(), actor(), referral_id, recipient, meeting=meeting
            )
    except NotFound:
        abort(404)
    except ActionNotAllowed as exc:
        return render_template("letters/none.html", referral_id=referral_id, message=exc.message)
    if not posting:
        audit.viewed(referral, "letter preview", recipient=recipient)
    issue_form.previewed.data = service.version_of(draft.wording)
    if meeting is not None:
        issue_form.meeting_on.data = meeting.on.isoformat()
        issue_form.meeting_time.data = meeting.time
        issue_form.meeting_place.data = meeting.place
    issue_form.offered.data = ",".join(offered)
    errors = error_summary(form, extra)
    return render_template(
        "letters/preview.html",
        referral=referral,
        police_alone=draft.letter.police_alone,
        draft=draft,
        form=form,
        issue_form=issue_form,
        errors=errors,
        # Where the letter's feedback link and QR code go: they are made when it is issued.
        feedback=FEEDBACK_PREVIEW,
    ), (400 if errors else 200)


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/letters/<id:letter_id>.pdf")
@allow(*YJS)
def download(letter_id: int) -> Response:
    try:
        row = service.issued_letter(db_session(), actor(), letter_id)
    except (NotFound, ActionNotAllowed):
        abort(404)
    referral = db_session().get(Referral, row.referral_id)
    assert referral is not None
    audit.downloaded(row, referral.child_id)
    response = make_response(row.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="letter-{row.referral_id}-{row.recipient_key}-v{row.number}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/services/<id:service_id>/letter-wording", methods=["GET", "POST"])
@allow(Role.ADMIN)
def wording(service_id: int) -> Page | Response:
    user = actor()
    service_ = db_session().get(Service, service_id)
    if service_ is None or service_.id not in user.service_ids:
        abort(404)
    form = wording_form(request.method == "POST")
    extra: list[str] = []
    current = wording_service.current_values(db_session(), service_)
    if request.method == "GET":
        form.seen.data = wording_service.version(db_session(), service_)
        for key, text in current.items():
            form[field_name(key)].data = text
    elif form.validate_on_submit():
        if not form.reviewed.data:
            form.reviewed.errors = ["Confirm you have reviewed the texts before saving them"]
        else:
            values = {
                key_for(f.name): f.data
                for f in form
                # Only what was posted: a field left out stays as it is, never emptied.
                if f.name not in ("csrf_token", "seen", "reviewed", "submit")
                and f.name in request.form
            }
            try:
                changed = wording_service.save_wording(
                    db_session(),
                    user,
                    service_id=service_.id,
                    values=values,
                    seen=form.seen.data or None,
                )
            except InvalidInput as exc:
                extra += attach_errors(form, {field_name(k): v for k, v in exc.errors.items()})
            except EditedMeanwhile as exc:
                extra.append(exc.message)
                # Saving again from this page is a choice made knowing someone else saved.
                form.seen.data = wording_service.version(db_session(), service_)
            else:
                flash(f"Letter wording saved ({changed} changed).")
                return redirect(url_for("letters.wording", service_id=service_.id))
    errors = error_summary(form, extra)
    return render_template(
        "letters/wording.html",
        service=service_,
        form=form,
        errors=errors,
        contact_keys=[field_name(k) for k in CONTACT_KEYS],
        word_keys=[field_name(k) for k in WORD_KEYS],
        disposal_fields=[
            (d, [field_name(f"disposal:{d.code}:{n}") for n in disposals.LETTER_FIELDS])
            for d in disposals.CATALOGUE
        ],
        history=wording_service.history(db_session(), service_),
    ), (400 if errors else 200)
