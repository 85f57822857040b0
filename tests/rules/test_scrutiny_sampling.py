"""Allocating and drawing a scrutiny sample: proportional to each outcome's decisions, at least
one of each where the size allows, never more than there are, and the same from the same seed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oocd_panel.rules.scrutiny_sampling import allocate, draw, new_seed, normalise_seed


def test_shares_are_proportional_rounded_by_largest_remainders() -> None:
    assert allocate({"a": 60, "b": 30, "c": 10}, 10) == {"a": 6, "b": 3, "c": 1}
    # 5 x (5/10, 3/10, 2/10) = 2.5, 1.5, 1: the tie between the remainders goes to "a".
    assert allocate({"a": 5, "b": 3, "c": 2}, 5) == {"a": 3, "b": 1, "c": 1}


def test_every_outcome_gets_one_when_the_size_allows() -> None:
    assert allocate({"a": 97, "b": 2, "c": 1}, 5) == {"a": 3, "b": 1, "c": 1}


def test_a_sample_smaller_than_the_outcomes_takes_one_from_the_largest() -> None:
    assert allocate({"a": 2, "b": 9, "c": 5, "d": 1}, 2) == {"a": 0, "b": 1, "c": 1, "d": 0}


def test_an_outcome_with_fewer_cases_than_its_share_gives_all_of_them() -> None:
    assert allocate({"a": 10, "b": 1}, 8) == {"a": 7, "b": 1}
    assert allocate({"a": 2, "b": 1}, 50) == {"a": 2, "b": 1}
    assert allocate({"a": 0, "b": 0}, 5) == {"a": 0, "b": 0}


@given(
    st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 40), min_size=1),
    st.integers(0, 120),
)
def test_an_allocation_is_the_size_or_everything_and_each_within_its_count(
    counts: dict[str, int], size: int
) -> None:
    found = allocate(counts, size)
    total = sum(counts.values())
    assert sum(found.values()) == min(size, total)
    assert all(0 <= found[k] <= counts[k] for k in counts)
    present = [k for k, n in counts.items() if n]
    if size >= len(present):
        assert all(found[k] >= 1 for k in present)


STRATA = {
    "youth_caution": list(range(100, 140)),
    "charge": [7, 3],
    "outcome_22": list(range(50, 60)),
}


def test_the_same_seed_draws_the_same_cases_in_the_same_order_however_they_were_read() -> None:
    first = draw(STRATA, 12, "K7QX3MPA")
    shuffled = {k: list(reversed(v)) for k, v in reversed(list(STRATA.items()))}
    assert draw(shuffled, 12, "K7QX3MPA") == first
    assert len(first) == len(set(first)) == 12
    assert draw(STRATA, 12, "ZZZZ2222") != first
    by_stratum = {k: sum(i in v for i in first) for k, v in STRATA.items()}
    assert by_stratum == allocate({k: len(v) for k, v in STRATA.items()}, 12)


def test_seeds_are_short_and_typed_back_in_any_case() -> None:
    seed = new_seed()
    assert len(seed) == 8
    assert normalise_seed(seed.lower()) == seed
    assert normalise_seed(" k7qx-3mpa ") == "K7QX3MPA"
