"""The referral state machine: states, actions (triggers), who may take them, and the rules.

One module-level `transitions` machine serves every referral; the `status` column in the
database is the only truth, and no referral is ever attached to the machine (see
docs/architecture.md). Each action is declared once, in `ACTIONS`, with everything pages and
the service function need: its label, where it may start, where it ends, the roles that may
take it, the reason it needs, the extra inputs it asks for and the rules (guards) it must pass.

Two ways in:
- a **referral** for a joint panel decision starts at `referred`;
- a **notification** of an outcome the police gave alone starts at `notified`: the YJS offers
  voluntary support, the family accepts or declines, and the case closes.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from transitions import EventData, Machine

from oocd_panel import assessment_quality, disposals
from oocd_panel.clock import local_date, utcnow
from oocd_panel.disposals import Work
from oocd_panel.errors import ActionNotAllowed
from oocd_panel.models import (
    Agency,
    AssessmentStatus,
    AssessmentVersion,
    ClosureReason,
    Referral,
    ReferralStatus,
    ReviewOutcome,
    Role,
    User,
)

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
    """Extra information an action asks for."""

    DISPOSAL = "disposal"
    DELIVERED_ON = "delivered_on"


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


# --- Rules (guards) ------------------------------------------------------------------------------


def _submitter_id(referral: Referral) -> int | None:
    for event in reversed(referral.events):
        if event.trigger == "submit_for_sign_off":
            return event.actor_id
    return None


def _authors(referral: Referral) -> set[int | None]:
    """Everyone who took the case on, wrote part of the assessment, or sent it for sign-off."""
    authors = {_submitter_id(referral), referral.practitioner_id}
    if referral.assessment is not None:
        authors |= set(referral.assessment.contributor_ids or [])
    return authors


def not_own_assessment(ctx: Context) -> str | None:
    """Nobody signs off their own assessment."""
    if ctx.actor.id in _authors(ctx.referral):
        return "You wrote or submitted this assessment, so a different manager must sign it off."
    return None


def decision_maker(ctx: Context) -> str | None:
    """The decision is recorded by a police or YJS decision-maker; other members advise."""
    if ctx.actor.agency not in {Agency.POLICE, Agency.YJS}:
        return (
            "Only the police or YJS decision-maker on the panel can record the decision; "
            "other members advise."
        )
    return None


def assessment_ready(ctx: Context) -> str | None:
    """Every section of the assessment is completed and passes the quality gates."""
    if assessment_quality.problems_before_submission(ctx.referral.assessment):
        return (
            "The assessment is not ready for sign-off: open it to see which sections need "
            "completing or more detail."
        )
    return None


def assessment_submitted(ctx: Context) -> str | None:
    """The assessment has been submitted and is waiting for a manager."""
    assessment = ctx.referral.assessment
    if assessment is None or assessment.status is not AssessmentStatus.SUBMITTED:
        return "There is no submitted assessment waiting for sign-off."
    return None


def assessment_signed_off(ctx: Context) -> str | None:
    """A case cannot be decided without a signed-off assessment."""
    assessment = ctx.referral.assessment
    if assessment is None or assessment.status is not AssessmentStatus.SIGNED_OFF:
        return (
            "The pre-panel assessment has not been signed off by a manager, so the case "
            "cannot be decided."
        )
    return None


def _disposal(ctx: Context) -> disposals.Disposal | None:
    return disposals.find(ctx.referral.disposal)


def delivered_by_police(ctx: Context) -> str | None:
    """The police deliver the decided outcome (not charge or NFA)."""
    d = _disposal(ctx)
    if d is None or not d.delivered_by_police:
        name = d.name if d else "no outcome"
        return (
            f"The decision was {name}, which the police do not deliver as an out-of-court outcome."
        )
    return None


def decided_charge(ctx: Context) -> str | None:
    """The decision was to charge."""
    if ctx.referral.disposal != "charge":
        return "Only a decision to charge closes the case as sent to court."
    return None


def no_action_to_take(ctx: Context) -> str | None:
    """'No further action' only after an NFA decision, or when no conditions are outstanding."""
    if ctx.referral.status is S.DECIDED and ctx.referral.disposal != "no_further_action":
        return (
            "The decision was not 'no further action': record the delivery of the outcome instead."
        )
    d = _disposal(ctx)
    if ctx.referral.status is S.OUTCOME_DELIVERED and d is not None and d.work is Work.CONDITIONAL:
        return (
            f"The conditions of a {d.plain_name.lower()} are compulsory: start the intervention, "
            "and record whether they were completed."
        )
    return None


def offers_intervention(ctx: Context) -> str | None:
    """The outcome comes with YJS work to do."""
    d = _disposal(ctx)
    if d is None or not d.offers_intervention:
        return "This outcome comes with no intervention to start."
    return None


def work_is_voluntary(ctx: Context) -> str | None:
    """Only voluntary work can be declined; conditions of a conditional caution cannot."""
    if ctx.referral.status is S.SUPPORT_OFFERED:
        return None
    d = _disposal(ctx)
    if d is not None and not d.work_is_voluntary:
        return (
            f"The work for a {d.plain_name.lower()} is not voluntary, so it cannot be declined: "
            "if the child does not take part, record the intervention as not completed."
        )
    return None


def valid_disposal(ctx: Context) -> str | None:
    """A disposal from the catalogue is chosen."""
    if ctx.inputs.get(Input.DISPOSAL) not in disposals.codes():
        return "Select the decision."
    return None


def valid_delivery_date(ctx: Context) -> str | None:
    """The delivery date is real, not in the future, not before the referral."""
    delivered_on = ctx.inputs.get(Input.DELIVERED_ON)
    if not isinstance(delivered_on, dt.date):
        return "Enter the date the outcome was given."
    if delivered_on > ctx.today:
        return "The date the outcome was given must be today or in the past."
    if delivered_on < ctx.referral.received_on:
        return (
            "The date the outcome was given must be on or after the date the referral was received."
        )
    return None


# Guards that check what the user entered: their messages belong to a form field.
INPUT_GUARDS: dict[Guard, Input] = {
    valid_disposal: Input.DISPOSAL,
    valid_delivery_date: Input.DELIVERED_ON,
}

# --- Effects: what an action writes besides the status ------------------------------------------


def _keep_submitted_version(ctx: Context) -> None:
    """Sending for sign-off keeps what was sent, whole, as the next version."""
    assessment = ctx.referral.assessment
    assert assessment is not None  # assessment_ready has checked
    content = assessment.answers()
    found = assessment_quality.warnings(content, ctx.referral.gravity_score)
    assessment.versions.append(
        AssessmentVersion(
            number=len(assessment.versions) + 1,
            content=content,
            warnings=[w.message for w in found],
            submitted_by_id=ctx.actor.id,
            submitted_at=ctx.now,
        )
    )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.safety_rating = content.get("safety", {}).get("rating")
    assessment.others_rating = content.get("others", {}).get("rating")
    assessment.recommended_disposal = content.get("recommendation", {}).get("disposal")


def _record_review(ctx: Context, outcome: ReviewOutcome) -> None:
    assessment = ctx.referral.assessment
    assert assessment is not None
    version = assessment.latest_version
    assert version is not None  # assessment_submitted has checked
    version.outcome = outcome
    version.review_comment = ctx.reason
    version.reviewed_by_id = ctx.actor.id
    version.reviewed_at = ctx.now
    assessment.status = (
        AssessmentStatus.SIGNED_OFF
        if outcome is ReviewOutcome.SIGNED_OFF
        else AssessmentStatus.RETURNED
    )


def _effects(action: Action, ctx: Context) -> None:
    referral = ctx.referral
    if action.trigger in {"start_assessment", "offer_support"} and referral.practitioner_id is None:
        # Whoever takes the case on holds it (a manager too: then they cannot sign it off).
        referral.practitioner_id = ctx.actor.id
    elif action.trigger == "submit_for_sign_off":
        _keep_submitted_version(ctx)
    elif action.trigger == "sign_off":
        _record_review(ctx, ReviewOutcome.SIGNED_OFF)
    elif action.trigger == "return_for_rework":
        _record_review(ctx, ReviewOutcome.RETURNED)
    if Input.DISPOSAL in action.inputs:
        referral.disposal = ctx.inputs[Input.DISPOSAL]
    if Input.DELIVERED_ON in action.inputs:
        referral.delivered_on = ctx.inputs[Input.DELIVERED_ON]
    if action.closes_as is not None:
        referral.closure_reason = action.closes_as
        referral.closed_at = ctx.now


# --- The actions ---------------------------------------------------------------------------------

YJS = frozenset({Role.PRACTITIONER, Role.MANAGER})
MANAGER = frozenset({Role.MANAGER})
PANEL = frozenset({Role.PANEL_MEMBER})
POLICE = frozenset({Role.POLICE_OFFICER})

ACTIONS: tuple[Action, ...] = (
    Action(
        "start_assessment",
        "Start the assessment",
        (S.REFERRED,),
        S.ASSESSING,
        YJS,
        "Take on this referral and start the pre-panel assessment. The case is allocated to you.",
    ),
    Action(
        "submit_for_sign_off",
        "Send the assessment for sign-off",
        (S.ASSESSING,),
        S.AWAITING_SIGN_OFF,
        YJS,
        "A manager will check the assessment and sign it off or return it with directions.",
        guards=(assessment_ready,),
    ),
    Action(
        "sign_off",
        "Sign off the assessment",
        (S.AWAITING_SIGN_OFF,),
        S.READY_FOR_PANEL,
        MANAGER,
        "Confirm the assessment is good enough for the panel. You cannot sign off your own.",
        reason=Reason.REQUIRED,
        reason_label="Your comment on the assessment",
        guards=(assessment_submitted, not_own_assessment),
    ),
    Action(
        "return_for_rework",
        "Return the assessment with directions",
        (S.AWAITING_SIGN_OFF,),
        S.ASSESSING,
        MANAGER,
        "Send the assessment back to the practitioner with what needs to change.",
        reason=Reason.REQUIRED,
        reason_label="Directions: what needs to change",
        guards=(assessment_submitted,),
        warning=True,
    ),
    Action(
        "take_to_panel",
        "Take the case to panel",
        (S.READY_FOR_PANEL,),
        S.AT_PANEL,
        frozenset({Role.MANAGER, Role.PANEL_MEMBER}),
        "The panel is now considering this case.",
    ),
    Action(
        "decide",
        "Record the panel's decision",
        (S.AT_PANEL,),
        S.DECIDED,
        PANEL,
        "Record the outcome the police and YJS decision-makers agreed.",
        reason=Reason.REQUIRED,
        reason_label="Rationale for the decision",
        inputs=(Input.DISPOSAL,),
        guards=(valid_disposal, decision_maker, assessment_signed_off),
    ),
    Action(
        "escalate",
        "Escalate: police and YJS disagree",
        (S.AT_PANEL,),
        S.ESCALATED,
        PANEL,
        "The police and YJS decision-makers do not agree. The case goes to a police inspector "
        "and a YJS manager to resolve.",
        reason=Reason.REQUIRED,
        reason_label="What the disagreement is about",
        warning=True,
    ),
    Action(
        "resolve_escalation",
        "Record how the escalation was resolved",
        (S.ESCALATED,),
        S.DECIDED,
        frozenset({Role.MANAGER, Role.POLICE_OFFICER}),
        "Record the outcome the police inspector and YJS manager agreed.",
        reason=Reason.REQUIRED,
        reason_label="Rationale for the resolution",
        inputs=(Input.DISPOSAL,),
        guards=(valid_disposal, assessment_signed_off),
    ),
    Action(
        "record_delivery",
        "Record that the outcome was given",
        (S.DECIDED,),
        S.OUTCOME_DELIVERED,
        POLICE,
        "Record the date the police gave the child the outcome.",
        inputs=(Input.DELIVERED_ON,),
        guards=(delivered_by_police, valid_delivery_date),
    ),
    Action(
        "close_charged",
        "Close: the child was charged",
        (S.DECIDED,),
        S.CLOSED,
        frozenset({Role.POLICE_OFFICER, Role.MANAGER}),
        "The decision was to charge; the case goes to the youth court.",
        guards=(decided_charge,),
        closes_as=ClosureReason.CHARGED,
    ),
    Action(
        "close_no_further_action",
        "Close with no further action",
        (S.DECIDED, S.NOTIFIED, S.OUTCOME_DELIVERED),
        S.CLOSED,
        YJS | POLICE,
        "Close the case: nothing more will happen.",
        reason=Reason.REQUIRED,
        reason_label="Why no further action is needed",
        guards=(no_action_to_take,),
        closes_as=ClosureReason.NO_FURTHER_ACTION,
    ),
    Action(
        "start_intervention",
        "Start the intervention",
        (S.OUTCOME_DELIVERED,),
        S.INTERVENTION,
        YJS,
        "The child starts the agreed work with the YJS.",
        guards=(offers_intervention,),
    ),
    Action(
        "offer_support",
        "Record that voluntary support was offered",
        (S.NOTIFIED,),
        S.SUPPORT_OFFERED,
        YJS,
        "Voluntary support (for example the Turnaround programme) was offered to the child "
        "and family.",
    ),
    Action(
        "accept_support",
        "Record that the family accepted support",
        (S.SUPPORT_OFFERED,),
        S.INTERVENTION,
        YJS,
        "The child and family agreed to the voluntary support.",
    ),
    Action(
        "record_declined",
        "Record that the child declined voluntary work",
        (S.SUPPORT_OFFERED, S.OUTCOME_DELIVERED, S.INTERVENTION),
        S.CLOSED,
        YJS,
        "The child or family said no to voluntary work. That is their right and nothing further "
        "happens about the offence.",
        guards=(work_is_voluntary,),
        closes_as=ClosureReason.DECLINED,
        warning=True,
    ),
    Action(
        "complete_intervention",
        "Close: intervention completed",
        (S.INTERVENTION,),
        S.CLOSED,
        YJS,
        "The child finished the agreed work.",
        closes_as=ClosureReason.COMPLETED,
    ),
    Action(
        "end_not_completed",
        "Close: intervention not completed",
        (S.INTERVENTION,),
        S.CLOSED,
        YJS,
        "The intervention ended before the work was finished.",
        reason=Reason.REQUIRED,
        reason_label="Why the intervention was not completed",
        closes_as=ClosureReason.NOT_COMPLETED,
        warning=True,
    ),
    Action(
        "withdraw",
        "Withdraw the referral (police)",
        BEFORE_DECISION,
        S.CLOSED,
        frozenset({Role.POLICE_OFFICER, Role.MANAGER}),
        "The police withdraw the referral before a decision. A manager may record this on the "
        "police's behalf.",
        reason=Reason.REQUIRED,
        reason_label="Why the police withdrew the referral",
        closes_as=ClosureReason.WITHDRAWN,
        warning=True,
    ),
)

ACTIONS_BY_TRIGGER: dict[str, Action] = {a.trigger: a for a in ACTIONS}


def _guard_condition(guard: Guard) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        message = guard(event.kwargs["ctx"])
        if message is not None:
            raise ActionNotAllowed(message)
        return True

    condition.__name__ = guard.__name__
    return condition


def _effect_callback(action: Action) -> Callable[[EventData], None]:
    def after(event: EventData) -> None:
        _effects(action, event.kwargs["ctx"])

    return after


def _machine_transitions() -> list[dict[str, Any]]:
    return [
        {
            "trigger": a.trigger,
            "source": list(a.sources),
            "dest": a.dest,
            "conditions": [_guard_condition(g) for g in a.guards],
            "after": _effect_callback(a),
        }
        for a in ACTIONS
    ]


machine = Machine(
    model=None,
    states=ReferralStatus,
    initial=None,
    model_attribute="status",
    auto_transitions=False,
    send_event=True,
    transitions=_machine_transitions(),
)


# --- Asking the machine --------------------------------------------------------------------------


def refusal(action: Action, ctx: Context, *, check_inputs: bool = False) -> str | None:
    """Why `ctx.actor` may not take `action` on `ctx.referral` now, or None if they may."""
    referral, actor = ctx.referral, ctx.actor
    if referral.service_id not in actor.service_ids:
        return "This case belongs to a service you do not work for."
    if not actor.has_role(*action.roles):
        who = " or ".join(sorted(r.label for r in action.roles))
        return f"Only a {who} can do this: {action.label.lower()}."
    if referral.status not in action.sources:
        return (
            f"This case is now '{referral.status.label}', so you cannot "
            f"{action.label[0].lower()}{action.label[1:]} now."
        )
    for guard in action.guards:
        if guard in INPUT_GUARDS and not check_inputs:
            continue
        message = guard(ctx)
        if message is not None:
            return message
    return None


def available_actions(referral: Referral, actor: User) -> list[Action]:
    """Exactly the actions this user may take on this case now."""
    return [
        a
        for a in ACTIONS
        if referral.status in a.sources and refusal(a, Context(referral, actor)) is None
    ]


def run(action: Action, ctx: Context) -> None:
    """Move the referral through `action` on the shared machine (guards raise ActionNotAllowed).

    The caller owns the database transaction and must roll back if this raises.
    """
    if not machine.events[action.trigger].trigger(ctx.referral, ctx=ctx):
        raise ActionNotAllowed(f"{action.label} is not possible now.")


def triggers_from(status: ReferralStatus) -> list[str]:
    return list(machine.get_triggers(status))


def is_final(status: ReferralStatus) -> bool:
    return not machine.get_triggers(status)


# Who may enter a new referral or notification (police refer; YJS staff key in what arrives).
REFERRER_ROLES = frozenset({Role.POLICE_OFFICER, Role.PRACTITIONER, Role.MANAGER})
# Who may see individual cases at all (analysts work from the evaluation, admins from settings).
CASE_READER_ROLES = frozenset(
    {Role.PRACTITIONER, Role.MANAGER, Role.PANEL_MEMBER, Role.POLICE_OFFICER}
)
