"""The intervention catalogue: the work a child may do, described in plain words.

Assessments propose from it, the panel decides from it, and letters read its plain descriptions:
offers ("you can"), never orders, because most of this work is voluntary.
"""

from __future__ import annotations

from dataclasses import dataclass

from oocd_panel.catalogue.translatable import N_


@dataclass(frozen=True)
class Intervention:
    code: str
    name: str
    plain_description: str


CATALOGUE: tuple[Intervention, ...] = (
    Intervention(
        "one_to_one",
        N_("One-to-one sessions with a youth worker"),
        N_(
            "You can meet a youth worker once a week for 6 weeks. You can talk about what "
            "happened and what you want to do next."
        ),
    ),
    Intervention(
        "victim_awareness",
        N_("Victim awareness"),
        N_("You can think about how what happened affected other people."),
    ),
    Intervention(
        "restorative_justice",
        N_("Restorative justice"),
        N_(
            "If you and the person harmed both want to, you can meet or write to each other, "
            "with a trained worker there to help."
        ),
    ),
    Intervention(
        "weapons_awareness",
        N_("Weapons awareness"),
        N_("You can learn about the risks of carrying a knife or other weapon."),
    ),
    Intervention(
        "substance_misuse",
        N_("Drug and alcohol support"),
        N_("A worker can help you with drugs or alcohol, if you want that help."),
    ),
    Intervention(
        "emotional_wellbeing",
        N_("Emotional wellbeing and mental health"),
        N_("You can talk to someone about how you feel and get help to cope."),
    ),
    Intervention(
        "speech_language",
        N_("Speech and language support"),
        N_("A specialist can help with words, listening and talking."),
    ),
    Intervention(
        "education_training",
        N_("Education, training and work"),
        N_("A worker can help you with school, college, training or finding work."),
    ),
    Intervention(
        "mentoring",
        N_("Mentoring"),
        N_("You can meet a mentor. They can help you with the things you want to do."),
    ),
    Intervention(
        "sport_activities",
        N_("Sport and constructive activities"),
        N_("You can join activities like boxing, football or music."),
    ),
    Intervention(
        "exploitation_support",
        N_("Support about exploitation"),
        N_("A worker can help you stay safe from people who might use or hurt you."),
    ),
    Intervention(
        "family_support", N_("Family support"), N_("A worker can support your family too.")
    ),
)

_BY_CODE = {i.code: i for i in CATALOGUE}


def get(code: str) -> Intervention:
    return _BY_CODE[code]


def choices() -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in CATALOGUE]
