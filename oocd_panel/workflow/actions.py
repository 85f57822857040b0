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

from collections.abc import Callable
from typing import Any

from transitions import EventData, Machine

from oocd_panel.models import ClosureReason, Referral, ReferralStatus, Role, User
from oocd_panel.plumbing.errors import ActionNotAllowed
from oocd_panel.workflow.effects import record_effects
from oocd_panel.workflow.guards import (
    INPUT_GUARDS,
    assessment_ready,
    assessment_signed_off,
    assessment_submitted,
    decided_charge,
    decision_given,
    declining_goes_to_police,
    declining_is_the_childs_right,
    delivered_by_police,
    delivery_given,
    escalation_given,
    no_action_to_take,
    not_own_assessment,
    offers_intervention,
    on_an_agenda,
    open_escalation,
    resolution_given,
    vote_closed,
    work_is_conditional,
    work_is_voluntary,
)
from oocd_panel.workflow.model import (
    BEFORE_DECISION,
    MANAGER,
    POLICE,
    YJS,
    Action,
    Context,
    Guard,
    Input,
    Reason,
    S,
)

# --- The actions ---------------------------------------------------------------------------------

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
        "Open the panel's vote",
        (S.READY_FOR_PANEL,),
        S.AT_PANEL,
        frozenset({Role.MANAGER, Role.PANEL_MEMBER}),
        "The chair opens the panel's vote on the case at the meeting.",
        guards=(on_an_agenda,),
        automatic=True,
    ),
    Action(
        "decide",
        "Confirm the panel's decision (police decision-maker)",
        (S.AT_PANEL,),
        S.DECIDED,
        frozenset({Role.PANEL_MEMBER, Role.MANAGER}),
        "The police decision-maker confirms the decision the panel's vote gave, or decides "
        "otherwise with a rationale.",
        inputs=(Input.DECISION,),
        guards=(vote_closed, decision_given, assessment_signed_off),
    ),
    Action(
        "escalate",
        "Escalate: police and YJS disagree",
        (S.AT_PANEL,),
        S.ESCALATED,
        frozenset({Role.MANAGER, Role.PANEL_MEMBER}),
        "The vote closed without the agreement the decision rule needs. A police inspector and a "
        "YJS manager resolve it.",
        inputs=(Input.ESCALATION,),
        guards=(escalation_given,),
        automatic=True,
    ),
    Action(
        "resolve_escalation",
        "Record how the escalation was resolved",
        (S.ESCALATED,),
        S.DECIDED,
        frozenset({Role.POLICE_OFFICER, Role.PANEL_MEMBER}),
        "The named police inspector records the outcome, why, and whether the YJS manager "
        "agreed. The police hold the final decision; a YJS manager's disagreement is kept.",
        inputs=(Input.RESOLUTION,),
        guards=(open_escalation, resolution_given, assessment_signed_off),
    ),
    Action(
        "record_delivery",
        "Record that the outcome was given",
        (S.DECIDED,),
        S.OUTCOME_DELIVERED,
        POLICE,
        "Record how and when the police gave the child the outcome.",
        inputs=(Input.DELIVERY,),
        guards=(delivered_by_police, delivery_given),
    ),
    Action(
        "decline_at_delivery",
        "Record that the child declined the outcome",
        (S.DECIDED,),
        S.RETURNED_TO_POLICE,
        POLICE,
        "The child would not accept the outcome (for example would not consent to the conditions "
        "of a conditional caution). The case goes back to the police for their decision.",
        inputs=(Input.DELIVERY,),
        guards=(delivered_by_police, declining_goes_to_police, delivery_given),
        warning=True,
    ),
    Action(
        "decline_voluntary_at_delivery",
        "Record that the child chose not to take part",
        (S.DECIDED,),
        S.CLOSED,
        POLICE,
        "The child chose not to take part in voluntary work that asked for no admission "
        "(Outcome 22). That is their right: nothing further happens about the offence.",
        inputs=(Input.DELIVERY,),
        guards=(delivered_by_police, declining_is_the_childs_right, delivery_given),
        closes_as=ClosureReason.DECLINED,
        warning=True,
    ),
    Action(
        "close_charged",
        "Close: the child was charged",
        (S.DECIDED, S.RETURNED_TO_POLICE),
        S.CLOSED,
        frozenset({Role.POLICE_OFFICER, Role.MANAGER}),
        "The police charge the child; the case goes to the youth court.",
        reason=Reason.OPTIONAL,
        guards=(decided_charge,),
        closes_as=ClosureReason.CHARGED,
    ),
    Action(
        "close_no_further_action",
        "Close with no further action",
        (S.DECIDED, S.NOTIFIED, S.OUTCOME_DELIVERED, S.RETURNED_TO_POLICE),
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
        "Record that the child chose not to take part, or to stop",
        (S.SUPPORT_OFFERED, S.OUTCOME_DELIVERED, S.INTERVENTION),
        S.CLOSED,
        YJS,
        "The child or family chose not to take part in voluntary work, or to stop. That is their "
        "right: it is not a breach, and nothing further happens about the offence.",
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
        "Conditions not completed: return to police",
        (S.INTERVENTION,),
        S.RETURNED_TO_POLICE,
        YJS,
        "The conditions of a conditional caution or a deferred prosecution were not completed. "
        "The case goes back to the police for their decision.",
        reason=Reason.REQUIRED,
        reason_label="Which conditions were not completed, and why",
        guards=(work_is_conditional,),
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
        record_effects(action, event.kwargs["ctx"])

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
        if not a.automatic
        and referral.status in a.sources
        and refusal(a, Context(referral, actor)) is None
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
