"""Writing a referral's event row: the one place an event, its snapshot and the evaluation's
decision-point rows are made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import object_session

from oocd_panel.evaluation.decision_points import follow_up, points_for
from oocd_panel.evaluation.snapshot import snapshot
from oocd_panel.models import Referral, ReferralEvent, ReferralStatus, User
from oocd_panel.plumbing.clock import local_date
from oocd_panel.services import audit_trail


def record_event(
    referral: Referral,
    *,
    trigger: str,
    from_status: ReferralStatus | None,
    actor: User | None,
    at: dt.datetime,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> ReferralEvent:
    on = local_date(at)
    snap = snapshot(referral, on)
    event = ReferralEvent(
        from_status=from_status,
        to_status=referral.status,
        trigger=trigger,
        actor_id=actor.id if actor else None,
        occurred_at=at,
        reason=reason or None,
        details=details or {},
        snapshot=snap,
    )
    referral.events.append(event)
    # The evaluation's facts, in the same transaction as the event.
    session = object_session(referral)
    assert session is not None
    rows = points_for(referral, trigger=trigger, from_status=from_status, snap=snap, on=on)
    follow_up(session, referral, rows)
    session.add_all(rows)
    audit_trail.record(
        session,
        actor=actor,
        action="create" if from_status is None else "transition",
        record_type="referral",
        record_id=referral.id,
        child_id=referral.child_id,
        details={"trigger": trigger, "to": str(referral.status)},
    )
    return event
