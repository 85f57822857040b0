"""Corrections, from a case's page: the child's details, a parent's or carer's, the referral's
facts. The rules (who may correct what, validation, history) live in services.corrections."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from oocd_panel.models import Contact, Referral, Role
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.rules import corrections as rules
from oocd_panel.services import cases as case_queries
from oocd_panel.services import corrections as service
from oocd_panel.web import audit
from oocd_panel.web.access import actor, allow, csrf_checked_by_form
from oocd_panel.web.correction_forms import (
    ChildCorrectionForm,
    ContactCorrectionForm,
    ReferralCorrectionForm,
)
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import (
    CSRF_MESSAGE,
    WebForm,
    attach_errors,
    csrf_failed,
    error_summary,
    int_or_none,
    iter_fields,
)
from oocd_panel.web.referral_forms import MAX_OFFENCES

bp = Blueprint("corrections", __name__)

Page = tuple[str, int] | str
YJS = (Role.PRACTITIONER, Role.MANAGER)


def _case(referral_id: int) -> Referral:
    try:
        referral = case_queries.get_case(db_session(), actor(), referral_id)
    except NotFound:
        abort(404)
    if referral.purged_at is not None or referral.child.purged_at is not None:
        abort(404)
    return referral


def _save(
    form: WebForm,
    work: Callable[[], object],
    extra: list[str],
    remap: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> bool:
    """Run the correction; on a refusal, put the messages on the form. True when saved."""
    form.validate()  # parses dates; the rules are checked by the service
    if csrf_failed(form):
        extra.append(CSRF_MESSAGE)
        return False
    if any(f.errors for f in iter_fields(form) if f.name != "csrf_token"):
        return False
    try:
        work()
    except InvalidInput as exc:
        extra += attach_errors(form, remap(exc.errors) if remap is not None else exc.errors)
    except (ActionNotAllowed, CaseChanged, NotFound) as exc:
        extra.append(exc.message)
    else:
        return True
    return False


def _page(template: str, referral: Referral, form: WebForm, extra: list[str], **kw: object) -> Page:
    errors = error_summary(form, extra)
    return render_template(
        template, referral=referral, child=referral.child, form=form, errors=errors, **kw
    ), (400 if errors and request.method == "POST" else 200)


def _done(referral: Referral, what: str) -> Response:
    flash(f"{what} corrected. The old values are kept in the case's history of corrections.")
    return redirect(url_for("cases.show", referral_id=referral.id, _anchor="corrections"))


@bp.route("/cases/<id:referral_id>/correct/child", methods=["GET", "POST"])
@allow(*YJS)
@csrf_checked_by_form
def child(referral_id: int) -> Page | Response:
    referral = _case(referral_id)
    form = ChildCorrectionForm()
    extra: list[str] = []
    if request.method == "GET":
        audit.viewed(referral, "correct the child's details")
        form.fill(referral.child)
        form.version.data = str(referral.child.version)
    elif _save(
        form,
        lambda: service.correct_child(
            db_session(),
            actor(),
            child_id=referral.child_id,
            details=form.details(),
            why=form.why(),
            expected_version=int_or_none(form.version.data) or 0,
        ),
        extra,
    ):
        return _done(referral, "The child's details are")
    return _page("corrections/child.html", referral, form, extra)


def _contact(referral: Referral, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    contact = next((c for c in referral.child.contacts if c.id == contact_id), None)
    if contact is None:
        abort(404)
    return contact


def _contact_page(referral_id: int, contact_id: int | None) -> Page | Response:
    referral = _case(referral_id)
    contact = _contact(referral, contact_id)
    form = ContactCorrectionForm()
    extra: list[str] = []
    if request.method == "GET":
        audit.viewed(referral, "correct a parent's or carer's details")
        if contact is not None:
            form.fill(contact)
        form.version.data = str(referral.child.version)
    else:

        def work() -> object:
            details, language = form.details()
            return service.correct_contact(
                db_session(),
                actor(),
                child_id=referral.child_id,
                contact_id=contact_id,
                details=details,
                language=language,
                why=form.why(),
                expected_version=int_or_none(form.version.data) or 0,
            )

        if _save(form, work, extra):
            return _done(
                referral,
                "The parent's or carer's details are" if contact else "A parent or carer is",
            )
    return _page("corrections/contact.html", referral, form, extra, contact=contact)


@bp.route("/cases/<id:referral_id>/correct/contacts/<id:contact_id>", methods=["GET", "POST"])
@allow(*YJS)
@csrf_checked_by_form
def contact(referral_id: int, contact_id: int) -> Page | Response:
    return _contact_page(referral_id, contact_id)


@bp.route("/cases/<id:referral_id>/correct/contacts/new", methods=["GET", "POST"])
@allow(*YJS)
@csrf_checked_by_form
def new_contact(referral_id: int) -> Page | Response:
    return _contact_page(referral_id, None)


@bp.route("/cases/<id:referral_id>/correct/referral", methods=["GET", "POST"])
@allow(Role.POLICE_OFFICER, Role.MANAGER)
@csrf_checked_by_form
def referral_facts(referral_id: int) -> Page | Response:
    referral = _case(referral_id)
    refused = rules.referral_refusal(actor(), referral)
    form = ReferralCorrectionForm()
    extra: list[str] = []
    if request.method == "GET":
        audit.viewed(referral, "correct the referral")
        form.fill(service.facts_of(referral))
        form.version.data = str(referral.version)
        if refused:
            extra.append(refused)
    elif refused:
        extra.append(refused)
    elif _save(
        form,
        lambda: service.correct_referral(
            db_session(),
            actor(),
            referral_id=referral.id,
            facts=form.facts(),
            why=form.why(),
            expected_version=int_or_none(form.version.data) or 0,
        ),
        extra,
        form.on_entries,
    ):
        return _done(referral, "The referral's facts are")
    return _page(
        "corrections/referral.html",
        referral,
        form,
        extra,
        refused=refused,
        max_offences=MAX_OFFENCES,
    )
