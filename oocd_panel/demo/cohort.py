"""The synthetic demo cohort as a plan: who each child is, what happened to each referral, who
acted and when.

Everything here is invented. Names are random pairings of common first names and surnames,
streets and towns are fictional, and the characteristics are drawn to look roughly like a diverse
London borough's youth justice caseload (mostly boys aged 14 to 17, black and mixed heritage
children, children in care and neurodivergent children over-represented). The same seed always
gives the same cohort.

Both ways of loading demo data read these plans: `demo` carries each referral through the real
workflow (`take_action`), and `demo_bulk` writes the rows those same actions write, in bulk. So
the distributions (ethnicity, age, sex, care, SEND, gravity, outcomes) and the timing of every
step live here, once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any, Generic, TypeVar

from oocd_panel.catalogue.assessment_sections import SECTIONS_BY_KEY
from oocd_panel.catalogue.audit_standards import question_pairs
from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.demo.names import FIRST_NAMES_BOYS, FIRST_NAMES_GIRLS, STREETS, SURNAMES
from oocd_panel.demo.panels import PanelCast
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

K = TypeVar("K")


def _int(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high (both included): `randint`, several times faster."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, items: Sequence[K]) -> K:
    return items[int(rng.random() * len(items))]


class Weighted(Generic[K]):
    """Draws from fixed weights (a cohort of a million makes tens of millions of draws)."""

    def __init__(self, weights: Mapping[K, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> K:
        return self.keys[bisect.bisect(self.cumulative, rng.random() * self.total)]


# Roughly a diverse London borough's caseload (ONS 2021 codes, weights in per cent).
ETHNICITY_WEIGHTS = {
    "white_british": 24,
    "white_irish": 1,
    "white_gypsy_traveller": 1,
    "white_roma": 1,
    "white_other": 10,
    "black_african": 12,
    "black_caribbean": 9,
    "black_other": 3,
    "mixed_white_black_caribbean": 8,
    "mixed_white_black_african": 3,
    "mixed_white_asian": 2,
    "mixed_other": 3,
    "asian_indian": 5,
    "asian_pakistani": 4,
    "asian_bangladeshi": 2,
    "asian_chinese": 1,
    "asian_other": 3,
    "other_arab": 3,
    "other_any": 3,
    "not_stated": 2,
}
OFFENCE_WEIGHTS = {
    "violence_against_the_person": 32,
    "drugs": 18,
    "theft_and_handling": 12,
    "possession_of_weapon": 9,
    "criminal_damage": 8,
    "public_order": 6,
    "robbery": 5,
    "burglary": 3,
    "motoring": 3,
    "vehicle_theft": 2,
    "fraud_and_forgery": 1,
    "other": 1,
}
OFFENCE_DESCRIPTIONS = {
    "violence_against_the_person": "Pushed and punched another young person outside school.",
    "drugs": "Found in possession of a small amount of cannabis.",
    "theft_and_handling": "Took clothing from a shop without paying.",
    "possession_of_weapon": "Carried a folding knife in a bag at a bus station.",
    "criminal_damage": "Broke a bus shelter window.",
    "public_order": "Shouted threats during an argument in a park.",
    "robbery": "Took a phone from another child with threats.",
    "burglary": "Entered a garden shed and took a bicycle.",
    "motoring": "Rode an electric scooter on the road without insurance.",
    "vehicle_theft": "Rode in a car taken without the owner's consent.",
    "fraud_and_forgery": "Used someone else's bank card online.",
    "other": "Gave a false name to a police officer.",
}
PARENTS = {
    "mother": 55,
    "father": 20,
    "foster carer": 8,
    "grandmother": 8,
    "aunt": 4,
    "residential care worker": 5,
}
# Ages at the offence from 10 to 17, mostly 14 to 17.
AGE_WEIGHTS = dict(zip(range(10, 18), [1, 2, 4, 7, 12, 17, 21, 22], strict=True))
GRAVITY_WEIGHTS = {1: 8, 2: 38, 3: 30, 4: 17, 5: 7}
CARE_WEIGHTS = {"none": 82, "looked_after": 11, "care_leaver": 4, "not_known": 3}
SEND_WEIGHTS = {"none": 58, "sen_support": 24, "ehcp": 12, "not_known": 6}
NEURODIVERGENT_WEIGHTS = {"yes": 28, "no": 55, "not_known": 17}
LANGUAGE_WEIGHTS = {
    "English": 88,
    "Somali": 3,
    "Polish": 3,
    "Arabic": 2,
    "Portuguese": 2,
    "Tigrinya": 2,
}
ADMISSION_WEIGHTS = {"admits": 80, "denies": 8, "no_comment": 12}
NEURODIVERSITY_DETAILS = (
    "ADHD (diagnosed)",
    "Autism (diagnosed)",
    "Awaiting ADHD assessment",
    "Dyslexia",
)

# Where each demo case ends up (weights): every status and closure is represented.
OUTCOME_WEIGHTS: dict[str, int] = {
    "referred": 6,
    "assessing": 8,
    "awaiting_sign_off": 5,
    "ready_for_panel": 6,
    "at_panel": 4,
    "escalated": 2,
    "decided": 5,
    "outcome_delivered": 5,
    "intervention": 12,
    "notified": 3,
    "support_offered": 3,
    "closed_completed": 18,
    "closed_not_completed": 4,
    "closed_declined": 4,
    "closed_withdrawn": 3,
    "closed_nfa": 4,
    "closed_charged": 4,
    "support_accepted": 2,
    "support_declined": 2,
    "deferred_prosecution": 2,
    "returned_to_police": 2,
    "escalation_resolved": 2,
}
# Outcomes of cases that have ended (or, for a deferred prosecution, run their course).
FINISHED = frozenset(
    {
        "closed_completed",
        "closed_not_completed",
        "closed_declined",
        "closed_withdrawn",
        "closed_nfa",
        "closed_charged",
        "support_accepted",
        "support_declined",
        "deferred_prosecution",
    }
)
DISPOSAL_FOR_GRAVITY = {
    1: "no_further_action",
    2: "community_resolution",
    3: "youth_caution",
    4: "youth_conditional_caution",
    5: "charge",
}
INTERVENTION_NOTES = (
    "First session: agreed the plan with the child and their carer; goals written in their words.",
    "Session on consequences and the person harmed; the child engaged well and asked questions.",
    "Missed today's session (illness, carer phoned ahead); rearranged for next week.",
    "Visited the college with the child; application for the electrician course started.",
)

ETHNICITY = Weighted(ETHNICITY_WEIGHTS)
OFFENCE = Weighted(OFFENCE_WEIGHTS)
PARENT = Weighted(PARENTS)
AGE = Weighted(AGE_WEIGHTS)
GRAVITY = Weighted(GRAVITY_WEIGHTS)
CARE = Weighted(CARE_WEIGHTS)
SEND = Weighted(SEND_WEIGHTS)
NEURODIVERGENT = Weighted(NEURODIVERGENT_WEIGHTS)
LANGUAGE = Weighted(LANGUAGE_WEIGHTS)
ADMISSION = Weighted(ADMISSION_WEIGHTS)
OUTCOME = Weighted(OUTCOME_WEIGHTS)
FINISHED_OUTCOME = Weighted({k: v for k, v in OUTCOME_WEIGHTS.items() if k in FINISHED})

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


@dataclass
class Cast:
    """Who acts in one service's demo cases."""

    practitioners: Sequence[User]
    managers: Sequence[User]
    panel: PanelCast
    police: User
    # The manager who signs off each practitioner's work (found once: a million cases ask).
    _signs_off: dict[int, User] = field(default_factory=dict, repr=False)

    def manager_for(self, practitioner: User) -> User:
        """The first manager who is not the practitioner."""
        found = self._signs_off.get(practitioner.id)
        if found is None:
            found = next(m for m in self.managers if m.id != practitioner.id)
            self._signs_off[practitioner.id] = found
        return found


def casts_for(users: Mapping[str, User]) -> dict[str, Cast]:
    inspector = users["inspector@example.org"]
    return {
        "northbrook": Cast(
            practitioners=[users["practitioner@example.org"], users["practitioner2@example.org"]],
            managers=[users["manager@example.org"], users["manager2@example.org"]],
            panel=PanelCast(
                chair=users["panel.yjs@example.org"],
                police=users["panel.police@example.org"],
                advisers=[users["panel.health@example.org"]],
                volunteers=["Lee Harlow (community volunteer)"],
                inspector=inspector,
                yjs_manager=users["manager@example.org"],
            ),
            police=users["police@example.org"],
        ),
        "eastmere": Cast(
            practitioners=[users["practitioner.eastmere@example.org"]],
            managers=[users["manager2@example.org"]],
            panel=PanelCast(
                chair=users["manager2@example.org"],
                police=users["panel.eastmere@example.org"],
                volunteers=["Sam Okoro (community volunteer)", "Ash Brennan (education)"],
                inspector=inspector,
                yjs_manager=users["manager2@example.org"],
            ),
            police=users["police@example.org"],
        ),
    }


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
        disposal = "deferred_prosecution"
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
