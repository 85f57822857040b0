"""Whether a case's pre-panel assessment is due or overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oocd_panel.models import Referral, ReferralStatus

# The assessment clock runs until the assessment is sent for sign-off.
AWAITING_ASSESSMENT = (ReferralStatus.REFERRED, ReferralStatus.ASSESSING)


@dataclass(frozen=True)
class Due:
    on: dt.date
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


def assessment_due(referral: Referral, today: dt.date) -> Due | None:
    """When the assessment is due, if the case is still waiting for it."""
    if referral.status not in AWAITING_ASSESSMENT or referral.assessment_due_on is None:
        return None
    return Due(referral.assessment_due_on, max((today - referral.assessment_due_on).days, 0))
