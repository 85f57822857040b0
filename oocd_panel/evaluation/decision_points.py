"""Which decision points an action records, with the characteristics as they were then.

Points (domain.md, Evaluation data):
- `referred`: every referral (panel route or police notification);
- `notified`: an outcome the police gave alone (a diversion, followed for reoffending);
- `assessed`: the assessment was signed off;
- `decided`: the panel's outcome: `selected` when diverted (anything but a charge), with the
  disposal and the departure from the gravity-matrix default, and the end of the year in which a
  new referral of the child counts as reoffending;
- `intervention_ended`: `selected` when completed (not when not completed, declined or stopped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from oocd_panel.catalogue import disposals
from oocd_panel.models import DecisionPoint, Referral, ReferralStatus
from oocd_panel.rules.intervention_end import ends_intervention

REOFFENDING_WINDOW = dt.timedelta(days=365)
# Every point (a report naming them all reads the index by service, point and date).
POINTS = ("referred", "notified", "assessed", "decided", "intervention_ended")
_SEVERITY = {d.code: i for i, d in enumerate(disposals.CATALOGUE)}  # catalogue order: least first


def departure(gravity_score: int, disposal: str) -> str:
    """above, below or none: the decision against the gravity-matrix default."""
    default = disposals.gravity_default(gravity_score)
    if default is None or disposal not in _SEVERITY:
        return "none"
    step = _SEVERITY[disposal] - _SEVERITY[default.code]
    return "above" if step > 0 else "below" if step < 0 else "none"


@dataclass(frozen=True)
class Point:
    """A decision point an action records, before the characteristics are added."""

    point: str
    selected: bool
    disposal: str | None = None
    departure: str | None = None
    window_end: dt.date | None = None


def points(
    *,
    trigger: str,
    from_status: ReferralStatus | None,
    disposal: str | None,
    gravity_score: int,
    on: dt.date,
) -> list[Point]:
    """The decision points this action records (often none). `disposal` is the referral's
    after the action."""
    if trigger in {"refer", "notify"}:
        found = [Point("referred", True)]
        if trigger == "notify" and disposal:
            # An outcome the police gave alone: diverted, and followed for reoffending.
            found.append(
                Point(
                    "notified",
                    True,
                    disposal,
                    departure(gravity_score, disposal),
                    on + REOFFENDING_WINDOW,
                )
            )
        return found
    if trigger == "sign_off":
        return [Point("assessed", True)]
    if trigger in {"decide", "resolve_escalation"} and disposal:
        given = disposals.get(disposal)
        return [
            Point(
                "decided",
                given.is_diversion,
                given.code,
                departure(gravity_score, given.code),
                on + REOFFENDING_WINDOW,
            )
        ]
    if ends_intervention(trigger, from_status):
        return [Point("intervention_ended", trigger == "complete_intervention")]
    return []


def points_for(
    referral: Referral,
    *,
    trigger: str,
    from_status: ReferralStatus | None,
    snap: dict[str, Any],
    on: dt.date,
) -> list[DecisionPoint]:
    """The decision-point rows this action records, with the characteristics in `snap`."""
    return [
        DecisionPoint(
            referral_id=referral.id,
            child_id=referral.child_id,
            service_id=referral.service_id,
            point=p.point,
            route=str(snap.get("route") or referral.route),
            occurred_on=on,
            selected=p.selected,
            disposal=p.disposal,
            departure=p.departure,
            window_end=p.window_end,
            age=snap.get("age"),
            age_band=snap["age_band"],
            sex=snap["sex"],
            ethnicity=snap["ethnicity"],
            ethnicity_group=snap["ethnicity_group"],
            care_experience=snap["care_experience"],
            send=snap["send"],
            neurodivergent=snap["neurodivergent"],
            first_time_entrant=bool(snap["first_time_entrant"]),
            gravity_score=int(snap["gravity_score"]),
            offence_type=snap.get("offence_type"),
        )
        for p in points(
            trigger=trigger,
            from_status=from_status,
            disposal=referral.disposal,
            gravity_score=referral.gravity_score,
            on=on,
        )
    ]


# Points followed for reoffending: a diversion by the panel or by the police alone.
FOLLOWED = ("decided", "notified")


def next_referral_on(child_id: Any, referral_id: Any, after: Any) -> Select[Any]:
    """The date the child was next referred after `after`: the earliest of their other
    referrals received later (values, or columns of an outer statement)."""
    later = aliased(Referral)
    return select(func.min(later.received_on)).where(
        later.child_id == child_id, later.id != referral_id, later.received_on > after
    )


def follow_up(session: Session, referral: Referral, rows: list[DecisionPoint]) -> None:
    """Fill in the follow-up facts that the new rows settle (in the caller's transaction):
    a signed-off assessment marks the referral's referred row; a new referral of a child marks
    the child's earlier followed points with the date it was received, when it is the first
    after them; and a new followed point takes the date of any later referral already known."""
    DP = DecisionPoint
    new = {row.point for row in rows}
    if "assessed" in new:
        session.execute(
            update(DP)
            .where(DP.referral_id == referral.id, DP.point == "referred")
            .values(reached_assessment=True)
        )
    if "referred" in new:
        received = referral.received_on
        session.execute(
            update(DP)
            .where(
                DP.child_id == referral.child_id,
                DP.referral_id != referral.id,
                DP.point.in_(FOLLOWED),
                DP.occurred_on < received,
                (DP.referred_again_on.is_(None)) | (DP.referred_again_on > received),
            )
            .values(referred_again_on=received)
            .execution_options(synchronize_session=False)
        )
    for row in rows:
        if row.point in FOLLOWED:
            row.referred_again_on = session.scalar(
                next_referral_on(referral.child_id, referral.id, row.occurred_on)
            )


def fill_in_referred_again(session: Session, first_referral_id: int) -> None:
    """`follow_up`'s reoffending date set for every followed point of the children with a
    referral numbered `first_referral_id` or later, in one statement (for rows written in bulk,
    where the next referral of a child is loaded after the earlier case's rows)."""
    DP = DecisionPoint
    later = aliased(Referral)
    children = (
        select(Referral.child_id)
        .where(
            Referral.id >= first_referral_id,
            exists().where(later.child_id == Referral.child_id, later.id != Referral.id),
        )
        .scalar_subquery()
    )
    session.execute(
        update(DP)
        .where(DP.point.in_(FOLLOWED), DP.child_id.in_(children))
        .values(
            referred_again_on=next_referral_on(
                DP.child_id, DP.referral_id, DP.occurred_on
            ).scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
