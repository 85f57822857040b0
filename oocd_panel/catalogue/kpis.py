"""The Youth Justice Board's key performance indicators (KPIs) a panel system holds facts for,
in one home: the questions a practitioner answers when an intervention ends, and the measures
of the quarterly return counted from those answers.

The YJB's KPIs (from April 2023) are 1 accommodation, 2 education, training and employment
(ETE), 3 SEND (ALN in Wales), 4 mental health and emotional wellbeing, 5 substance misuse,
6 out-of-court disposals, 7 management board attendance, 8 wider services, 9 serious violence
and 10 victims. 7 and 9 are not about a child's case, so they are outside this product.

Definitions that were not confirmed from the YJB's own guidance are marked `needs_checking`
(KPIs 6, 8 and 10, as docs/domain.md says): the KPI page and the return's note column say so
beside every measure of theirs, with how the product counts it until someone has checked.

Every question can be answered "Not known". A question that follows another ("of those...")
is asked only of the children the earlier answer was yes for (`asked_if`); its answer is not
kept otherwise, so every "of those" measure counts within exactly the children above it.
"""

from __future__ import annotations

from dataclasses import dataclass

YES, NO, NOT_KNOWN = "yes", "no", "not_known"
NO_VICTIM = "no_victim"
YES_NO_NOT_KNOWN: tuple[tuple[str, str], ...] = ((YES, "Yes"), (NO, "No"), (NOT_KNOWN, "Not known"))
VICTIM_CONTACT: tuple[tuple[str, str], ...] = (
    *YES_NO_NOT_KNOWN,
    (NO_VICTIM, "There is no identifiable victim"),
)

# How an intervention ended (from the workflow action that ended it).
COMPLETED, NOT_COMPLETED, STOPPED = "completed", "not_completed", "stopped"
ENDINGS: tuple[tuple[str, str], ...] = (
    (COMPLETED, "Completed"),
    (NOT_COMPLETED, "Not completed: conditions not done, returned to the police"),
    (STOPPED, "Not completed: the child chose to stop voluntary work"),
)


@dataclass(frozen=True)
class Kpi:
    number: int
    name: str
    needs_checking: bool = False
    # How the product counts it, said beside it while the definition is not confirmed.
    check_note: str = ""

    @property
    def title(self) -> str:
        return f"KPI {self.number}: {self.name}"


KPIS: dict[int, Kpi] = {
    k.number: k
    for k in (
        Kpi(1, "Suitable accommodation"),
        Kpi(2, "Education, training and employment"),
        Kpi(3, "Special educational needs and disability (SEND), or additional learning needs"),
        Kpi(4, "Mental health care and emotional wellbeing"),
        Kpi(5, "Substance misuse"),
        Kpi(
            6,
            "Out-of-court disposals",
            needs_checking=True,
            check_note=(
                "Definition to check against the YJB's KPI guidance. Counted here: every "
                "intervention that ended in the quarter, completed or not (conditions not done "
                "and returned to the police, or voluntary work the child chose to stop). A child "
                "who said no before the work started is not counted."
            ),
        ),
        Kpi(
            8,
            "Wider services",
            needs_checking=True,
            check_note=(
                "Definition to check against the YJB's KPI guidance. Counted here: children "
                "whose intervention ended in the quarter, as they were when it ended. EHCP and "
                "looked after are read from the child's record at that moment; child protection "
                "plan and child in need are as the practitioner recorded them."
            ),
        ),
        Kpi(
            10,
            "Victims",
            needs_checking=True,
            check_note=(
                "Definition to check against the YJB's KPI guidance. Counted here per case, "
                "not per victim: a case with several victims counts once. Consent to contact is "
                "of the cases with an identifiable victim."
            ),
        ),
    )
}


@dataclass(frozen=True)
class Question:
    key: str  # the column of intervention_end that keeps the answer
    kpi: int
    label: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = YES_NO_NOT_KNOWN
    # Asked only when this earlier question was answered yes.
    asked_if: str | None = None
    # What the error summary says when it is not answered.
    missing: str = ""

    @property
    def missing_message(self) -> str:
        return self.missing or f"Select {self.label[0].lower()}{self.label[1:].rstrip('?')}"


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    kpi: int
    questions: tuple[Question, ...]
    # Shown above the questions (what the section takes from elsewhere, say).
    intro: str = ""


SECTIONS: tuple[Section, ...] = (
    Section(
        "accommodation",
        "Accommodation",
        1,
        (
            Question(
                "accommodation_suitable",
                1,
                "Was the child living in suitable accommodation when the intervention ended?",
                "Suitable means safe, settled and right for the child's needs, as the YJB's "
                "KPI guidance describes.",
                missing="Select whether the child was living in suitable accommodation",
            ),
        ),
    ),
    Section(
        "ete",
        "Education, training and employment",
        2,
        (
            Question(
                "ete_suitable",
                2,
                "Was the child attending suitable education, training or employment when the "
                "intervention ended?",
                "Attending, not only enrolled: school, college, alternative provision, training "
                "or work suitable for their age and needs.",
                missing="Select whether the child was attending suitable education, training or "
                "employment",
            ),
        ),
    ),
    Section(
        "send",
        "Special educational needs, or additional learning needs in Wales",
        3,
        (
            Question(
                "send_need",
                3,
                "Did the child have an identified special educational need or disability "
                "(SEND), or an additional learning need (ALN) in Wales?",
                missing="Select whether the child had an identified SEND or ALN",
            ),
            Question(
                "send_learning_plan",
                3,
                "If they had an identified need: was a formal learning plan in place for the "
                "current school year?",
                "For example an education, health and care plan (EHCP), or an individual "
                "development plan in Wales. Leave this if they had no identified need.",
                asked_if="send_need",
                missing="Select whether a formal learning plan was in place",
            ),
        ),
        intro="Whether they were attending suitable education, training or employment is the "
        "answer above.",
    ),
    Section(
        "mental_health",
        "Mental health and emotional wellbeing",
        4,
        (
            Question(
                "mental_health_need",
                4,
                "Was the child screened as needing, or identified as having a need for, "
                "support with their mental health or emotional wellbeing?",
                missing="Select whether a mental health or emotional wellbeing need was "
                "screened or identified",
            ),
            Question(
                "mental_health_offered",
                4,
                "If there was a need: was an intervention planned or offered for it?",
                "Leave this if no need was screened or identified.",
                asked_if="mental_health_need",
                missing="Select whether a mental health or wellbeing intervention was planned "
                "or offered",
            ),
            Question(
                "mental_health_attending",
                4,
                "If one was planned or offered: was the child attending it?",
                "Leave this if nothing was planned or offered.",
                asked_if="mental_health_offered",
                missing="Select whether the child was attending the mental health or wellbeing "
                "intervention",
            ),
        ),
    ),
    Section(
        "substance",
        "Substance misuse",
        5,
        (
            Question(
                "substance_need",
                5,
                "Was the child screened or identified as needing specialist treatment for "
                "substance misuse?",
                missing="Select whether a need for substance misuse treatment was screened or "
                "identified",
            ),
            Question(
                "substance_offered",
                5,
                "If there was a need: was specialist treatment planned or offered?",
                "Leave this if no need was screened or identified.",
                asked_if="substance_need",
                missing="Select whether substance misuse treatment was planned or offered",
            ),
            Question(
                "substance_attending",
                5,
                "If it was planned or offered: was the child attending it?",
                "Leave this if nothing was planned or offered.",
                asked_if="substance_offered",
                missing="Select whether the child was attending substance misuse treatment",
            ),
        ),
    ),
    Section(
        "wider",
        "Wider services",
        8,
        (
            Question(
                "child_protection_plan",
                8,
                "Was the child on a child protection plan when the intervention ended?",
                missing="Select whether the child was on a child protection plan",
            ),
            Question(
                "child_in_need",
                8,
                "Was the child a child in need (on a child in need plan) when the intervention "
                "ended?",
                missing="Select whether the child was a child in need",
            ),
        ),
        intro="Whether the child has an EHCP and whether they are looked after are read from "
        "the child's record.",
    ),
    Section(
        "victims",
        "Victims",
        10,
        (
            Question(
                "victim_consent",
                10,
                "Did the victim agree to be contacted by the YJS?",
                choices=VICTIM_CONTACT,
                missing="Select whether the victim agreed to be contacted, or that there is no "
                "identifiable victim",
            ),
            Question(
                "victim_views_sought",
                10,
                "If they agreed: were their views asked for before the decision and the plan "
                "for the child?",
                "Leave this and the questions below if the victim did not agree to contact.",
                asked_if="victim_consent",
                missing="Select whether the victim's views were asked for before the decision",
            ),
            Question(
                "victim_rj_offered",
                10,
                "If they agreed: were they offered restorative justice?",
                asked_if="victim_consent",
                missing="Select whether the victim was offered restorative justice",
            ),
            Question(
                "victim_kept_informed",
                10,
                "If they agreed: were they kept informed of the case's progress?",
                asked_if="victim_consent",
                missing="Select whether the victim was kept informed of the case's progress",
            ),
            Question(
                "victim_support_info",
                10,
                "If they agreed: were they given information about support for victims?",
                asked_if="victim_consent",
                missing="Select whether the victim was given information about support",
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.key: q for s in SECTIONS for q in s.questions}

# Facts kept with the answers that the child's record already holds (copied when the
# intervention ends, so a later change to the record does not rewrite the quarter's return).
FROM_THE_CHILD_RECORD = ("ehcp", "looked_after")


# --- The return's measures ----------------------------------------------------------------------

# A group of ended interventions: those whose facts have all these values (none: every one).
Group = tuple[tuple[str, str], ...]
EVERY: Group = ()


@dataclass(frozen=True)
class Split:
    """How a group of ended interventions divides by one fact: every row of the group has
    exactly one of `categories` (so the counts add up to the group's)."""

    field: str
    within: Group
    categories: tuple[str, ...]

    def group_of(self, category: str) -> Group:
        return (*self.within, (self.field, category))


def _yes_no(field: str, within: Group = EVERY) -> Split:
    return Split(field, within, (YES, NO, NOT_KNOWN))


# Whether a case has an identifiable victim, from the victim question's answer.
VICTIM_IDENTIFIED = "victim_identified"

_SEND = (("send_need", YES),)
_MH = (("mental_health_need", YES),)
_MH_OFFERED = (*_MH, ("mental_health_offered", YES))
_SM = (("substance_need", YES),)
_SM_OFFERED = (*_SM, ("substance_offered", YES))
_VICTIM = ((VICTIM_IDENTIFIED, YES),)
_CONSENTED = (*_VICTIM, ("victim_consent", YES))

SPLITS: tuple[Split, ...] = (
    Split("ending", EVERY, (COMPLETED, NOT_COMPLETED, STOPPED)),
    _yes_no("accommodation_suitable"),
    _yes_no("ete_suitable"),
    _yes_no("send_need"),
    _yes_no("send_learning_plan", _SEND),
    _yes_no("ete_suitable", _SEND),
    _yes_no("mental_health_need"),
    _yes_no("mental_health_offered", _MH),
    _yes_no("mental_health_attending", _MH_OFFERED),
    _yes_no("substance_need"),
    _yes_no("substance_offered", _SM),
    _yes_no("substance_attending", _SM_OFFERED),
    _yes_no("ehcp"),
    _yes_no("child_protection_plan"),
    _yes_no("looked_after"),
    _yes_no("child_in_need"),
    Split(VICTIM_IDENTIFIED, EVERY, (YES, NO)),
    _yes_no("victim_consent", _VICTIM),
    _yes_no("victim_views_sought", _CONSENTED),
    _yes_no("victim_rj_offered", _CONSENTED),
    _yes_no("victim_kept_informed", _CONSENTED),
    _yes_no("victim_support_info", _CONSENTED),
)


@dataclass(frozen=True)
class Measure:
    """One line of the return: of the group `within` (the denominator), those whose `field`
    is `value` (the numerator)."""

    kpi: int
    number: str
    label: str
    field: str
    value: str
    within: Group = EVERY

    @property
    def split(self) -> Split:
        return next(s for s in SPLITS if s.field == self.field and s.within == self.within)


MEASURES: tuple[Measure, ...] = (
    Measure(1, "1a", "In suitable accommodation at the end", "accommodation_suitable", YES),
    Measure(1, "1b", "Accommodation not known at the end", "accommodation_suitable", NOT_KNOWN),
    Measure(2, "2a", "Attending suitable ETE at the end", "ete_suitable", YES),
    Measure(2, "2b", "ETE not known at the end", "ete_suitable", NOT_KNOWN),
    Measure(3, "3a", "With an identified SEND or ALN", "send_need", YES),
    Measure(3, "3b", "SEND or ALN not known", "send_need", NOT_KNOWN),
    Measure(3, "3c", "Of those with SEND or ALN, in suitable ETE", "ete_suitable", YES, _SEND),
    Measure(
        3,
        "3d",
        "Of those with SEND or ALN, a formal learning plan for the current school year",
        "send_learning_plan",
        YES,
        _SEND,
    ),
    Measure(4, "4a", "Screened or identified need", "mental_health_need", YES),
    Measure(4, "4b", "Need not known", "mental_health_need", NOT_KNOWN),
    Measure(
        4,
        "4c",
        "Of those with a need, intervention planned or offered",
        "mental_health_offered",
        YES,
        _MH,
    ),
    Measure(
        4,
        "4d",
        "Of those planned or offered, attending",
        "mental_health_attending",
        YES,
        _MH_OFFERED,
    ),
    Measure(5, "5a", "Screened or identified need for specialist treatment", "substance_need", YES),
    Measure(5, "5b", "Need not known", "substance_need", NOT_KNOWN),
    Measure(
        5,
        "5c",
        "Of those with a need, treatment planned or offered",
        "substance_offered",
        YES,
        _SM,
    ),
    Measure(
        5, "5d", "Of those planned or offered, attending", "substance_attending", YES, _SM_OFFERED
    ),
    Measure(6, "6a", "Interventions completed", "ending", COMPLETED),
    Measure(
        6,
        "6b",
        "Not completed: conditions not done, returned to the police",
        "ending",
        NOT_COMPLETED,
    ),
    Measure(6, "6c", "Not completed: the child chose to stop voluntary work", "ending", STOPPED),
    Measure(8, "8a", "On an education, health and care plan (EHCP)", "ehcp", YES),
    Measure(8, "8b", "On a child protection plan", "child_protection_plan", YES),
    Measure(8, "8c", "Looked after", "looked_after", YES),
    Measure(8, "8d", "A child in need", "child_in_need", YES),
    Measure(10, "10a", "Cases with an identifiable victim", VICTIM_IDENTIFIED, YES),
    Measure(
        10, "10b", "Of those, the victim agreed to be contacted", "victim_consent", YES, _VICTIM
    ),
    Measure(
        10,
        "10c",
        "Of those who agreed, views asked for before the decision and plan",
        "victim_views_sought",
        YES,
        _CONSENTED,
    ),
    Measure(
        10,
        "10d",
        "Of those who agreed, offered restorative justice",
        "victim_rj_offered",
        YES,
        _CONSENTED,
    ),
    Measure(
        10,
        "10e",
        "Of those who agreed, kept informed of the case's progress",
        "victim_kept_informed",
        YES,
        _CONSENTED,
    ),
    Measure(
        10,
        "10f",
        "Of those who agreed, given information about support",
        "victim_support_info",
        YES,
        _CONSENTED,
    ),
)
