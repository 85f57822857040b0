"""The workflow service driven by random people taking random actions on a few cases.

Whatever is tried, in any order, by anyone: a case is always in a known state; its event log,
replayed, ends where the case is; a refused action changes nothing at all; nobody without the
role, or outside the case's service, ever changes a case; and the audit chain verifies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from oocd_panel import workflow
from oocd_panel.catalogue import disposals
from oocd_panel.demo import panels as demo_panel
from oocd_panel.models import (
    AuditEntry,
    DeliveryOutcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
    User,
)
from oocd_panel.models.evaluation import DecisionPoint
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, CaseChanged, InvalidInput, NotFound
from oocd_panel.rules.outcome_records import (
    DecisionDetails,
    DeliveryDetails,
    EscalationDetails,
    ResolutionDetails,
)
from oocd_panel.services.actions import take_action
from oocd_panel.services.referrals import create_referral
from oocd_panel.workflow import Input, current_item
from tests.db_state import audit_problems, event_log_problems, generated
from tests.factories import Factory, new_referral

S = ReferralStatus
REFUSALS = (NotFound, ActionNotAllowed, InvalidInput, CaseChanged)
TRIGGERS = [a.trigger for a in workflow.ACTIONS]

# Text people might type into a reason box, odd characters included (surrogates cannot
# arrive over HTTP: the web decodes them away).
reasons = st.one_of(
    st.none(),
    st.just(""),
    st.just("   \x00\x07  "),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(["Because.", "\u202eesaeler\u202c", "e\u0301\u0301\u0301", "\U0001f600"]),
)
DISPOSAL_CODES = [*sorted(disposals.codes()), "no_such_outcome", ""]
INPUT_KINDS = ["none", "junk", "decision", "escalation", "resolution", "delivery"]


@dataclass(frozen=True)
class Person:
    roles: frozenset[Role]
    service_ids: frozenset[int]


@dataclass(frozen=True)
class World:
    referral_ids: list[int]
    services: dict[int, int]  # referral id: its service
    people: dict[int, Person]  # inside the cases' service first, then outside
    inspector_id: int
    manager_id: int


def build_world(factory: Factory) -> World:
    """A few cases at different points of both routes, and people inside and outside."""
    session = factory.session
    ready = factory.referral_at(S.ASSESSING)
    factory.complete_assessment(ready)
    at_panel = factory.referral_at(S.READY_FOR_PANEL)
    item = factory.to_panel(at_panel)
    demo_panel.vote(session, factory.panel(), item, "youth_caution", dt.datetime.now(dt.UTC))
    referrals = [
        factory.referral(),
        ready,
        at_panel,
        factory.referral_at(S.DECIDED, disposal="youth_conditional_caution"),
        factory.referral_at(S.NOTIFIED),
    ]
    elsewhere = factory.service("elsewhere")
    outside = [factory.user(role, services=[elsewhere]) for role in Role]
    theirs, _ = create_referral(
        session, outside[list(Role).index(Role.POLICE_OFFICER)], new_referral(elsewhere.id)
    )
    # Two managers: one may write or send an assessment, the other sign it off.
    inside = [factory.cast(role) for role in Role] + [factory.user(Role.MANAGER)]
    panel = factory.panel()
    assert panel.inspector is not None
    assert panel.yjs_manager is not None
    cases = [*referrals, theirs]
    return World(
        referral_ids=[r.id for r in cases],
        services={r.id: r.service_id for r in cases},
        people={
            u.id: Person(frozenset(u.roles), frozenset(u.service_ids))
            for u in [*inside, panel.chair, panel.inspector, *outside]
        },
        inspector_id=panel.inspector.id,
        manager_id=panel.yjs_manager.id,
    )


class WorkflowMachine(RuleBasedStateMachine):
    """Set up per test (see below) with the world and the test's database connection."""

    world: ClassVar[World]
    connection: ClassVar[Connection]
    sessions: ClassVar[sessionmaker[Session]]

    def __init__(self) -> None:
        super().__init__()
        # Each example starts from the same world, and leaves nothing behind.
        self.savepoint = self.connection.begin_nested()
        self.session = self.sessions()

    def teardown(self) -> None:
        self.session.close()
        if self.savepoint.is_active:
            self.savepoint.rollback()

    # --- reading the database -----------------------------------------------------------------

    def _referral(self, referral_id: int) -> Referral:
        referral = self.session.get(Referral, referral_id)
        assert referral is not None
        return referral

    def _counts(self) -> dict[str, Any]:
        s = self.session
        s.expire_all()
        return {
            "cases": s.execute(
                select(Referral.id, Referral.status, Referral.version).order_by(Referral.id)
            ).all(),
            "events": s.scalar(select(func.count()).select_from(ReferralEvent)),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
            "points": s.scalar(select(func.count()).select_from(DecisionPoint)),
        }

    # --- what people type ----------------------------------------------------------------------

    def _inputs(
        self, kind: str, trigger: str, referral: Referral, disposal: str, days: int
    ) -> dict[str, Any]:
        item = current_item(referral)
        item_id = item.id if item is not None else 0
        today = local_today()
        if kind == "junk":
            return {"decision": "youth_caution", "delivery": 3, "escalation": None, "x": [1]}
        if kind == "decision":
            return {Input.DECISION: DecisionDetails(item_id=item_id, disposal=disposal)}
        if kind == "escalation":
            return {
                Input.ESCALATION: EscalationDetails(
                    item_id,
                    self.world.inspector_id,
                    self.world.manager_id,
                    today + dt.timedelta(days=5),
                    disposal,
                    None,
                )
            }
        if kind == "resolution":
            return {Input.RESOLUTION: ResolutionDetails(disposal, "Agreed in the end.")}
        if kind == "delivery":
            given = trigger == "record_delivery"
            outcome = DeliveryOutcome.GIVEN if given else DeliveryOutcome.DECLINED
            return {
                Input.DELIVERY: DeliveryDetails(
                    outcome, today + dt.timedelta(days=days), notes="Said no."
                )
            }
        return {}

    # --- the one thing anyone can do: try an action ----------------------------------------------

    def _attempt(
        self,
        referral_id: int,
        trigger: str,
        actor_id: int,
        version: str,
        reason: str | None,
        inputs_kind: str,
        disposal: str,
        days: int,
    ) -> None:
        before = self._counts()
        referral = self._referral(referral_id)
        actor = self.session.get(User, actor_id)
        assert actor is not None
        status, current = referral.status, referral.version
        expected = {"current": current, "stale": current - 1, "ahead": current + 1}.get(version)
        action = workflow.ACTIONS_BY_TRIGGER.get(trigger)
        # Who may act, from the world as built (not from the code under test).
        person = self.world.people[actor_id]
        in_service = self.world.services[referral_id] in person.service_ids
        has_role = action is not None and bool(person.roles & action.roles)
        inputs = self._inputs(inputs_kind, trigger, referral, disposal, days)
        refused: Exception | None = None
        try:
            take_action(
                self.session,
                referral_id=referral_id,
                trigger=trigger,
                actor=actor,
                expected_version=expected,
                reason=reason,
                inputs=inputs,
            )
        except REFUSALS as exc:
            refused = exc
        if refused is not None:
            after = self._counts()
            assert after == before, f"{trigger} was refused ({refused!r}) but changed {after}"
            if action is None:
                assert isinstance(refused, ActionNotAllowed)
            elif not in_service:
                assert isinstance(refused, NotFound), refused
            elif expected is not None and expected != current:
                assert isinstance(refused, CaseChanged), refused
            elif not has_role or status not in action.sources:
                assert isinstance(refused, ActionNotAllowed), refused
            return
        # It happened: so it was allowed, and it happened whole.
        assert action is not None
        assert in_service, f"{trigger} by someone outside the case's service"
        assert has_role, f"{trigger} by someone without the role"
        assert status in action.sources
        assert expected in (None, current)
        after = self._counts()
        moved = {row.id: row for row in after["cases"]}[referral_id]
        assert moved.status is action.dest
        assert moved.version > current
        assert after["events"] == before["events"] + 1
        assert after["audit"] == before["audit"] + 1
        others = [row for row in after["cases"] if row.id != referral_id]
        assert others == [row for row in before["cases"] if row.id != referral_id]

    @rule(
        referral_index=st.integers(0, 5),
        trigger=st.sampled_from([*TRIGGERS, "no_such_action"]),
        actor_index=st.integers(0, 14),
        version=st.sampled_from(["current", "stale", "ahead", "none"]),
        reason=reasons,
        inputs_kind=st.sampled_from(INPUT_KINDS),
        disposal=st.sampled_from(DISPOSAL_CODES),
        days=st.integers(-400, 3),
    )
    def anyone_tries_anything(
        self,
        referral_index: int,
        trigger: str,
        actor_index: int,
        version: str,
        reason: str | None,
        inputs_kind: str,
        disposal: str,
        days: int,
    ) -> None:
        people = list(self.world.people)
        self._attempt(
            self.world.referral_ids[referral_index],
            trigger,
            people[actor_index % len(people)],
            version,
            reason,
            inputs_kind,
            disposal,
            days,
        )

    @rule(
        data=st.data(),
        referral_index=st.integers(0, 5),
        reason=reasons,
        disposal=st.sampled_from(DISPOSAL_CODES),
        days=st.sampled_from([0, 0, -1, 1, -400]),
    )
    def someone_in_the_service_takes_a_likely_step(
        self, data: st.DataObject, referral_index: int, reason: str | None, disposal: str, days: int
    ) -> None:
        """An action the case could take now, by someone holding one of its roles: so cases
        move along the workflow, not only get refused."""
        referral_id = self.world.referral_ids[referral_index]
        referral = self._referral(referral_id)
        possible = [a for a in workflow.ACTIONS if referral.status in a.sources]
        if not possible:
            return
        action = data.draw(st.sampled_from(possible), label="action")
        able = [
            uid
            for uid, person in self.world.people.items()
            if person.roles & action.roles
            and self.world.services[referral_id] in person.service_ids
        ]
        if not able:
            return
        actor_id = data.draw(st.sampled_from(able), label="actor")
        kind = str(action.inputs[0]) if action.inputs else "none"
        self._attempt(
            referral_id, action.trigger, actor_id, "current", reason, kind, disposal, days
        )

    @rule(
        data=st.data(),
        referral_index=st.integers(0, 5),
        disposal=st.sampled_from(DISPOSAL_CODES),
    )
    def someone_without_the_role_tries_a_likely_step(
        self, data: st.DataObject, referral_index: int, disposal: str
    ) -> None:
        """An action the case could take now, well filled in, by someone who lacks its role or
        works for another service: always refused."""
        referral_id = self.world.referral_ids[referral_index]
        referral = self._referral(referral_id)
        possible = [a for a in workflow.ACTIONS if referral.status in a.sources]
        if not possible:
            return
        action = data.draw(st.sampled_from(possible), label="action")
        unable = [
            uid
            for uid, person in self.world.people.items()
            if not (person.roles & action.roles)
            or self.world.services[referral_id] not in person.service_ids
        ]
        actor_id = data.draw(st.sampled_from(unable), label="actor")
        kind = str(action.inputs[0]) if action.inputs else "none"
        self._attempt(
            referral_id, action.trigger, actor_id, "current", "A good reason.", kind, disposal, 0
        )

    # --- what must always hold ---------------------------------------------------------------

    @invariant()
    def every_case_is_where_its_event_log_says(self) -> None:
        assert event_log_problems(self.session) == []

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        assert audit_problems(self.sessions) == []


def test_the_workflow_keeps_its_promises_whatever_is_tried(
    factory: Factory,
    session: Session,
    session_factory: sessionmaker[Session],
    connection: Connection,
) -> None:
    world = build_world(factory)
    session.commit()
    session.close()

    class Machine(WorkflowMachine):
        pass

    Machine.world = world
    Machine.connection = connection
    Machine.sessions = session_factory
    run_state_machine_as_test(Machine, settings=generated(20, stateful_step_count=25))
