"""Letters: each recipient's letter checked and previewed, issued as a PDF, and downloaded; and
the service's letter wording: drafted by administrators, approved by a second person."""

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
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from oocd_panel.catalogue import disposals
from oocd_panel.letters.changes import key_label
from oocd_panel.letters.compose import FirstMeeting
from oocd_panel.letters.feedback import PREVIEW as FEEDBACK_PREVIEW
from oocd_panel.letters.wording import CONTACT_KEYS, WORD_KEYS, approved_version
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
from oocd_panel.services import wording_approval as approval
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import CSRF_MESSAGE, attach_errors, error_summary, int_or_none
from oocd_panel.web.letter_forms import (
    ApprovalForm,
    IssueForm,
    MeetingForm,
    RestoreForm,
    WithdrawForm,
    field_name,
    key_for,
    wording_form,
)
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
    return render_template(
        "letters/index.html",
        referral=referral,
        drafts=drafts,
        wording_number=drafts[0].wording.number if drafts else 0,
    )


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
    issue_form.previewed.data = service.preview_version(draft)
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


def _own_service(service_id: int) -> Service:
    """One of the signed-in person's services, or 404."""
    found = db_session().get(Service, service_id)
    if found is None or found.id not in actor().service_ids:
        abort(404)
    return found


@bp.route("/admin/services/<id:service_id>/letter-wording", methods=["GET", "POST"])
@allow(Role.ADMIN)
def wording(service_id: int) -> Page | Response:
    """The wording in force, any draft awaiting approval, the form that drafts a change, and
    the versions (each can be restored, as a draft)."""
    user = actor()
    service_ = _own_service(service_id)
    form = wording_form(request.method == "POST")
    extra: list[str] = []
    if request.method == "GET":
        form.seen.data = wording_service.version(db_session(), service_)
        draft = wording_service.open_draft(db_session(), service_.id)
        shown = (
            wording_service.effective(draft.values)
            if draft is not None and draft.drafted_by_id == user.id
            else wording_service.current_values(db_session(), service_)
        )
        for key, text in shown.items():
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
                saved = wording_service.save_wording(
                    db_session(),
                    user,
                    service_id=service_.id,
                    values=values,
                    seen=form.seen.data or None,
                )
            except InvalidInput as exc:
                extra += attach_errors(form, {field_name(k): v for k, v in exc.errors.items()})
            except ActionNotAllowed as exc:
                extra.append(exc.message)
            except EditedMeanwhile as exc:
                extra.append(exc.message)
                # Saving again from this page is a choice made knowing someone else saved.
                form.seen.data = wording_service.version(db_session(), service_)
            else:
                flash(_saved_message(saved))
                return redirect(url_for("letters.wording", service_id=service_.id))
    return _wording_page(service_, form, extra)


def _saved_message(saved: wording_service.Saved) -> str:
    if saved.draft is None:
        if saved.changed:
            return "Your draft now matches the wording letters use, so it was withdrawn."
        return "Nothing changed, so there is nothing to approve."
    texts = f"{saved.differs} text{'' if saved.differs == 1 else 's'}"
    return (
        f"Your draft is saved: it changes {texts}. Letters keep using the approved wording "
        "until another administrator or a manager of the service approves it."
    )


def _wording_page(service_: Service, form: FlaskForm, extra: list[str]) -> tuple[str, int]:
    user = actor()
    session = db_session()
    draft = wording_service.open_draft(session, service_.id)
    errors = error_summary(form, extra)
    restore_form = RestoreForm(formdata=None)
    restore_form.seen.data = wording_service.version(session, service_)
    withdraw_form = WithdrawForm(formdata=None)
    withdraw_form.draft.data = str(draft.id) if draft else ""
    return render_template(
        "letters/wording.html",
        service=service_,
        form=form,
        errors=errors,
        approved=approved_version(session, service_.id),
        draft=draft,
        mine=draft is not None and draft.drafted_by_id == user.id,
        someone_elses=wording_service.someone_elses_draft(draft) if draft else "",
        restore_form=restore_form,
        withdraw_form=withdraw_form,
        contact_keys=[field_name(k) for k in CONTACT_KEYS],
        word_keys=[field_name(k) for k in WORD_KEYS],
        disposal_fields=[
            (d, [field_name(f"disposal:{d.code}:{n}") for n in disposals.LETTER_FIELDS])
            for d in disposals.CATALOGUE
        ],
        versions=approval.versions(session, service_),
        closed=approval.closed_drafts(session, service_),
        key_label=key_label,
    ), (400 if errors else 200)


@bp.route(
    "/admin/services/<id:service_id>/letter-wording/versions/<id:number>/restore",
    methods=["POST"],
)
@allow(Role.ADMIN)
def wording_restore(service_id: int, number: int) -> Page | Response:
    """Draft an earlier version again: it applies only once someone else approves it."""
    service_ = _own_service(service_id)
    form = RestoreForm()
    extra: list[str] = []
    if form.validate_on_submit():
        try:
            wording_service.restore(
                db_session(),
                actor(),
                service_id=service_.id,
                number=number,
                seen=form.seen.data or None,
            )
        except NotFound:
            abort(404)
        except (ActionNotAllowed, EditedMeanwhile) as exc:
            extra.append(exc.message)
        else:
            flash(
                f"Version {number} is restored as your draft. Letters use it only once another "
                "administrator or a manager of the service approves it."
            )
            return redirect(url_for("letters.wording_review", service_id=service_.id))
    page = wording_form(False)
    current = wording_service.current_values(db_session(), service_)
    for key, text in current.items():
        page[field_name(key)].data = text
    page.seen.data = wording_service.version(db_session(), service_)
    text, _ = _wording_page(service_, page, extra or [CSRF_MESSAGE])
    return text, 400


@bp.route("/services/<id:service_id>/letter-wording/draft", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.MANAGER)
def wording_review(service_id: int) -> Page | Response:
    """The draft awaiting approval: every letter it changes, before and after, with the
    checks' verdicts; approving or rejecting it (anyone who may, but its author)."""
    user = actor()
    service_ = _own_service(service_id)
    form = ApprovalForm()
    extra: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            message = _decide_on_draft(service_, form)
        except InvalidInput as exc:
            extra += attach_errors(form, exc.errors)
        except (ActionNotAllowed, approval.DraftChanged) as exc:
            extra.append(exc.message)
        else:
            if message is not None:
                flash(message)
                return redirect(
                    url_for("letters.wording", service_id=service_.id)
                    if user.has_role(Role.ADMIN)
                    else url_for("cases.my_work")
                )
            form.outcome.errors = ["Select whether you approve the draft or reject it"]
        db_session().expire_all()
    return _review_page(service_, form, extra)


def _decide_on_draft(service_: Service, form: ApprovalForm) -> str | None:
    """Approve or reject the draft the page showed; what to tell the user (None: no choice)."""
    draft_id, revision = int_or_none(form.draft.data) or 0, int_or_none(form.revision.data)
    if form.outcome.data == "approve":
        approved = approval.approve(
            db_session(),
            actor(),
            service_id=service_.id,
            draft_id=draft_id,
            revision=revision,
            comment=form.comment.data,
        )
        return (
            f"Version {approved.number} of the letter wording is approved: letters use it "
            "from now on."
        )
    if form.outcome.data == "reject":
        rejected = approval.reject(
            db_session(),
            actor(),
            service_id=service_.id,
            draft_id=draft_id,
            revision=revision,
            reason=form.comment.data,
        )
        return (
            f"The draft is rejected. {rejected.drafted_by.full_name} sees your reason on the "
            "letter wording page."
        )
    return None


def _review_page(service_: Service, form: ApprovalForm, extra: list[str]) -> tuple[str, int]:
    try:
        found = approval.review(db_session(), actor(), service_.id)
    except NotFound:
        found = None
    except ActionNotAllowed:
        abort(403)
    if found is not None and (request.method == "GET" or extra):
        # The draft as shown now: a decision is taken on it, or refused if it changes.
        form.draft.data = str(found.draft.id)
        form.revision.data = str(found.draft.revision)
    if found is not None and found.letters.failing:
        # Letters that fail their checks: rejecting is the only decision on offer.
        form.outcome.choices = [c for c in form.outcome.choices if c[0] == "reject"]
    withdraw_form = WithdrawForm(formdata=None)
    withdraw_form.draft.data = str(found.draft.id) if found else ""
    errors = error_summary(form, extra)
    return render_template(
        "letters/wording_review.html",
        service=service_,
        review=found,
        form=form,
        withdraw_form=withdraw_form,
        errors=errors,
    ), (400 if errors else 200)


@bp.route("/admin/services/<id:service_id>/letter-wording/draft/withdraw", methods=["POST"])
@allow(Role.ADMIN)
def wording_withdraw(service_id: int) -> Page | Response:
    service_ = _own_service(service_id)
    form = WithdrawForm()
    extra: list[str] = []
    if form.validate_on_submit():
        try:
            approval.withdraw(
                db_session(),
                actor(),
                service_id=service_.id,
                draft_id=int_or_none(form.draft.data) or 0,
            )
        except (ActionNotAllowed, approval.DraftChanged) as exc:
            extra.append(exc.message)
        else:
            flash("Your draft is withdrawn: letters keep using the approved wording.")
            return redirect(url_for("letters.wording", service_id=service_.id))
    return _review_page(service_, ApprovalForm(formdata=None), extra or [CSRF_MESSAGE])
