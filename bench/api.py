"""API benchmark: a police system looking a case up by its police reference
(`GET /api/v1/referrals?police_reference=...`), the whole call: the secret checked and a call
spent of the client's rate, the lookup through the index of (service, reference), the answer
written, and the audit rows (the call, and the case read) committed.

    .venv/bin/python bench/api.py [--database URL | --referrals 10000] [--lookups 2000]

With --database it uses that database as it is (for example the million-referral one made by
`flask seed-demo --referrals 1000000`); otherwise it seeds a fresh SQLite database with the demo
cohort. It registers an API client for the demo service (as its administrator would), picks
references of that service's cases at random, and times each lookup one after another:
in-process through the WSGI app (the request as the app serves it, no network), then over HTTP
to gunicorn (2 sync workers) on loopback. It prints p50, p95, p99 and the worst, the
statements one lookup runs, and the database's plan for the lookup's query. Nothing here is a
pass/fail test: figures go in bench/README.md (target: p95 at most 10 ms at a million).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from demo_targets import seed_demo_database  # noqa: E402  (bench/, beside this script)

from oocd_panel import create_app  # noqa: E402
from oocd_panel.models import ApiScope, Referral, Role, Service, User  # noqa: E402
from oocd_panel.plumbing.config import normalise_database_url  # noqa: E402
from oocd_panel.plumbing.db import make_engine  # noqa: E402
from oocd_panel.services import api_clients  # noqa: E402

CALLS = 10_000_000  # the rate limit out of the way: the benchmark is the lookup
LOOKUP = "/api/v1/referrals?police_reference="


def _client_and_references(url: str, lookups: int) -> tuple[str, list[str], int]:
    """A new client's secret, `lookups` references of its service's cases, and how many
    referrals the database holds."""
    engine = make_engine(normalise_database_url(url))
    rng = random.Random(2026)
    with Session(engine) as session:
        service = session.scalars(select(Service).order_by(Service.id)).first()
        assert service is not None, "no service: seed the database first"
        admin = next(
            u
            for u in session.scalars(select(User).order_by(User.id))
            if u.has_role(Role.ADMIN) and u.is_active and service.id in u.service_ids
        )
        registered = api_clients.register(
            session,
            admin,
            service_id=service.id,
            name="Benchmark RMS",
            police_force="Northbrook Police",
            scopes=[s.value for s in ApiScope],
            calls_per_minute=CALLS,
        )
        total = session.scalar(select(func.count()).select_from(Referral)) or 0
        low, high = session.execute(
            select(func.min(Referral.id), func.max(Referral.id)).where(
                Referral.service_id == service.id
            )
        ).one()
        references: list[str] = []
        while len(references) < lookups:
            wanted = [rng.randint(low, high) for _ in range(500)]
            references += session.scalars(
                select(Referral.police_reference).where(
                    Referral.id.in_(wanted), Referral.service_id == service.id
                )
            ).all()
        plan = _plan(session, service.id, references[0])
    engine.dispose()
    print(f"the lookup's plan: {plan}")
    return registered.secret, references[:lookups], total


def _plan(session: Session, service_id: int, reference: str) -> str:
    dialect = session.get_bind().dialect.name
    query = (
        "SELECT id FROM referral WHERE service_id = :s AND purged_at IS NULL "
        "AND police_reference = :r ORDER BY received_on DESC, id DESC LIMIT 20"
    )
    if dialect == "sqlite":
        rows = session.execute(
            text(f"EXPLAIN QUERY PLAN {query}"), {"s": service_id, "r": reference}
        )
        return "; ".join(str(r[-1]) for r in rows)
    rows = session.execute(text(f"EXPLAIN {query}"), {"s": service_id, "r": reference})
    return " / ".join(str(r[0]).strip() for r in rows)


def _summary(name: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=100)
    print(
        f"{name:<34}{len(ms):>7,}{statistics.median(ms):>9.2f}{q[94]:>9.2f}{q[98]:>9.2f}"
        f"{ms[-1]:>9.1f}"
    )


def in_process(url: str, secret: str, references: list[str]) -> None:
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "ENV_MODE": "development",
            "API_CALLS_PER_MINUTE": CALLS,
        }
    )
    engine = app.extensions["oocd_db"].engine
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        statements[0] += 1

    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    for reference in references[:100]:  # warm up
        client.get(LOOKUP + urllib.parse.quote(reference), headers=headers)
    statements[0] = 0
    timings = []
    cpu = time.process_time()
    for reference in references:
        started = time.perf_counter()
        response = client.get(LOOKUP + urllib.parse.quote(reference), headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        assert response.get_json()["items"], reference
    _summary("in-process (WSGI, no network)", timings)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(references)
    print(
        f"{'':<34}statements a lookup: {statements[0] / len(references):.1f}; CPU a lookup "
        f"(this process, the rest is waiting: the disk, or the other processes' turn): "
        f"{cpu_ms:.2f} ms"
    )
    engine.dispose()


def over_http(url: str, secret: str, references: list[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "OOCD_ENV": "development",
        "OOCD_API_CALLS_PER_MINUTE": str(CALLS),
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        # Until both workers have loaded the app and answer (slow on a busy machine).
        deadline = time.monotonic() + 120
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        headers = {"Authorization": f"Bearer {secret}"}

        def get(reference: str) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", LOOKUP + urllib.parse.quote(reference), headers=headers)
            answer = connection.getresponse()
            answer.read()
            connection.close()
            assert answer.status == 200, answer.status

        for reference in references[:100]:
            get(reference)
        timings = []
        for reference in references:
            started = time.perf_counter()
            get(reference)
            timings.append(time.perf_counter() - started)
        _summary("over HTTP (gunicorn, 2 workers)", timings)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="use this database (default: seed a fresh one)")
    parser.add_argument("--referrals", type=int, default=10_000, help="when seeding")
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--no-http", action="store_true", help="in-process only")
    args = parser.parse_args()
    url = normalise_database_url(
        args.database or seed_demo_database(args.referrals, prefix="oocd-bench-api-")
    )
    secret, references, total = _client_and_references(url, args.lookups)
    print(
        f"{url.split('://')[0].split('+')[0]}; {total:,} referrals; status lookups by police "
        f"reference, one at a time; python {sys.version.split()[0]}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'':<34}{'calls':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    in_process(url, secret, references)
    if not args.no_http:
        over_http(url, secret, references)


if __name__ == "__main__":
    main()
