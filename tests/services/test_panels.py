"""Panel meetings, votes and decision rules, as the services enforce them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from oocd_panel.demo import panels as demo_panel
from oocd_panel.models import Agency, AgendaItem, AgendaStatus, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput
from oocd_panel.rules.decision_rules import Ballot, Seat, apply_rule, quorum_problems
from oocd_panel.rules.service_settings import ServiceSettings
from oocd_panel.services import panels
from oocd_panel.services.panels import DecisionInput, VoteInput
from oocd_panel.workflow import current_item
from tests.factories import Factory

S = ReferralStatus
REASON = "Proportionate to the offence and what the assessment found."


def _seat(
    i: int, agency: Agency, dm: bool = False, present: bool = True, conflicted: bool = False
) -> Seat:
    return Seat(i, f"Member {i}", agency, dm, present, conflicted)


PANEL = [
    _seat(1, Agency.POLICE, dm=True),
    _seat(2, Agency.YJS, dm=True),
    _seat(3, Agency.HEALTH),
    _seat(4, Agency.EDUCATION),
    _seat(5, Agency.COMMUNITY_VOLUNTEER),
]


def test_joint_rule_needs_police_and_yjs_to_agree_others_advise() -> None:
    joint = ServiceSettings()
    agreed = apply_rule(
        PANEL,
        [
            Ballot(1, "youth_caution"),
            Ballot(2, "youth_caution"),
            Ballot(3, "charge"),
            Ballot(4, "charge"),
            Ballot(5, "charge"),
        ],
        joint,
    )
    assert agreed.disposal == "youth_caution"  # three advisers cannot outvote the joint decision
    assert agreed.tally == {"youth_caution": 2, "charge": 3}
    split = apply_rule(
        PANEL, [Ballot(1, "youth_caution"), Ballot(2, "community_resolution")], joint
    )
    assert split.escalate
    assert (split.police_position, split.yjs_position) == ("youth_caution", "community_resolution")


def test_majority_rule_and_its_tie_breaks() -> None:
    majority = ServiceSettings(decision_rule="majority")
    ballots = [
        Ballot(1, "youth_caution"),
        Ballot(2, "community_resolution"),
        Ballot(3, "community_resolution"),
        Ballot(4, "youth_caution"),
        Ballot(5, "no_further_action"),
    ]
    assert apply_rule(PANEL, ballots, majority).disposal == "youth_caution"  # police breaks the tie
    chair = ServiceSettings(decision_rule="majority", majority_tie_break="chair")
    assert apply_rule(PANEL, ballots, chair, chair_member_id=2).disposal == "community_resolution"
    escalate = ServiceSettings(decision_rule="majority", majority_tie_break="escalate")
    assert apply_rule(PANEL, ballots, escalate).escalate
    clear = [*ballots[:4], Ballot(5, "community_resolution")]
    assert apply_rule(PANEL, clear, majority).disposal == "community_resolution"


def test_quorum_needs_both_decision_makers_and_enough_others() -> None:
    settings = ServiceSettings(quorum_other_members=2)
    assert quorum_problems(PANEL, settings) == []
    police_conflicted = [_seat(1, Agency.POLICE, dm=True, conflicted=True), *PANEL[1:]]
    assert quorum_problems(police_conflicted, settings) == [
        "No police decision-maker is present and free of a conflict of interest"
    ]
    few = [*PANEL[:2], _seat(3, Agency.HEALTH), _seat(4, Agency.EDUCATION, present=False)]
    assert quorum_problems(few, settings)[0].startswith("The quorum needs 2 other members")


def _open_item(factory: Factory) -> AgendaItem:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    return factory.to_panel(referral)


def _member(item: AgendaItem, name: str):  # type: ignore[no-untyped-def]
    return next(m for m in item.meeting.members if m.name == name)


def test_votes_are_refused_from_absent_conflicted_or_other_members_and_after_close(
    factory: Factory, session: Session
) -> None:
    item = _open_item(factory)
    cast = factory.panel()
    volunteer = _member(item, "Volunteer One")
    police = item.meeting.member_for(cast.police)
    assert police is not None
    # A member can only vote for themselves; the chair may record for anyone present.
    with pytest.raises(ActionNotAllowed, match="only vote for yourself"):
        panels.cast_vote(
            session,
            cast.police,
            item_id=item.id,
            member_id=volunteer.id,
            vote=VoteInput("youth_caution", (), REASON),
        )
    vote = panels.cast_vote(
        session,
        cast.chair,
        item_id=item.id,
        member_id=volunteer.id,
        vote=VoteInput("youth_caution", (), REASON),
    )
    assert vote.on_behalf
    # Absent.
    panels.record_attendance(
        session, cast.chair, meeting_id=item.meeting_id, present={volunteer.id: False}
    )
    with pytest.raises(ActionNotAllowed, match="not recorded as present"):
        panels.cast_vote(
            session,
            cast.chair,
            item_id=item.id,
            member_id=volunteer.id,
            vote=VoteInput("youth_caution", (), REASON),
        )
    # Conflicted: their earlier vote is removed and they cannot vote again.
    panels.record_attendance(
        session, cast.chair, meeting_id=item.meeting_id, present={volunteer.id: True}
    )
    panels.declare_conflict(
        session,
        cast.chair,
        item_id=item.id,
        member_id=volunteer.id,
        reason="Lives next door to the family.",
    )
    assert item.vote_of(volunteer) is None
    with pytest.raises(ActionNotAllowed, match="declared a conflict"):
        panels.cast_vote(
            session,
            cast.chair,
            item_id=item.id,
            member_id=volunteer.id,
            vote=VoteInput("youth_caution", (), REASON),
        )
    # Without a rationale.
    with pytest.raises(InvalidInput) as raised:
        panels.cast_vote(
            session,
            cast.police,
            item_id=item.id,
            member_id=police.id,
            vote=VoteInput("youth_caution", (), "  "),
        )
    assert raised.value.errors == {"rationale": "Give the rationale for your vote"}


def _vote_as(
    session: Session, cast: demo_panel.PanelCast, item: AgendaItem, member, disposal: str
) -> None:  # type: ignore[no-untyped-def]
    """The member votes from their own device, or the chair records it for one without."""
    who = next(
        (u for u in (cast.chair, cast.police, *cast.advisers) if u.id == member.user_id),
        cast.chair,
    )
    panels.cast_vote(
        session,
        who,
        item_id=item.id,
        member_id=member.id,
        vote=VoteInput(disposal, (), REASON),
    )


def test_the_chair_cannot_close_without_quorum_or_everyones_vote(
    factory: Factory, session: Session
) -> None:
    item = _open_item(factory)
    cast = factory.panel()
    with pytest.raises(ActionNotAllowed, match="Not everyone present has voted"):
        panels.close_vote(session, cast.chair, item_id=item.id)
    one, two = _member(item, "Volunteer One"), _member(item, "Volunteer Two")
    panels.record_attendance(
        session, cast.chair, meeting_id=item.meeting_id, present={one.id: False}
    )
    with pytest.raises(ActionNotAllowed, match="not quorate"):
        panels.close_vote(session, cast.chair, item_id=item.id)
    panels.record_attendance(
        session, cast.chair, meeting_id=item.meeting_id, present={one.id: True}
    )
    with pytest.raises(ActionNotAllowed, match="Only the chair"):
        panels.close_vote(session, cast.police, item_id=item.id)
    # Everyone but Volunteer Two votes: the chair still cannot close, and is told who is missing.
    for member in item.meeting.members:
        if member is not two:
            _vote_as(session, cast, item, member, "community_resolution")
    with pytest.raises(ActionNotAllowed, match="Not everyone present has voted: Volunteer Two"):
        panels.close_vote(session, cast.chair, item_id=item.id)
    assert item.status is AgendaStatus.VOTING


def test_a_vote_can_change_until_close_and_not_after(factory: Factory, session: Session) -> None:
    item = _open_item(factory)
    cast = factory.panel()
    police = item.meeting.member_for(cast.police)
    assert police is not None
    panels.cast_vote(
        session,
        cast.police,
        item_id=item.id,
        member_id=police.id,
        vote=VoteInput("charge", (), REASON),
    )
    panels.cast_vote(
        session,
        cast.police,
        item_id=item.id,
        member_id=police.id,
        vote=VoteInput("youth_caution", ("one_to_one",), REASON),
    )
    assert [v.disposal for v in item.votes] == ["youth_caution"]
    demo_panel.vote(session, cast, item, "youth_caution", utcnow())
    assert item.status is AgendaStatus.VOTE_CLOSED
    with pytest.raises(ActionNotAllowed, match="has closed"):
        panels.cast_vote(
            session,
            cast.police,
            item_id=item.id,
            member_id=police.id,
            vote=VoteInput("charge", (), REASON),
        )


def test_votes_stay_hidden_until_everyone_has_voted(factory: Factory, session: Session) -> None:
    item = _open_item(factory)
    cast = factory.panel()
    settings = ServiceSettings()
    police = item.meeting.member_for(cast.police)
    assert police is not None
    panels.cast_vote(
        session,
        cast.police,
        item_id=item.id,
        member_id=police.id,
        vote=VoteInput("youth_caution", (), REASON),
    )
    assert not panels.votes_visible(item, cast.police, settings)
    assert not panels.votes_visible(item, cast.chair, settings)
    assert panels.votes_visible(
        item, cast.police, ServiceSettings(votes_hidden_until_all_cast=False)
    )


def test_the_police_decision_maker_confirms_with_the_rationales_the_rules_need(
    factory: Factory, session: Session
) -> None:
    item = _open_item(factory)  # gravity 3: the default is a youth caution
    cast = factory.panel()
    demo_panel.vote(session, cast, item, "youth_caution", utcnow())
    health = factory.user(Role.PANEL_MEMBER, agency=Agency.HEALTH)
    with pytest.raises(ActionNotAllowed, match="Only the police decision-maker"):
        panels.confirm_decision(
            session,
            health,
            item_id=item.id,
            given=DecisionInput("youth_caution"),
            expected_version=None,
        )
    with pytest.raises(InvalidInput) as raised:
        panels.confirm_decision(
            session,
            cast.police,
            item_id=item.id,
            given=DecisionInput("youth_conditional_caution"),
            expected_version=None,
        )
    assert set(raised.value.errors) == {
        "confirmation_rationale",
        "departure_rationale",
        "conditions-0-text",
    }
    past = local_today() - dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as raised:
        panels.confirm_decision(
            session,
            cast.police,
            item_id=item.id,
            expected_version=None,
            given=DecisionInput(
                "youth_conditional_caution",
                conditions=(("Apologise", past),),
                confirmation_rationale=REASON,
                departure_rationale=REASON,
            ),
        )
    assert raised.value.errors == {
        "conditions-0-due_on": "The deadline for condition 1 must be in the future"
    }
    soon = local_today() + dt.timedelta(days=30)
    referral = panels.confirm_decision(
        session,
        cast.police,
        item_id=item.id,
        expected_version=None,
        given=DecisionInput(
            "youth_conditional_caution", ("one_to_one",), (("Apologise", soon),), REASON, REASON
        ),
    )
    assert referral.status is S.DECIDED
    decision = referral.decision
    assert decision is not None
    assert decision.rule_outcome == "youth_caution"
    assert decision.conditions == [{"text": "Apologise", "due_on": soon.isoformat()}]
    assert decision.tally == {"youth_caution": 4}
    assert len(decision.dissent) == 4  # every vote differs from the final decision
    assert decision.confirmation_rationale == REASON


def test_disagreement_escalates_to_named_people_who_resolve_it(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ESCALATED)
    escalation = referral.open_escalation
    assert escalation is not None
    cast = factory.panel()
    assert (escalation.police_position, escalation.yjs_position) == (
        "community_resolution",
        "youth_caution",
    )
    assert escalation.due_on > local_today()
    # The chair, and the YJS manager alone, cannot settle it: the police inspector records it.
    for who in (cast.chair, escalation.yjs_manager):
        with pytest.raises(ActionNotAllowed, match="Only the named police inspector"):
            panels.propose_resolution(
                session,
                who,
                referral_id=referral.id,
                given=DecisionInput("youth_caution", confirmation_rationale=REASON),
                expected_version=None,
            )
    assert cast.inspector is not None
    # Nor can the YJS manager answer before there is a resolution to answer.
    with pytest.raises(ActionNotAllowed, match="has not recorded the resolution"):
        panels.answer_resolution(
            session,
            escalation.yjs_manager,
            referral_id=referral.id,
            agreed=True,
            expected_version=None,
        )
    with pytest.raises(InvalidInput) as raised:
        panels.propose_resolution(
            session,
            cast.inspector,
            referral_id=referral.id,
            given=DecisionInput("youth_caution"),
            expected_version=None,
        )
    assert raised.value.errors == {
        "confirmation_rationale": "Give the rationale for the resolution",
    }
    panels.propose_resolution(
        session,
        cast.inspector,
        referral_id=referral.id,
        given=DecisionInput("youth_caution", ("one_to_one",), confirmation_rationale=REASON),
        expected_version=None,
    )
    # The inspector may change it until it is answered; a manager who loaded the case before
    # the change is told it changed and agrees to nothing.
    seen = referral.version
    panels.propose_resolution(
        session,
        cast.inspector,
        referral_id=referral.id,
        given=DecisionInput("youth_caution", confirmation_rationale=REASON),
        expected_version=None,
    )
    with pytest.raises(CaseChanged):
        panels.answer_resolution(
            session,
            escalation.yjs_manager,
            referral_id=referral.id,
            agreed=True,
            expected_version=seen,
        )
    assert referral.status is S.ESCALATED
    # Only the named YJS manager answers, signed in as themselves: not the inspector for them.
    with pytest.raises(ActionNotAllowed, match="Only the named YJS manager"):
        panels.answer_resolution(
            session, cast.inspector, referral_id=referral.id, agreed=True, expected_version=None
        )
    with pytest.raises(InvalidInput) as raised:
        panels.answer_resolution(
            session,
            escalation.yjs_manager,
            referral_id=referral.id,
            agreed=None,
            expected_version=None,
        )
    assert raised.value.errors == {
        "yjs_manager_agreed": "Select whether you agree with this resolution"
    }
    with pytest.raises(InvalidInput) as raised:
        panels.answer_resolution(
            session,
            escalation.yjs_manager,
            referral_id=referral.id,
            agreed=False,
            expected_version=None,
        )
    assert list(raised.value.errors) == ["yjs_manager_view"]
    panels.answer_resolution(
        session,
        escalation.yjs_manager,
        referral_id=referral.id,
        agreed=False,
        view="A caution is out of proportion for a first, admitted offence.",
        expected_version=referral.version,
    )
    assert referral.status is S.DECIDED
    assert referral.decision is not None
    assert referral.decision.escalation_id == escalation.id
    assert escalation.resolution == "youth_caution"
    assert escalation.yjs_manager_agreed is False
    # The decision is the inspector's (the police hold it); the manager's answer made it final.
    assert escalation.resolved_by_id == cast.inspector.id
    assert referral.decision.confirmed_by_id == cast.inspector.id
    # The manager's disagreement is kept with the decision's dissent.
    assert {
        "member": escalation.yjs_manager.full_name,
        "agency": "YJS manager (escalation)",
        "disposal": "",
        "rationale": "A caution is out of proportion for a first, admitted offence.",
    } in referral.decision.dissent


def test_the_majority_rule_decides_without_escalating(factory: Factory, session: Session) -> None:
    service = factory.service()
    service.settings = {"decision_rule": "majority"}
    session.commit()
    referral = factory.referral_at(S.READY_FOR_PANEL)
    item = factory.to_panel(referral)
    outcome = demo_panel.vote(
        session,
        factory.panel(),
        item,
        "community_resolution",
        utcnow(),
        police_vote="youth_caution",
    )
    assert not outcome.escalate
    assert outcome.disposal == "community_resolution"
    assert item.status is AgendaStatus.VOTE_CLOSED


def test_planning_needs_both_decision_makers_and_a_chair(
    factory: Factory, session: Session
) -> None:
    with pytest.raises(InvalidInput) as raised:
        panels.plan_meeting(
            session,
            factory.cast(Role.MANAGER),
            service_id=factory.service().id,
            starts_at=utcnow() - dt.timedelta(days=3),
            place="",
            chair_id=None,
            members=[panels.MemberSpec(Agency.HEALTH, False, None, "Dr Example")],
        )
    assert set(raised.value.errors) == {
        "starts_on",
        "place",
        "police_decision_maker",
        "yjs_decision_maker",
        "chair_id",
    }


def test_a_case_cannot_be_on_two_live_agendas(factory: Factory, session: Session) -> None:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    item = factory.to_panel(referral)
    cast = factory.panel()
    other = demo_panel.meeting_on(
        session, cast, referral.service_id, local_today() + dt.timedelta(days=7)
    )
    assert referral not in panels.agenda_candidates(session, other)
    with pytest.raises(InvalidInput):
        panels.add_to_agenda(session, cast.chair, meeting_id=other.id, referral_ids=[referral.id])
    assert item.status is AgendaStatus.VOTING


def test_a_member_marked_absent_while_the_vote_is_open_loses_their_vote(
    factory: Factory, session: Session
) -> None:
    item = _open_item(factory)
    cast = factory.panel()
    extra = factory.user(Role.PANEL_MEMBER, agency=Agency.HEALTH, name="Late Leaver")
    item.meeting.members.append(
        panels.PanelMember(
            user_id=extra.id, name=extra.full_name, agency=Agency.HEALTH, present=True
        )
    )
    session.commit()
    leaver = _member(item, "Late Leaver")
    for member in item.meeting.members:
        _vote_as_or_self(session, cast, item, member, extra, "community_resolution")
    panels.cast_vote(
        session,
        extra,
        item_id=item.id,
        member_id=leaver.id,
        vote=VoteInput("charge", (), REASON),
    )
    panels.record_attendance(
        session, cast.chair, meeting_id=item.meeting_id, present={leaver.id: False}
    )
    assert item.vote_of(leaver) is None
    outcome = panels.close_vote(session, cast.chair, item_id=item.id)
    assert outcome.tally == {"community_resolution": 4}  # the charge vote went with its member


def _vote_as_or_self(  # type: ignore[no-untyped-def]
    session: Session, cast: demo_panel.PanelCast, item: AgendaItem, member, extra, disposal: str
) -> None:
    if member.user_id == extra.id:
        return
    _vote_as(session, cast, item, member, disposal)


def test_the_chair_records_votes_only_for_members_without_an_account_or_a_device(
    factory: Factory, session: Session
) -> None:
    item = _open_item(factory)
    cast = factory.panel()
    police = item.meeting.member_for(cast.police)
    chair = item.meeting.member_for(cast.chair)
    assert police is not None
    assert chair is not None
    # The police decision-maker has an account: the chair cannot vote for them...
    with pytest.raises(ActionNotAllowed, match="they record their own vote"):
        panels.cast_vote(
            session,
            cast.chair,
            item_id=item.id,
            member_id=police.id,
            vote=VoteInput("youth_caution", (), REASON),
        )
    assert item.vote_of(police) is None
    # ...unless the attendance records that they are here without a device.
    panels.record_attendance(
        session,
        cast.chair,
        meeting_id=item.meeting_id,
        present={police.id: True},
        without_device={police.id: True},
    )
    vote = panels.cast_vote(
        session,
        cast.chair,
        item_id=item.id,
        member_id=police.id,
        vote=VoteInput("youth_caution", (), REASON),
    )
    assert vote.on_behalf
    assert vote.recorded_by_id == cast.chair.id
    # A chair with a conflict in the case records nobody's vote on it.
    panels.declare_conflict(
        session, cast.chair, item_id=item.id, member_id=chair.id, reason="Taught the child."
    )
    with pytest.raises(ActionNotAllowed, match="declared a conflict of interest in this case"):
        panels.cast_vote(
            session,
            cast.chair,
            item_id=item.id,
            member_id=_member(item, "Volunteer One").id,
            vote=VoteInput("youth_caution", (), REASON),
        )


def test_the_chair_confirms_for_the_police_only_when_they_have_no_device(
    factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    item = factory.to_panel(referral)
    cast = factory.panel()
    demo_panel.vote(session, cast, item, "youth_caution", utcnow())
    assert item.status is AgendaStatus.VOTE_CLOSED
    with pytest.raises(ActionNotAllowed, match="Only the police decision-maker"):
        panels.confirm_decision(
            session,
            cast.chair,
            item_id=item.id,
            given=DecisionInput("youth_caution"),
            expected_version=None,
        )
    police = item.meeting.member_for(cast.police)
    assert police is not None
    panels.record_attendance(
        session,
        cast.chair,
        meeting_id=item.meeting_id,
        present={police.id: True},
        without_device={police.id: True},
    )
    panels.confirm_decision(
        session,
        cast.chair,
        item_id=item.id,
        given=DecisionInput("youth_caution"),
        expected_version=None,
    )
    assert referral.decision is not None
    assert referral.decision.confirmed_on_behalf


def test_a_vote_cannot_land_on_a_vote_closed_by_someone_else(
    factory: Factory, session: Session
) -> None:
    """The vote reads the case's row afresh under its lock: a copy this session holds from
    before another user closed the vote does not let a late vote in."""
    item = _open_item(factory)
    cast = factory.panel()
    police = item.meeting.member_for(cast.police)
    assert police is not None
    assert item.status is AgendaStatus.VOTING
    # Another user closes the vote: the row changes under this session's copy.
    session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id)
        .values(status=AgendaStatus.VOTE_CLOSED, version=AgendaItem.version + 1)
        .execution_options(synchronize_session=False)
    )
    assert item.status is AgendaStatus.VOTING  # this session's copy is stale
    with pytest.raises(ActionNotAllowed, match="not open"):
        panels.cast_vote(
            session,
            cast.police,
            item_id=item.id,
            member_id=police.id,
            vote=VoteInput("charge", (), REASON),
        )
    assert item.vote_of(police) is None


def test_withdrawing_a_case_at_panel_ends_its_vote_and_its_escalation(
    factory: Factory, session: Session
) -> None:
    at_panel = factory.referral_at(S.AT_PANEL)
    item = current_item(at_panel)
    assert item is not None
    factory.act(at_panel, "withdraw", Role.POLICE_OFFICER)
    assert item.status is AgendaStatus.WITHDRAWN
    cast = factory.panel()
    police = item.meeting.member_for(cast.police)
    assert police is not None
    with pytest.raises(ActionNotAllowed, match="not open"):
        panels.cast_vote(
            session,
            cast.police,
            item_id=item.id,
            member_id=police.id,
            vote=VoteInput("charge", (), REASON),
        )

    escalated = factory.referral_at(S.ESCALATED)
    escalation = escalated.open_escalation
    assert escalation is not None
    factory.act(escalated, "withdraw", Role.POLICE_OFFICER)
    assert escalated.open_escalation is None
    assert escalation.withdrawn
    assert escalation.resolution is None
    assert cast.inspector is not None
    with pytest.raises(ActionNotAllowed, match="no open escalation"):
        panels.propose_resolution(
            session,
            cast.inspector,
            referral_id=escalated.id,
            given=DecisionInput("youth_caution", confirmation_rationale=REASON),
            expected_version=None,
        )


@pytest.mark.parametrize(
    ("disposal", "conditions", "message"),
    [
        ("community_resolution", True, "Community resolution has no conditions"),
        ("outcome_22", True, "has no conditions: taking part is voluntary"),
        ("outcome_23", False, "needs at least one condition with a deadline"),
        ("youth_conditional_caution", False, "needs at least one condition with a deadline"),
    ],
)
def test_conditions_belong_only_to_conditional_outcomes(
    factory: Factory, session: Session, disposal: str, conditions: bool, message: str
) -> None:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    item = factory.to_panel(referral)
    cast = factory.panel()
    demo_panel.vote(session, cast, item, disposal, utcnow())
    soon = local_today() + dt.timedelta(days=30)
    with pytest.raises(InvalidInput) as raised:
        panels.confirm_decision(
            session,
            cast.police,
            item_id=item.id,
            given=DecisionInput(
                disposal,
                conditions=(("Apologise to the shop owner", soon),) if conditions else (),
                departure_rationale=REASON,
            ),
            expected_version=None,
        )
    assert message in raised.value.errors["conditions-0-text"]
    assert referral.status is S.AT_PANEL
