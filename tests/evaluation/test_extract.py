"""The pseudonymised extract: decision points with a keyed pseudonym per child and the age at
the time, and nothing that names or locates a child."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel import demo
from oocd_panel.evaluation import extract, reports
from oocd_panel.models import Child, DecisionPoint, Service
from oocd_panel.plumbing.clock import local_today

KEY = b"one key"


def _all_time(session: Session) -> reports.Filters:
    ids = tuple(session.scalars(select(Service.id)))
    return reports.Filters(ids, dt.date(2000, 1, 1), local_today())


def test_no_name_date_of_birth_or_postcode_of_any_child_is_in_the_extract(
    session: Session,
) -> None:
    demo.seed_demo(session, referrals=40, seed=5)
    text = extract.to_csv(session, _all_time(session), KEY)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == session.scalar(select(func.count()).select_from(DecisionPoint))
    assert tuple(rows[0]) == extract.COLUMNS
    children = session.scalars(select(Child)).all()
    assert len(children) > 20
    for child in children:
        for value in (
            child.first_name,
            child.last_name,
            child.postcode,
            child.address_line_1,
            child.date_of_birth.isoformat(),
            f"{child.date_of_birth:%d/%m/%Y}",
        ):
            assert not re.search(rf"\b{re.escape(value)}\b", text), value
    # Ages at the time, within the ages the service works with, and matching the age band.
    for row in rows:
        age = int(row["age"])
        assert 10 <= age <= 18
        assert row["age_band"] == (
            "10-14" if age <= 14 else "15-17" if age <= 17 else "18 and over"
        )


def test_pseudonyms_are_stable_per_child_and_differ_across_keys(session: Session) -> None:
    demo.seed_demo(session, referrals=20, seed=6)
    filters = _all_time(session)
    first = list(extract.rows(session, filters, KEY))
    assert list(extract.rows(session, filters, KEY)) == first
    points = session.scalars(
        select(DecisionPoint).order_by(DecisionPoint.occurred_on, DecisionPoint.id)
    )
    by_child: dict[int, set[object]] = {}
    for point, row in zip(points, first, strict=True):
        by_child.setdefault(point.child_id, set()).add(row[0])
    assert all(len(names) == 1 for names in by_child.values())  # one pseudonym per child
    assert len({next(iter(n)) for n in by_child.values()}) == len(by_child)  # none shared
    other = list(extract.rows(session, filters, b"another key"))
    assert {r[0] for r in other}.isdisjoint({r[0] for r in first})
    assert {r[1] for r in other}.isdisjoint({r[1] for r in first})
    assert [r[2:] for r in other] == [r[2:] for r in first]
    assert extract.pseudonym(KEY, "child", 7) != extract.pseudonym(KEY, "case", 7)
