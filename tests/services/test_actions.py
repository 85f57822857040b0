"""Every allowed transition works and writes its event; forbidden ones change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel import workflow
from oocd_panel.demo import panels as demo_panel
from oocd_panel.demo.seed import delivery_for
from oocd_panel.models import (
    AssessmentStatus,
    ClosureReason,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
)
from oocd_panel.plumbing.clock import local_today, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.rules.intervention_end import ends_intervention
from oocd_panel.services import panels, police
from oocd_panel.services.actions import take_action
from oocd_panel.services.assessments import save_section
from oocd_panel.workflow import ACTIONS, current_item
from tests.factories import Factory

S = ReferralStatus

# The disposal a case must have been decided with for the action to make sense.
_DISPOSAL_FOR = {
    ("close_charged", S.DECIDED): "charge",
    ("close_no_further_action", S.DECIDED): "no_further_action",
    ("end_not_completed", S.INTERVENTION): "youth_conditional_caution",
    ("decline_voluntary_at_delivery", S.DECIDED): "outcome_22",
}

ALLOWED = [(a.trigger, source) for a in ACTIONS for source in a.sources]
REASON = "Because the test says so."


def _fire(factory: Factory, referral: Referral, trigger: str) -> None:
    """Take the action the way the product does: through its page's service."""
    session = factory.session
    if trigger == "take_to_panel":
        factory.to_panel(referral)
    elif trigger == "decide":
        factory.decide(referral, "community_resolution")
    elif trigger == "escalate":
        item = current_item(referral)
        assert item is not None
        demo_panel.vote(
            session,
            factory.panel(),
            item,
            "community_resolution",
            utcnow(),
            police_vote="youth_caution",
        )
    elif trigger == "resolve_escalation":
        panels.propose_resolution(
            session,
            factory.panel().inspector,
            referral_id=referral.id,  # type: ignore[arg-type]
            given=panels.DecisionInput(
                "community_resolution", confirmation_rationale=REASON, departure_rationale=REASON
            ),
            expected_version=referral.version,
        )
        panels.answer_resolution(
            session,
            factory.panel().yjs_manager,
            referral_id=referral.id,  # type: ignore[arg-type]
            agreed=True,
            expected_version=referral.version,
        )
    elif trigger == "record_delivery":
        factory.deliver(referral)
    elif trigger in {"decline_at_delivery", "decline_voluntary_at_delivery"}:
        police.record_delivery(
            session,
            factory.cast(Role.POLICE_OFFICER),
            referral_id=referral.id,
            given=police.DeliveryInput("declined", local_today(), notes=REASON),
            expected_version=referral.version,
        )
    elif ends_intervention(trigger, referral.status):
        factory.act(referral, trigger, Role.PRACTITIONER, reason=REASON)
    else:
        action = workflow.ACTIONS_BY_TRIGGER[trigger]
        role = sorted(action.roles)[0]
        if trigger == "submit_for_sign_off":
            factory.complete_assessment(referral, role)
        take_action(
            session,
            referral_id=referral.id,
            trigger=trigger,
            actor=factory.cast(role),
            expected_version=referral.version,
            reason=REASON,
        )


def _snapshot_of_case(session: Session, referral_id: int) -> tuple[object, ...]:
    session.expire_all()
    referral = session.get(Referral, referral_id)
    assert referral is not None
    events = session.scalar(
        select(func.count())
        .select_from(ReferralEvent)
        .where(ReferralEvent.referral_id == referral_id)
    )
    return (referral.status, referral.version, referral.disposal, referral.closure_reason, events)


@pytest.mark.parametrize(("trigger", "source"), ALLOWED, ids=[f"{t}-from-{s}" for t, s in ALLOWED])
def test_every_allowed_transition(
    factory: Factory, session: Session, trigger: str, source: ReferralStatus
) -> None:
    action = workflow.ACTIONS_BY_TRIGGER[trigger]
    referral = factory.referral_at(
        source, disposal=_DISPOSAL_FOR.get((trigger, source), "youth_caution")
    )
    before_events = len(referral.events)

    _fire(factory, referral, trigger)

    session.expire_all()
    done = session.get(Referral, referral.id)
    assert done is not None
    assert done.status is action.dest
    assert done.closure_reason == action.closes_as or action.closes_as is None
    event = done.events[-1]
    assert len(done.events) == before_events + 1
    assert (event.from_status, event.to_status, event.trigger) == (source, action.dest, trigger)
    assert event.actor_id is not None
    assert event.snapshot["ethnicity_group"] == "black"
    assert event.snapshot["care_experience"] == "looked_after"
    if action.closes_as is not None:
        assert done.closed_at is not None
        assert event.details["closure_reason"] == action.closes_as.value


FORBIDDEN = [
    (trigger, status)
    for status in ReferralStatus
    for trigger in workflow.ACTIONS_BY_TRIGGER
    if status not in workflow.ACTIONS_BY_TRIGGER[trigger].sources
]
# A sample: for each state, every trigger that is not allowed from it (the whole set is cheap
# for the early states; later states reuse the same cases).
SAMPLE = [
    pair
    for i, pair in enumerate(FORBIDDEN)
    if pair[1] in {S.REFERRED, S.AT_PANEL, S.CLOSED, S.NOTIFIED} or i % 4 == 0
]


@pytest.mark.parametrize(("trigger", "status"), SAMPLE, ids=[f"{t}-from-{s}" for t, s in SAMPLE])
def test_forbidden_transitions_change_nothing(
    factory: Factory, session: Session, trigger: str, status: ReferralStatus
) -> None:
    action = workflow.ACTIONS_BY_TRIGGER[trigger]
    referral = factory.referral_at(status)
    before = _snapshot_of_case(session, referral.id)
    with pytest.raises(ActionNotAllowed, match="so you cannot"):
        take_action(
            session,
            referral_id=referral.id,
            trigger=trigger,
            actor=factory.cast(sorted(action.roles)[0]),
            expected_version=referral.version,
            reason="Trying anyway.",
        )
    assert _snapshot_of_case(session, referral.id) == before


@pytest.mark.parametrize("trigger", [a.trigger for a in ACTIONS])
def test_wrong_role_is_refused_and_changes_nothing(
    factory: Factory, session: Session, trigger: str
) -> None:
    action = workflow.ACTIONS_BY_TRIGGER[trigger]
    source = action.sources[0]
    referral = factory.referral_at(
        source, disposal=_DISPOSAL_FOR.get((trigger, source), "youth_caution")
    )
    # Prefer someone who can read the case but may not take this action.
    outsider = next(
        r
        for r in (
            Role.POLICE_OFFICER,
            Role.PANEL_MEMBER,
            Role.PRACTITIONER,
            Role.MANAGER,
            Role.ANALYST,
        )
        if r not in action.roles
    )
    before = _snapshot_of_case(session, referral.id)
    with pytest.raises(ActionNotAllowed, match="Only a"):
        take_action(
            session,
            referral_id=referral.id,
            trigger=trigger,
            actor=factory.cast(outsider),
            expected_version=referral.version,
            reason="x",
        )
    assert _snapshot_of_case(session, referral.id) == before


def test_a_manager_cannot_sign_off_an_assessment_they_submitted(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    factory.act(referral, "submit_for_sign_off", Role.MANAGER)
    before = _snapshot_of_case(session, referral.id)
    with pytest.raises(ActionNotAllowed, match="different manager must sign it off"):
        factory.act(referral, "sign_off", Role.MANAGER)
    assert _snapshot_of_case(session, referral.id) == before
    # Another manager can.
    other = factory.user(Role.MANAGER)
    take_action(
        session,
        referral_id=referral.id,
        trigger="sign_off",
        actor=other,
        expected_version=referral.version,
        reason="Good analysis.",
    )
    assert session.get(Referral, referral.id).status is S.READY_FOR_PANEL  # type: ignore[union-attr]


def test_a_manager_who_is_the_allocated_practitioner_cannot_sign_off(
    factory: Factory, session: Session
) -> None:
    both = factory.user(Role.PRACTITIONER, Role.MANAGER)
    factory._cast[Role.PRACTITIONER] = both  # the factory writes the assessment as them
    referral = factory.referral()
    factory.act(referral, "start_assessment", Role.PRACTITIONER)
    factory.act(referral, "submit_for_sign_off", Role.PRACTITIONER)
    with pytest.raises(ActionNotAllowed, match="different manager"):
        take_action(
            session,
            referral_id=referral.id,
            trigger="sign_off",
            actor=both,
            expected_version=None,
            reason="Mine.",
        )


def test_a_case_cannot_be_decided_after_its_sign_off_was_undone(
    factory: Factory, session: Session
) -> None:
    """The guard reads the assessment: it must be signed off."""
    referral = factory.referral_at(S.AT_PANEL)
    ctx = workflow.Context(referral, factory.cast(Role.PANEL_MEMBER))
    assert workflow.assessment_signed_off(ctx) is None
    assert referral.assessment is not None
    referral.assessment.status = AssessmentStatus.RETURNED  # as if the sign-off had been undone
    assert "has not been signed off" in (workflow.assessment_signed_off(ctx) or "")
    session.rollback()


def test_a_decision_without_its_details_is_refused(factory: Factory, session: Session) -> None:
    """The generic action cannot stand in for the panel: decide needs a closed vote and details."""
    referral = factory.referral_at(S.AT_PANEL)
    before = _snapshot_of_case(session, referral.id)
    with pytest.raises(ActionNotAllowed, match="has not closed yet"):
        take_action(
            session,
            referral_id=referral.id,
            trigger="decide",
            actor=factory.cast(Role.PANEL_MEMBER),
            expected_version=None,
            reason="x",
        )
    item = current_item(referral)
    assert item is not None
    demo_panel.vote(session, factory.panel(), item, "youth_caution", utcnow())
    with pytest.raises(InvalidInput) as raised:
        take_action(
            session,
            referral_id=referral.id,
            trigger="decide",
            actor=factory.cast(Role.PANEL_MEMBER),
            expected_version=None,
            reason="x",
        )
    assert raised.value.errors == {
        "decision": "Record the decision from the panel's page for this case."
    }
    assert _snapshot_of_case(session, referral.id) == before


def test_delivery_date_cannot_be_in_the_future(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.DECIDED)
    given = delivery_for(referral, local_today() + dt.timedelta(days=2))
    with pytest.raises(InvalidInput) as raised:
        police.record_delivery(
            session,
            factory.cast(Role.POLICE_OFFICER),
            referral_id=referral.id,
            given=given,
            expected_version=None,
        )
    assert "today or in the past" in raised.value.errors["delivered_on"]


def test_conditional_caution_work_cannot_be_declined(factory: Factory) -> None:
    referral = factory.referral_at(S.INTERVENTION, disposal="youth_conditional_caution")
    with pytest.raises(ActionNotAllowed, match="not voluntary"):
        factory.act(referral, "record_declined", Role.PRACTITIONER)


def test_stopping_voluntary_work_is_the_childs_choice_not_a_breach(factory: Factory) -> None:
    referral = factory.referral_at(S.INTERVENTION, disposal="youth_caution")
    with pytest.raises(ActionNotAllowed, match="never a breach"):
        factory.act(referral, "end_not_completed", Role.PRACTITIONER)
    factory.act(referral, "record_declined", Role.PRACTITIONER)
    assert referral.closure_reason is ClosureReason.DECLINED


def test_charge_is_not_delivered_as_an_out_of_court_outcome(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.DECIDED, disposal="charge")
    with pytest.raises(ActionNotAllowed, match="do not deliver"):
        police.record_delivery(
            session,
            factory.cast(Role.POLICE_OFFICER),
            referral_id=referral.id,
            given=delivery_for(referral, local_today()),
            expected_version=None,
        )


def test_stale_version_changes_nothing(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    seen_version = referral.version
    factory.act(referral, "start_assessment", Role.PRACTITIONER)
    before = _snapshot_of_case(session, referral.id)
    with pytest.raises(CaseChanged):
        take_action(
            session,
            referral_id=referral.id,
            trigger="withdraw",
            actor=factory.cast(Role.POLICE_OFFICER),
            expected_version=seen_version,
            reason="Too late.",
        )
    assert _snapshot_of_case(session, referral.id) == before


def test_concurrent_update_is_caught_by_the_version_column(
    factory: Factory, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """Two sessions load the same case; the second to write loses and changes nothing."""
    referral = factory.referral()
    first, second = session_factory(), session_factory()
    mine = second.get(Referral, referral.id)
    assert mine is not None
    take_action(
        first,
        referral_id=referral.id,
        trigger="start_assessment",
        actor=first.merge(factory.cast(Role.PRACTITIONER)),
        expected_version=referral.version,
    )
    mine.victim_views = "Edited in a stale session"
    with pytest.raises(Exception, match="expected to update 1 row"):
        second.commit()
    second.rollback()
    first.close()
    second.close()


def test_cases_of_other_services_are_not_found(factory: Factory, session: Session) -> None:
    referral = factory.referral()
    stranger = factory.user(Role.PRACTITIONER, services=[factory.service("elsewhere")])
    with pytest.raises(NotFound):
        take_action(
            session,
            referral_id=referral.id,
            trigger="start_assessment",
            actor=stranger,
            expected_version=None,
        )


def test_an_error_after_the_state_changed_rolls_everything_back(
    factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = factory.referral()
    before = _snapshot_of_case(session, referral.id)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("oocd_panel.services.actions.record_event", broken)
    with pytest.raises(RuntimeError):
        factory.act(referral, "start_assessment", Role.PRACTITIONER)
    assert _snapshot_of_case(session, referral.id) == before


def test_an_optional_reason_may_be_left_out_and_starting_allocates_the_case(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral()
    take_action(
        session,
        referral_id=referral.id,
        trigger="start_assessment",
        actor=factory.cast(Role.PRACTITIONER),
        expected_version=None,
        reason=None,
    )
    session.expire_all()
    done = session.get(Referral, referral.id)
    assert done is not None
    assert done.events[-1].reason is None
    assert done.practitioner_id == factory.cast(Role.PRACTITIONER).id


def test_a_conditional_caution_cannot_be_closed_as_no_further_action(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_conditional_caution")
    before = _snapshot_of_case(session, referral.id)
    for role in (Role.POLICE_OFFICER, Role.PRACTITIONER):
        with pytest.raises(ActionNotAllowed, match="conditions of a youth conditional caution"):
            factory.act(referral, "close_no_further_action", role)
    assert _snapshot_of_case(session, referral.id) == before
    # A voluntary outcome needing no work can close so.
    voluntary = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    factory.act(voluntary, "close_no_further_action", Role.PRACTITIONER)


def test_a_manager_who_took_the_case_on_cannot_sign_it_off(
    factory: Factory, session: Session
) -> None:
    manager = factory.cast(Role.MANAGER)
    referral = factory.referral()
    factory.act(referral, "start_assessment", Role.MANAGER)
    assert referral.practitioner_id == manager.id
    factory.act(referral, "submit_for_sign_off", Role.PRACTITIONER)
    with pytest.raises(ActionNotAllowed, match="different manager"):
        factory.act(referral, "sign_off", Role.MANAGER)


def test_a_manager_who_wrote_part_of_the_assessment_cannot_sign_it_off(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    factory.complete_assessment(referral)
    helper = factory.user(Role.MANAGER)
    section = referral.assessment.section("behaviour")  # type: ignore[union-attr]
    assert section is not None
    save_section(
        session,
        helper,
        referral_id=referral.id,
        key="behaviour",
        answers={**section.answers, "concerns": "Edited by the manager."},
        mark_completed=True,
        expected_version=section.version,
    )
    factory.act(referral, "submit_for_sign_off", Role.PRACTITIONER)
    with pytest.raises(ActionNotAllowed, match="different manager"):
        take_action(
            session,
            referral_id=referral.id,
            trigger="sign_off",
            actor=helper,
            expected_version=None,
            reason="Looks fine.",
        )


def test_offering_support_allocates_the_case_to_whoever_offered_it(factory: Factory) -> None:
    referral = factory.referral_at(S.SUPPORT_OFFERED)
    assert referral.practitioner_id == factory.cast(Role.PRACTITIONER).id
