"""What an action writes besides the status: who holds the case, the assessment version sent for
sign-off and its review, the panel's vote, the decision, the escalation and its resolution, the
delivery, the facts kept when an intervention ends, and how the case closed. The machine calls
`record_effects` after moving the status."""

from __future__ import annotations

from oocd_panel.models import (
    AgendaStatus,
    AssessmentStatus,
    AssessmentVersion,
    Escalation,
    ReviewOutcome,
)
from oocd_panel.rules import assessment_quality
from oocd_panel.rules.intervention_end import EndFacts, end_record
from oocd_panel.rules.outcome_records import (
    decision_from_escalation,
    decision_from_vote,
    delivery_record,
)
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.workflow.guards import current_item
from oocd_panel.workflow.model import Action, Context, Input

# The actions that record a delivery (given, or declined when offered).
DELIVERY_TRIGGERS = frozenset(
    {"record_delivery", "decline_at_delivery", "decline_voluntary_at_delivery"}
)


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


def record_effects(action: Action, ctx: Context) -> None:
    """Everything `action` writes on `ctx.referral` besides its new status."""
    referral = ctx.referral
    trigger = action.trigger
    if trigger in {"start_assessment", "offer_support"} and referral.practitioner_id is None:
        # Whoever takes the case on holds it (a manager too: then they cannot sign it off).
        referral.practitioner_id = ctx.actor.id
    elif trigger == "submit_for_sign_off":
        _keep_submitted_version(ctx)
    elif trigger == "sign_off":
        _record_review(ctx, ReviewOutcome.SIGNED_OFF)
    elif trigger == "return_for_rework":
        _record_review(ctx, ReviewOutcome.RETURNED)
    elif trigger == "take_to_panel":
        item = current_item(referral)
        assert item is not None  # on_an_agenda has checked
        item.status = AgendaStatus.VOTING
        item.opened_at = ctx.now
        # The rule in force now decides this vote, whatever the settings say when it closes.
        settings = settings_for(referral.service)
        item.rule = settings.decision_rule
        item.tie_break = settings.majority_tie_break
    elif trigger == "decide":
        item = current_item(referral)
        assert item is not None
        details = ctx.inputs[Input.DECISION]
        referral.disposal = details.disposal
        referral.decision = decision_from_vote(referral, item, details, ctx.actor, ctx.now)
        item.status = AgendaStatus.DECIDED
    elif trigger == "escalate":
        item = current_item(referral)
        assert item is not None
        e = ctx.inputs[Input.ESCALATION]
        item.status = AgendaStatus.ESCALATED
        referral.escalations.append(
            Escalation(
                item_id=item.id,
                police_inspector_id=e.police_inspector_id,
                yjs_manager_id=e.yjs_manager_id,
                due_on=e.due_on,
                police_position=e.police_position,
                yjs_position=e.yjs_position,
                opened_at=ctx.now,
            )
        )
    elif trigger == "resolve_escalation":
        escalation = referral.open_escalation
        assert escalation is not None
        details = ctx.inputs[Input.RESOLUTION]
        escalation.resolved_at = ctx.now
        # The inspector's decision (the police hold it), made final by the YJS manager's answer.
        escalation.resolved_by_id = escalation.police_inspector_id
        escalation.resolution = details.disposal
        escalation.rationale = details.rationale
        escalation.yjs_manager_agreed = details.yjs_manager_agreed
        escalation.yjs_manager_view = details.yjs_manager_view
        referral.disposal = details.disposal
        referral.decision = decision_from_escalation(
            referral, escalation, details, escalation.police_inspector, ctx.now
        )
    elif trigger in DELIVERY_TRIGGERS:
        details = ctx.inputs[Input.DELIVERY]
        referral.deliveries.append(delivery_record(referral, details, ctx.actor, ctx.now))
        if trigger == "record_delivery":
            referral.delivered_on = details.delivered_on
    elif isinstance(facts := ctx.inputs.get(Input.END_FACTS), EndFacts):
        # Only given when the action ends an intervention under way (end_facts_given).
        referral.intervention_end = end_record(referral, facts, trigger, ctx.actor, ctx.now)
    elif trigger == "withdraw":
        # Nothing about the case stays live: its vote and any escalation end with it.
        item = current_item(referral)
        if item is not None:
            item.status = AgendaStatus.WITHDRAWN
        escalation = referral.open_escalation
        if escalation is not None:
            escalation.withdrawn = True
            escalation.resolved_at = ctx.now
            escalation.resolved_by_id = ctx.actor.id
    if action.closes_as is not None:
        referral.closure_reason = action.closes_as
        referral.closed_at = ctx.now
