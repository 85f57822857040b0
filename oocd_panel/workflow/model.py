"""The workflow's vocabulary: what an action is, what a rule sees, and the named groups of states
and roles (those the actions are declared with, and who may enter or read cases)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from oocd_panel.models import ClosureReason, Referral, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import local_date, utcnow

S = ReferralStatus

# Where each route starts.
ENTRY_STATES = (S.REFERRED, S.NOTIFIED)
# States before a decision: the police may still withdraw the referral.
BEFORE_DECISION = (
    S.REFERRED,
    S.ASSESSING,
    S.AWAITING_SIGN_OFF,
    S.READY_FOR_PANEL,
    S.AT_PANEL,
    S.ESCALATED,
)


class Reason(enum.Enum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Input(enum.StrEnum):
    """Extra information an action carries (details from outcome_records)."""

    DECISION = "decision"
    ESCALATION = "escalation"
    RESOLUTION = "resolution"
    DELIVERY = "delivery"
    # The KPI facts recorded when an intervention ends (rules/intervention_end.py).
    END_FACTS = "end_facts"


@dataclass(frozen=True)
class Context:
    """What a rule can look at: the case, who is acting, and what they entered."""

    referral: Referral
    actor: User
    inputs: Mapping[str, Any] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=utcnow)
    reason: str | None = None

    @property
    def today(self) -> dt.date:
        return local_date(self.now)


# A guard returns None when the action may go ahead, or a sentence saying why not.
Guard = Callable[[Context], str | None]


@dataclass(frozen=True)
class Action:
    trigger: str
    label: str
    sources: tuple[ReferralStatus, ...]
    dest: ReferralStatus
    roles: frozenset[Role]
    description: str
    reason: Reason = Reason.OPTIONAL
    reason_label: str = "Note for the case record"
    inputs: tuple[Input, ...] = ()
    guards: tuple[Guard, ...] = ()
    closes_as: ClosureReason | None = None
    # Buttons for actions that end or undo work are shown as warnings.
    warning: bool = False
    # Taken as part of another step (opening or closing a vote), never offered as a button.
    automatic: bool = False
    # Who may read the reason written with it (None: everyone who may read the case). An
    # assessment's notes, its review comment and its return directions are the YJS's and the
    # panel's: a police officer sees that the step happened, never what was written.
    reason_readers: frozenset[Role] | None = None

    def reason_readable_by(self, user_roles: frozenset[Role]) -> bool:
        return self.reason_readers is None or not self.reason_readers.isdisjoint(user_roles)


# --- Who -----------------------------------------------------------------------------------------

YJS = frozenset({Role.PRACTITIONER, Role.MANAGER})
MANAGER = frozenset({Role.MANAGER})
PANEL = frozenset({Role.PANEL_MEMBER})
POLICE = frozenset({Role.POLICE_OFFICER})

# Who may read what is written about the assessment (its notes, review and directions).
ASSESSMENT_READERS = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER})

# Who may enter a new referral or notification (police refer; YJS staff key in what arrives).
REFERRER_ROLES = frozenset({Role.POLICE_OFFICER, Role.PRACTITIONER, Role.MANAGER})
# Who may see individual cases at all (analysts work from the evaluation, admins from settings).
CASE_READER_ROLES = frozenset(
    {Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER, Role.POLICE_OFFICER}
)
