"""Panel practice, timeliness and trends: grouped and counted in the database.

Dates are differenced and bucketed by month in SQL; the two dialects spell that differently, so
the expressions are built for the session's database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, select
from sqlalchemy.orm import Session

from oocd_panel.evaluation.reports import DP, Filters, referred_again
from oocd_panel.evaluation.suppression import (
    WITHHELD,
    Cell,
    hidden,
    pair,
    publish_rows,
    suppress,
)
from oocd_panel.models import (
    AgendaItem,
    Assessment,
    Decision,
    Escalation,
    Referral,
)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def days_between(session: Session, later: Any, earlier: Any) -> Any:
    """later - earlier in days, as a number, in SQL."""
    if _dialect(session) == "postgresql":
        return cast(later, Date) - cast(earlier, Date)
    return func.julianday(later) - func.julianday(earlier)


def month_of(session: Session, day: Any) -> Any:
    """'YYYY-MM' of a date, in SQL."""
    if _dialect(session) == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def quarter_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year} Q{(int(number) - 1) // 3 + 1}"


@dataclass
class Figure:
    label: str
    value: Cell
    note: str = ""


def _day_after(day: Any, session: Session) -> Any:
    """The day after a date column, as a timestamp to compare with a UTC timestamp."""
    if _dialect(session) == "postgresql":
        return cast(day, Date) + 1
    return func.date(day, "+1 day")


def _one(count: int, threshold: int) -> Cell:
    return suppress({"x": count}, threshold)[0]["x"]


def panel_practice(session: Session, filters: Filters, threshold: int) -> list[Figure]:
    """Police-YJS agreement in the vote, escalations and how they ended, and decisions that
    differed from the practitioner's recommendation."""
    since, until = filters.moments()
    # The police and YJS decision-makers' votes on each case whose vote closed in the period,
    # as the decision rule weighed them when it closed.
    police, yjs = AgendaItem.police_position, AgendaItem.yjs_position
    both = and_(police.is_not(None), yjs.is_not(None))
    voted, agreed = session.execute(
        select(func.count().filter(both), func.count().filter(and_(both, police == yjs)))
        .join(Referral, Referral.id == AgendaItem.referral_id)
        .where(
            Referral.service_id.in_(filters.service_ids),
            AgendaItem.closed_at >= since,
            AgendaItem.closed_at < until,
        )
    ).one()
    escalations = session.execute(
        select(
            func.count(),
            func.count().filter(Escalation.withdrawn),
            func.count().filter(and_(Escalation.resolved_at.is_not(None), ~Escalation.withdrawn)),
            func.count().filter(Escalation.yjs_manager_agreed.is_(True)),
            func.count().filter(Escalation.yjs_manager_agreed.is_(False)),
            func.count().filter(
                and_(
                    Escalation.resolved_at.is_not(None),
                    ~Escalation.withdrawn,
                    Escalation.resolved_at >= _day_after(Escalation.due_on, session),
                )
            ),
        )
        .join(Referral, Referral.id == Escalation.referral_id)
        .where(
            Referral.service_id.in_(filters.service_ids),
            Escalation.opened_at >= since,
            Escalation.opened_at < until,
        )
    ).one()
    total, withdrawn, resolved, agreed_by_yjs, not_agreed, late = (int(v) for v in escalations)
    against = session.execute(
        select(
            func.count().filter(Assessment.recommended_disposal.is_not(None)),
            func.count().filter(
                and_(
                    Assessment.recommended_disposal.is_not(None),
                    Assessment.recommended_disposal != Decision.disposal,
                )
            ),
        )
        .select_from(Decision)
        .join(Referral, Referral.id == Decision.referral_id)
        .join(Assessment, Assessment.referral_id == Referral.id)
        .where(
            Referral.service_id.in_(filters.service_ids),
            Decision.decided_at >= since,
            Decision.decided_at < until,
        )
    ).one()
    with_recommendation, differed = (int(v) for v in against)
    # Parts and their whole are published together or not at all (no small difference).
    same, both_voted = pair(int(agreed), int(voted), threshold)
    ended, escalated = suppress(
        {"resolved": resolved, "withdrawn": withdrawn, "open": total - resolved - withdrawn},
        threshold,
    )
    how, _ = suppress(
        {"agreed": agreed_by_yjs, "not": not_agreed, "late": 0}
        if isinstance(ended["resolved"], int)
        else {"agreed": 0, "not": 0, "late": 0},
        threshold,
    )
    late_cell, _ = pair(late, resolved, threshold)
    differ, _ = pair(differed, with_recommendation, threshold)
    if not isinstance(ended["resolved"], int):
        how = {k: WITHHELD for k in how}
    return [
        Figure("Cases where both decision-makers voted", both_voted),
        Figure(
            "Police and YJS decision-makers voted the same way",
            same,
            _share(int(agreed), int(voted), threshold) if isinstance(same, int) else "",
        ),
        Figure("Escalations opened", escalated),
        Figure("Resolved", ended["resolved"]),
        Figure("Resolved with the YJS manager's agreement", how["agreed"]),
        Figure("Resolved without the YJS manager's agreement", how["not"]),
        Figure("Resolved after their due date", late_cell),
        Figure("Closed because the police withdrew the referral", ended["withdrawn"]),
        Figure("Still open", ended["open"]),
        Figure(
            "Decisions different from the practitioner's recommendation",
            differ,
            _share(differed, with_recommendation, threshold) if isinstance(differ, int) else "",
        ),
    ]


def _share(part: int, whole: int, threshold: int) -> str:
    if whole == 0 or 0 < part < threshold or whole < threshold:
        return ""
    return f"{part / whole:.0%} of {whole:,}"


def timeliness(
    session: Session,
    filters: Filters,
    threshold: int,
    *,
    decision_target: int = 30,
    delivery_target: int = 45,
) -> list[Figure]:
    """Average days from referral to assessment, decision and delivery, and the share within
    target (the assessment's due date; the service's targets for decision and delivery)."""
    referral_days = days_between(session, DP.occurred_on, Referral.received_on)
    figures = []
    for point, label, within in (
        (
            "assessed",
            "Referral to assessment signed off",
            DP.occurred_on <= Referral.assessment_due_on,
        ),
        ("decided", "Referral to the panel's decision", referral_days <= decision_target),
    ):
        n, mean, on_time = session.execute(
            select(func.count(), func.avg(referral_days), func.sum(case((within, 1), else_=0)))
            .join(Referral, Referral.id == DP.referral_id)
            .where(filters.where(point))
        ).one()
        figures.append(_timing(label, int(n), mean, int(on_time or 0), threshold))
    delivered = days_between(session, Referral.delivered_on, Referral.received_on)
    n, mean, on_time = session.execute(
        select(
            func.count(),
            func.avg(delivered),
            func.sum(case((delivered <= delivery_target, 1), else_=0)),
        ).where(
            Referral.service_id.in_(filters.service_ids),
            Referral.delivered_on >= filters.start,
            Referral.delivered_on <= filters.end,
        )
    ).one()
    figures.append(
        _timing("Referral to the outcome being given", int(n), mean, int(on_time or 0), threshold)
    )
    return figures


def _timing(label: str, n: int, mean: Any, on_time: int, threshold: int) -> Figure:
    if n < threshold:
        return Figure(label, "too few cases")
    late = n - on_time
    share = (
        f"{on_time / n:.0%} within target"
        if not hidden(on_time, threshold) and not hidden(late, threshold)
        else "within target: too few to show"
    )
    return Figure(label, f"{float(mean):.1f} days", share)


@dataclass
class Period:
    label: str
    referred: Cell
    decided: Cell
    diverted: Cell
    reoffended: Cell
    followed: Cell  # diverted children whose year has passed


def trends(session: Session, filters: Filters, threshold: int, *, quarterly: bool) -> list[Period]:
    """Referrals, decisions, diversions and reoffending by month (or quarter) of the decision."""
    month = month_of(session, DP.occurred_on).label("month")
    closed_window = and_(DP.point == "decided", DP.selected, DP.window_end <= filters.end)
    rows = session.execute(
        select(
            month,
            func.count().filter(DP.point == "referred"),
            func.count().filter(DP.point == "decided"),
            func.count().filter(and_(DP.point == "decided", DP.selected)),
            func.count().filter(closed_window),
            func.count().filter(and_(closed_window, referred_again())),
        )
        .where(filters.where("referred", "decided"))
        .group_by(month)
        .order_by(month)
    ).all()
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for m, *counts in rows:
        key = quarter_label(str(m)) if quarterly else str(m)
        for i, value in enumerate(counts):
            buckets[key][i] += int(value)

    # Each column adds up to a figure published elsewhere (the funnel's), so each is suppressed
    # as one set of cells: a hidden month can never be worked out by subtraction. Diverted and
    # decided (and reoffended and followed) are pairs: a month shows both or neither.
    def col(i: int) -> dict[str, int]:
        return {k: v[i] for k, v in buckets.items()}

    def rows_ok(totals: dict[str, int], selected: dict[str, int]) -> dict[str, bool]:
        ok = publish_rows(totals, selected, threshold)
        if not quarterly:
            # Quarters are published too: suppress each quarter's months as a set of their own.
            for quarter in {quarter_label(k) for k in totals}:
                part = [k for k in totals if quarter_label(k) == quarter]
                inner = publish_rows(
                    {k: totals[k] for k in part}, {k: selected[k] for k in part}, threshold
                )
                for k, fine in inner.items():
                    ok[k] = ok[k] and fine
        return ok

    referred_rows = rows_ok(col(0), col(0))
    decided_rows = rows_ok(col(1), col(2))
    followed_rows = rows_ok(col(3), col(4))
    also = {
        0: referred_rows,
        1: decided_rows,
        2: decided_rows,
        3: followed_rows,
        4: followed_rows,
    }
    columns = [
        suppress(col(i), threshold, also=[k for k, ok in also[i].items() if not ok])[0]
        for i in range(5)
    ]
    periods = [
        Period(
            key, columns[0][key], columns[1][key], columns[2][key], columns[4][key], columns[3][key]
        )
        for key in buckets
    ]
    return periods
