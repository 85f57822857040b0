"""How a panel reaches a decision: quorum, who may vote, and the service's decision rule.

`joint` (the default, as national guidance wants): the police and YJS decision-makers must agree;
every other vote is advice, shown and recorded. If they disagree the case is escalated to a police
inspector and a YJS manager. `majority`: the most votes win, and a tie is broken as the service
chose (the police decision-maker's vote, the chair's vote, or escalation). Either way the police
decision-maker then confirms the final decision.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from oocd_panel.catalogue import disposals
from oocd_panel.models import Agency
from oocd_panel.rules.service_settings import ServiceSettings

JOINT = "joint"
MAJORITY = "majority"
RULES = {JOINT: "Joint: the police and YJS decision-makers must agree", MAJORITY: "Majority vote"}
TIE_BREAKS = {
    "police_decision_maker": "The police decision-maker's vote decides",
    "chair": "The chair's vote decides",
    "escalate": "Escalate to a police inspector and a YJS manager",
}


def in_force(settings: ServiceSettings, rule: str | None, tie_break: str | None) -> ServiceSettings:
    """The service's settings with the decision rule a vote opened under (kept on its agenda
    item): a rule changed meanwhile applies to votes opened after the change, never to one
    already open. Without a kept rule (a vote not yet open), the settings as they are."""
    if rule not in RULES:
        return settings
    return dataclasses.replace(
        settings,
        decision_rule=rule,
        majority_tie_break=tie_break if tie_break in TIE_BREAKS else settings.majority_tie_break,
    )


def describe(rule: str | None, tie_break: str | None) -> str:
    """The rule in words, as the item page and the minutes say it."""
    if rule not in RULES:
        return "Not recorded"
    if rule == MAJORITY and tie_break in TIE_BREAKS:
        return f"{RULES[rule]} ({TIE_BREAKS[tie_break].lower()} on a tie)"
    return RULES[rule]


@dataclass(frozen=True)
class Seat:
    """A panel member as the rules see them on one case."""

    member_id: int
    name: str
    agency: Agency
    is_decision_maker: bool
    present: bool
    conflicted: bool

    @property
    def eligible(self) -> bool:
        return self.present and not self.conflicted

    @property
    def police_decision_maker(self) -> bool:
        return self.is_decision_maker and self.agency is Agency.POLICE

    @property
    def yjs_decision_maker(self) -> bool:
        return self.is_decision_maker and self.agency is Agency.YJS


@dataclass(frozen=True)
class Ballot:
    member_id: int
    disposal: str


def quorum_problems(seats: Sequence[Seat], settings: ServiceSettings) -> list[str]:
    """Why the panel cannot decide this case as it stands (empty when it can)."""
    problems = []
    eligible = [s for s in seats if s.eligible]
    if not any(s.police_decision_maker for s in eligible):
        problems.append("No police decision-maker is present and free of a conflict of interest")
    if not any(s.yjs_decision_maker for s in eligible):
        problems.append("No YJS decision-maker is present and free of a conflict of interest")
    others = [s for s in eligible if not (s.police_decision_maker or s.yjs_decision_maker)]
    needed = settings.quorum_other_members
    if len(others) < needed:
        problems.append(
            f"The quorum needs {needed} other member{'s' if needed != 1 else ''} present and "
            f"free of a conflict of interest; there {'is' if len(others) == 1 else 'are'} "
            f"{len(others)}"
        )
    return problems


@dataclass(frozen=True)
class Outcome:
    """What the rule gives: a disposal, or escalation (disposal None)."""

    disposal: str | None
    note: str
    tally: dict[str, int]
    police_position: str | None
    yjs_position: str | None

    @property
    def escalate(self) -> bool:
        return self.disposal is None


def _name(code: str | None) -> str:
    found = disposals.find(code)
    return found.name if found else "no vote"


def apply_rule(
    seats: Sequence[Seat],
    ballots: Sequence[Ballot],
    settings: ServiceSettings,
    chair_member_id: int | None = None,
) -> Outcome:
    """The decision the service's rule gives for these votes."""
    by_member = {b.member_id: b.disposal for b in ballots}
    tally = dict(Counter(b.disposal for b in ballots))
    police = next(
        (by_member.get(s.member_id) for s in seats if s.police_decision_maker and s.eligible), None
    )
    yjs = next(
        (by_member.get(s.member_id) for s in seats if s.yjs_decision_maker and s.eligible), None
    )

    if settings.decision_rule == JOINT:
        if police == yjs and police is not None:
            return Outcome(
                police,
                f"Joint decision: police and YJS agreed on {_name(police)}.",
                tally,
                police,
                yjs,
            )
        return Outcome(
            None,
            f"Police and YJS disagreed (police: {_name(police)}; YJS: {_name(yjs)}): escalated.",
            tally,
            police,
            yjs,
        )

    ranked = Counter(b.disposal for b in ballots).most_common()
    top = ranked[0][1] if ranked else 0
    leaders = sorted(code for code, count in ranked if count == top)
    if len(leaders) == 1:
        return Outcome(
            leaders[0],
            f"Majority: {_name(leaders[0])} with {top} of {len(ballots)} votes.",
            tally,
            police,
            yjs,
        )
    tie = " or ".join(_name(c) for c in leaders)
    breaker = {"police_decision_maker": police, "chair": by_member.get(chair_member_id or -1)}.get(
        settings.majority_tie_break
    )
    if breaker in leaders:
        who = (
            "police decision-maker"
            if settings.majority_tie_break == "police_decision_maker"
            else "chair"
        )
        return Outcome(
            breaker,
            f"Tie between {tie}; the {who}'s vote decided: {_name(breaker)}.",
            tally,
            police,
            yjs,
        )
    return Outcome(
        None,
        f"Tie between {tie} that the tie-break could not settle: escalated.",
        tally,
        police,
        yjs,
    )


def missing_votes(seats: Sequence[Seat], ballots: Sequence[Ballot]) -> list[Seat]:
    """Present members free of a conflict who have not voted yet."""
    voted = {b.member_id for b in ballots}
    return [s for s in seats if s.eligible and s.member_id not in voted]
