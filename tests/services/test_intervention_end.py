"""Ending an intervention keeps the KPI facts with the transition, in one transaction; without
them (or with one missing) the case does not move and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import kpis
from oocd_panel.models import (
    AuditEntry,
    ClosureReason,
    DecisionPoint,
    InterventionEnd,
    InterventionEnding,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
    VictimContact,
    YesNoUnknown,
)
from oocd_panel.plumbing.clock import local_date
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput
from oocd_panel.rules import intervention_end
from oocd_panel.services import audit_trail, subject_access
from oocd_panel.services.actions import take_action
from oocd_panel.services.interventions import end_intervention
from tests.factories import NOT_KNOWN_ANSWERS, Factory, child_details

S = ReferralStatus

ANSWERS = {
    **NOT_KNOWN_ANSWERS,
    "accommodation_suitable": "yes",
    "ete_suitable": "no",
    "send_need": "yes",
    "send_learning_plan": "yes",
    "mental_health_need": "yes",
    "mental_health_offered": "yes",
    "mental_health_attending": "no",
    "substance_need": "no",
    # Answered, but not asked (no need was identified): not kept.
    "substance_offered": "yes",
    "child_protection_plan": "no",
    "child_in_need": "yes",
    "victim_consent": "yes",
    "victim_views_sought": "yes",
    "victim_rj_offered": "no",
    "victim_kept_informed": "yes",
    "victim_support_info": "not_known",
}


def _counts(session: Session, referral_id: int) -> tuple[int, int, int]:
    def count(model: type, column: object) -> int:
        return int(
            session.scalar(select(func.count()).select_from(model).where(column == referral_id))
            or 0
        )

    return (
        count(InterventionEnd, InterventionEnd.referral_id),
        count(ReferralEvent, ReferralEvent.referral_id),
        count(DecisionPoint, DecisionPoint.referral_id),
    )


def _end(factory: Factory, referral: Referral, trigger: str, answers: dict, **kw: object) -> None:
    end_intervention(
        factory.session,
        kw.pop("actor", None) or factory.cast(Role.PRACTITIONER),  # type: ignore[arg-type]
        referral_id=referral.id,
        trigger=trigger,
        answers=answers,
        reason=kw.pop("reason", "Finished the sessions."),  # type: ignore[arg-type]
        expected_version=kw.pop("expected_version", referral.version),  # type: ignore[arg-type]
    )


def test_completing_an_intervention_keeps_the_facts_with_the_transition(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(
        S.INTERVENTION, child=child_details(send="ehcp", care_experience="none")
    )
    _end(factory, referral, "complete_intervention", ANSWERS)

    session.expire_all()
    done = session.get(Referral, referral.id)
    assert done is not None
    assert done.status is S.CLOSED
    assert done.closure_reason is ClosureReason.COMPLETED
    ended = done.intervention_end
    assert ended is not None
    assert ended.ending is InterventionEnding.COMPLETED
    assert ended.ended_on == local_date(done.events[-1].occurred_at)
    assert ended.accommodation_suitable is YesNoUnknown.YES
    assert ended.ete_suitable is YesNoUnknown.NO
    assert ended.send_learning_plan is YesNoUnknown.YES
    assert ended.mental_health_attending is YesNoUnknown.NO
    assert ended.substance_need is YesNoUnknown.NO
    assert ended.substance_offered is None  # not asked: no need
    assert ended.substance_attending is None
    assert ended.victim_consent is VictimContact.YES
    assert ended.victim_support_info is YesNoUnknown.NOT_KNOWN
    # From the child's record, as it was when the intervention ended.
    assert ended.ehcp is YesNoUnknown.YES
    assert ended.looked_after is YesNoUnknown.NO
    assert ended.recorded_by_id == factory.cast(Role.PRACTITIONER).id
    assert ended.service_id == done.service_id
    assert ended.disposal == done.disposal
    # The same transaction wrote the event, the decision point and the audit row.
    assert done.events[-1].trigger == "complete_intervention"
    point = session.scalars(
        select(DecisionPoint).where(
            DecisionPoint.referral_id == referral.id, DecisionPoint.point == "intervention_ended"
        )
    ).one()
    assert point.selected is True
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "intervention_end",
            AuditEntry.record_id == str(ended.id),
        )
    ).one()
    assert audit.action == "create"
    assert audit.child_id == done.child_id
    assert "mental" not in str(audit.details)  # what was answered stays out of the audit row


@pytest.mark.parametrize(
    ("trigger", "disposal", "status", "ending"),
    [
        ("end_not_completed", "youth_conditional_caution", S.RETURNED_TO_POLICE, "not_completed"),
        ("record_declined", "youth_caution", S.CLOSED, "stopped"),
    ],
)
def test_the_other_endings_keep_the_facts_too(
    factory: Factory, session: Session, trigger: str, disposal: str, status: S, ending: str
) -> None:
    referral = factory.referral_at(S.INTERVENTION, disposal=disposal)
    _end(factory, referral, trigger, NOT_KNOWN_ANSWERS)
    session.expire_all()
    done = session.get(Referral, referral.id)
    assert done is not None
    assert done.status is status
    assert done.intervention_end is not None
    assert done.intervention_end.ending.value == ending
    assert done.intervention_end.accommodation_suitable is YesNoUnknown.NOT_KNOWN


def test_a_missing_answer_is_refused_naming_each_and_nothing_changes(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.INTERVENTION, disposal="youth_conditional_caution")
    before = _counts(session, referral.id)
    answers = {
        **ANSWERS,
        "ete_suitable": None,
        "mental_health_attending": None,  # asked: the intervention was offered
        "victim_rj_offered": "maybe",  # not an answer
    }
    with pytest.raises(InvalidInput) as raised:
        _end(factory, referral, "end_not_completed", answers, reason="")
    assert set(raised.value.errors) == {
        "ete_suitable",
        "mental_health_attending",
        "victim_rj_offered",
        "reason",  # the action's own reason, checked at the same time
    }
    assert "attending" in raised.value.errors["mental_health_attending"]
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.INTERVENTION  # type: ignore[union-attr]
    assert _counts(session, referral.id) == before


def test_follow_up_questions_are_asked_only_after_a_yes() -> None:
    answers = {**NOT_KNOWN_ANSWERS}
    for key, question in kpis.QUESTIONS.items():
        if question.asked_if is not None:
            answers[key] = None  # unanswered, and not asked: no earlier yes
    assert intervention_end.problems(answers) == {}
    answers["mental_health_need"] = "yes"
    assert set(intervention_end.problems(answers)) == {"mental_health_offered"}
    answers["mental_health_offered"] = "yes"
    assert set(intervention_end.problems(answers)) == {"mental_health_attending"}
    answers["victim_consent"] = "yes"
    assert set(intervention_end.problems(answers)) == {
        "mental_health_attending",
        "victim_views_sought",
        "victim_rj_offered",
        "victim_kept_informed",
        "victim_support_info",
    }
    answers["victim_consent"] = "no_victim"
    answers["mental_health_need"] = "no"  # so offered and attending are not asked
    assert intervention_end.problems(answers) == {}
    assert intervention_end.kept(answers)["mental_health_offered"] is None


def test_the_workflow_refuses_to_end_an_intervention_without_the_facts(
    factory: Factory, session: Session
) -> None:
    """Whoever calls the one action function, the facts are needed."""
    referral = factory.referral_at(S.INTERVENTION)
    before = _counts(session, referral.id)
    with pytest.raises(InvalidInput) as raised:
        take_action(
            session,
            referral_id=referral.id,
            trigger="complete_intervention",
            actor=factory.cast(Role.PRACTITIONER),
            expected_version=referral.version,
        )
    assert "end-of-intervention page" in raised.value.errors["end_facts"]
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.INTERVENTION  # type: ignore[union-attr]
    assert _counts(session, referral.id) == before


def test_declining_before_the_work_started_asks_for_no_facts(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.SUPPORT_OFFERED)
    factory.act(referral, "record_declined", Role.PRACTITIONER)
    session.expire_all()
    done = session.get(Referral, referral.id)
    assert done is not None
    assert done.status is S.CLOSED
    assert done.intervention_end is None
    with pytest.raises(ActionNotAllowed, match="no intervention under way"):
        _end(factory, factory.referral_at(S.OUTCOME_DELIVERED), "record_declined", ANSWERS)


def test_a_failure_after_the_transition_leaves_neither_the_facts_nor_the_move(
    factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: the audit row is written last; when it fails, all of it rolls back."""
    referral = factory.referral_at(S.INTERVENTION)
    before = _counts(session, referral.id)
    real = audit_trail.record

    def failing(*args: object, **kwargs: object) -> None:
        if kwargs.get("record_type") == "intervention_end":
            raise RuntimeError("the disk is full")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(audit_trail, "record", failing)
    with pytest.raises(RuntimeError):
        _end(factory, referral, "complete_intervention", ANSWERS)
    session.expire_all()
    assert session.get(Referral, referral.id).status is S.INTERVENTION  # type: ignore[union-attr]
    assert _counts(session, referral.id) == before


def test_a_stale_page_changes_nothing(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.INTERVENTION)
    before = _counts(session, referral.id)
    with pytest.raises(CaseChanged):
        _end(
            factory,
            referral,
            "complete_intervention",
            ANSWERS,
            expected_version=referral.version - 1,
        )
    assert _counts(session, referral.id) == before


def test_only_yjs_staff_end_an_intervention(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.INTERVENTION)
    with pytest.raises(ActionNotAllowed, match="Only a"):
        _end(
            factory,
            referral,
            "complete_intervention",
            ANSWERS,
            actor=factory.cast(Role.POLICE_OFFICER),
        )
    assert _counts(session, referral.id)[0] == 0


def test_the_facts_are_in_the_childs_subject_access_record(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.INTERVENTION)
    _end(factory, referral, "complete_intervention", ANSWERS)
    access = subject_access.export(session, factory.cast(Role.MANAGER), referral.child_id)
    case = next(c for c in access.record["cases"] if c["police_reference"])
    ended = case["end_of_intervention"]
    assert ended["how"] == "Completed"
    assert ended["answers"][kpis.QUESTIONS["child_in_need"].label] == "Yes"
    assert kpis.QUESTIONS["substance_offered"].label not in ended["answers"]  # not asked
