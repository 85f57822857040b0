"""What the demo's practitioners answer when an intervention ends (the KPI facts): invented,
in proportions that look like a youth justice service's out-of-court work, the same answers for
the same plan however it is loaded (through the workflow or in bulk)."""

from __future__ import annotations

import random

from oocd_panel.catalogue.kpis import NO, NO_VICTIM, NOT_KNOWN, YES
from oocd_panel.rules.referral_rules import ChildDetails

NOT_KNOWN_SHARE = 0.05  # of every answer


def _answer(rng: random.Random, yes: float) -> str:
    if rng.random() < NOT_KNOWN_SHARE:
        return NOT_KNOWN
    return YES if rng.random() < yes else NO


def end_answers(
    number: int, child: ChildDetails, victim_wish: str | None, trigger: str
) -> dict[str, str]:
    """The answers for plan `number`'s ended intervention (question key: answer)."""
    rng = random.Random(f"kpi-facts-{number}")
    completed = trigger == "complete_intervention"
    answers = {
        "accommodation_suitable": _answer(rng, 0.93 if completed else 0.8),
        "ete_suitable": _answer(rng, 0.78 if completed else 0.55),
        "send_need": NOT_KNOWN
        if child.send == "not_known"
        else (YES if child.send != "none" else _answer(rng, 0.1)),
        "send_learning_plan": _answer(rng, 0.65 if child.send == "ehcp" else 0.3),
        "mental_health_need": _answer(rng, 0.45),
        "mental_health_offered": _answer(rng, 0.8),
        "mental_health_attending": _answer(rng, 0.75 if completed else 0.4),
        "substance_need": _answer(rng, 0.25),
        "substance_offered": _answer(rng, 0.8),
        "substance_attending": _answer(rng, 0.65 if completed else 0.3),
        "child_protection_plan": _answer(rng, 0.08),
        "child_in_need": _answer(rng, 0.18),
        "victim_views_sought": _answer(rng, 0.85),
        "victim_rj_offered": _answer(rng, 0.7),
        "victim_kept_informed": _answer(rng, 0.8),
        "victim_support_info": _answer(rng, 0.9),
    }
    if victim_wish == "no_victim":
        answers["victim_consent"] = NO_VICTIM
    else:
        answers["victim_consent"] = _answer(rng, 0.65)
    # Answers to questions not asked (an earlier answer was not yes) are dropped when kept.
    return answers
