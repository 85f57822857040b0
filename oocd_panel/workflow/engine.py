"""The referral state machine, and asking it who may do what now.

One module-level `transitions` machine, built from `actions.ACTIONS`, serves every referral; the
`status` column in the database is the only truth, and no referral is ever attached to the
machine (never `add_model`; see docs/architecture.md). `run` moves a referral through an action:
the guards run as the machine's conditions and `effects.record_effects` after the move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import EventData, Machine

from oocd_panel.models import Referral, ReferralStatus, User
from oocd_panel.plumbing.errors import ActionNotAllowed
from oocd_panel.workflow.actions import ACTIONS
from oocd_panel.workflow.effects import record_effects
from oocd_panel.workflow.guards import INPUT_GUARDS
from oocd_panel.workflow.model import Action, Context, Guard


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
