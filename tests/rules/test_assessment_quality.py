"""The quality gates, as a practitioner meets them."""

from __future__ import annotations

import random

from oocd_panel.catalogue.assessment_sections import SECTIONS, get
from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.rules import assessment_quality as quality

SHORT = "Some risk."
LONG = " ".join(["word"] * quality.MIN_RATIONALE_WORDS)


def _good() -> dict[str, dict[str, object]]:
    return answers_for(random.Random(1), "youth_caution")


def _messages(section: str, answers: dict[str, object]) -> dict[str, str]:
    return {p.question: p.message for p in quality.section_problems(get(section), answers)}


def test_good_answers_pass_every_section() -> None:
    answers = _good()
    for section in SECTIONS:
        assert quality.section_problems(section, answers[section.key]) == []


def test_required_questions_are_named() -> None:
    problems = _messages("behaviour", {})
    assert problems["strengths"] == "Answer 'Strengths'"
    assert set(problems) == {"strengths", "protective_factors", "concerns", "aspirations"}


def test_a_rating_above_low_needs_a_rationale_of_substance_and_evidence() -> None:
    answers = {**_good()["safety"], "rating": "high", "rationale": SHORT, "evidence": []}
    problems = _messages("safety", answers)
    assert problems["rationale"].startswith(
        "Rationale for the rating needs more: explain the nature"
    )
    assert "(it has 2)" in problems["rationale"]
    assert problems["evidence"] == "Select at least one source of evidence for a rating above low"
    # Rated low, a short rationale is enough and no evidence is demanded.
    assert _messages("safety", {**answers, "rating": "low"}) == {}
    assert _messages("safety", {**answers, "rationale": LONG, "evidence": ["school"]}) == {}


def test_any_exploitation_indicator_needs_an_analysis_and_evidence() -> None:
    answers = {**_good()["exploitation"], "county_lines": "yes", "analysis": "", "evidence": []}
    problems = _messages("exploitation", answers)
    assert set(problems) == {"analysis", "evidence"}
    assert _messages("exploitation", {**answers, "analysis": LONG, "evidence": ["police"]}) == {}


def test_no_information_from_other_services_needs_a_reason() -> None:
    answers = {**_good()["circumstances"], "other_services": ["none"], "no_information_reason": ""}
    assert set(_messages("circumstances", answers)) == {"no_information_reason"}
    contradictory = {**answers, "other_services": ["none", "police"], "no_information_reason": LONG}
    assert "not both" in _messages("circumstances", contradictory)["other_services"]


def test_submission_needs_every_section_completed() -> None:
    answers = _good()
    completed = {s.key: True for s in SECTIONS}
    assert quality.submission_problems(answers, completed) == []
    completed["voices"] = False
    assert [p.message for p in quality.submission_problems(answers, completed)] == [
        "Complete the section 'Voices: the child, their family and the victim'"
    ]


def test_warnings_for_the_patterns_the_inspection_found() -> None:
    answers = _good()
    answers["exploitation"]["criminal_exploitation"] = "yes"
    answers["safety"]["rating"] = "low"
    answers["others"].update(rating="high", who_at_risk="", motivations_triggers="")
    found = {(w.section, w.question) for w in quality.warnings(answers, gravity_score=3)}
    assert ("safety", "rating") in found  # exploitation indicated, child's risk rated low
    assert ("others", "who_at_risk") in found
    assert ("others", "motivations_triggers") in found
    assert ("exploitation", "analysis") in found  # an indicator is 'Not known'
    answers["recommendation"]["disposal"] = "charge"
    departure = [
        w for w in quality.warnings(answers, gravity_score=3) if w.section == "recommendation"
    ]
    assert "differs from the gravity-matrix default (Youth caution" in departure[0].message
