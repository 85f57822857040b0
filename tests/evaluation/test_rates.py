"""The relative rate index and the Mantel-Haenszel ratio, against hand-computed examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oocd_panel.evaluation.rates import Count, Stratum, mantel_haenszel, rri


def test_rri_matches_a_hand_computed_example() -> None:
    # 20 of 100 against 10 of 100: RRI 2; SE = sqrt(1/20 - 1/100 + 1/10 - 1/100) = sqrt(0.13).
    ratio = rri(Count(20, 100), Count(10, 100))
    assert ratio.value == pytest.approx(2.0)
    se = math.sqrt(0.13)
    assert ratio.low == pytest.approx(2 * math.exp(-1.959964 * se), rel=1e-6)
    assert ratio.high == pytest.approx(2 * math.exp(1.959964 * se), rel=1e-6)
    assert (round(ratio.low, 4), round(ratio.high, 4)) == (0.9866, 4.0545)  # type: ignore[arg-type]
    assert ratio.significant is False  # the interval includes 1
    assert rri(Count(60, 100), Count(30, 100)).significant is True


def test_mantel_haenszel_matches_a_hand_computed_example() -> None:
    # Gravity 1: 10/50 against 5/50; gravity 2: 20/40 against 30/120.
    # R = 10*50/100 + 20*120/160 = 20; S = 5*50/100 + 30*40/160 = 10; RR = 2.
    # Var = (3.25 + 5.625) / (20 * 10) = 0.044375.
    ratio = mantel_haenszel([Stratum(10, 50, 5, 50), Stratum(20, 40, 30, 120)])
    assert ratio.value == pytest.approx(2.0)
    sd = math.sqrt(0.044375)
    assert ratio.low == pytest.approx(2 * math.exp(-1.959964 * sd), rel=1e-6)
    assert ratio.high == pytest.approx(2 * math.exp(1.959964 * sd), rel=1e-6)
    assert (round(ratio.low, 4), round(ratio.high, 4)) == (1.3235, 3.0223)  # type: ignore[arg-type]
    assert ratio.significant is True


def test_adjusting_for_gravity_can_remove_a_raw_difference() -> None:
    """Each group is treated alike at each gravity score, but one has more serious offences."""
    strata = [Stratum(1, 10, 10, 100), Stratum(50, 100, 5, 10)]
    raw = rri(Count(51, 110), Count(15, 110))
    assert raw.value == pytest.approx(51 / 15)
    assert raw.significant is True
    assert mantel_haenszel(strata).value == pytest.approx(1.0)


def test_a_single_stratum_gives_the_crude_ratio() -> None:
    assert mantel_haenszel([Stratum(20, 100, 10, 100)]).value == pytest.approx(
        rri(Count(20, 100), Count(10, 100)).value
    )


def test_groups_too_small_or_empty_are_said_to_be_so() -> None:
    assert rri(Count(3, 40), Count(10, 100), smallest=5).why_not == "too few cases to measure"
    assert rri(Count(3, 40), Count(0, 0)).why_not.startswith("the reference group has no cases")
    assert rri(Count(0, 0), Count(10, 100)).why_not == "no cases in this group"
    none = mantel_haenszel([Stratum(0, 0, 0, 0)])
    assert not none.measured
    assert none.significant is None


counts = st.tuples(st.integers(1, 500), st.integers(0, 500)).map(lambda t: Count(t[0], t[0] + t[1]))


@given(counts, counts)
def test_swapping_the_groups_inverts_the_ratio_and_the_reference_is_parity(
    group: Count, reference: Count
) -> None:
    forward, backward = rri(group, reference), rri(reference, group)
    assert forward.value is not None
    assert backward.value is not None
    assert forward.value * backward.value == pytest.approx(1.0)
    assert forward.low * backward.high == pytest.approx(1.0)  # type: ignore[operator]
    assert rri(reference, reference).value == pytest.approx(1.0)
    strata = [Stratum(group.selected, group.total, reference.selected, reference.total)]
    assert mantel_haenszel(strata).value == pytest.approx(forward.value)


def test_the_adjusted_ratio_refuses_a_reference_group_too_small_to_publish() -> None:
    """Else with one gravity score it would equal the raw ratio and give the small count away."""
    tiny_reference = [Stratum(20, 100, 2, 100)]
    assert rri(Count(20, 100), Count(2, 100), smallest=5).why_not == "too few cases to measure"
    assert mantel_haenszel(tiny_reference, smallest=5).why_not == "too few cases to measure"
    assert mantel_haenszel(tiny_reference, smallest=1).measured
