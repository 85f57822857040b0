"""Drawing a scrutiny panel's sample: stratified by outcome, proportional with a minimum of one
per outcome where the size allows, and reproducible from a seed.

Plain functions over case ids: the same strata, size and seed always give the same cases, in
the same order (the order gives each case its label in the pack, "Case 1" onwards)."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping, Sequence

# Seeds a manager can read out and type again: no 0/O, 1/I/L or U/V to confuse.
SEED_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
SEED_LENGTH = 8
MAX_SEED_LENGTH = 40


def new_seed() -> str:
    return "".join(secrets.choice(SEED_ALPHABET) for _ in range(SEED_LENGTH))


def normalise_seed(text: str | None) -> str:
    """A seed as typed (any case, with spaces or hyphens) as it is kept: letters and digits in
    capitals."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def allocate(counts: Mapping[str, int], size: int) -> dict[str, int]:
    """How many cases to draw from each stratum (its key: the number of cases in it).

    At most `size` (and never more than there are): each stratum at least one when `size` is at
    least the number of strata, then one at a time to the stratum furthest below its
    proportional share (`size` x its share of the cases), never past its own count; that is
    the largest-remainder rounding of the shares, with the minimum. When `size` is smaller than
    the number of strata, the largest strata get one each. Ties go to the stratum first in
    key order."""
    keys = sorted(k for k, n in counts.items() if n > 0)
    allocation = {k: 0 for k in counts}
    total = sum(counts[k] for k in keys)
    size = max(0, min(size, total))
    if size == 0:
        return allocation
    if size < len(keys):
        for key in sorted(keys, key=lambda k: -counts[k])[:size]:
            allocation[key] = 1
        return allocation
    for key in keys:
        allocation[key] = 1
    for _ in range(size - len(keys)):
        open_keys = [k for k in keys if allocation[k] < counts[k]]
        furthest = max(
            open_keys, key=lambda k: (size * counts[k] / total - allocation[k], -keys.index(k))
        )
        allocation[furthest] += 1
    return allocation


def draw(strata: Mapping[str, Sequence[int]], size: int, seed: str) -> list[int]:
    """The cases of a sample (ids from `strata`: stratum key to its case ids), in the order of
    their labels. The ids are sorted and the strata taken in key order before `seed` chooses,
    so neither the order they were read in nor anything but the seed changes the sample."""
    rng = random.Random(seed)
    allocation = allocate({k: len(v) for k, v in strata.items()}, size)
    chosen: list[int] = []
    for key in sorted(strata):
        chosen += rng.sample(sorted(strata[key]), allocation[key])
    rng.shuffle(chosen)  # labels in no order a reader could link to the decisions' dates
    return chosen
