"""Synthetic answers for a pre-panel assessment, good enough to pass the quality gates.

Used by the demo data and the tests, so both exercise the real assessment path.
"""

from __future__ import annotations

import random
from typing import Any

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.assessment_sections import SECTIONS

_RATIONALE = {
    "low": "Nothing known suggests harm is likely in the coming months. School, family and the "
    "child all describe settled routines, and no service holds concerns about exploitation.",
    "medium": "The child has been seen with older peers linked to local drug supply, and went "
    "missing overnight twice this year. Harm is possible in the next few months if these "
    "associations continue, though family supervision is a strong protective factor.",
    "high": "Police intelligence and the school both report the child carrying cash and a second "
    "phone, with three missing episodes in a month. Harm through criminal exploitation is likely "
    "and could be serious, possibly soon, so a strategy discussion has been requested.",
}


def answers_for(
    rng: random.Random, recommended: str, *, exploitation: bool = False
) -> dict[str, dict[str, Any]]:
    """Answers for every section; `exploitation` makes the screening and ratings reflect it."""
    safety = "high" if exploitation else rng.choice(["low", "low", "medium"])
    others = rng.choice(["low", "low", "medium"])
    indicator = "yes" if exploitation else "no"
    sources = rng.sample(["police", "social_care", "school", "health", "family", "child"], k=3)
    neurodiversity = rng.choice(["", "Diagnosed with ADHD in 2022; finds long meetings hard."])
    easy_read = "yes" if neurodiversity else "no"
    answers: dict[str, dict[str, Any]] = {
        "circumstances": {
            "living_situation": "Lives with a parent and two younger siblings in a flat nearby.",
            "family": "Close to their grandmother, who visits most days; some arguments at home.",
            "education": "Year 10, attendance 86%, enjoys design and technology and PE.",
            "identity": "Proud of their heritage; goes to church on Sundays.",
            "neurodiversity": neurodiversity,
            "communication": "Prefers short sentences and visual prompts.",
            "interpreter": "no",
            "easy_read": easy_read,
            "adjustments": "Sessions of 45 minutes at most, visual materials"
            + (", Easy Read letters." if easy_read == "yes" else "."),
            "other_services": ["police", "school"] + (["social_care"] if exploitation else []),
            "no_information_reason": "",
        },
        "exploitation": {
            "criminal_exploitation": indicator,
            "sexual_exploitation": "no",
            "county_lines": indicator,
            "missing_episodes": indicator,
            "unexplained_items": indicator,
            "controlling_associates": "unknown" if not exploitation else "yes",
            "analysis": _RATIONALE["high"] if exploitation else "",
            "evidence": sources if exploitation else [],
        },
        "behaviour": {
            "strengths": "Polite, caring towards siblings, good at football.",
            "protective_factors": "Grandmother, the football coach, and a teacher they trust.",
            "concerns": "Acted on impulse when with older friends; boredom after school.",
            "aspirations": "Wants to become an electrician.",
        },
        "safety": {
            "rating": safety,
            "rationale": _RATIONALE[safety],
            "evidence": sources,
        },
        "others": {
            "rating": others,
            "rationale": _RATIONALE["medium"] if others == "medium" else _RATIONALE["low"],
            "who_at_risk": "Peers at school during disagreements." if others != "low" else "",
            "motivations_triggers": "Feeling disrespected in front of friends."
            if others != "low"
            else "",
            "evidence": sources,
        },
        "voices": {
            "child_words": "I was stupid, I did it because my mates were there. I want to sort it.",
            "child_strengths": "I'm good at football and looking after my little brother.",
            "help_wanted": "Help with getting on a college course and staying out of trouble.",
            "who_helps": "My nan and my coach.",
            "parent_view": "Worried but supportive; wants the child to get help with anger.",
            "victim_view": "The shop manager wants the child to understand the effect on staff.",
            "victim_restorative": rng.choice(["yes", "no", "not_asked"]),
        },
        "recommendation": {
            "disposal": recommended if recommended in disposals.codes() else "community_resolution",
            "rationale": "A first offence, admitted, with good support at home: diversion with "
            "voluntary work is proportionate and gives the child the best chance to move on.",
            "interventions": ["one_to_one", "victim_awareness"]
            + (["exploitation_support"] if exploitation else []),
            "intervention_details": "Weekly sessions after school for six weeks.",
            "contingency": "If missing episodes or exploitation concerns increase, the worker "
            "will call a strategy discussion with social care the same day and review the plan.",
        },
    }
    assert set(answers) == {s.key for s in SECTIONS}
    return answers
