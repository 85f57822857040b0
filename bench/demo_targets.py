"""What the benchmarks open in a seeded demo database (`flask seed-demo`)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import AgendaItem, PanelMember, User

PANEL_CHAIR = "panel.yjs@example.org"
ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def seed_demo_database(referrals: int, *, prefix: str) -> str:
    """A fresh SQLite database in a new temporary folder, upgraded and seeded with `referrals`
    demo referrals by the project's own commands; its URL."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "OOCD_ENV": "development"}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "upgrade-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [*flask, "seed-demo", "--referrals", str(referrals)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    print(f"seeded {referrals:,} referrals in {time.perf_counter() - started:.1f} s")
    return url


def newest_pack_item(session: Session) -> AgendaItem:
    """The latest agenda item of a meeting the demo panel chair sits on (a pack they may open)."""
    return session.scalars(
        select(AgendaItem)
        .join(PanelMember, PanelMember.meeting_id == AgendaItem.meeting_id)
        .join(User, User.id == PanelMember.user_id)
        .where(User.email == PANEL_CHAIR)
        .order_by(AgendaItem.id.desc())
        .limit(1)
    ).one()
