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
from typing import Any

from oocd_panel import disposals
from oocd_panel.models import DecisionPoint, Referral, ReferralStatus

REOFFENDING_WINDOW = dt.timedelta(days=365)
_SEVERITY = {d.code: i for i, d in enumerate(disposals.CATALOGUE)}  # catalogue order: least first


def departure(gravity_score: int, disposal: str) -> str:
    """above, below or none: the decision against the gravity-matrix default."""
    default = disposals.gravity_default(gravity_score)
    if default is None or disposal not in _SEVERITY:
        return "none"
    step = _SEVERITY[disposal] - _SEVERITY[default.code]
    return "above" if step > 0 else "below" if step < 0 else "none"


def _row(referral: Referral, point: str, on: dt.date, snap: dict[str, Any]) -> DecisionPoint:
    return DecisionPoint(
        referral_id=referral.id,
        child_id=referral.child_id,
        service_id=referral.service_id,
        point=point,
        route=str(snap.get("route") or referral.route),
        occurred_on=on,
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


def points_for(
    referral: Referral,
    *,
    trigger: str,
    from_status: ReferralStatus | None,
    snap: dict[str, Any],
    on: dt.date,
) -> list[DecisionPoint]:
    """The decision-point rows this action records (often none)."""
    if trigger in {"refer", "notify"}:
        row = _row(referral, "referred", on, snap)
        row.selected = True
        rows = [row]
        if trigger == "notify" and referral.disposal:
            # An outcome the police gave alone: diverted, and followed for reoffending.
            given = _row(referral, "notified", on, snap)
            given.selected = True
            given.disposal = referral.disposal
            given.departure = departure(referral.gravity_score, referral.disposal)
            given.window_end = on + REOFFENDING_WINDOW
            rows.append(given)
        return rows
    if trigger == "sign_off":
        row = _row(referral, "assessed", on, snap)
        row.selected = True
        return [row]
    if trigger in {"decide", "resolve_escalation"} and referral.disposal:
        found = disposals.get(referral.disposal)
        row = _row(referral, "decided", on, snap)
        row.selected = found.is_diversion
        row.disposal = found.code
        row.departure = departure(referral.gravity_score, found.code)
        row.window_end = on + REOFFENDING_WINDOW
        return [row]
    if from_status is ReferralStatus.INTERVENTION and trigger in {
        "complete_intervention",
        "end_not_completed",
        "record_declined",
    }:
        row = _row(referral, "intervention_ended", on, snap)
        row.selected = trigger == "complete_intervention"
        return [row]
    return []
