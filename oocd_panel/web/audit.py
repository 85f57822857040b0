"""The web's part of the audit trail: where each request comes from, and recording views of a
child's record and exports (each in a small transaction of its own)."""

from __future__ import annotations

from flask import Flask, request

from oocd_panel import audit_trail
from oocd_panel.models import Referral
from oocd_panel.web.access import actor
from oocd_panel.web.database import db_session


def init_app(app: Flask) -> None:
    @app.before_request
    def _origin() -> None:
        audit_trail.origin.set(request.remote_addr or "unknown")


def viewed(referral: Referral, what: str) -> None:
    """Record that the signed-in user saw this part of a child's record."""
    _write("view", "referral", referral.id, referral.child_id, {"page": what})


def exported(name: str, details: dict[str, object]) -> None:
    _write("export", "report", name, None, details)


def _write(
    action: str,
    record_type: str,
    record_id: object,
    child_id: int | None,
    details: dict[str, object],
) -> None:
    session = db_session()
    try:
        audit_trail.record(
            session,
            actor=actor(),
            action=action,
            record_type=record_type,
            record_id=record_id,
            child_id=child_id,
            details=details,
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
