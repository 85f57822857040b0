"""Every list, search, report and case page issues the same number of SQL statements whatever
the number of cases: counted at 10 referrals and again at 1,000 (990 more loaded in bulk)."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any
from urllib.parse import parse_qsl

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from oocd_panel import demo
from oocd_panel.demo import bulk as demo_bulk
from oocd_panel.demo.cohort import Cohort
from oocd_panel.models import AgendaItem, PanelMeeting, Referral, ReferralStatus, User
from oocd_panel.plumbing.clock import local_today
from oocd_panel.web.reports import EXPORTS
from tests.web.helpers import sign_in

Page = tuple[str, str]  # (who, url); a url "POST /path?a=1&b=2" is posted as a form instead
PRINT = os.environ.get("PRINT_QUERY_COUNTS") == "1"


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _pages(session: Session) -> list[Page]:
    """The pages to count, on cases made through the workflow (so they exist at both sizes)."""
    first = {r.status: r for r in session.scalars(select(Referral).order_by(Referral.id))}
    case = first[ReferralStatus.INTERVENTION]
    at_panel = first[ReferralStatus.AT_PANEL]
    item = session.scalars(select(AgendaItem).where(AgendaItem.referral_id == at_panel.id)).one()
    meeting = f"/panels/{item.meeting_id}"
    child = case.child
    born = child.date_of_birth
    year = local_today().year
    filtered = (
        "/cases?status=assessing&status=intervention&status=closed&gravity=2&gravity=3"
        f"&received_from=1&received_from=1&received_from={year - 6}"
        f"&received_to=31&received_to=12&received_to={year + 1}"
    )
    return [
        ("practitioner", "/"),
        ("practitioner", "/cases"),
        ("practitioner", filtered),
        ("practitioner", f"/cases?q={case.police_reference}"),
        ("practitioner", f"POST /cases?q={child.last_name}"),
        ("practitioner", f"/cases/{case.id}"),
        ("practitioner", f"/cases/{case.id}/assessment"),
        ("practitioner", f"/cases/{case.id}/letters"),
        ("manager", "/"),
        ("manager", "/audits"),
        ("manager", f"/audit?police_reference={case.police_reference}"),
        ("panel.yjs", "/"),
        ("panel.yjs", "/panels"),
        ("panel.yjs", meeting),
        ("panel.yjs", f"{meeting}/cases/{item.id}"),
        ("panel.yjs", f"{meeting}/cases/{item.id}/pack"),
        ("panel.yjs", f"{meeting}/minutes"),
        ("police", "/"),
        ("police", f"/police?police_reference={case.police_reference}"),
        (
            "police",
            f"POST /police?last_name={child.last_name}&date_of_birth={born.day}"
            f"&date_of_birth={born.month}&date_of_birth={born.year}",
        ),
        ("police", f"/police/cases/{case.id}"),
        ("analyst", "/reports"),
        ("analyst", "/reports?characteristic=sex&by=quarter"),
        *[("analyst", f"/reports/{table}.csv") for table in EXPORTS],
        ("analyst", "/audits"),
    ]


def _next_page(app: Flask, user: User, url: str) -> str:
    """The list's Next link, to count a later page too."""
    client = app.test_client()
    sign_in(client, user, demo.DEMO_PASSWORD)
    found = re.search(r'href="([^"]+)" rel="next"', client.get(url).get_data(as_text=True))
    assert found is not None, f"no next page after {url}"
    return unescape(found.group(1))


def _post(client: FlaskClient, url: str) -> TestResponse:
    """Post the query string of "POST /path?..." as a form (searches by personal details)."""
    path, _, query = url.removeprefix("POST ").partition("?")
    return client.post(path, data=MultiDict(parse_qsl(query)))


def _count(
    app: Flask, engine: Engine, users: dict[str, User], pages: list[Page]
) -> dict[Page, int]:
    clients: dict[str, FlaskClient] = {}
    counts: dict[Page, int] = {}
    for who, url in pages:
        if who not in clients:
            clients[who] = app.test_client()
            sign_in(clients[who], users[f"{who}@example.org"], demo.DEMO_PASSWORD)
        client = clients[who]
        client.get(url) if not url.startswith("POST ") else _post(client, url)  # warm caches
        with counting(engine) as statements:
            response = client.get(url) if not url.startswith("POST ") else _post(client, url)
        assert response.status_code == 200, (who, url, response.status_code)
        counts[(who, url)] = len(statements)
    return counts


@pytest.fixture
def cohort(session: Session) -> Callable[[int], None]:
    services = demo.ensure_services(session)
    users = demo.ensure_demo_users(session, services)
    today = local_today()
    demo.seed_referrals(session, count=10, seed=3, users=users, services=services, today=today)
    assert demo.seed_audits(session, users, random.Random(3)) > 0

    def grow(to: int) -> None:
        plans = Cohort(services, users, today, seed=4, years=3, first_number=10).plans(to - 10)
        demo_bulk.seed_bulk(session, plans, users=users, seed=4, today=today)

    return grow


def test_pages_issue_the_same_queries_at_10_and_at_1000_referrals(
    app: Flask, engine: Engine, session: Session, cohort: Callable[[int], None]
) -> None:
    users = {u.email: u for u in session.scalars(select(User))}
    pages = _pages(session)
    small = _count(app, engine, users, pages)
    cohort(1000)
    assert session.scalar(select(func.count()).select_from(Referral)) == 1000
    large = _count(app, engine, users, pages)
    grew = {page: (small[page], large[page]) for page in pages if small[page] != large[page]}
    assert grew == {}
    # The fullest meeting's pages cost what a meeting of one case does.
    northbrook = users["panel.yjs@example.org"].services[0].id
    fullest = session.execute(
        select(AgendaItem.meeting_id, func.count())
        .join(PanelMeeting, PanelMeeting.id == AgendaItem.meeting_id)
        .where(PanelMeeting.service_id == northbrook)
        .group_by(AgendaItem.meeting_id)
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    assert fullest[1] > 2
    meeting = f"/panels/{fullest[0]}"
    full = _count(app, engine, users, [("panel.yjs", meeting), ("panel.yjs", f"{meeting}/minutes")])
    one = next(url for _, url in pages if url.startswith("/panels/") and url.count("/") == 2)
    assert full == {
        ("panel.yjs", meeting): large[("panel.yjs", one)],
        ("panel.yjs", f"{meeting}/minutes"): large[("panel.yjs", f"{one}/minutes")],
    }
    # A later page of the list costs what the first does.
    practitioner = users["practitioner@example.org"]
    second = _next_page(app, practitioner, "/cases")
    third = _next_page(app, practitioner, second)
    later = _count(app, engine, users, [("practitioner", second), ("practitioner", third)])
    assert set(later.values()) == {large[("practitioner", "/cases")]}
    if PRINT:
        for (who, url), number in large.items():
            print(f"{number:3}  {who:13} {url}")
    assert max(large.values()) <= 60, large  # the panel pack, with its fairness briefing, most
