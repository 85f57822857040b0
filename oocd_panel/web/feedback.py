"""The family feedback page: a letter's short link opens three questions, with no sign-in.

services.feedback checks the link and counts the answers. The page keeps nothing about who
answers; only the person's own browser remembers (in its session cookie, the SHA-256 of the
link's token) that it answered, so opening the link again there says thank you. Anywhere else a
used link looks like any link that does not work."""

from __future__ import annotations

import hashlib

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import feedback as service
from oocd_panel.web.access import csrf_checked_by_form, public
from oocd_panel.web.database import db_session
from oocd_panel.web.feedback_forms import FeedbackForm
from oocd_panel.web.form_fields import attach_errors, csrf_failed, error_summary

bp = Blueprint("feedback", __name__)

Page = tuple[str, int] | str
_ANSWERED = "feedback_answered"  # in the browser's session: the links it has answered
_REMEMBERED = 5
CSRF_MESSAGE = (
    "The page was open for a long time, so your answers were not sent. "
    "Check them and press the button again."
)


def _mark(token: str) -> str:
    return hashlib.sha256((service.read_token(token) or "").encode()).hexdigest()[:32]


def _answered_here(token: str) -> bool:
    answered = session.get(_ANSWERED)
    return isinstance(answered, list) and _mark(token) in answered


def _remember(token: str) -> None:
    answered = session.get(_ANSWERED)
    kept = [m for m in answered if isinstance(m, str)] if isinstance(answered, list) else []
    session[_ANSWERED] = [*kept, _mark(token)][-_REMEMBERED:]


def _not_valid() -> tuple[str, int]:
    return render_template("feedback/not_valid.html"), 404


def _busy(exc: service.FeedbackBusy) -> tuple[str, int]:
    return render_template("feedback/busy.html", message=exc.message), 429


@bp.route("/f/<code>", methods=["GET", "POST"])
@public
@csrf_checked_by_form
def answer(code: str) -> Page | Response:
    if service.read_token(code) is not None and _answered_here(code):
        return render_template("feedback/thanks.html")
    form = FeedbackForm()
    extra: list[str] = []
    address = request.remote_addr or "unknown"
    try:
        if request.method == "POST":
            form.validate()
            if csrf_failed(form):
                form.csrf_token.errors = []
                extra.append(CSRF_MESSAGE)
            else:
                try:
                    service.answer(db_session(), code, form.answers(), address=address)
                except InvalidInput as exc:
                    extra += attach_errors(form, exc.errors)
                else:
                    _remember(code)
                    return redirect(url_for("feedback.answer", code=code))
        else:
            service.open_link(db_session(), code, address=address)
    except service.LinkNotValid:
        return _not_valid()
    except service.FeedbackBusy as exc:
        return _busy(exc)
    errors = error_summary(form, extra)
    return render_template("feedback/answer.html", form=form, errors=errors), (
        400 if errors else 200
    )
