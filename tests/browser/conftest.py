"""Browser journeys: Debian's Chromium driven by Playwright against a live server, with axe-core
checking each page for WCAG 2.2 A and AA violations. Skipped, saying so, without Chromium."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from oocd_panel import create_app, demo
from oocd_panel.demo.panels import PanelCast
from oocd_panel.models import Role, Service, User
from oocd_panel.plumbing.db import Database
from oocd_panel.services import letter_wording
from tests.conftest import fresh_database
from tests.factories import Factory, next_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class LiveServer:
    url: str
    db: Database

    def session(self) -> Session:
        """A session on the live server's database, for setting up a journey."""
        return self.db.session()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app on a free port, on its own database with the demo services and users."""
    folder = tmp_path_factory.mktemp("live")
    with fresh_database(folder) as url:
        # The app first: it sets the key the demo users' two-factor secrets are encrypted with.
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "browser-tests",
                "ENV_MODE": "development",
                "AUDIT_CHECKPOINT": str(folder / "live.audit-checkpoint"),
            }
        )
        db = Database(url)
        with db.session() as session:
            services = demo.ensure_services(session)
            demo.ensure_demo_users(session, services)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", db)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            app.extensions["oocd_db"].engine.dispose()
            db.engine.dispose()


@pytest.fixture
def live_server(live: LiveServer) -> str:
    return live.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    # Pages with form errors answer 400 on purpose; anything else in the console is a fault
    # (a script error, or a Content-Security-Policy refusal).
    expected = "the server responded with a status of 400"
    pg.on(
        "console",
        lambda msg: (
            problems.append(msg.text) if msg.type == "error" and expected not in msg.text else None
        ),
    )
    pg.on("pageerror", lambda error: problems.append(str(error)))
    pg.console_problems = problems
    yield pg
    context.close()


def assert_accessible(page: Any) -> None:
    """No WCAG 2.2 A/AA violations that axe-core can find on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def click_through(page: Any, selector: str) -> None:
    """Click a link or submit button and wait for the next page, so what the test reads next is
    that page and never the one it has just left (Playwright's click does not wait for it)."""
    with page.expect_navigation():
        page.click(selector)


def _fresh_code(live: LiveServer, email: str) -> str:
    """A code the app accepts now. Codes are accepted once each: when journeys in a row have
    used this user's codes up to the step ahead, wait (as a person would) for the next step."""
    deadline = time.monotonic() + 2 * 30 + 5
    while True:
        with live.session() as session:
            user = session.scalars(select(User).where(User.email == email)).one()
            try:
                return next_code(session, user, demo.DEMO_TOTP_SECRET)
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
        time.sleep(1)


def sign_in(page: Any, live: LiveServer, email: str) -> None:
    """Sign in as a demo user through the real pages: the password, then (administrators and
    managers) a code from the demo authenticator key."""
    page.goto(f"{live.url}/sign-in")
    page.fill("#email", email)
    page.fill("#password", demo.DEMO_PASSWORD)
    click_through(page, "button:has-text('Sign in')")
    if page.url.startswith(f"{live.url}/sign-in/code"):
        page.fill("#code", _fresh_code(live, email))
        click_through(page, "button:has-text('Continue')")


def demo_factory(session: Session) -> Factory:
    """A factory acting as the demo staff of Northbrook, so every journey that takes a case to
    panel through it meets the same chair (the demo YJS decision-maker)."""
    users = {u.email: u for u in session.scalars(select(User))}
    factory = Factory(session)
    factory._service = session.scalars(select(Service).where(Service.slug == "northbrook")).one()
    factory._cast = {
        Role.PRACTITIONER: users["practitioner@example.org"],
        Role.MANAGER: users["manager@example.org"],
        Role.POLICE_OFFICER: users["police@example.org"],
        Role.ADMIN: users["admin@example.org"],
    }
    factory._panel = PanelCast(
        chair=users["panel.yjs@example.org"],
        police=users["panel.police@example.org"],
        advisers=[users["panel.health@example.org"]],
        volunteers=["Volunteer One", "Volunteer Two"],
        inspector=users["inspector@example.org"],
        yjs_manager=users["manager2@example.org"],
    )
    return factory


def give_a_phone_number(factory: Factory) -> None:
    """Letters need a phone number: drafted by the demo administrator, approved by the demo
    manager, as every change of the wording is (unless another journey gave one already)."""
    service = factory.service()
    if letter_wording.current_values(factory.session, service)["contact:phone"]:
        return
    factory.approved_wording({"contact:phone": "01632 960 101"})
