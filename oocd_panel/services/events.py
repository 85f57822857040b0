"""Writing a referral's event row: the one place an event and its snapshot are made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oocd_panel.clock import local_date
from oocd_panel.evaluation.snapshot import snapshot
from oocd_panel.models import Referral, ReferralEvent, ReferralStatus, User


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
    event = ReferralEvent(
        from_status=from_status,
        to_status=referral.status,
        trigger=trigger,
        actor_id=actor.id if actor else None,
        occurred_at=at,
        reason=reason or None,
        details=details or {},
        snapshot=snapshot(referral, local_date(at)),
    )
    referral.events.append(event)
    return event
