"""The rules (guards) an action must pass: each returns None when the action may go ahead, or a
sentence saying why not. `engine.refusal` checks the service, the role and the status first.
Also `current_item`, the agenda item a case is on now, which the panel rules look at."""

from __future__ import annotations

from typing import Any

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.disposals import Work
from oocd_panel.models import AgendaItem, AgendaStatus, AssessmentStatus, Referral, Route
from oocd_panel.plumbing.clock import local_date
from oocd_panel.rules import assessment_quality
from oocd_panel.rules.intervention_end import EndFacts, problems
from oocd_panel.rules.outcome_records import (
    DecisionDetails,
    DeliveryDetails,
    EscalationDetails,
    ResolutionDetails,
)
from oocd_panel.workflow.model import Context, Guard, Input, S


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
    """The decision was to charge (or the case came back to the police for their decision)."""
    if ctx.referral.status is S.DECIDED and ctx.referral.disposal != "charge":
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
    """Only voluntary work can be declined or stopped; the conditions of a caution cannot."""
    if ctx.referral.status is S.SUPPORT_OFFERED:
        return None
    d = _disposal(ctx)
    if d is not None and not d.work_is_voluntary:
        return (
            f"The work for a {d.plain_name.lower()} is not voluntary: if the conditions are not "
            "completed, record that, and the case goes back to the police for their decision."
        )
    return None


def declining_goes_to_police(ctx: Context) -> str | None:
    """Declining an outcome the child must accept sends the case back to the police."""
    d = _disposal(ctx)
    if d is not None and d.declining_ends_the_case:
        return (
            f"Saying no to {d.name} is the child's right: record it as their choice, and the "
            "case closes."
        )
    return None


def declining_is_the_childs_right(ctx: Context) -> str | None:
    """Declining voluntary work that needs no admission (Outcome 22) closes the case."""
    d = _disposal(ctx)
    if d is None or not d.declining_ends_the_case:
        return (
            "The child must accept this outcome for it to be given: record that they declined "
            "it, and the case goes back to the police."
        )
    return None


def work_is_conditional(ctx: Context) -> str | None:
    """Only conditions can go uncompleted; stopping voluntary work is the child's choice."""
    d = _disposal(ctx)
    if ctx.referral.route is Route.NOTIFICATION or d is None or d.work is not Work.CONDITIONAL:
        return (
            "This work is voluntary: if the child stops, record that they chose to stop. "
            "That is their right and is never a breach."
        )
    return None


def on_an_agenda(ctx: Context) -> str | None:
    """The case is on a panel meeting's agenda."""
    if current_item(ctx.referral) is None:
        return "Put the case on a panel meeting's agenda first."
    return None


def vote_closed(ctx: Context) -> str | None:
    """The panel's vote on the case has closed with an outcome (not an escalation)."""
    item = current_item(ctx.referral)
    if item is None or item.status is not AgendaStatus.VOTE_CLOSED:
        return "The panel's vote on this case has not closed yet."
    return None


def open_escalation(ctx: Context) -> str | None:
    """The case has an escalation waiting for resolution."""
    if ctx.referral.open_escalation is None:
        return "There is no open escalation on this case."
    return None


def _details(ctx: Context, key: Input, kind: type[Any]) -> Any:
    value = ctx.inputs.get(key)
    return value if isinstance(value, kind) else None


def decision_given(ctx: Context) -> str | None:
    """The decision's details: a disposal from the catalogue, for the case's current vote."""
    details = _details(ctx, Input.DECISION, DecisionDetails)
    item = current_item(ctx.referral)
    if details is None or item is None or details.item_id != item.id:
        return "Record the decision from the panel's page for this case."
    if details.disposal not in disposals.codes():
        return "Select the decision."
    return None


def escalation_given(ctx: Context) -> str | None:
    """The escalation's details: who resolves it and by when."""
    if _details(ctx, Input.ESCALATION, EscalationDetails) is None:
        return "A case is escalated when the panel's vote closes without agreement."
    return None


def resolution_given(ctx: Context) -> str | None:
    """The resolution the named inspector proposed, answered by the named YJS manager."""
    details = _details(ctx, Input.RESOLUTION, ResolutionDetails)
    escalation = ctx.referral.open_escalation
    if details is None or escalation is None or not escalation.proposal:
        return "The police inspector records the resolution on the escalation's page first."
    if ctx.actor.id != escalation.yjs_manager_id:
        return (
            f"Only the named YJS manager, {escalation.yjs_manager.full_name}, says whether they "
            "agree with the inspector's resolution, which makes it the decision."
        )
    if details.disposal not in disposals.codes():
        return "Select the outcome agreed."
    return None


def delivery_given(ctx: Context) -> str | None:
    """The delivery's details: a real date, not in the future, not before the decision."""
    details = _details(ctx, Input.DELIVERY, DeliveryDetails)
    if details is None:
        return "Record the delivery from the police outcome page."
    if details.delivered_on > ctx.today:
        return "The date must be today or in the past."
    if details.delivered_on < ctx.referral.received_on:
        return "The date must be on or after the date the referral was received."
    decision = ctx.referral.decision
    if decision is not None and details.delivered_on < local_date(decision.decided_at):
        return "The date must be on or after the date of the decision."
    return None


def end_facts_given(ctx: Context) -> str | None:
    """Ending an intervention records the facts the YJB's KPIs ask for (any may be not known).

    Declining before the work started records none."""
    facts = _details(ctx, Input.END_FACTS, EndFacts)
    # Each action with this guard ends an intervention when it is taken from one.
    if ctx.referral.status is not S.INTERVENTION:
        if facts is not None:
            return "No intervention is under way, so there are no end-of-intervention facts."
        return None
    if facts is None or problems(facts.answers):
        return (
            "Record the facts about the end of the intervention (accommodation, education, "
            "health, wider services and the victim) on the case's end-of-intervention page."
        )
    return None


# Guards that check what the user entered: skipped when asking which actions to offer.
INPUT_GUARDS: dict[Guard, Input] = {
    decision_given: Input.DECISION,
    escalation_given: Input.ESCALATION,
    resolution_given: Input.RESOLUTION,
    delivery_given: Input.DELIVERY,
    end_facts_given: Input.END_FACTS,
}


def current_item(referral: Referral) -> AgendaItem | None:
    """The agenda item the case is on now (waiting, voting or awaiting confirmation)."""
    live = (AgendaStatus.WAITING, AgendaStatus.VOTING, AgendaStatus.VOTE_CLOSED)
    return next((i for i in reversed(referral.agenda_items) if i.status in live), None)
