"""The characteristics and case facts kept with every decision event.

Evaluation compares groups at each decision point. Characteristics change (a child's care status,
a corrected ethnicity), so each event keeps them as they were when the decision was made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oocd_panel.catalogue import disposals, ethnicity
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
    return not any(
        counts_against_first_entry(earlier.disposal, earlier.status, earlier.delivered_on)
        for earlier in referral.child.referrals
        if earlier.id != referral.id and earlier.received_on <= referral.received_on
    )


def counts_against_first_entry(
    disposal_code: str | None, status: ReferralStatus, delivered_on: dt.date | None
) -> bool:
    """An earlier referral whose outcome was given and counts towards the child's record."""
    disposal = disposals.find(disposal_code)
    return (
        disposal is not None
        and disposal.counts_as_first_time_entrant
        and status in _GIVEN
        and delivered_on is not None
    )


def snapshot(referral: Referral, on: dt.date) -> dict[str, Any]:
    child = referral.child
    main = referral.main_offence
    return facts(
        born=child.date_of_birth,
        on=on,
        offence_date=referral.offence_date,
        sex=str(child.sex),
        ethnicity_code=child.ethnicity,
        care_experience=str(child.care_experience),
        send=str(child.send),
        neurodivergent=str(child.neurodivergent),
        first_time_entrant=is_first_time_entrant(referral),
        gravity_score=referral.gravity_score,
        offence_type=main.offence_type if main else None,
        route=str(referral.route),
        proposed_outcome=referral.proposed_outcome,
        disposal=referral.disposal,
    )


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def facts(
    *,
    born: dt.date,
    on: dt.date,
    offence_date: dt.date,
    sex: str,
    ethnicity_code: str,
    care_experience: str,
    send: str,
    neurodivergent: str,
    first_time_entrant: bool,
    gravity_score: int,
    offence_type: str | None,
    route: str,
    proposed_outcome: str,
    disposal: str | None,
) -> dict[str, Any]:
    """The snapshot from plain values (the bulk demo loader has no objects to read)."""
    age = _age(born, on)
    default = disposals.gravity_default(gravity_score)
    return {
        "age": age,
        "age_band": age_band(age),
        "age_at_offence": _age(born, offence_date),
        "sex": sex,
        "ethnicity": ethnicity_code,
        "ethnicity_group": str(ethnicity.broad_group(ethnicity_code)),
        "care_experience": care_experience,
        "send": send,
        "neurodivergent": neurodivergent,
        "first_time_entrant": first_time_entrant,
        "gravity_score": gravity_score,
        "offence_type": offence_type,
        "route": route,
        "proposed_outcome": proposed_outcome,
        "gravity_default": default.code if default else None,
        "disposal": disposal,
    }
