"""One database session per request, closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from oocd_panel.db import Database


def init_app(app: Flask) -> None:
    app.extensions["oocd_db"] = Database(app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def database() -> Database:
    db: Database = current_app.extensions["oocd_db"]
    return db


def db_session() -> Session:
    if "db_session" not in g:
        g.db_session = database().session()
    session: Session = g.db_session
    return session
