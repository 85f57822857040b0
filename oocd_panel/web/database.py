"""One database session per request, closed when the request ends; and the audit trail's
checkpoint, moved on after each commit of the app's sessions that adds audit rows."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from oocd_panel.plumbing.db import Database, begin_writing
from oocd_panel.services import audit_checkpoint


def init_app(app: Flask) -> None:
    db = app.extensions["oocd_db"] = Database(app.config["DATABASE_URL"])
    checkpoint = app.extensions["oocd_audit_checkpoint"] = audit_checkpoint.from_settings(
        app.config
    )
    if checkpoint is not None:
        audit_checkpoint.watch(db.sessionmaker, checkpoint)
    replica = app.config.get("REPORTS_DATABASE_URL")
    app.extensions["oocd_reports_db"] = Database(replica) if replica else None

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        for key in ("db_session", "reports_session"):
            session = g.pop(key, None)
            if session is not None:
                session.close()


def database() -> Database:
    db: Database = current_app.extensions["oocd_db"]
    return db


def db_session() -> Session:
    """The request's session. A request that may change something (not GET or HEAD) begins
    ready to write (see `begin_writing`), so concurrent requests on SQLite wait their turn."""
    if "db_session" not in g:
        g.db_session = database().session()
        if request.method not in ("GET", "HEAD"):
            begin_writing(g.db_session)
    session: Session = g.db_session
    return session


def reports_session() -> Session:
    """A session for reading the evaluation reports: on the read replica when
    REPORTS_DATABASE_URL is set (reports never write), else the request's own session."""
    replica: Database | None = current_app.extensions.get("oocd_reports_db")
    if replica is None:
        return db_session()
    if "reports_session" not in g:
        g.reports_session = replica.session()
    session: Session = g.reports_session
    return session
