"""Each page's SQL on an existing database: statements, time in the database, and full scans.

    .venv/bin/python bench/page_queries.py --database sqlite:////work/bench-data/oocd-1m.sqlite3

Signs in as the demo users (a database seeded with `flask seed-demo`) through Flask's test client,
in process, and fetches each list, search, report and case page `--repeat` times. For each page
it prints the number of SQL statements, the median time spent in them and the median time of the
whole request. With `--explain` it also prints each statement's plan (EXPLAIN QUERY PLAN on
SQLite, EXPLAIN on PostgreSQL) and flags full scans of a table. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl

import pyotp
from demo_targets import newest_pack_item  # bench/, beside this script
from flask import Flask
from sqlalchemy import Engine, event, select, text
from werkzeug.datastructures import MultiDict

from oocd_panel import create_app
from oocd_panel.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET
from oocd_panel.models import Referral, ReferralStatus
from oocd_panel.plumbing.clock import local_today
from oocd_panel.web.reports import EXPORTS


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any, float]]]:
    """(statement, parameters, seconds) of every statement run meanwhile."""
    found: list[tuple[str, Any, float]] = []
    started: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        found.append((statement, params, time.perf_counter() - started.pop(id(cursor), 0.0)))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def pages(app: Flask) -> list[tuple[str, str, str]]:
    """(label, who, url): the pages, on the newest cases the workflow made."""
    db = app.extensions["oocd_db"]
    with db.session() as session:
        # The workflow-made cases come first (lowest ids): take one in intervention, one at panel.
        case = session.scalars(
            select(Referral)
            .where(Referral.status == ReferralStatus.INTERVENTION, Referral.service_id == 1)
            .order_by(Referral.id)
            .limit(1)
        ).one()
        item = newest_pack_item(session)
        reference, last_name, born = (
            case.police_reference,
            case.child.last_name,
            case.child.date_of_birth,
        )
    meeting = f"/panels/{item.meeting_id}"
    year = local_today().year
    return [
        ("my work (practitioner)", "practitioner", "/"),
        ("my work (manager, 2 services)", "manager2", "/"),
        ("case list", "practitioner", "/cases"),
        (
            "case list, filtered",
            "practitioner",
            "/cases?status=intervention&status=closed&gravity=3&gravity=4"
            f"&received_from=1&received_from=1&received_from={year - 1}",
        ),
        ("case list, 2 services", "manager2", "/cases"),
        ("search by police reference", "practitioner", f"/cases?q={reference}"),
        ("search by name", "practitioner", f"/cases?q={last_name}"),
        ("case page", "practitioner", f"/cases/{case.id}"),
        ("panels", "panel.yjs", "/panels"),
        ("panel meeting", "panel.yjs", meeting),
        ("panel pack", "panel.yjs", f"{meeting}/cases/{item.id}/pack"),
        ("minutes", "panel.yjs", f"{meeting}/minutes"),
        ("police: find by reference", "police", f"/police?police_reference={reference}"),
        (
            "police: find by name and birth",
            "police",
            f"POST /police?last_name={last_name}&date_of_birth={born.day}"
            f"&date_of_birth={born.month}&date_of_birth={born.year}",
        ),
        ("police: case", "police", f"/police/cases/{case.id}"),
        ("quality audits", "manager", "/audits"),
        ("reports", "analyst", "/reports"),
        *[(f"report {t}.csv", "analyst", f"/reports/{t}.csv") for t in EXPORTS],
    ]


def explain(engine: Engine, statement: str, params: Any) -> list[str]:
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN {statement}", params)
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a database seeded with seed-demo")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print each statement's plan")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    args = parser.parse_args()
    app = create_app(
        {
            "DATABASE_URL": args.database,
            "SECRET_KEY": "bench",
            "ENV_MODE": "development",
            "WTF_CSRF_ENABLED": False,
        }
    )
    engine: Engine = app.extensions["oocd_db"].engine
    with engine.connect() as connection:
        referrals = connection.scalar(text("SELECT max(id) FROM referral"))
    print(f"{engine.dialect.name}, {referrals:,} referrals, median of {args.repeat}")
    print(f"{'page':34} {'queries':>7} {'db ms':>8} {'page ms':>8}")
    clients: dict[str, Any] = {}
    for label, who, url in pages(app):
        if args.only not in label:
            continue
        if who not in clients:
            clients[who] = app.test_client()
            signed = clients[who].post(
                "/sign-in", data={"email": f"{who}@example.org", "password": DEMO_PASSWORD}
            )
            if "/sign-in/code" in signed.headers.get("Location", ""):
                # Managers give a two-factor code (the demo key; each code is taken once).
                clients[who].post(
                    "/sign-in/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}
                )
        client = clients[who]

        def fetch(client: Any = client, url: str = url) -> Any:
            """GET the page; "POST /path?query" posts the query as a form (a search by a
            child's name and date of birth is never sent in the address)."""
            if not url.startswith("POST "):
                return client.get(url)
            path, _, query = url.removeprefix("POST ").partition("?")
            return client.post(path, data=MultiDict(parse_qsl(query)))

        fetch()  # warm
        db_times, page_times = [], []
        last: list[tuple[str, Any, float]] = []
        for _ in range(args.repeat):
            with recording(engine) as statements:
                started = time.perf_counter()
                response = fetch()
                page_times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            db_times.append(sum(s for _, _, s in statements))
            last = statements
        print(
            f"{label:34} {len(last):7} {1000 * statistics.median(db_times):8.1f} "
            f"{1000 * statistics.median(page_times):8.1f}"
        )
        if args.explain:
            for statement, params, seconds in last:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                plan = explain(engine, statement, params)
                scans = [p for p in plan if re.match(r"\s*(SCAN|Seq Scan)", p.strip())]
                flat = " ".join(statement.split())
                print(f"    {1000 * seconds:7.1f} ms  {flat[:110]}")
                for line in plan:
                    mark = "!" if line in scans else " "
                    print(f"             {mark} {line}")


if __name__ == "__main__":
    main()
