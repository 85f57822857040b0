"""Settings a service can change without a code change, with the defaults from domain.md.

Stored as JSON on `Service.settings`; read them through `settings_for`, never directly, so a
missing key always falls back to its default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from oocd_panel.models import Service


@dataclass(frozen=True)
class ServiceSettings:
    # `joint`: police and YJS decision-makers must agree, others advise; `majority`: equal votes.
    decision_rule: str = "joint"
    # police_decision_maker, chair or escalate (see decision_rules.TIE_BREAKS).
    majority_tie_break: str = "police_decision_maker"
    # Besides a police and a YJS decision-maker, how many other members make a quorum.
    quorum_other_members: int = 2
    votes_hidden_until_all_cast: bool = True
    # An escalation must be resolved within this many working days.
    escalation_due_days: int = 5
    # Published counts below this are suppressed.
    suppression_threshold: int = 5
    # The pre-panel assessment is due this many working days after the referral is received.
    assessment_due_working_days: int = 10
    # Targets the evaluation's timeliness report measures against, in calendar days from referral.
    decision_target_days: int = 30
    delivery_target_days: int = 45
    # Retention schedule (services/retention.py): a child's records are removed once every case
    # of theirs has been closed for this many years and they have reached this age, whichever
    # is later. Defaults: common local-authority practice for youth justice case records (check
    # the service's own retention schedule); 6 years is also the usual limitation period.
    retention_years_after_closure: int = 6
    retention_until_age: int = 18
    # Letters in Welsh and English, the Welsh first (services in Wales: the Welsh Language
    # Standards). A recipient whose record gives another language they are written in (Welsh,
    # Polish) gets theirs alone. See letters/editions.py.
    bilingual_letters: bool = False


def settings_for(service: Service) -> ServiceSettings:
    known = {f.name for f in dataclasses.fields(ServiceSettings)}
    stored: dict[str, Any] = {k: v for k, v in (service.settings or {}).items() if k in known}
    return ServiceSettings(**stored)
