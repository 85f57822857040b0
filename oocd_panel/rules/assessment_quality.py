"""Quality gates for the pre-panel assessment, from what the inspection found weak.

`section_problems` says what stops a section being marked completed; `submission_problems`
what stops the assessment going to a manager; `warnings` the patterns the inspection found
(shown to the practitioner and the manager, but not blocking). Each names the question at fault
and says what to add.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.assessment_sections import (
    EXPLOITATION_INDICATORS,
    SECTIONS,
    Kind,
    Question,
    Section,
)
from oocd_panel.models import Assessment

# A rationale "of substance": enough words to say what could happen, why and how likely.
MIN_RATIONALE_WORDS = 20

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Problem:
    section: str
    question: str
    message: str


def is_answered(question: Question, value: Any) -> bool:
    if question.kind is Kind.MULTI:
        return bool(value)
    return isinstance(value, str) and bool(value.strip())


def word_count(text: Any) -> int:
    return len(text.split()) if isinstance(text, str) else 0


def _substance(section: str, question: Question, value: Any, why: str) -> Problem | None:
    words = word_count(value)
    if words >= MIN_RATIONALE_WORDS:
        return None
    return Problem(
        section,
        question.key,
        f"{question.label} needs more: {why}, in at least {MIN_RATIONALE_WORDS} words "
        f"(it has {words})",
    )


def _needs_evidence(section: Section, answers: Answers, why: str) -> Problem | None:
    if answers.get("evidence"):
        return None
    return Problem(section.key, "evidence", f"Select at least one source of evidence {why}")


def exploitation_indicated(answers: Answers) -> bool:
    return any(answers.get(q.key) == "yes" for q in EXPLOITATION_INDICATORS)


def _rated_above_low(answers: Answers) -> bool:
    return answers.get("rating") in {"medium", "high", "very_high"}


def section_problems(section: Section, answers: Answers) -> list[Problem]:
    """What must be added before `section` can be marked completed."""
    problems = [
        Problem(section.key, q.key, f"Answer '{q.label}'")
        for q in section.questions
        if q.required and not is_answered(q, answers.get(q.key))
    ]
    answered = {p.question for p in problems}

    def add(problem: Problem | None) -> None:
        if problem is not None and problem.question not in answered:
            problems.append(problem)
            answered.add(problem.question)

    if section.key == "circumstances":
        services = answers.get("other_services") or []
        if "none" in services and len(services) > 1:
            add(
                Problem(
                    section.key,
                    "other_services",
                    "Select the services you got information from, or 'No information from "
                    "other services', not both",
                )
            )
        if "none" in services and word_count(answers.get("no_information_reason")) < 5:
            add(
                Problem(
                    section.key,
                    "no_information_reason",
                    "Say why there is no information from other services, and what you did "
                    "to get it",
                )
            )
    elif section.key == "exploitation":
        if exploitation_indicated(answers):
            add(
                _substance(
                    section.key,
                    section.question("analysis"),
                    answers.get("analysis"),
                    "say what the indicators mean for the child's safety",
                )
            )
            add(_needs_evidence(section, answers, "for the exploitation analysis"))
    elif section.key in {"safety", "others"} and _rated_above_low(answers):
        add(
            _substance(
                section.key,
                section.question("rationale"),
                answers.get("rationale"),
                "explain the nature, context and imminence of harm",
            )
        )
        add(_needs_evidence(section, answers, "for a rating above low"))
    return problems


def submission_problems(
    answers: Mapping[str, Answers], completed: Mapping[str, bool]
) -> list[Problem]:
    """What stops the assessment being sent for sign-off: every section completed and sound."""
    problems: list[Problem] = []
    for section in SECTIONS:
        if not completed.get(section.key):
            problems.append(Problem(section.key, "", f"Complete the section '{section.title}'"))
        else:
            problems += section_problems(section, answers.get(section.key, {}))
    return problems


def problems_before_submission(assessment: Assessment | None) -> list[Problem]:
    """`submission_problems` for a saved assessment (none saved yet: every section missing)."""
    if assessment is None:
        return submission_problems({}, {})
    completed = {section.key: section.completed for section in assessment.sections}
    return submission_problems(assessment.answers(), completed)


def warnings(answers: Mapping[str, Answers], gravity_score: int | None = None) -> list[Problem]:
    """Patterns the inspection found in weak assessments: shown, not blocking."""
    found: list[Problem] = []
    exploitation = answers.get("exploitation", {})
    safety = answers.get("safety", {})
    others = answers.get("others", {})
    if exploitation_indicated(exploitation) and safety.get("rating") == "low":
        found.append(
            Problem(
                "safety",
                "rating",
                "Exploitation is indicated but the risk to the child is rated low: "
                "check the rating reflects your exploitation analysis",
            )
        )
    unknown = [q.label for q in EXPLOITATION_INDICATORS if exploitation.get(q.key) == "unknown"]
    if unknown:
        found.append(
            Problem(
                "exploitation",
                "analysis",
                f"{len(unknown)} exploitation indicator(s) are 'Not known': say in "
                "the analysis how you will find out",
            )
        )
    if _rated_above_low(others):
        if word_count(others.get("who_at_risk")) == 0:
            found.append(
                Problem(
                    "others",
                    "who_at_risk",
                    "Risk to others is rated above low but nobody is named as at "
                    "risk: say who could be harmed",
                )
            )
        if word_count(others.get("motivations_triggers")) == 0:
            found.append(
                Problem(
                    "others",
                    "motivations_triggers",
                    "Risk to others is rated above low with no motivations or "
                    "triggers: say what drives the behaviour",
                )
            )
    if safety.get("rating") in {"high", "very_high"} and not answers.get("recommendation", {}).get(
        "interventions"
    ):
        found.append(
            Problem(
                "recommendation",
                "interventions",
                "Risk to the child is rated high but no intervention is proposed to keep them safe",
            )
        )
    recommended = answers.get("recommendation", {}).get("disposal")
    default = disposals.gravity_default(gravity_score) if gravity_score else None
    if recommended and default is not None and recommended != default.code:
        found.append(
            Problem(
                "recommendation",
                "rationale",
                f"The recommendation differs from the gravity-matrix default "
                f"({default.name}): make sure the rationale says why",
            )
        )
    return found
