"""Report benchmark: every evaluation report, in SQL as the product runs it, against loading the
same rows into pandas and grouping there.

    .venv/bin/python bench/reports.py --database sqlite:////work/bench-data/oocd-1m.sqlite3
    .venv/bin/python bench/reports.py --database postgresql://postgres@127.0.0.1:5432/oocd_bench

The period is the whole span of the data (every service), so each report reads every row it
would read for a national view. Each route runs `--repeat` times and the median is printed; the
pandas route is timed from the query that loads the rows to the grouped result. Nothing here is
a pass/fail test: figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oocd_panel.evaluation import practice, reports
from oocd_panel.models import DecisionPoint, Referral, Service
from oocd_panel.plumbing.config import normalise_database_url
from oocd_panel.plumbing.db import make_engine

DP = DecisionPoint

THRESHOLD = 5


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _rows(session: Session, query: Any) -> pd.DataFrame:
    return pd.read_sql_query(query, session.connection())


def _in_period(filters: reports.Filters) -> Any:
    return and_(
        DP.service_id.in_(filters.service_ids),
        DP.occurred_on >= filters.start,
        DP.occurred_on <= filters.end,
    )


def pandas_funnel(session: Session, filters: reports.Filters) -> Any:
    df = _rows(session, select(DP.point, DP.selected).where(_in_period(filters)))
    return df.groupby("point")["selected"].agg(["count", "sum"])


def pandas_mix(session: Session, filters: reports.Filters) -> Any:
    df = _rows(session, select(DP.disposal).where(_in_period(filters), DP.point == "decided"))
    return df["disposal"].value_counts()


def pandas_closures(session: Session, filters: reports.Filters) -> Any:
    since, until = filters.moments()
    df = _rows(
        session,
        select(Referral.closure_reason).where(
            Referral.service_id.in_(filters.service_ids),
            Referral.closed_at >= since,
            Referral.closed_at < until,
        ),
    )
    return df["closure_reason"].value_counts()


def _count(frame: pd.DataFrame, hit: Any) -> Any:
    return frame.assign(hit=hit).groupby(["grp", "gravity_score"])["hit"].agg(["count", "sum"])


def pandas_compare(session: Session, filters: reports.Filters, characteristic: str) -> Any:
    """The seven measures by group and gravity, as `reports.compare` counts them."""
    group = reports.CHARACTERISTICS[characteristic].column().label("grp")
    dp = _rows(
        session,
        select(
            DP.referral_id,
            DP.child_id,
            DP.point,
            DP.route,
            DP.selected,
            DP.disposal,
            DP.departure,
            DP.window_end,
            DP.occurred_on,
            DP.gravity_score,
            group,
        ).where(_in_period(filters)),
    )
    assessed = set(_rows(session, select(DP.referral_id).where(DP.point == "assessed")).iloc[:, 0])
    later = _rows(
        session,
        select(Referral.id, Referral.child_id, Referral.received_on).where(
            Referral.service_id.in_(filters.service_ids)
        ),
    )
    dp["selected"] = dp.selected.astype(bool)
    out = {}
    referred = dp[(dp.point == "referred") & (dp.route == "panel")]
    out["assessed"] = _count(referred, referred.referral_id.isin(assessed))
    decided = dp[dp.point == "decided"]
    out["diverted"] = _count(decided, decided.selected)
    diverted = decided[decided.selected]
    out["formal"] = _count(diverted, diverted.disposal.isin(reports.FORMAL))
    out["above_default"] = _count(decided, decided.departure == "above")
    out["below_default"] = _count(decided, decided.departure == "below")
    ended = dp[dp.point == "intervention_ended"]
    out["completed"] = _count(ended, ended.selected)
    base = dp[dp.point.isin(["decided", "notified"]) & dp.selected].copy()
    base["window_end"] = pd.to_datetime(base.window_end)
    base["occurred_on"] = pd.to_datetime(base.occurred_on)
    base = base[base.window_end <= pd.Timestamp(filters.end)]
    later["received_on"] = pd.to_datetime(later.received_on)
    pairs = base.merge(later, on="child_id", how="inner")
    again = pairs[
        (pairs.id != pairs.referral_id)
        & (pairs.received_on > pairs.occurred_on)
        & (pairs.received_on <= pairs.window_end)
    ]
    out["reoffended"] = _count(base, base.referral_id.isin(set(again.referral_id)))
    return out


def pandas_trends(session: Session, filters: reports.Filters) -> Any:
    dp = _rows(session, select(DP.point, DP.selected, DP.occurred_on).where(_in_period(filters)))
    dp["month"] = pd.to_datetime(dp.occurred_on).dt.to_period("M")
    return dp.groupby(["month", "point"])["selected"].agg(["count", "sum"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.database:
        parser.error("give --database (or set DATABASE_URL)")
    engine = make_engine(normalise_database_url(args.database))
    with Session(engine) as session:
        service_ids = tuple(session.scalars(select(Service.id)))
        first, last = session.execute(
            select(func.min(DecisionPoint.occurred_on), func.max(DecisionPoint.occurred_on))
        ).one()
        referrals = session.scalar(select(func.count()).select_from(Referral))
        points = session.scalar(select(func.count()).select_from(DecisionPoint))
        filters = reports.Filters(service_ids, first, last)
        print(
            f"{engine.dialect.name}; {referrals:,} referrals, {points:,} decision points, "
            f"{first} to {last}, {len(service_ids)} services; median of {args.repeat}; "
            f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
        )
        ours: dict[str, Callable[[], Any]] = {
            "funnel": lambda: reports.funnel(session, filters, THRESHOLD),
            "closures": lambda: reports.closures(session, filters, THRESHOLD),
            "disposal mix": lambda: reports.disposal_mix(session, filters, THRESHOLD),
            **{
                f"compare by {key}": (
                    lambda c=c: reports.compare(session, filters, c, c.reference, THRESHOLD)
                )
                for key, c in reports.CHARACTERISTICS.items()
            },
            "panel practice": lambda: practice.panel_practice(session, filters, THRESHOLD),
            "timeliness": lambda: practice.timeliness(session, filters, THRESHOLD),
            "trends by month": lambda: practice.trends(
                session, filters, THRESHOLD, quarterly=False
            ),
            "panel pack briefing": lambda: reports.briefing(
                session, service_ids[0], last, THRESHOLD
            ),
        }
        theirs: dict[str, Callable[[], Any]] = {
            "funnel": lambda: pandas_funnel(session, filters),
            "closures": lambda: pandas_closures(session, filters),
            "disposal mix": lambda: pandas_mix(session, filters),
            **{
                f"compare by {key}": (lambda key=key: pandas_compare(session, filters, key))
                for key in reports.CHARACTERISTICS
            },
            "trends by month": lambda: pandas_trends(session, filters),
        }
        print(f"{'report':<34}{'SQL s':>9}{'pandas s':>10}{'pandas / SQL':>14}")
        for name, work in ours.items():
            sql_s, _ = timed(work, args.repeat)
            session.rollback()
            if name in theirs:
                pandas_s, _ = timed(theirs[name], args.repeat)
                session.rollback()
                print(f"{name:<34}{sql_s:>9.3f}{pandas_s:>10.3f}{pandas_s / sql_s:>13.1f}x")
            else:
                print(f"{name:<34}{sql_s:>9.3f}{'':>10}{'(joins: SQL only)':>18}")


if __name__ == "__main__":
    main()
