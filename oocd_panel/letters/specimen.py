"""Specimen letters for a translation's review: each disposal to each audience, for a made-up
child, composed with the service's own wording. Nothing here is stored: the records are built
in memory only, never added to a database session."""

from __future__ import annotations

import datetime as dt

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters.compose import FirstMeeting, Recipient, Variant
from oocd_panel.models import Child, Decision, Offence, Referral, User

CHILD = "Sam"
PARENT = "Jo Taylor"
WORKER = "Alex Morgan"


def referral(disposal: disposals.Disposal, today: dt.date) -> Referral:
    """A made-up decided case: every intervention offered, one condition where there are any."""
    offered = [i.code for i in interventions.CATALOGUE] if disposal.offers_intervention else []
    conditions = (
        [{"text": "Write to the person harmed", "due_on": (today + dt.timedelta(28)).isoformat()}]
        if disposal.work is disposals.Work.CONDITIONAL
        else []
    )
    decided = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC)
    return Referral(
        police_reference="NB/12345/26",
        offence_date=today - dt.timedelta(days=30),
        child=Child(first_name=CHILD, last_name="Taylor", date_of_birth=today.replace(year=2011)),
        offences=[Offence(offence_type="theft_and_handling", gravity_score=2, position=0)],
        practitioner=User(full_name=WORKER),
        decision=Decision(
            disposal=disposal.code,
            interventions=offered,
            conditions=conditions,
            decided_at=decided,
        ),
    )


def recipient(variant: Variant) -> Recipient:
    name = CHILD if variant.for_child else PARENT
    return Recipient(
        "child" if variant.for_child else "contact-0",
        name,
        ("1 High Street", "Northbrook", "NB1 1AA"),
        variant,
        full_name=f"{CHILD} Taylor" if variant.for_child else PARENT,
    )


def meeting(today: dt.date) -> FirstMeeting:
    return FirstMeeting(today + dt.timedelta(days=7), "4pm", "the youth centre")
