"""The characteristics and case facts kept with every decision event.

Evaluation compares groups at each decision point. Characteristics change (a child's care status,
a corrected ethnicity), so each event keeps them as they were when the decision was made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oocd_panel import disposals, ethnicity
from oocd_panel.models import Referral, ReferralStatus

# Once a disposal has been given, it counts towards the child's record.
_GIVEN = {ReferralStatus.OUTCOME_DELIVERED, ReferralStatus.INTERVENTION, ReferralStatus.CLOSED}


def age_band(age: int) -> str:
    if age < 10:
        return "under 10"
    if age <= 14:
        return "10-14"
    if age <= 17:
        return "15-17"
    return "18 and over"


def is_first_time_entrant(referral: Referral) -> bool:
    """True when no earlier referral of the child ended in a caution that counts as an FTE."""
    for earlier in referral.child.referrals:
        if earlier.id == referral.id or earlier.received_on > referral.received_on:
            continue
        disposal = disposals.find(earlier.disposal)
        if (
            disposal is not None
            and disposal.counts_as_first_time_entrant
            and earlier.status in _GIVEN
            and earlier.delivered_on is not None
        ):
            return False
    return True


def snapshot(referral: Referral, on: dt.date) -> dict[str, Any]:
    child = referral.child
    age = child.age_on(on)
    main = referral.main_offence
    default = disposals.gravity_default(referral.gravity_score)
    return {
        "age": age,
        "age_band": age_band(age),
        "age_at_offence": child.age_on(referral.offence_date),
        "sex": str(child.sex),
        "ethnicity": child.ethnicity,
        "ethnicity_group": str(ethnicity.broad_group(child.ethnicity)),
        "care_experience": str(child.care_experience),
        "send": str(child.send),
        "neurodivergent": str(child.neurodivergent),
        "first_time_entrant": is_first_time_entrant(referral),
        "gravity_score": referral.gravity_score,
        "offence_type": main.offence_type if main else None,
        "route": str(referral.route),
        "proposed_outcome": referral.proposed_outcome,
        "gravity_default": default.code if default else None,
        "disposal": referral.disposal,
    }
