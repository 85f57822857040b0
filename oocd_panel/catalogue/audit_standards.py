"""The inspectorate's case standards and how a standard is rated from its key questions.

HM Inspectorate of Probation asks, for assessment, planning and implementation and delivery,
whether the work sufficiently supports the child's desistance, keeps the child safe, and keeps
other people safe. A standard's rating comes from the lowest '% yes' of its questions.
"""

from __future__ import annotations

from dataclasses import dataclass

STANDARDS: tuple[tuple[str, str], ...] = (
    ("assessment", "Assessment"),
    ("planning", "Planning"),
    ("delivery", "Implementation and delivery"),
)
QUESTION_KEYS = ("desistance", "child_safety", "others_safety")

QUESTIONS: dict[str, dict[str, str]] = {
    "assessment": {
        "desistance": "Does assessment sufficiently analyse how to support the child's desistance?",
        "child_safety": "Does assessment sufficiently analyse how to keep the child safe?",
        "others_safety": "Does assessment sufficiently analyse how to keep other people safe?",
    },
    "planning": {
        "desistance": "Does planning focus on supporting the child's desistance?",
        "child_safety": "Does planning focus sufficiently on keeping the child safe?",
        "others_safety": "Does planning focus sufficiently on keeping other people safe?",
    },
    "delivery": {
        "desistance": "Does service delivery effectively support the child's desistance?",
        "child_safety": "Does service delivery effectively support the safety of the child?",
        "others_safety": "Does service delivery effectively support the safety of other people?",
    },
}


@dataclass(frozen=True)
class Rating:
    name: str
    score: int  # 3 Outstanding, 2 Good, 1 Requires improvement, 0 Inadequate


def rating_for(lowest_percent: float) -> Rating:
    """80% or more Outstanding, 65-79% Good, 50-64% Requires improvement, under 50% Inadequate."""
    if lowest_percent >= 80:
        return Rating("Outstanding", 3)
    if lowest_percent >= 65:
        return Rating("Good", 2)
    if lowest_percent >= 50:
        return Rating("Requires improvement", 1)
    return Rating("Inadequate", 0)


def question_pairs() -> list[tuple[str, str, str]]:
    """(standard, question key, question text) in the inspection report's order."""
    return [(s, q, QUESTIONS[s][q]) for s, _ in STANDARDS for q in QUESTION_KEYS]
