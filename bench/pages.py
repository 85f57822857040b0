"""Page benchmark: the main pages under gunicorn (2 workers) against a trivial JSON endpoint,
then the workers' memory before and after 10,000 more requests.

    .venv/bin/python bench/pages.py [--database URL | --referrals 300] [--seconds 10]

With --database it serves that database as it is (for example the million-referral one made by
`flask seed-demo --referrals 1000000`); otherwise it seeds a fresh SQLite database with the demo
cohort. It starts gunicorn (2 sync workers) on a free port, signs in through the real sign-in
page (the demo practitioner, and the demo panel chair for the panel pack) and drives each page
with wrk from a second process on loopback (2 connections: one per worker), printing requests
per second, p50 and p95 latency, and each page's throughput as a share of /healthz measured in
the same run. Nothing here is a pass/fail test: figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from demo_targets import newest_pack_item, seed_demo_database  # noqa: E402  (bench/, beside this script)

from oocd_panel.models import Referral, ReferralStatus  # noqa: E402
from oocd_panel.plumbing.config import normalise_database_url  # noqa: E402
from oocd_panel.plumbing.db import make_engine  # noqa: E402

PASSWORD = "demo-password-2026"  # the synthetic demo accounts' password
# wrk prints its own percentiles; this adds p50/p95 in microseconds on one line we can parse.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), summary.duration))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int, method: str, path: str, body: str | None, cookie: str
) -> tuple[int, str, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode()
    conn.close()
    return response.status, data, dict(response.getheaders())


def sign_in(port: int, email: str) -> str:
    _, html, headers = _request(port, "GET", "/sign-in", None, "")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token is not None, "no CSRF token on the sign-in page"
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    )
    status, _, headers = _request(port, "POST", "/sign-in", body, cookie)
    assert status == 302, f"sign-in as {email} failed: {status}"
    return headers["Set-Cookie"].split(";")[0]


def drive(port: int, path: str, cookie: str, seconds: float, connections: int) -> dict[str, float]:
    """wrk against one page: requests per second, p50 and p95 in ms, errors (non-2xx too)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    args = [
        "wrk",
        f"--threads={min(connections, 2)}",
        f"--connections={connections}",
        f"--duration={int(seconds)}s",
        "--timeout=30s",
        f"--script={script.name}",
        *([f"--header=Cookie: {cookie}"] if cookie else []),
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    os.unlink(script.name)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    assert found is not None, done.stdout + done.stderr
    requests, errors, p50, p95, duration = (int(x) for x in found.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    return {
        "rps": requests / (duration / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def _targets(url: str) -> dict[str, str]:
    """Real ids in this database: a case of the practitioner's service and a panel pack."""
    engine = make_engine(normalise_database_url(url))
    with Session(engine) as session:
        service_id = session.scalar(text("SELECT id FROM service WHERE slug = 'northbrook'"))
        case = session.scalars(
            select(Referral)
            .where(
                Referral.service_id == service_id, Referral.status == ReferralStatus.INTERVENTION
            )
            .order_by(Referral.id.desc())
            .limit(1)
        ).one()
        item = newest_pack_item(session)
        reference = case.police_reference
        case_id, meeting_id, item_id = case.id, item.meeting_id, item.id
    engine.dispose()
    return {
        "trivial JSON (/healthz)": "/healthz",
        "my work": "/",
        "case list": "/cases",
        "case list, filtered": "/cases?status=assessing&status=referred&gravity=3&gravity=4",
        "search by police reference": f"/cases?q={urllib.parse.quote(reference)}",
        "case page": f"/cases/{case_id}",
        "panel pack": f"/panels/{meeting_id}/cases/{item_id}/pack",
    }


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="serve this database (default: seed a fresh one)")
    parser.add_argument("--referrals", type=int, default=300, help="when seeding")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--memory-requests", type=int, default=10_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian's package)")

    url = args.database or seed_demo_database(args.referrals, prefix="oocd-bench-")
    pages = _targets(url)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "OOCD_ENV": "development"}
    port = _free_port()
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
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        practitioner = sign_in(port, "practitioner@example.org")
        chair = sign_in(port, "panel.yjs@example.org")
        print(
            f"{url.split('://')[0]}; gunicorn, 2 sync workers; wrk, {args.connections} "
            f"connections; {args.seconds:.0f} s per page; python {sys.version.split()[0]}; "
            f"{os.cpu_count()} CPUs"
        )
        print(f"{'page':<30}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs /healthz':>13}")
        baseline = None
        for name, path in pages.items():
            # The trivial endpoint is driven as a load balancer would: no session, no database.
            cookie = chair if name == "panel pack" else "" if path == "/healthz" else practitioner
            drive(port, path, cookie, 2, args.connections)  # warm up
            r = drive(port, path, cookie, args.seconds, args.connections)
            baseline = baseline or r["rps"]
            print(
                f"{name:<30}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
                f"{r['errors']:>8.0f}{r['rps'] / baseline:>12.2f}x"
            )

        # Memory: the workers' resident size now, and after 10,000 more requests over the pages.
        workers = _workers(server.pid)
        before = [_rss_mb(pid) for pid in workers]
        per_page = max(1, args.memory_requests // (len(pages) - 1))
        for name, path in list(pages.items())[1:]:
            cookie = chair if name == "panel pack" else practitioner
            for _ in range(per_page):
                _request(port, "GET", path, None, cookie)
        after = [_rss_mb(pid) for pid in _workers(server.pid)]
        print(
            f"worker memory (RSS) before {', '.join(f'{m:.1f}' for m in before)} MB; after "
            f"{per_page * (len(pages) - 1):,} more requests "
            f"{', '.join(f'{m:.1f}' for m in after)} MB"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
