"""Taking an action on a case: the one function every state change goes through.

It checks the actor may take the action, runs the shared state machine, writes the event row
and commits, all in one database transaction; on any failure it rolls back, so nothing changes,
and raises an error whose message the page shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel import workflow
from oocd_panel.models import Referral, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services.events import record_event
from oocd_panel.workflow import INPUT_GUARDS, Context, Reason


def _json_safe(value: Any) -> Any:
    """Dates as ISO strings, enums as values, dataclasses as dicts: ready for a JSON column."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _json_safe(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _details(action: workflow.Action, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What the event records of the action's inputs (and the closure reason)."""
    details: dict[str, Any] = {name: _json_safe(inputs.get(name)) for name in action.inputs}
    if action.closes_as is not None:
        details["closure_reason"] = str(action.closes_as)
    return details


def reason_problem(action: workflow.Action, reason: str | None) -> dict[str, str]:
    """The error for a reason the action needs and did not get (by field), or none."""
    if action.reason is Reason.REQUIRED and not clean_text(reason):
        return {"reason": f"Enter {action.reason_label[0].lower()}{action.reason_label[1:]}"}
    return {}


def take_action(
    session: Session,
    *,
    referral_id: int,
    trigger: str,
    actor: User,
    expected_version: int | None,
    reason: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Fire `trigger` on the referral as `actor`.

    `expected_version` is the version the user saw; if the case changed since, nothing happens
    and CaseChanged is raised. Raises NotFound, ActionNotAllowed or InvalidInput otherwise.
    `now` is when the action happened (default: now); the demo data uses it to make history.
    """
    action = workflow.ACTIONS_BY_TRIGGER.get(trigger)
    if action is None:
        raise ActionNotAllowed("That action does not exist.")
    inputs = dict(inputs or {})
    reason = clean_text(reason) or None
    with unit_of_work(session):
        referral = session.scalars(
            select(Referral).where(Referral.id == referral_id).with_for_update()
        ).one_or_none()
        if referral is None or referral.service_id not in actor.service_ids:
            raise NotFound("There is no such case in your services.")
        if expected_version is not None and referral.version != expected_version:
            raise CaseChanged()
        ctx = Context(referral, actor, inputs, now or utcnow(), reason)
        refused = workflow.refusal(action, ctx)
        if refused is not None:
            raise ActionNotAllowed(refused)
        errors: dict[str, str] = {}
        for guard, field_name in INPUT_GUARDS.items():
            if guard in action.guards:
                message = guard(ctx)
                if message is not None:
                    errors[field_name] = message
        errors.update(reason_problem(action, reason))
        if errors:
            raise InvalidInput(errors)

        from_status = referral.status
        workflow.run(action, ctx)
        record_event(
            referral,
            trigger=trigger,
            from_status=from_status,
            actor=actor,
            at=ctx.now,
            reason=reason,
            details=_details(action, inputs),
        )
    return referral
