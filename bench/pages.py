"""Page benchmark: the main pages under gunicorn (2 workers) against a trivial JSON endpoint.

    .venv/bin/python bench/pages.py [--referrals 1000] [--seconds 8] [--clients 4]

Seeds a fresh SQLite database with the demo cohort, starts gunicorn on a free port, signs in as
the demo practitioner and drives each page from separate client processes (loopback), printing
requests per second, p50 and p95 latency, and each page's throughput as a share of /healthz
measured in the same run. Nothing here is a pass/fail test: figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    conn: http.client.HTTPConnection, method: str, path: str, body: str | None, cookie: str
) -> tuple[int, str, dict[str, str]]:
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode()
    return response.status, data, dict(response.getheaders())


def sign_in(port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    _, html, headers = _request(conn, "GET", "/sign-in", None, "")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if token is None:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token is not None, "no CSRF token on the sign-in page"
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": password}
    )
    conn = http.client.HTTPConnection("127.0.0.1", port)
    status, _, headers = _request(conn, "POST", "/sign-in", body, cookie)
    assert status == 302, f"sign-in failed: {status}"
    return headers["Set-Cookie"].split(";")[0]


def _client(port: int, path: str, cookie: str, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    latencies = []
    errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        try:
            status, _, _ = _request(conn, "GET", path, None, cookie)
            if status != 200:
                errors += 1
        except OSError:
            errors += 1
        latencies.append(time.perf_counter() - start)
        conn.close()
    out.put((latencies, errors))


def drive(port: int, path: str, cookie: str, seconds: float, clients: int) -> dict[str, float]:
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    procs = [
        mp.Process(target=_client, args=(port, path, cookie, seconds, out)) for _ in range(clients)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="oocd-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": "benchmark-only-secret",
        "OOCD_ENV": "development",
    }
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "upgrade-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [*flask, "seed-demo", "--referrals", str(args.referrals)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    seeded = time.perf_counter() - started
    print(
        f"seeded {args.referrals} referrals through the workflow in {seeded:.1f} s "
        f"({args.referrals / seeded:.0f} referrals/s)"
    )

    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = sign_in(port, "practitioner@example.org", "demo-password-2026")
        pages = {
            "trivial JSON (/healthz)": "/healthz",
            "my work": "/",
            "case list": "/cases",
            "case list, filtered": "/cases?status=assessing&status=referred&gravity=3&gravity=4",
            "search by police reference": "/cases?q=NB5",
            "case page": "/cases/1",
        }
        print(
            f"gunicorn, 2 sync workers; {args.clients} client processes; "
            f"{args.seconds:.0f} s per page; python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
        )
        print(f"{'page':<30}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs /healthz':>13}")
        baseline = None
        for name, path in pages.items():
            drive(port, path, cookie, 1.0, 1)  # warm up
            r = drive(port, path, cookie, args.seconds, args.clients)
            baseline = baseline or r["rps"]
            print(
                f"{name:<30}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['errors']:>8.0f}"
                f"{r['rps'] / baseline:>12.2f}x"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
