"""Letter benchmark: one letter as checked HTML and as a PDF, and a batch of 1,000 letters.

    .venv/bin/python bench/letters.py [--database URL] [--batch 1000]

Without --database it seeds a fresh SQLite database with the demo cohort (300 referrals through
the real workflow). For every decided case whose letters are due, each recipient's letter is
composed and checked (the HTML route: what the preview page does), then rendered as a PDF (what
issuing does); then the same letters again as Easy Read (the child's and each parent's, a picture
beside every line), then in Welsh and in Welsh and English in one letter (its translation taken
as approved), standard and Easy Read. The batch composes, checks and renders `--batch` letters
in a row, cycling over those cases, in one process as `flask issue-letters` does. Nothing here
is a pass/fail test: figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oocd_panel.letters import render  # noqa: E402
from oocd_panel.letters.compose import Variant, recipients  # noqa: E402
from oocd_panel.letters.feedback import FeedbackBlock  # noqa: E402
from oocd_panel.letters.wording import wording_for  # noqa: E402
from oocd_panel.models import Referral, Service  # noqa: E402
from oocd_panel.plumbing.clock import local_today  # noqa: E402
from oocd_panel.plumbing.config import normalise_database_url  # noqa: E402
from oocd_panel.plumbing.db import make_engine  # noqa: E402
from oocd_panel.services import letters  # noqa: E402

# Every issued letter ends with its feedback link and QR code: rendered here as issuing does.
FEEDBACK = FeedbackBlock("https://panel.example.org/f/K7M3PQ9X2R")


def _seeded() -> str:
    workdir = Path(tempfile.mkdtemp(prefix="oocd-bench-letters-"))
    url = f"sqlite:///{workdir / 'letters.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "OOCD_ENV": "development"}
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "upgrade-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "seed-demo", "--referrals", "300"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return url


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="an existing database (default: seed a fresh one)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=60, help="how many due cases to sample")
    args = parser.parse_args()
    engine = make_engine(normalise_database_url(args.database or _seeded()))
    with Session(engine) as session:
        due: list[tuple[Referral, object]] = []
        for service in session.scalars(select(Service)):
            wording = wording_for(session, service)
            for referral_id in letters.due_cases(session, service.id):
                if len(due) >= args.cases:
                    break
                referral = session.get(Referral, referral_id)
                if referral is not None and letters.why_no_letters(referral) is None:
                    due.append((referral, wording))
        if not due:
            sys.exit("No case has letters due in this database.")
        today = local_today()
        html_times, pdf_times = [], []
        work = [(r, w, rec) for r, w in due for rec in recipients(r)]
        for referral, wording, recipient in work:
            start = time.perf_counter()
            draft = letters._draft(referral, recipient, wording, None, today)  # type: ignore[arg-type]
            html = render.to_html(draft.parts, referral.service.name, FEEDBACK)
            html_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            render.to_pdf(html)
            pdf_times.append(time.perf_counter() - start)
        print(
            f"{len(work)} letters for {len(due)} cases; {engine.dialect.name}; "
            f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
        )
        print(f"letter as checked HTML (compose + checks + template): {_ms(html_times)}")
        print(f"letter as PDF (WeasyPrint, tagged):                   {_ms(pdf_times)}")

        # Easy Read (a picture beside every line): each case's letters again, as Easy Read.
        easy_html, easy_pdf = [], []
        for referral, wording, recipient in work:
            easy = Variant.EASY_READ if recipient.variant.for_child else Variant.PARENT_EASY_READ
            recipient = dataclasses.replace(recipient, variant=easy)
            start = time.perf_counter()
            draft = letters._draft(referral, recipient, wording, None, today)  # type: ignore[arg-type]
            html = render.to_html(draft.parts, referral.service.name, FEEDBACK)
            easy_html.append(time.perf_counter() - start)
            start = time.perf_counter()
            render.to_pdf(html)
            easy_pdf.append(time.perf_counter() - start)
        print(f"Easy Read letter as checked HTML:                     {_ms(easy_html)}")
        print(f"Easy Read letter as PDF:                              {_ms(easy_pdf)}")

        # In Welsh (the family's language, its translation approved), and in Welsh and English
        # in one letter (a Welsh service), standard and Easy Read.
        for name, language, bilingual in (
            ("Welsh", "Cymraeg", False),
            ("Welsh and English", "English", True),
        ):
            for easy_read in (False, True):
                made_html, made_pdf = [], []
                for referral, wording, recipient in work:
                    variant = recipient.variant
                    if easy_read:
                        variant = (
                            Variant.EASY_READ if variant.for_child else Variant.PARENT_EASY_READ
                        )
                    recipient = dataclasses.replace(recipient, variant=variant, language=language)
                    start = time.perf_counter()
                    draft = letters._draft(  # type: ignore[arg-type]
                        referral,
                        recipient,
                        wording,
                        None,
                        today,
                        bilingual=bilingual,
                        approved={"cy"},
                    )
                    html = render.to_html(draft.parts, referral.service.name, FEEDBACK)
                    made_html.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    render.to_pdf(html)
                    made_pdf.append(time.perf_counter() - start)
                label = f"{name}{', Easy Read' if easy_read else ''}"
                print(f"{label + ' letter as checked HTML:':<54}{_ms(made_html)}")
                print(f"{label + ' letter as PDF:':<54}{_ms(made_pdf)}")

        start = time.perf_counter()
        for n in range(args.batch):
            referral, wording, recipient = work[n % len(work)]
            draft = letters._draft(referral, recipient, wording, None, today)  # type: ignore[arg-type]
            render.to_pdf(render.to_html(draft.parts, referral.service.name, FEEDBACK))
        took = time.perf_counter() - start
        print(
            f"batch of {args.batch:,} letters (checked HTML + PDF, one process): {took:.1f} s, "
            f"{args.batch / took:.1f} letters/s, {took / args.batch * 1000:.0f} ms a letter"
        )


if __name__ == "__main__":
    main()
