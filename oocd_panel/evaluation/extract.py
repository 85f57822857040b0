"""A pseudonymised extract of the decision points, for analysts' own statistics.

One row per decision point: a keyed pseudonym for the child and for the case (HMAC-SHA256 of
the id under `PSEUDONYM_KEY`), the age in whole years at the time, and the characteristics as
they were then. No names, addresses, dates of birth, police references or free text: those are
not in the decision points at all. The same child has the same pseudonym in every extract made
with the same key, and an unrelated one under another key; without the key, the pseudonym
cannot be turned back into the child.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.evaluation.reports import Filters
from oocd_panel.models import DecisionPoint, Service

COLUMNS = (
    "child",
    "case",
    "service",
    "point",
    "route",
    "occurred_on",
    "selected",
    "disposal",
    "departure_from_gravity_default",
    "reoffending_window_end",
    "age",
    "age_band",
    "sex",
    "ethnicity",
    "ethnicity_group",
    "care_experience",
    "send",
    "neurodivergent",
    "first_time_entrant",
    "gravity_score",
    "offence_type",
)


def pseudonym(key: bytes, kind: str, record_id: int) -> str:
    """A stable pseudonym for a record: HMAC-SHA256 of its kind and id under the key."""
    return hmac.new(key, f"{kind}:{record_id}".encode(), hashlib.sha256).hexdigest()


def rows(session: Session, filters: Filters, key: bytes) -> Iterator[tuple[object, ...]]:
    slugs = {sid: slug for sid, slug in session.execute(select(Service.id, Service.slug))}
    points = session.scalars(
        select(DecisionPoint)
        .where(
            DecisionPoint.service_id.in_(filters.service_ids),
            DecisionPoint.occurred_on >= filters.start,
            DecisionPoint.occurred_on <= filters.end,
        )
        .order_by(DecisionPoint.occurred_on, DecisionPoint.id)
        .execution_options(yield_per=2000)
    )
    for p in points:
        yield (
            pseudonym(key, "child", p.child_id),
            pseudonym(key, "case", p.referral_id),
            slugs.get(p.service_id, ""),
            p.point,
            p.route,
            p.occurred_on.isoformat(),
            "yes" if p.selected else "no",
            p.disposal or "",
            p.departure or "",
            p.window_end.isoformat() if p.window_end else "",
            "" if p.age is None else p.age,
            p.age_band,
            p.sex,
            p.ethnicity,
            p.ethnicity_group,
            p.care_experience,
            p.send,
            p.neurodivergent,
            "yes" if p.first_time_entrant else "no",
            p.gravity_score,
            p.offence_type or "",
        )


def to_csv(session: Session, filters: Filters, key: bytes) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(session, filters, key))
    return out.getvalue()
