"""The web's part of the audit trail: where each request comes from, recording views of a
child's record and exports (each in a small transaction of its own), and searching the trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask, render_template, request
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import StringField, SubmitField

from oocd_panel.models import AuditEntry, Letter, Referral, Role, User
from oocd_panel.plumbing.db import begin_writing
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.referral_rules import normalise_police_reference
from oocd_panel.services import audit_trail
from oocd_panel.services.accounts import normalise_email
from oocd_panel.web.access import actor, allow
from oocd_panel.web.database import db_session
from oocd_panel.web.form_fields import WebForm, error_summary


def init_app(app: Flask) -> None:
    @app.before_request
    def _origin() -> None:
        audit_trail.origin.set(request.remote_addr or "unknown")


def viewed(referral: Referral, what: str, **details: object) -> None:
    """Record that the signed-in user saw this part of a child's record."""
    viewed_all([referral], what, **details)


def viewed_all(referrals: Iterable[Referral], what: str, **details: object) -> None:
    """Record that the signed-in user saw several children's records on one page (one row
    each, one transaction)."""
    _write(("view", "referral", r.id, r.child_id, {"page": what, **details}) for r in referrals)


def viewed_child(child_id: int, what: str) -> None:
    """Record that the signed-in user saw a child's details outside any one case."""
    _write([("view", "child", child_id, child_id, {"page": what})])


def downloaded(letter: Letter, child_id: int) -> None:
    """Record that the signed-in user downloaded an issued letter."""
    _write(
        [
            (
                "download",
                "letter",
                letter.id,
                child_id,
                {"referral": letter.referral_id, "version": letter.number},
            )
        ]
    )


def exported(name: str, details: dict[str, object]) -> None:
    _write([("export", "report", name, None, details)])


Row = audit_trail.Row


def _write(rows: Iterable[Row]) -> None:
    """Audit rows (action, record type, record id, child id, details) in one small transaction."""
    session = db_session()
    user = actor()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()  # end the page's reading, so that the audit row begins ready to write
    begin_writing(session)
    with unit_of_work(session):
        audit_trail.record_many(session, user, rows)


bp = Blueprint("audit", __name__)


class SearchForm(WebForm):
    class Meta:
        csrf = False  # a search: it changes nothing

    police_reference = StringField("Police reference of a case", widget=GovTextInput())
    email = StringField("Or a user's email address", widget=GovTextInput())
    submit = SubmitField("Search the audit trail", widget=GovSubmitInput())


@bp.route("/audit")
@allow(Role.MANAGER, Role.ADMIN)
def search() -> tuple[str, int]:
    """Managers and administrators search the trail by a child's case or by a user."""
    user = actor()
    form = SearchForm(formdata=request.args or None)
    entries: list[AuditEntry] | None = None
    problem = ""
    session = db_session()
    reference = normalise_police_reference(form.police_reference.data or "")
    email = normalise_email(form.email.data or "")
    if reference:
        referral = session.scalars(
            select(Referral).where(
                Referral.police_reference == reference,
                Referral.service_id.in_(user.service_ids),
            )
        ).first()
        if referral is None:
            problem = "There is no case with that police reference in your services."
        else:
            entries = _found(session, AuditEntry.child_id == referral.child_id)
    elif email:
        someone = session.scalars(select(User).where(User.email == email)).first()
        if someone is None or not set(someone.service_ids) & set(user.service_ids):
            problem = "There is no user with that email address in your services."
        else:
            entries = _found(session, AuditEntry.actor_id == someone.id)
    if problem:
        form.police_reference.errors = [problem] if reference else []
        form.email.errors = [] if reference else [problem]
    errors = error_summary(form)
    return render_template("audit/search.html", form=form, entries=entries, errors=errors), (
        400 if errors else 200
    )


def _found(session: Any, condition: Any) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(condition).order_by(AuditEntry.id.desc()).limit(500)
        )
    )
