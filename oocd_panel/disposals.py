"""The disposal catalogue: the one place that says what each out-of-court outcome means.

Forms, the workflow's rules, letters and reports all read from here. The defaults follow
`docs/domain.md`; facts marked `needs_checking` were not confirmed from a primary source and are
flagged as such wherever they are shown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


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
    needs_checking: bool = False

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
        plain_name="No further action",
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
    ),
    Disposal(
        code="outcome_22",
        name="Outcome 22 (diversionary intervention, no further action)",
        plain_name="Support instead of further action",
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
        needs_checking=True,
    ),
    Disposal(
        code="deferred_prosecution",
        name="Outcome 22 or 23 (deferred prosecution)",
        plain_name="A chance to avoid court by keeping to an agreement",
        admission_needed=None,
        consent="The child agrees to the conditions.",
        work=Work.CONDITIONAL,
        if_not_taking_part="The decision about going to court may go ahead.",
        record="If the conditions are completed there is no further action.",
        counts_as_first_time_entrant=False,
        delivered_by_police=True,
        gravity_default=None,
        police_may_give_alone=False,
        is_diversion=True,
        needs_checking=True,
    ),
    Disposal(
        code="community_resolution",
        name="Community resolution",
        plain_name="Community resolution",
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
    ),
    Disposal(
        code="youth_caution",
        name="Youth caution (section 66ZA Crime and Disorder Act 1998)",
        plain_name="Youth caution",
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
    ),
    Disposal(
        code="youth_conditional_caution",
        name="Youth conditional caution (section 66A Crime and Disorder Act 1998)",
        plain_name="Youth conditional caution",
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
    ),
    Disposal(
        code="charge",
        name="Charge (youth court)",
        plain_name="Going to court",
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
    ),
)

_BY_CODE = {d.code: d for d in CATALOGUE}


def get(code: str) -> Disposal:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown disposal code {code!r}") from None


def find(code: str | None) -> Disposal | None:
    return _BY_CODE.get(code) if code else None


def codes() -> frozenset[str]:
    return frozenset(_BY_CODE)


def choices(disposals: Iterable[Disposal] = CATALOGUE) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in disposals]


def gravity_default(score: int) -> Disposal | None:
    """The outcome the NPCC Child Gravity Matrix suggests for a score (1 to 5)."""
    return next((d for d in CATALOGUE if d.gravity_default == score), None)


def police_alone() -> tuple[Disposal, ...]:
    return tuple(d for d in CATALOGUE if d.police_may_give_alone)
