"""The work a child does after the outcome: progress notes while it is under way, and ending
it with the facts the YJB's key performance indicators ask for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.orm import Session

from oocd_panel import workflow
from oocd_panel.models import InterventionNote, Referral, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.intervention_end import ENDING_TRIGGERS, EndFacts, kept, problems
from oocd_panel.services import audit_trail
from oocd_panel.services.actions import reason_problem, take_action

NOTE_STATUSES = (
    ReferralStatus.OUTCOME_DELIVERED,
    ReferralStatus.INTERVENTION,
    ReferralStatus.SUPPORT_OFFERED,
)


def add_note(
    session: Session,
    author: User,
    *,
    referral_id: int,
    text: str,
    now: dt.datetime | None = None,
) -> InterventionNote:
    """`now` is when it was written (default: now); the demo data uses it to make history."""
    if not author.has_role(Role.PRACTITIONER, Role.MANAGER):
        raise ActionNotAllowed("Only YJS staff write intervention notes.")
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in author.service_ids:
        raise NotFound("There is no such case in your services.")
    if referral.status not in NOTE_STATUSES:
        raise ActionNotAllowed(
            f"Notes are for work under way; this case is '{referral.status.label}'."
        )
    text = clean_text(text)
    if not text:
        raise InvalidInput({"text": "Write the note"})
    if len(text) > 5000:
        raise InvalidInput({"text": "The note must be 5,000 characters or fewer"})
    note = InterventionNote(
        referral_id=referral.id, author_id=author.id, text=text, written_at=now or utcnow()
    )
    with unit_of_work(session):
        session.add(note)
        session.flush()
        audit_trail.record(
            session,
            actor=author,
            action="create",
            record_type="intervention_note",
            record_id=note.id,
            child_id=referral.child_id,
        )
    return note


def end_intervention(
    session: Session,
    practitioner: User,
    *,
    referral_id: int,
    trigger: str,
    answers: Mapping[str, str | None],
    reason: str | None,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> Referral:
    """End the intervention under way by `trigger` (completed, conditions not completed, or the
    child chose to stop), keeping the KPI facts in `answers` (question key: answer, as in
    catalogue/kpis.py) with the state change, in one transaction. Every question asked must be
    answered ("not known" is an answer): InvalidInput names each one that is not, with the
    action's reason where it needs one. `now` is when (default: now; the demo makes history)."""
    action = workflow.ACTIONS_BY_TRIGGER.get(trigger)
    if action is None or trigger not in ENDING_TRIGGERS:
        raise ActionNotAllowed("That action does not end an intervention.")
    referral = session.get(Referral, referral_id)
    if referral is None or referral.service_id not in practitioner.service_ids:
        raise NotFound("There is no such case in your services.")
    refused = workflow.refusal(action, workflow.Context(referral, practitioner))
    if refused is not None:
        raise ActionNotAllowed(refused)
    if referral.status is not ReferralStatus.INTERVENTION:
        raise ActionNotAllowed("There is no intervention under way on this case.")
    errors = {**problems(answers), **reason_problem(action, reason)}
    if errors:
        raise InvalidInput(errors)
    with unit_of_work(session):
        take_action(
            session,
            referral_id=referral.id,
            trigger=trigger,
            actor=practitioner,
            expected_version=expected_version,
            reason=reason,
            inputs={workflow.Input.END_FACTS: EndFacts(kept(answers))},
            now=now,
        )
        ended = referral.intervention_end
        assert ended is not None
        session.flush()
        audit_trail.record(
            session,
            actor=practitioner,
            action="create",
            record_type="intervention_end",
            record_id=ended.id,
            child_id=referral.child_id,
            details={"trigger": trigger},
        )
    return referral
