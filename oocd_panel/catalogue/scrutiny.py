"""Scrutiny panels: the scale a force's OOCD scrutiny panel rates each decision on, the free
texts a sample's pack may show once a reviewer has redacted them, and the words used in place
of what is taken out.

Police forces hold (often quarterly) scrutiny panels, usually chaired with the Police and Crime
Commissioner's office, with magistrates and YJS staff, that review an anonymised sample of
out-of-court decisions and rate each one, feeding back to the force and the YJS.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    hint: str
    # The panel's comments are needed with this rating (what it observed, or why it was wrong).
    needs_comments: bool
    missing_comments: str = ""


RATINGS: tuple[Rating, ...] = (
    Rating(
        "appropriate",
        "Appropriate",
        "The outcome was right for the child and the offence, and the reasons were sound.",
        needs_comments=False,
    ),
    Rating(
        "appropriate_with_observations",
        "Appropriate with observations",
        "The outcome was right, but the panel has points for the force or the YJS to learn from.",
        needs_comments=True,
        missing_comments="Enter the panel's observations",
    ),
    Rating(
        "inappropriate",
        "Inappropriate",
        "The outcome was not right for the child or the offence, or was not reached properly.",
        needs_comments=True,
        missing_comments="Enter why the panel found the decision inappropriate",
    ),
)
RATINGS_BY_CODE = {r.code: r for r in RATINGS}


def rating(code: str) -> Rating:
    return RATINGS_BY_CODE[code]


def rating_choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in RATINGS]


@dataclass(frozen=True)
class FreeText:
    """A free text of the case that the pack shows only as a reviewer redacted it."""

    key: str
    label: str
    explanation: str


FREE_TEXTS: tuple[FreeText, ...] = (
    FreeText(
        "assessment",
        "The practitioner's reasons for their recommendation",
        "The rationale for the recommendation in the signed-off pre-panel assessment.",
    ),
    FreeText(
        "decision",
        "The panel's reasoning",
        "Each vote's rationale (by the member's agency, never their name), and why the decision "
        "differed from the vote or the gravity-matrix default, or how an escalation was resolved.",
    ),
)
FREE_TEXTS_BY_KEY = {t.key: t for t in FREE_TEXTS}

# What a pack shows instead of a free text nobody has redacted yet, or one the case lacks.
NOT_YET_REDACTED = "[not yet redacted]"
NONE_RECORDED = "None recorded."

# What the suggested redaction puts in place of each kind of identifier.
REPLACEMENTS: dict[str, str] = {
    "name": "[name]",
    "date_of_birth": "[date of birth]",
    "address": "[address]",
    "postcode": "[postcode]",
    "police_reference": "[police reference]",
    "phone": "[phone number]",
    "email": "[email address]",
}
# How a refusal names what is still in a text.
IDENTIFIER_WORDS: dict[str, str] = {
    "name": "a name",
    "date_of_birth": "the child's date of birth",
    "address": "an address",
    "postcode": "a postcode",
    "police_reference": "a police reference",
    "phone": "a phone number",
    "email": "an email address",
}

MAX_SAMPLE_SIZE = 200
MAX_TEXT = 10_000

ALLOCATION_RULE = (
    "The sample is stratified by outcome: each outcome decided in the period gets a share of the "
    "sample in proportion to its number of decisions (rounded by largest remainders), and at "
    "least one case when the sample is at least as large as the number of outcomes (when it is "
    "smaller, the outcomes with the most decisions get one each). An outcome with fewer "
    "decisions than its share gives all of them, and the rest goes to the others. Within each "
    "outcome, cases are chosen at random from the seed, so the same service, period, size and "
    "seed always give the same cases."
)
