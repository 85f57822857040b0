"""The disposal catalogue: the one place that says what each out-of-court outcome means.

Forms, the workflow's rules, letters and reports all read from here. The defaults follow
`docs/domain.md`; facts marked `needs_checking` were not confirmed from a primary source and are
flagged as such wherever they are shown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from oocd_panel.catalogue.translatable import N_


class Work(enum.StrEnum):
    """Whether the child is asked to do any work with the YJS, and on what footing."""

    NONE = "none"
    VOLUNTARY = "voluntary"
    CONDITIONAL = "conditional"


@dataclass(frozen=True)
class Disposal:
    code: str
    name: str
    plain_name: str
    admission_needed: bool | None
    consent: str
    work: Work
    if_not_taking_part: str
    record: str
    counts_as_first_time_entrant: bool
    # The police hand it to the child (the 'outcome delivered' step); charge and NFA do not.
    delivered_by_police: bool
    # The gravity-matrix score for which this is the default outcome, if any.
    gravity_default: int | None
    # The police may give it alone and notify the YJS, without a panel.
    police_may_give_alone: bool
    is_diversion: bool
    # The facts a letter's claims are held against (letters/claims.py), one per question a
    # child asks: "will I go to court?", "is it a criminal record?", "will a job check show it?".
    # The case goes to the youth court whatever the child does (a charge).
    goes_to_court: bool
    # Not doing the agreed work lets the prosecution go ahead: the child may be taken to court
    # (not "will": the police decide).
    court_if_not_done: bool
    # Part of a criminal record (kept on the Police National Computer); None: the court decides.
    criminal_record: bool | None
    # A conviction; None: the court decides.
    conviction: bool | None
    # A caution (a formal warning from the police).
    caution: bool
    # It can appear on a check for a job (an enhanced DBS check, at the police's discretion);
    # None: not known for certain (needs checking locally, or the court decides).
    may_show_on_a_check: bool | None
    needs_checking: bool = False
    # Other names a letter may use for it (its name and plain name are known already).
    also_called: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        """The name without its explanation in brackets: "Youth caution", "Outcome 22"."""
        return self.name.split(" (")[0]

    @property
    def called(self) -> str:
        """The name as a sentence about it uses it: "a youth caution", "Outcome 22"."""
        short = self.short_name
        if short.startswith(("Outcome", "No further")):
            return short if short.startswith("Outcome") else short.lower()
        return f"a {short.lower()}"

    @property
    def taking_part_required(self) -> bool:
        """The work is conditions the child agreed: not doing them has a consequence."""
        return self.work is Work.CONDITIONAL

    @property
    def offers_intervention(self) -> bool:
        return self.work is not Work.NONE

    @property
    def work_is_voluntary(self) -> bool:
        return self.work is Work.VOLUNTARY

    @property
    def declining_ends_the_case(self) -> bool:
        """Saying no is the child's right and ends the matter: voluntary work that asks for no
        admission (Outcome 22). Declining anything else sends the case back to the police."""
        return self.work_is_voluntary and self.admission_needed is False


CATALOGUE: tuple[Disposal, ...] = (
    Disposal(
        code="no_further_action",
        name="No further action (NFA)",
        plain_name=N_("No further action"),
        admission_needed=False,
        consent="Not needed.",
        work=Work.NONE,
        if_not_taking_part="Nothing happens: there is no work to do.",
        record="No criminal record.",
        counts_as_first_time_entrant=False,
        delivered_by_police=False,
        gravity_default=1,
        police_may_give_alone=True,
        is_diversion=True,
        goes_to_court=False,
        court_if_not_done=False,
        criminal_record=False,
        conviction=False,
        caution=False,
        may_show_on_a_check=None,
        also_called=("NFA",),
    ),
    Disposal(
        code="outcome_22",
        name="Outcome 22 (diversionary intervention, no further action)",
        plain_name=N_("Support instead of further action"),
        admission_needed=False,
        consent="The child agrees to take part in the activity.",
        work=Work.VOLUNTARY,
        if_not_taking_part="Nothing further happens about this offence.",
        record=(
            "Recorded by the police as an outcome. It is not a caution or a conviction. "
            "Whether it can appear on a DBS check needs checking locally."
        ),
        counts_as_first_time_entrant=False,
        delivered_by_police=True,
        gravity_default=None,
        police_may_give_alone=True,
        is_diversion=True,
        goes_to_court=False,
        court_if_not_done=False,
        criminal_record=False,
        conviction=False,
        caution=False,
        may_show_on_a_check=None,
        needs_checking=True,
    ),
    Disposal(
        code="outcome_23",
        name="Outcome 23 (deferred prosecution)",
        plain_name=N_("A chance to avoid court by keeping to an agreement"),
        admission_needed=False,
        consent="The child agrees to the conditions.",
        work=Work.CONDITIONAL,
        if_not_taking_part=(
            "The prosecution decision was put on hold: if the conditions are not completed, it "
            "may go ahead, and the child could be taken to court."
        ),
        record=(
            "If the conditions are completed it ends in no further action. It is not a caution "
            "or a conviction. The police record it as Outcome 23."
        ),
        counts_as_first_time_entrant=False,
        delivered_by_police=True,
        gravity_default=None,
        police_may_give_alone=False,
        is_diversion=True,
        goes_to_court=False,
        court_if_not_done=True,
        criminal_record=False,
        conviction=False,
        caution=False,
        may_show_on_a_check=None,
        also_called=("deferred prosecution",),
        needs_checking=True,
    ),
    Disposal(
        code="community_resolution",
        name="Community resolution",
        plain_name=N_("Community resolution"),
        admission_needed=True,
        consent="The child accepts responsibility and agrees.",
        work=Work.VOLUNTARY,
        if_not_taking_part="Nothing further happens about this offence.",
        record=(
            "Not a criminal record and not a first-time entry. It is not on a Police National "
            "Computer check. The police may choose to include it on an enhanced DBS check."
        ),
        counts_as_first_time_entrant=False,
        delivered_by_police=True,
        gravity_default=2,
        police_may_give_alone=True,
        is_diversion=True,
        goes_to_court=False,
        court_if_not_done=False,
        criminal_record=False,
        conviction=False,
        caution=False,
        may_show_on_a_check=True,
    ),
    Disposal(
        code="youth_caution",
        name="Youth caution (section 66ZA Crime and Disorder Act 1998)",
        plain_name=N_("Youth caution"),
        admission_needed=True,
        consent="Not needed, but the child must be offered free legal advice first.",
        work=Work.VOLUNTARY,
        if_not_taking_part="Nothing further happens about this offence.",
        record=(
            "Counts as a first-time entry and is kept on the Police National Computer. It is "
            "spent straight away. Since November 2020 it is no longer automatically shown on "
            "standard or enhanced DBS checks, but the police may still add it to an enhanced check."
        ),
        counts_as_first_time_entrant=True,
        delivered_by_police=True,
        gravity_default=3,
        police_may_give_alone=False,
        is_diversion=True,
        goes_to_court=False,
        court_if_not_done=False,
        criminal_record=True,
        conviction=False,
        caution=True,
        may_show_on_a_check=True,
    ),
    Disposal(
        code="youth_conditional_caution",
        name="Youth conditional caution (section 66A Crime and Disorder Act 1998)",
        plain_name=N_("Youth conditional caution"),
        admission_needed=True,
        consent="The child must agree and sign.",
        work=Work.CONDITIONAL,
        if_not_taking_part="The child can be prosecuted for the original offence.",
        record=(
            "Counts as a first-time entry and is kept on the Police National Computer. It is "
            "spent after 3 months. Like every caution given under 18 it is filtered from standard "
            "and enhanced DBS checks since November 2020, but the police may still add it to an "
            "enhanced check. The child may withdraw consent."
        ),
        counts_as_first_time_entrant=True,
        delivered_by_police=True,
        gravity_default=4,
        police_may_give_alone=False,
        is_diversion=True,
        goes_to_court=False,
        court_if_not_done=True,
        criminal_record=True,
        conviction=False,
        caution=True,
        may_show_on_a_check=True,
        also_called=("conditional caution",),
    ),
    Disposal(
        code="charge",
        name="Charge (youth court)",
        plain_name=N_("Going to court"),
        admission_needed=None,
        consent="Not applicable.",
        work=Work.NONE,
        if_not_taking_part="Not applicable: the case goes to the youth court.",
        record="The youth court decides.",
        counts_as_first_time_entrant=False,
        delivered_by_police=False,
        gravity_default=5,
        police_may_give_alone=False,
        is_diversion=False,
        goes_to_court=True,
        court_if_not_done=False,
        criminal_record=None,
        conviction=None,
        caution=False,
        may_show_on_a_check=None,
    ),
)

_BY_CODE = {d.code: d for d in CATALOGUE}

# Codes an earlier catalogue used, and the entry that now carries their meaning. The combined
# "Outcome 22 or 23 (deferred prosecution)" entry was a deferred prosecution: conditions, with the
# prosecution decision going ahead if they are not done. That is Outcome 23; Outcome 22 (support,
# no further action) always had its own entry. Migration 0017 rewrote the stored codes; history
# kept as written (event details, the audit trail) still reads through this.
RENAMED = {"deferred_prosecution": "outcome_23"}


def current_code(code: str) -> str:
    return RENAMED.get(code, code)


def get(code: str) -> Disposal:
    try:
        return _BY_CODE[current_code(code)]
    except KeyError:
        raise KeyError(f"unknown disposal code {code!r}") from None


def find(code: str | None) -> Disposal | None:
    return _BY_CODE.get(current_code(code)) if code else None


def codes() -> frozenset[str]:
    return frozenset(_BY_CODE)


def choices(disposals: Iterable[Disposal] = CATALOGUE) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in disposals]


@cache
def gravity_default(score: int) -> Disposal | None:
    """The outcome the NPCC Child Gravity Matrix suggests for a score (1 to 5)."""
    return next((d for d in CATALOGUE if d.gravity_default == score), None)


def police_alone() -> tuple[Disposal, ...]:
    return tuple(d for d in CATALOGUE if d.police_may_give_alone)


# --- What letters say about each disposal --------------------------------------------------------
#
# The plain words letters use, in the catalogue beside the facts they explain, so a letter can never
# say something different from what the disposal means. `child` texts speak to the child ("you");
# `parent` texts speak to a parent or carer ("your child"). A service may override any of them
# (admin pages), and each override records who reviewed it; letters are checked either way.


@dataclass(frozen=True)
class LetterTexts:
    child_meaning: str
    child_if_not: str
    child_record: str
    parent_meaning: str
    parent_if_not: str
    parent_record: str
    # A right particular to this disposal, said to the child (empty if none).
    child_right: str = ""
    parent_right: str = ""


# The texts a service may word its own way (admin pages). What goes on the record, who can see it
# and when it is spent are facts of law, not local wording: letters always quote the catalogue.
LETTER_FIELDS: dict[str, str] = {
    "child_meaning": "What it means (to the child)",
    "child_if_not": "What happens if they do not take part (to the child)",
    "parent_meaning": "What it means (to a parent or carer)",
    "parent_if_not": "What happens if the child does not take part (to a parent or carer)",
    "child_right": "A right of this outcome (to the child)",
    "parent_right": "A right of this outcome (to a parent or carer)",
}


LETTER_TEXTS: dict[str, LetterTexts] = {
    "no_further_action": LetterTexts(
        child_meaning=N_("The police will not take any more action. Nothing more will happen."),
        child_if_not=N_("There is nothing you need to do."),
        child_record=N_(
            "You do not get a criminal record. The police keep a note that they spoke to you."
        ),
        parent_meaning=N_("The police will take no further action about this."),
        parent_if_not=N_("There is nothing your child needs to do."),
        parent_record=N_(
            "Your child does not get a criminal record. The police keep a note of what happened."
        ),
    ),
    "outcome_22": LetterTexts(
        child_meaning=N_(
            "You can get help and support instead. The police will not take any more action."
        ),
        child_if_not=N_("If you say no, or stop, nothing more will happen about this."),
        child_record=N_(
            "It is not a caution. It is not a conviction. The police keep a note of it. Ask your "
            "worker if a check for a job could show it."
        ),
        parent_meaning=N_(
            "Your child is offered support instead. The police will take no further action about "
            "this."
        ),
        parent_if_not=N_("If your child says no, or stops, nothing further happens about this."),
        parent_record=N_(
            "It is not a caution or a conviction. The police keep a note of it as an outcome. Ask "
            "the worker whether a check for a job could show it."
        ),
    ),
    "outcome_23": LetterTexts(
        child_meaning=N_(
            "The police have put off deciding if you go to court. You agreed to do some things by "
            "set dates. If you do them, you will not go to court."
        ),
        child_if_not=N_("If you do not do them, the police may take you to court."),
        child_record=N_(
            "If you do all the things you agreed, the police take no more action. It is not a "
            "caution. It is not a conviction. The police keep a note of it."
        ),
        parent_meaning=N_(
            "The police have put off deciding whether to take your child to court. Your child "
            "agreed to do some things by set dates. If they do them, the case will not go to "
            "court."
        ),
        parent_if_not=N_("If your child does not do them, the police may take the case to court."),
        parent_record=N_(
            "If your child does all they agreed, the police take no more action. It is not a "
            "caution or a conviction. The police keep a note of it."
        ),
    ),
    "community_resolution": LetterTexts(
        child_meaning=N_(
            "You told the police you did it. The police dealt with it without a court."
        ),
        child_if_not=N_("If you say no to the help we offer, nothing more will happen about this."),
        child_record=N_(
            "It is not a criminal record. Most checks for jobs will not show it. For some jobs, "
            "like work with children, the police can choose to share it."
        ),
        parent_meaning=N_(
            "Your child accepted they did it. The police dealt with it without going to court."
        ),
        parent_if_not=N_(
            "If your child says no to the help we offer, nothing further happens about this."
        ),
        parent_record=N_(
            "It is not a criminal record. Most checks for jobs will not show it. For some jobs, "
            "like work with children, the police can choose to share it."
        ),
    ),
    "youth_caution": LetterTexts(
        child_meaning=N_(
            "A youth caution is a formal warning from the police. You told the police you did it. "
            "You do not go to court."
        ),
        child_if_not=N_("If you say no to the help we offer, nothing more will happen about this."),
        child_record=N_(
            "The police keep it on their computer. It is spent straight away. Most checks for "
            "jobs will not show it. For some jobs, like work with children, the police can choose "
            "to share it."
        ),
        parent_meaning=N_(
            "A youth caution is a formal warning from the police. Your child admitted the "
            "offence. It does not go to court."
        ),
        parent_if_not=N_(
            "If your child says no to the help we offer, nothing further happens about this."
        ),
        parent_record=N_(
            "The police keep it on their computer. It is spent straight away. Most checks for "
            "jobs will not show it. For some jobs, like work with children, the police can choose "
            "to share it."
        ),
    ),
    "youth_conditional_caution": LetterTexts(
        child_meaning=N_(
            "A youth conditional caution is a formal warning from the police. You agreed to do "
            "some things by set dates."
        ),
        child_if_not=N_("If you do not do them, you could be taken to court for what happened."),
        child_record=N_(
            "The police keep it on their computer. It is spent after 3 months. Most checks for "
            "jobs will not show it. For some jobs, like work with children, the police can choose "
            "to share it."
        ),
        parent_meaning=N_(
            "A youth conditional caution is a formal warning from the police. Your child agreed "
            "to do some things by set dates."
        ),
        parent_if_not=N_("If your child does not do them, they could go to court for it."),
        parent_record=N_(
            "The police keep it on their computer. It is spent after 3 months. Most checks for "
            "jobs will not show it. For some jobs, like work with children, the police can choose "
            "to share it."
        ),
        child_right=N_(
            "You can change your mind about agreeing. But then you could be taken to court. Talk "
            "to a lawyer first."
        ),
        parent_right=N_(
            "Your child can change their mind about agreeing. But then they could be taken to "
            "court. They should talk to a lawyer first."
        ),
    ),
    "charge": LetterTexts(
        child_meaning=N_("You will go to the youth court. The court will decide what happens."),
        child_if_not=N_("Go to court on the date the police gave you. Your worker can help."),
        child_record=N_("The court will decide what goes on your record."),
        parent_meaning=N_(
            "Your child will go to the youth court. The court will decide what happens."
        ),
        parent_if_not=N_("Your child must go to court on the date the police gave them."),
        parent_record=N_("The court will decide what goes on your child's record."),
    ),
}


def letter_texts(code: str) -> LetterTexts:
    return LETTER_TEXTS[code]


# Disposals whose letters must list the interventions offered: the activity is the outcome
# (Outcome 22), or the work is agreed as conditions.
INTERVENTIONS_NEEDED = frozenset({"outcome_22", "outcome_23", "youth_conditional_caution"})
