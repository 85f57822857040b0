"""The intervention catalogue: the work a child may do, described in plain words.

Assessments propose from it, the panel decides from it, and letters read its plain descriptions:
offers ("you can"), never orders, because most of this work is voluntary.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Intervention:
    code: str
    name: str
    plain_description: str


CATALOGUE: tuple[Intervention, ...] = (
    Intervention(
        "one_to_one",
        "One-to-one sessions with a youth worker",
        "You can meet a youth worker once a week for 6 weeks. You can talk about what "
        "happened and what you want to do next.",
    ),
    Intervention(
        "victim_awareness",
        "Victim awareness",
        "You can think about how what happened affected other people.",
    ),
    Intervention(
        "restorative_justice",
        "Restorative justice",
        "If you and the person harmed both want to, you can meet or write to each other, "
        "with a trained worker there to help.",
    ),
    Intervention(
        "weapons_awareness",
        "Weapons awareness",
        "You can learn about the risks of carrying a knife or other weapon.",
    ),
    Intervention(
        "substance_misuse",
        "Drug and alcohol support",
        "A worker can help you with drugs or alcohol, if you want that help.",
    ),
    Intervention(
        "emotional_wellbeing",
        "Emotional wellbeing and mental health",
        "You can talk to someone about how you feel and get help to cope.",
    ),
    Intervention(
        "speech_language",
        "Speech and language support",
        "A specialist can help with words, listening and talking.",
    ),
    Intervention(
        "education_training",
        "Education, training and work",
        "A worker can help you with school, college, training or finding work.",
    ),
    Intervention(
        "mentoring",
        "Mentoring",
        "You can meet a mentor. They can help you with the things you want to do.",
    ),
    Intervention(
        "sport_activities",
        "Sport and constructive activities",
        "You can join activities like boxing, football or music.",
    ),
    Intervention(
        "exploitation_support",
        "Support about exploitation",
        "A worker can help you stay safe from people who might use or hurt you.",
    ),
    Intervention("family_support", "Family support", "A worker can support your family too."),
)

_BY_CODE = {i.code: i for i in CATALOGUE}


def get(code: str) -> Intervention:
    return _BY_CODE[code]


def choices() -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in CATALOGUE]
