"""The state machine's shape, its rules as data, and its generated diagram."""

from __future__ import annotations

from collections import deque

from oocd_panel import workflow
from oocd_panel.models import ReferralStatus, Role
from oocd_panel.workflow.diagram import render_workflow_markdown
from tests.conftest import PROJECT_ROOT

S = ReferralStatus


def _reachable(start: ReferralStatus) -> set[ReferralStatus]:
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        for action in workflow.ACTIONS:
            if state in action.sources and action.dest not in seen:
                seen.add(action.dest)
                queue.append(action.dest)
    return seen


def test_every_state_is_reachable_and_every_case_can_close() -> None:
    reachable = _reachable(S.REFERRED) | _reachable(S.NOTIFIED)
    assert reachable == set(ReferralStatus)
    for state in ReferralStatus:
        assert S.CLOSED in _reachable(state), state


def test_closed_is_the_only_final_state() -> None:
    assert [s for s in ReferralStatus if workflow.is_final(s)] == [S.CLOSED]


def test_a_notification_never_goes_to_panel() -> None:
    panel_states = {S.READY_FOR_PANEL, S.AT_PANEL, S.ESCALATED, S.DECIDED}
    assert not _reachable(S.NOTIFIED) & panel_states


def test_the_police_can_withdraw_only_before_a_decision() -> None:
    withdraw = workflow.ACTIONS_BY_TRIGGER["withdraw"]
    assert set(withdraw.sources) == {
        S.REFERRED,
        S.ASSESSING,
        S.AWAITING_SIGN_OFF,
        S.READY_FOR_PANEL,
        S.AT_PANEL,
        S.ESCALATED,
    }
    assert Role.POLICE_OFFICER in withdraw.roles


def test_every_closing_action_records_a_reason_for_closing() -> None:
    for action in workflow.ACTIONS:
        assert (action.dest is S.CLOSED) == (action.closes_as is not None), action.trigger


def test_the_machine_is_built_from_the_actions() -> None:
    for state in ReferralStatus:
        expected = sorted(a.trigger for a in workflow.ACTIONS if state in a.sources)
        assert sorted(workflow.triggers_from(state)) == expected


def test_the_machine_keeps_no_models() -> None:
    """No referral is ever attached to the shared machine (memory would grow with each one)."""
    assert workflow.machine.models == []


def test_the_workflow_diagram_in_docs_is_up_to_date() -> None:
    on_disk = (PROJECT_ROOT / "docs" / "workflow.md").read_text()
    assert on_disk == render_workflow_markdown(), (
        "run `make workflow-diagram` and commit docs/workflow.md"
    )
    assert "stateDiagram-v2" in on_disk
    for action in workflow.ACTIONS:
        assert f"`{action.trigger}`" in on_disk
