"""What the demo cohort is drawn from: how often each characteristic, offence and outcome occurs
(the weights), the texts and disposals that go with them, and the fast draws (`Weighted`, `_int`,
`_pick`) that a cohort of a million needs. Everything here is invented."""

from __future__ import annotations

import bisect
import random
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

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
