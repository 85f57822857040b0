"""The synthetic demo cohort as a plan: who each child is, what happened to each referral, who
acted and when.

Everything here is invented. Names are random pairings of common first names and surnames,
streets and towns are fictional, and the characteristics are drawn to look roughly like a diverse
London borough's youth justice caseload (mostly boys aged 14 to 17, black and mixed heritage
children, children in care and neurodivergent children over-represented). The same seed always
gives the same cohort.

Both ways of loading demo data read these plans: `seed` carries each referral through the real
workflow (`take_action`), and `bulk` writes the rows those same actions write, in bulk. So the
plans and the timing of every step live here, once, and so do the distributions they are drawn
from (ethnicity, age, sex, care, SEND, gravity, outcomes), in `weights`; who acts in each
service's cases is in `cast`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from oocd_panel.catalogue.assessment_sections import SECTIONS_BY_KEY
from oocd_panel.catalogue.audit_standards import question_pairs
from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.demo.cast import Cast, casts_for
from oocd_panel.demo.names import FIRST_NAMES_BOYS, FIRST_NAMES_GIRLS, STREETS, SURNAMES
from oocd_panel.demo.weights import (
    ADMISSION,
    AGE,
    CARE,
    DISPOSAL_FOR_GRAVITY,
    ETHNICITY,
    FINISHED,
    FINISHED_OUTCOME,
    GRAVITY,
    INTERVENTION_NOTES,
    LANGUAGE,
    NEURODIVERGENT,
    NEURODIVERSITY_DETAILS,
    OFFENCE,
    OFFENCE_DESCRIPTIONS,
    OUTCOME,
    OUTCOME_WEIGHTS,
    PARENT,
    SEND,
    _int,
    _pick,
)
from oocd_panel.models import Route, Service, User
from oocd_panel.plumbing.clock import LONDON, local_date, years_before
from oocd_panel.rules.referral_rules import (
    MAX_AGE,
    ChildDetails,
    ContactDetails,
    NewReferral,
    OffenceDetails,
    age_on,
)
from oocd_panel.services.assessments import clean_answers
from oocd_panel.services.audits import field_name

ALL_FIRST_NAMES = FIRST_NAMES_BOYS + FIRST_NAMES_GIRLS
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Where a case is open, it was received in the last few weeks.
OPEN_DAYS = 40
# Panels meet at 10:00; a meeting hears at most this many cases, then the next one sits.
PANEL_TIME = dt.time(10, 0)
CASES_PER_MEETING = 20
MEETING_INTERVAL = dt.timedelta(minutes=15)
# With years of history, some children are referred again after an earlier case closed.
REFERRED_AGAIN = 0.2


@dataclass(slots=True)
class Step:
    """One action of a referral's journey: who takes it, when, and what they give."""

    trigger: str
    actor: User
    moment: dt.datetime
    disposal: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class ReferralPlan:
    number: int
    slug: str
    service_id: int
    cast: Cast
    outcome: str
    data: NewReferral
    entered_at: dt.datetime
    steps: list[Step]
    # The panel meeting the case is heard at, if it goes to panel.
    meeting_start: dt.datetime | None = None
    exploitation: bool = False
    answers_variant: int = 0
    # Intervention notes written right after the step at this index: (moment, text).
    notes: dict[int, list[tuple[dt.datetime, str]]] = field(default_factory=dict)
    # The same child's earlier referral, when the child is referred again.
    earlier: ReferralPlan | None = None

    @property
    def child(self) -> ChildDetails:
        assert self.data.child is not None
        return self.data.child

    @property
    def answers(self) -> dict[str, dict[str, Any]]:
        return assessment_answers(
            self.data.proposed_outcome, self.exploitation, self.answers_variant
        )

    @property
    def finished_at(self) -> dt.datetime:
        return self.steps[-1].moment if self.steps else self.entered_at


# Assessments are written from a small pool of answer sets, so a million cases need not each be
# composed (and the same answers are written however the case is loaded).
ANSWER_VARIANTS = 6


@lru_cache(maxsize=512)
def assessment_answers(
    recommended: str, exploitation: bool, variant: int
) -> dict[str, dict[str, Any]]:
    """A practitioner's answers to every section, as saving each section stores them."""
    rng = random.Random(f"{recommended}/{exploitation}/{variant}")
    raw = answers_for(rng, recommended, exploitation=exploitation)
    return {key: clean_answers(SECTIONS_BY_KEY[key], answers) for key, answers in raw.items()}


def _postcode(rng: random.Random, area: str) -> str:
    letters = _pick(rng, _POSTCODE_LETTERS) + _pick(rng, _POSTCODE_LETTERS)
    return f"{area}{_int(rng, 1, 9)} {_int(rng, 1, 9)}{letters}"


def _date_of_birth(rng: random.Random, offence_date: dt.date) -> dt.date:
    age = AGE(rng)
    return years_before(offence_date, age + 1) + dt.timedelta(days=_int(rng, 1, 364))


def _child(
    rng: random.Random, offence_date: dt.date, town: str, postcode_area: str
) -> ChildDetails:
    boy = rng.random() < 0.82
    first = _pick(rng, FIRST_NAMES_BOYS if boy else FIRST_NAMES_GIRLS)
    care = CARE(rng)
    send = SEND(rng)
    neuro = NEURODIVERGENT(rng)
    code = ETHNICITY(rng)
    language = LANGUAGE(rng)
    return ChildDetails(
        first_name=first,
        last_name=_pick(rng, SURNAMES),
        date_of_birth=_date_of_birth(rng, offence_date),
        address_line_1=f"{_int(rng, 1, 180)} {_pick(rng, STREETS)}",
        town=town,
        postcode=_postcode(rng, postcode_area),
        sex="male" if boy else "female",
        ethnicity=code,
        care_experience=care,
        send=send,
        neurodivergent=neuro,
        neurodiversity_details=_pick(rng, NEURODIVERSITY_DETAILS) if neuro == "yes" else None,
        first_language=language,
        needs_interpreter=language != "English" and rng.random() < 0.3,
        interpreter_language=language if language != "English" else None,
        needs_easy_read=send != "none" and rng.random() < 0.4,
    )


def _contact(rng: random.Random, child: ChildDetails) -> ContactDetails:
    relation = PARENT(rng)
    women = relation in {"mother", "grandmother", "aunt"}
    first = _pick(rng, FIRST_NAMES_GIRLS if women else ALL_FIRST_NAMES)
    return ContactDetails(
        full_name=f"{first} {child.last_name}",
        relationship_to_child=relation,
        phone=f"07700 9{_int(rng, 0, 99999):05d}",  # Ofcom's range reserved for drama
        has_parental_responsibility=relation in {"mother", "father"},
    )


PathStep = tuple[str, User, str | None, str | None]  # trigger, actor, disposal, reason


def _path(
    outcome: str, gravity: int, cast: Cast, rng: random.Random
) -> tuple[Route, list[PathStep]]:
    """The actions that take a new referral to `outcome`, each with who takes it."""
    practitioner = _pick(rng, cast.practitioners)
    manager = cast.manager_for(practitioner)
    if outcome in {"notified", "support_offered", "support_accepted", "support_declined"}:
        steps: list[PathStep] = []
        if outcome != "notified":
            steps.append(("offer_support", practitioner, None, None))
        if outcome == "support_accepted":
            steps += [
                ("accept_support", practitioner, None, None),
                ("complete_intervention", practitioner, None, None),
            ]
        if outcome == "support_declined":
            steps.append(("record_declined", practitioner, None, None))
        return Route.NOTIFICATION, steps

    order = [
        "referred",
        "assessing",
        "awaiting_sign_off",
        "ready_for_panel",
        "at_panel",
        "decided",
        "outcome_delivered",
        "intervention",
    ]
    disposal = DISPOSAL_FOR_GRAVITY[gravity]
    if outcome == "closed_charged":
        disposal = "charge"
    elif outcome == "closed_nfa":
        disposal = "no_further_action"
    elif outcome == "deferred_prosecution":
        disposal = "outcome_23"
    elif outcome in {
        "outcome_delivered",
        "intervention",
        "closed_completed",
        "closed_not_completed",
        "returned_to_police",
        "closed_declined",
    }:
        if disposal in {"no_further_action", "charge"}:
            disposal = (
                "youth_caution"
                if outcome not in {"closed_not_completed", "returned_to_police"}
                else "youth_conditional_caution"
            )
        if outcome == "closed_declined" and disposal == "youth_conditional_caution":
            disposal = "community_resolution"
        if outcome in {"closed_not_completed", "returned_to_police"}:
            disposal = "youth_conditional_caution"
    target = {
        "escalated": "at_panel",
        "escalation_resolved": "at_panel",
        "returned_to_police": "intervention",
        "closed_withdrawn": _pick(rng, order[:4]),
        "closed_charged": "decided",
        "closed_nfa": "decided",
        "closed_completed": "intervention",
        "closed_not_completed": "intervention",
        "closed_declined": "outcome_delivered",
        "deferred_prosecution": "intervention",
    }.get(outcome, outcome)

    all_steps: list[PathStep] = [
        ("start_assessment", practitioner, None, None),
        ("submit_for_sign_off", practitioner, None, None),
        ("sign_off", manager, None, "Risks to and from the child are analysed with evidence."),
        ("take_to_panel", cast.panel.chair, None, None),
        ("decide", cast.panel.police, disposal, None),
        ("record_delivery", cast.police, None, None),
        ("start_intervention", practitioner, None, None),
    ]
    steps = all_steps[: order.index(target)]
    if outcome in {"escalated", "escalation_resolved"}:
        steps.append(("escalate", cast.panel.chair, disposal, None))
        if outcome == "escalation_resolved":
            assert cast.panel.inspector is not None
            steps.append(("resolve_escalation", cast.panel.inspector, disposal, None))
    elif outcome == "closed_withdrawn":
        steps.append(
            ("withdraw", cast.police, None, "The victim withdrew support for the prosecution.")
        )
    elif outcome == "closed_charged":
        steps.append(("close_charged", cast.police, None, None))
    elif outcome == "closed_nfa":
        steps.append(
            ("close_no_further_action", practitioner, None, "No further action was decided.")
        )
    elif outcome in {"closed_completed", "deferred_prosecution"}:
        steps.append(("complete_intervention", practitioner, None, None))
    elif outcome in {"closed_not_completed", "returned_to_police"}:
        steps.append(
            ("end_not_completed", practitioner, None, "Stopped attending after three sessions.")
        )
        if outcome == "closed_not_completed":
            steps.append(
                (
                    "close_no_further_action",
                    cast.police,
                    None,
                    "Two of three conditions met; the police decided on no further action.",
                )
            )
    elif outcome == "closed_declined":
        steps.append(
            ("record_declined", practitioner, None, "The child did not want further sessions.")
        )
    if outcome == "assessing" and rng.random() < 0.3:
        # Some assessments were returned for rework on the way.
        steps = [
            *all_steps[:2],
            (
                "return_for_rework",
                manager,
                None,
                "Analyse the exploitation concerns and give evidence for the rating.",
            ),
        ]
    return Route.PANEL, steps


class PanelSchedule:
    """When each case is heard: the next panel day at 10:00, in meetings of at most
    CASES_PER_MEETING cases (the next meeting of the day sits 15 minutes later)."""

    def __init__(self, weekdays: tuple[int, ...]) -> None:
        self.weekdays = weekdays
        self.heard: dict[tuple[str, dt.date], int] = {}

    def place(
        self, slug: str, moment: dt.datetime, last_moment: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        """(the meeting's start, when the vote opens) for a case ready at `moment`."""
        day = local_date(moment)
        while day.weekday() not in self.weekdays:
            day += dt.timedelta(days=1)
        opens: dt.datetime | None = None
        if dt.datetime.combine(day, PANEL_TIME, LONDON) > last_moment:
            day, opens = local_date(moment), moment  # no panel day left before today: now
        heard = self.heard.get((slug, day), 0)
        self.heard[(slug, day)] = heard + 1
        start = (
            dt.datetime.combine(day, PANEL_TIME, LONDON)
            + (heard // CASES_PER_MEETING) * MEETING_INTERVAL
        )
        return start, opens or min(start, last_moment)


def _police_reference(area: str, number: int, received: dt.date) -> str:
    """A crime number, unique for every case of a cohort (7919 and 9,000,000 are coprime)."""
    return f"{area}{(number * 7919 + 1_234_567) % 9_000_000 + 1_000_000}/{received:%y}"


@dataclass
class Cohort:
    """Plans for `count` referrals.

    `years` of history: None for the small demo (open cases received in the last few weeks,
    closed ones up to two years old, the first 22 covering every outcome, panels on Tuesdays);
    a number of years for a large cohort, where cases older than a few weeks have finished, some
    children are referred again after an earlier case closed, and panels sit every weekday.
    """

    services: Mapping[str, Service]
    users: Mapping[str, User]
    today: dt.date
    seed: int
    years: int | None = None
    first_number: int = 0

    def plans(self, count: int) -> Iterator[ReferralPlan]:
        rng = random.Random(self.seed)
        casts = casts_for(self.users)
        schedule = PanelSchedule((1,) if self.years is None else (0, 1, 2, 3, 4))
        last_moment = dt.datetime.combine(self.today, dt.time(9), LONDON)
        outcomes = list(OUTCOME_WEIGHTS)
        made = 0
        again: ReferralPlan | None = None
        while made < count:
            number = self.first_number + made
            if again is not None:
                plan = self._again(rng, number, again, casts, schedule, last_moment)
                again = None
                if plan is None:
                    continue
            else:
                plan = self._plan(rng, made, number, outcomes, casts, schedule, last_moment)
                if (
                    self.years is not None
                    and plan.outcome in FINISHED
                    and rng.random() < REFERRED_AGAIN
                ):
                    again = plan
            made += 1
            yield plan

    def _received(self, rng: random.Random, index: int, outcomes: list[str]) -> tuple[str, int]:
        if self.years is None:
            # The first cases cover every outcome once; the rest follow the weights.
            outcome = outcomes[index] if index < len(outcomes) else OUTCOME(rng)
            open_case = outcome not in FINISHED
            return outcome, _int(rng, 3, OPEN_DAYS) if open_case else _int(rng, 60, 700)
        days_ago = _int(rng, 3, max(self.years * 365, OPEN_DAYS + 1))
        return (OUTCOME(rng) if days_ago <= OPEN_DAYS else FINISHED_OUTCOME(rng)), days_ago

    def _plan(
        self,
        rng: random.Random,
        index: int,
        number: int,
        outcomes: list[str],
        casts: dict[str, Cast],
        schedule: PanelSchedule,
        last_moment: dt.datetime,
    ) -> ReferralPlan:
        outcome, days_ago = self._received(rng, index, outcomes)
        # One case in five is Eastmere's, so a second service has work too.
        first_cases = self.years is None and index < len(outcomes)
        slug = "eastmere" if not first_cases and rng.random() < 0.2 else "northbrook"
        if slug == "eastmere" and outcome in {"escalated", "escalation_resolved"}:
            outcome = "at_panel"  # Eastmere decides by majority: its panels rarely escalate
        received = self.today - dt.timedelta(days=days_ago)
        offence_date = received - dt.timedelta(days=_int(rng, 1, 20))
        town, area = ("Northbrook", "NB") if slug == "northbrook" else ("Eastmere", "EM")
        child = _child(rng, offence_date, town, area)
        return self._referral(
            rng, number, slug, outcome, casts, schedule, last_moment, received, offence_date,
            child, _contact(rng, child), area,
        )  # fmt: skip

    def _again(
        self,
        rng: random.Random,
        number: int,
        earlier: ReferralPlan,
        casts: dict[str, Cast],
        schedule: PanelSchedule,
        last_moment: dt.datetime,
    ) -> ReferralPlan | None:
        """The same child referred again, some weeks or months after their case closed."""
        received = local_date(earlier.finished_at) + dt.timedelta(days=_int(rng, 20, 400))
        offence_date = received - dt.timedelta(days=_int(rng, 1, 20))
        child = earlier.child
        assert child.date_of_birth is not None
        days_ago = (self.today - received).days
        if days_ago < 3 or age_on(child.date_of_birth, offence_date) > MAX_AGE:
            return None
        outcome = OUTCOME(rng) if days_ago <= OPEN_DAYS else FINISHED_OUTCOME(rng)
        if earlier.slug == "eastmere" and outcome in {"escalated", "escalation_resolved"}:
            outcome = "at_panel"
        plan = self._referral(
            rng, number, earlier.slug, outcome, casts, schedule, last_moment, received,
            offence_date, child, earlier.data.contact, earlier.data.police_reference[:2],
        )  # fmt: skip
        plan.earlier = earlier
        return plan

    def _referral(
        self,
        rng: random.Random,
        number: int,
        slug: str,
        outcome: str,
        casts: dict[str, Cast],
        schedule: PanelSchedule,
        last_moment: dt.datetime,
        received: dt.date,
        offence_date: dt.date,
        child: ChildDetails,
        contact: ContactDetails | None,
        area: str,
    ) -> ReferralPlan:
        cast = casts[slug]
        offence_type = OFFENCE(rng)
        gravity = GRAVITY(rng)
        route, path = _path(outcome, gravity, cast, rng)
        police_outcome = None
        if route is Route.NOTIFICATION:
            police_outcome = (
                "outcome_22"
                if outcome == "support_accepted"
                else _pick(rng, ["community_resolution", "community_resolution", "outcome_22"])
            )
        proposed = DISPOSAL_FOR_GRAVITY[gravity]
        if rng.random() < 0.2:
            proposed = DISPOSAL_FOR_GRAVITY[max(1, gravity - 1)]
        data = NewReferral(
            service_id=self.services[slug].id,
            route=route,
            police_reference=_police_reference(area, number + self.seed * 104_729, received),
            offence_date=offence_date,
            received_on=received,
            admission=ADMISSION(rng),
            officer_name=f"PC {_pick(rng, ALL_FIRST_NAMES)} {_pick(rng, SURNAMES)}",
            proposed_outcome=police_outcome or proposed,
            police_outcome=police_outcome,
            offences=[OffenceDetails(offence_type, OFFENCE_DESCRIPTIONS[offence_type], gravity)],
            child=child,
            contact=contact,
            victim_details="A pupil at the same school."
            if offence_type == "violence_against_the_person"
            else None,
            victim_restorative_wish=_pick(rng, ["yes", "no", "not_asked"]),
        )
        entered = dt.datetime.combine(received, dt.time(10, _int(rng, 0, 59)), LONDON)
        plan = ReferralPlan(
            number=number,
            slug=slug,
            service_id=self.services[slug].id,
            cast=cast,
            outcome=outcome,
            data=data,
            entered_at=entered,
            steps=[],
            exploitation=rng.random() < 0.15,
            answers_variant=int(rng.random() * ANSWER_VARIANTS),
        )
        moment = entered
        for trigger, actor, disposal, reason in path:
            moment = min(
                moment + dt.timedelta(days=_int(rng, 1, 6), hours=_int(rng, 0, 5)),
                last_moment,
            )
            if trigger == "take_to_panel":
                plan.meeting_start, moment = schedule.place(slug, moment, last_moment)
            plan.steps.append(Step(trigger, actor, moment, disposal, reason))
            if trigger in {"start_intervention", "accept_support"}:
                plan.notes[len(plan.steps) - 1] = [
                    (
                        min(moment + dt.timedelta(hours=_int(rng, 1, 8)), last_moment),
                        _pick(rng, INTERVENTION_NOTES),
                    )
                    for _ in range(_int(rng, 1, 2))
                ]
        return plan


# How often auditors answer 'yes', per question: weakest on safety, as the inspection found.
_AUDIT_YES = {
    "desistance": 0.8,
    "child_safety": 0.55,
    "others_safety": 0.6,
}
AUDIT_COMMENT = "Risks named but not analysed: add the evidence and what could happen."


def audit_answers(rng: random.Random, *, delivered: bool) -> dict[str, tuple[str, str | None]]:
    """A manager's answers to the quality audit's questions (delivery only once delivered)."""
    answers: dict[str, tuple[str, str | None]] = {}
    for standard, question, _ in question_pairs():
        if standard == "delivery" and not delivered:
            answers[field_name(standard, question)] = ("not_applicable", None)
            continue
        boost = 0.1 if standard != "assessment" else 0.0
        yes = rng.random() < _AUDIT_YES[question] + boost
        answers[field_name(standard, question)] = ("yes", None) if yes else ("no", AUDIT_COMMENT)
    return answers


def audited_at(rng: random.Random, last_event: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A week or more after the case's last step; recent cases in the last few weeks."""
    when = last_event + dt.timedelta(days=_int(rng, 7, 40))
    if when > now:
        when = now - dt.timedelta(hours=_int(rng, 1, 500))
    return when
