"""The pre-panel assessment: its sections, in PDAT order, and the questions in each.

One definition drives the section pages, the quality gates, the version comparison, the panel's
reading of the assessment and the child's shareable plan. Field keys are what the database keeps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from oocd_panel.catalogue import disposals, interventions


class Kind(enum.Enum):
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # a paragraph or more
    CHOICE = "choice"  # radios
    SELECT = "select"  # a drop-down
    MULTI = "multi"  # checkboxes


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: Kind
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # Must be answered before the section can be marked completed.
    required: bool = False
    # Shown in the child's own plan (written to be shared with the child and family).
    in_childs_plan: bool = False

    @property
    def max_length(self) -> int:
        return 300 if self.kind is Kind.TEXT else 10_000

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


RATINGS: tuple[tuple[str, str], ...] = (
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("very_high", "Very high"),
)
EVIDENCE_SOURCES: tuple[tuple[str, str], ...] = (
    ("police", "Police"),
    ("social_care", "Children's social care"),
    ("school", "School or college"),
    ("health", "Health"),
    ("family", "Family"),
    ("child", "The child"),
    ("yjs_records", "YJS records"),
    ("other", "Other"),
)
OTHER_SERVICES: tuple[tuple[str, str], ...] = (
    ("police", "Police"),
    ("social_care", "Children's social care"),
    ("school", "School or college"),
    ("health", "Health (including liaison and diversion)"),
    ("early_help", "Early help"),
    ("other", "Another service"),
    ("none", "No information from other services"),
)
YES_NO_UNKNOWN: tuple[tuple[str, str], ...] = (
    ("yes", "Yes"),
    ("no", "No"),
    ("unknown", "Not known"),
)
YES_NO: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"))
RESTORATIVE: tuple[tuple[str, str], ...] = (
    ("yes", "Wants restorative justice"),
    ("no", "Does not want restorative justice"),
    ("not_asked", "Not asked yet"),
    ("no_victim", "No identifiable victim"),
)

EXPLOITATION_INDICATORS: tuple[Question, ...] = (
    Question(
        "criminal_exploitation",
        "Signs of criminal exploitation",
        Kind.CHOICE,
        "For example being made to carry or sell drugs, or to hold weapons.",
        YES_NO_UNKNOWN,
        required=True,
    ),
    Question(
        "sexual_exploitation",
        "Signs of sexual exploitation",
        Kind.CHOICE,
        "",
        YES_NO_UNKNOWN,
        required=True,
    ),
    Question(
        "county_lines",
        "County lines involvement",
        Kind.CHOICE,
        "Travelling to other areas, often to sell drugs.",
        YES_NO_UNKNOWN,
        required=True,
    ),
    Question(
        "missing_episodes",
        "Going missing from home or care",
        Kind.CHOICE,
        "",
        YES_NO_UNKNOWN,
        required=True,
    ),
    Question(
        "unexplained_items",
        "Unexplained money, phones, clothes or other items",
        Kind.CHOICE,
        "",
        YES_NO_UNKNOWN,
        required=True,
    ),
    Question(
        "controlling_associates",
        "Relationships with older people who may control them",
        Kind.CHOICE,
        "",
        YES_NO_UNKNOWN,
        required=True,
    ),
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "circumstances",
        "Circumstances, family, diversity and identity",
        "Where the child lives, who they live with, school, culture and identity, and what "
        "they need to take part.",
        (
            Question(
                "living_situation",
                "Where and who the child lives with",
                Kind.LONG_TEXT,
                required=True,
            ),
            Question(
                "family",
                "Family and relationships",
                Kind.LONG_TEXT,
                "Strengths and worries in the family; who the child is close to.",
                required=True,
            ),
            Question(
                "education",
                "School, college or work",
                Kind.LONG_TEXT,
                "Attendance, exclusions, what the child enjoys.",
                required=True,
            ),
            Question(
                "identity",
                "Culture, religion and identity",
                Kind.LONG_TEXT,
                "How the child describes themselves; experiences of discrimination.",
                required=True,
            ),
            Question(
                "neurodiversity",
                "Neurodiversity",
                Kind.LONG_TEXT,
                "Diagnoses, assessments under way, and how they affect the child.",
            ),
            Question(
                "communication",
                "Speech, language and communication needs",
                Kind.LONG_TEXT,
                "More than 60% of children in the justice system have these needs.",
            ),
            Question(
                "interpreter",
                "Does the child or family need an interpreter?",
                Kind.CHOICE,
                "",
                YES_NO,
                required=True,
            ),
            Question(
                "easy_read",
                "Does the child need Easy Read letters?",
                Kind.CHOICE,
                "Letters to the child are then Easy Read: short sentences, one idea a line, a "
                "picture beside each point, large print.",
                YES_NO,
            ),
            Question(
                "adjustments",
                "Reasonable adjustments",
                Kind.LONG_TEXT,
                "For example shorter sessions, visual materials, Easy Read letters, "
                "avoiding religious festivals.",
                required=True,
            ),
            Question(
                "other_services",
                "Information from other services",
                Kind.MULTI,
                "Which services you got information from for this assessment.",
                OTHER_SERVICES,
                required=True,
            ),
            Question(
                "no_information_reason",
                "Why there is no information from other services",
                Kind.LONG_TEXT,
                "Only if you selected 'No information from other services'.",
            ),
        ),
    ),
    Section(
        "exploitation",
        "Exploitation",
        "Screening for criminal and sexual exploitation and county lines, and your analysis.",
        (
            *EXPLOITATION_INDICATORS,
            Question(
                "analysis",
                "Analysis of exploitation",
                Kind.LONG_TEXT,
                "If any indicator is 'Yes': the nature, context and imminence of harm, "
                "and what it means for the child's safety.",
            ),
            Question("evidence", "Evidence for your analysis", Kind.MULTI, "", EVIDENCE_SOURCES),
        ),
    ),
    Section(
        "behaviour",
        "Behaviour and desistance",
        "What led to the offence, and what will help the child stop offending.",
        (
            Question("strengths", "Strengths", Kind.LONG_TEXT, required=True),
            Question(
                "protective_factors",
                "Protective factors",
                Kind.LONG_TEXT,
                "People, places and activities that keep the child on track.",
                required=True,
            ),
            Question(
                "concerns",
                "Concerns",
                Kind.LONG_TEXT,
                "What led to the offence and any other behaviour of concern.",
                required=True,
            ),
            Question(
                "aspirations",
                "The child's aspirations",
                Kind.LONG_TEXT,
                "What the child wants for their future.",
                required=True,
            ),
        ),
    ),
    Section(
        "safety",
        "Safety and wellbeing of the child",
        "How likely the child is to come to harm, how serious it would be, and your evidence.",
        (
            Question(
                "rating",
                "Rating of risk to the child's safety and wellbeing",
                Kind.CHOICE,
                "",
                RATINGS,
                required=True,
            ),
            Question(
                "rationale",
                "Rationale for the rating",
                Kind.LONG_TEXT,
                "The nature, context and imminence of harm: what could happen, when and why.",
                required=True,
            ),
            Question("evidence", "Evidence for the rating", Kind.MULTI, "", EVIDENCE_SOURCES),
        ),
    ),
    Section(
        "others",
        "Risk of harm to others",
        "Who could the child harm, why, and how likely it is.",
        (
            Question(
                "rating",
                "Rating of risk of serious harm to others",
                Kind.CHOICE,
                "",
                RATINGS,
                required=True,
            ),
            Question(
                "rationale",
                "Rationale for the rating",
                Kind.LONG_TEXT,
                "All known behaviour, not only the offence.",
                required=True,
            ),
            Question(
                "who_at_risk",
                "Who is at risk",
                Kind.LONG_TEXT,
                "Named people or groups, such as the victim, siblings or peers.",
            ),
            Question(
                "motivations_triggers",
                "Motivations and triggers",
                Kind.LONG_TEXT,
                "What drives the behaviour and what sets it off.",
            ),
            Question("evidence", "Evidence for the rating", Kind.MULTI, "", EVIDENCE_SOURCES),
        ),
    ),
    Section(
        "voices",
        "Voices: the child, their family and the victim",
        "The child's own plan in their own words, and what the family and the victim say.",
        (
            Question(
                "child_words",
                "What the child says about what happened",
                Kind.LONG_TEXT,
                "Use the child's own words where you can.",
                required=True,
                in_childs_plan=True,
            ),
            Question(
                "child_strengths",
                "What the child says they are good at",
                Kind.LONG_TEXT,
                required=True,
                in_childs_plan=True,
            ),
            Question(
                "help_wanted",
                "What help the child wants",
                Kind.LONG_TEXT,
                required=True,
                in_childs_plan=True,
            ),
            Question(
                "who_helps",
                "Who helps the child",
                Kind.LONG_TEXT,
                "Family, friends, coaches, teachers.",
                required=True,
                in_childs_plan=True,
            ),
            Question("parent_view", "The parent's or carer's view", Kind.LONG_TEXT, required=True),
            Question(
                "victim_view",
                "The victim's view",
                Kind.LONG_TEXT,
                "What the victim said, or why their view could not be sought.",
            ),
            Question(
                "victim_restorative",
                "The victim's wishes about restorative justice",
                Kind.CHOICE,
                "",
                RESTORATIVE,
                required=True,
            ),
        ),
    ),
    Section(
        "recommendation",
        "Recommendation",
        "What you recommend to the panel, the work you propose and your contingency plan.",
        (
            Question(
                "disposal",
                "Recommended outcome",
                Kind.SELECT,
                "",
                tuple(disposals.choices()),
                required=True,
            ),
            Question(
                "rationale", "Rationale for the recommendation", Kind.LONG_TEXT, required=True
            ),
            Question(
                "interventions",
                "Proposed interventions",
                Kind.MULTI,
                "",
                tuple(interventions.choices()),
                in_childs_plan=True,
            ),
            Question(
                "intervention_details",
                "More about the proposed work",
                Kind.LONG_TEXT,
                "How often, who with, and how it fits the child's plan.",
                in_childs_plan=True,
            ),
            Question(
                "contingency",
                "Contingency plan",
                Kind.LONG_TEXT,
                "What the team will do if risks to or from the child change.",
                required=True,
            ),
        ),
    ),
)

SECTIONS_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


def get(key: str) -> Section:
    return SECTIONS_BY_KEY[key]
