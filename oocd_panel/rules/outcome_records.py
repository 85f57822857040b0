"""What the decision, an escalation and the delivery of an outcome record.

The panel and police services check what people entered and pass these details with the
workflow action; the workflow writes the records in the same transaction as the state change,
so a decision can never exist without its case moving, or the other way round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from oocd_panel.catalogue import disposals
from oocd_panel.models import (
    AgendaItem,
    Decision,
    Delivery,
    DeliveryOutcome,
    Escalation,
    Referral,
    User,
)


@dataclass(frozen=True)
class Condition:
    text: str
    due_on: dt.date


@dataclass(frozen=True)
class DecisionDetails:
    """The police decision-maker's confirmation of the panel's decision."""

    item_id: int
    disposal: str
    interventions: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    confirmation_rationale: str | None = None
    departure_rationale: str | None = None
    on_behalf: bool = False


@dataclass(frozen=True)
class EscalationDetails:
    item_id: int
    police_inspector_id: int
    yjs_manager_id: int
    due_on: dt.date
    police_position: str | None
    yjs_position: str | None


@dataclass(frozen=True)
class ResolutionDetails:
    disposal: str
    rationale: str
    interventions: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    departure_rationale: str | None = None
    yjs_manager_agreed: bool = True
    # The YJS manager's view, kept when they did not agree.
    yjs_manager_view: str | None = None


@dataclass(frozen=True)
class DeliveryDetails:
    outcome: DeliveryOutcome
    delivered_on: dt.date
    appropriate_adult_present: bool | None = None
    appropriate_adult_name: str | None = None
    legal_advice_offered: bool | None = None
    legal_advice_taken: bool | None = None
    admission_confirmed: bool | None = None
    consent_signed: bool | None = None
    notes: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def tally_and_dissent(item: AgendaItem, final: str) -> tuple[dict[str, int], list[dict[str, str]]]:
    tally: dict[str, int] = {}
    dissent = []
    for vote in item.votes:
        tally[vote.disposal] = tally.get(vote.disposal, 0) + 1
        if vote.disposal != final:
            dissent.append(
                {
                    "member": vote.member.name,
                    "agency": vote.member.agency.label,
                    "disposal": vote.disposal,
                    "rationale": vote.rationale,
                }
            )
    return tally, dissent


def _conditions(conditions: tuple[Condition, ...]) -> list[dict[str, str]]:
    return [{"text": c.text, "due_on": c.due_on.isoformat()} for c in conditions]


def decision_from_vote(
    referral: Referral, item: AgendaItem, details: DecisionDetails, actor: User, now: dt.datetime
) -> Decision:
    tally, dissent = tally_and_dissent(item, details.disposal)
    return Decision(
        referral_id=referral.id,
        item_id=item.id,
        rule=item.rule or "",
        rule_outcome=item.rule_outcome,
        disposal=details.disposal,
        interventions=list(details.interventions),
        conditions=_conditions(details.conditions),
        tally=tally,
        dissent=dissent,
        confirmation_rationale=details.confirmation_rationale,
        departure_rationale=details.departure_rationale,
        confirmed_by_id=actor.id,
        confirmed_on_behalf=details.on_behalf,
        decided_at=now,
    )


def decision_from_escalation(
    referral: Referral,
    escalation: Escalation,
    details: ResolutionDetails,
    actor: User,
    now: dt.datetime,
) -> Decision:
    tally, dissent = tally_and_dissent(escalation.item, details.disposal)
    if not details.yjs_manager_agreed:
        dissent.append(
            {
                "member": escalation.yjs_manager.full_name,
                "agency": "YJS manager (escalation)",
                "disposal": "",
                "rationale": details.yjs_manager_view or "",
            }
        )
    return Decision(
        referral_id=referral.id,
        item_id=escalation.item_id,
        escalation_id=escalation.id,
        rule=escalation.item.rule or "",
        rule_outcome=None,
        disposal=details.disposal,
        interventions=list(details.interventions),
        conditions=_conditions(details.conditions),
        tally=tally,
        dissent=dissent,
        confirmation_rationale=details.rationale,
        departure_rationale=details.departure_rationale,
        confirmed_by_id=actor.id,
        decided_at=now,
    )


def delivery_record(
    referral: Referral, details: DeliveryDetails, actor: User, now: dt.datetime
) -> Delivery:
    return Delivery(
        referral_id=referral.id,
        outcome=details.outcome,
        delivered_on=details.delivered_on,
        appropriate_adult_present=details.appropriate_adult_present,
        appropriate_adult_name=details.appropriate_adult_name,
        legal_advice_offered=details.legal_advice_offered,
        legal_advice_taken=details.legal_advice_taken,
        admission_confirmed=details.admission_confirmed,
        consent_signed=details.consent_signed,
        notes=details.notes,
        recorded_by_id=actor.id,
        recorded_at=now,
    )


def departs_from_gravity_default(referral: Referral, disposal: str) -> bool:
    default = disposals.gravity_default(referral.gravity_score)
    return default is not None and default.code != disposal
