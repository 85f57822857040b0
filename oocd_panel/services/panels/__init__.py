"""Panel meetings: planning, attendance, the agenda, conflicts, votes, the decision, escalation.

`meetings` finds, plans and closes a meeting and keeps its agenda; `attendance` records who is
there and their conflicts of interest (so who may vote, and for whom); `votes` opens, casts and
closes the vote; `decisions` confirms the decision and resolves an escalation. Every change to a
case's state goes through `take_action`; the rest (attendance, votes) is saved here, each use case
in one unit of work (closing a vote that escalates takes `take_action` into the same one).
Callers use the names re-exported here.
"""

# The model, as the single module had it in its namespace: tests build members with it.
from oocd_panel.models import PanelMember
from oocd_panel.services.panels._common import MAX_TEXT, PLANNER_ROLES, is_chair
from oocd_panel.services.panels.attendance import (
    chair_conflicted,
    declare_conflict,
    may_record_for,
    record_attendance,
    seats,
)
from oocd_panel.services.panels.decisions import (
    DecisionInput,
    answer_resolution,
    confirm_decision,
    current_item_for,
    may_confirm,
    police_decision_maker,
    propose_resolution,
    proposed_outcome,
)
from oocd_panel.services.panels.meetings import (
    MeetingSummary,
    MemberSpec,
    add_to_agenda,
    agenda_candidates,
    close_meeting,
    item_for,
    load_agenda,
    meeting_for,
    plan_meeting,
    recent_meetings,
    take_off_agenda,
)
from oocd_panel.services.panels.votes import (
    EscalationNeedsNames,
    VoteInput,
    ballots,
    cast_vote,
    close_vote,
    escalation_candidates,
    expected_outcome,
    open_vote,
    votes_visible,
)

__all__ = [
    "MAX_TEXT",
    "PLANNER_ROLES",
    "DecisionInput",
    "EscalationNeedsNames",
    "MeetingSummary",
    "MemberSpec",
    "PanelMember",
    "VoteInput",
    "add_to_agenda",
    "agenda_candidates",
    "answer_resolution",
    "ballots",
    "cast_vote",
    "chair_conflicted",
    "close_meeting",
    "close_vote",
    "confirm_decision",
    "current_item_for",
    "declare_conflict",
    "escalation_candidates",
    "expected_outcome",
    "is_chair",
    "item_for",
    "load_agenda",
    "may_confirm",
    "may_record_for",
    "meeting_for",
    "open_vote",
    "plan_meeting",
    "police_decision_maker",
    "propose_resolution",
    "proposed_outcome",
    "recent_meetings",
    "record_attendance",
    "seats",
    "take_off_agenda",
    "votes_visible",
]
