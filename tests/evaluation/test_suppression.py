"""Suppression never lets a count below the threshold be read or derived."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oocd_panel.evaluation.suppression import (
    WITHHELD,
    few,
    pair,
    publish_rows,
    publish_table,
    suppress,
)


def test_small_counts_are_shown_as_fewer_than_the_threshold() -> None:
    shown, total = suppress({"asian": 3, "black": 20, "white": 40, "mixed": 0}, 5)
    assert shown["asian"] == few(5) == "fewer than 5"
    assert shown["mixed"] == 0
    # One hidden cell would be total minus the rest: the next smallest is withheld too.
    assert shown["black"] == WITHHELD
    assert shown["white"] == 40
    assert total == 63


def test_a_total_below_the_threshold_hides_everything() -> None:
    shown, total = suppress({"a": 2, "b": 1}, 5)
    assert total == few(5)
    assert set(shown.values()) == {few(5)}


@given(
    st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 60), min_size=1), st.integers(2, 10)
)
def test_no_published_figure_reveals_a_hidden_count(cells: dict[str, int], threshold: int) -> None:
    shown, total = suppress(cells, threshold)
    for key, value in cells.items():
        if 0 < value < threshold:
            assert not isinstance(shown[key], int)  # never published itself
    if isinstance(total, int):
        hidden = [k for k, v in shown.items() if not isinstance(v, int)]
        # With the total published, at least two cells are hidden or none is: subtraction
        # never isolates one.
        assert len(hidden) != 1
        # The hidden cells together are never a small number either.
        assert not 0 < sum(cells[k] for k in hidden) < threshold


@given(
    st.dictionaries(
        st.sampled_from("abcdefg"),
        st.tuples(st.integers(0, 40), st.integers(0, 40)),
        min_size=1,
    ),
    st.integers(2, 10),
)
def test_published_rows_never_expose_a_small_count_in_any_column(
    rows: dict[str, tuple[int, int]], threshold: int
) -> None:
    selected = {k: a for k, (a, _) in rows.items()}
    totals = {k: a + b for k, (a, b) in rows.items()}
    published = publish_rows(totals, selected, threshold)
    for key, ok in published.items():
        if ok:  # a published row has no small total, selected or rest
            for value in (totals[key], selected[key], totals[key] - selected[key]):
                assert not 0 < value < threshold
    withheld = [k for k, ok in published.items() if not ok and totals[k] > 0]
    if withheld and any(published[k] and totals[k] > 0 for k in published):
        assert len(withheld) >= 2
        for column in (totals, selected):
            assert not 0 < sum(column[k] for k in withheld) < threshold


def test_a_count_and_its_complement_are_published_together() -> None:
    assert pair(38, 40, 5) == (WITHHELD, WITHHELD)  # 2 not selected
    assert pair(3, 40, 5) == ("fewer than 5", WITHHELD)
    assert pair(20, 40, 5) == (20, 40)


@given(
    st.dictionaries(
        st.sampled_from("abcdefg"),
        st.dictionaries(st.sampled_from(["yes", "partly", "no", "good"]), st.integers(0, 30)),
        min_size=1,
    ),
    st.integers(2, 10),
)
def test_published_table_rows_never_expose_a_small_count_in_any_column(
    rows: dict[str, dict[str, int]], threshold: int
) -> None:
    published = publish_table(rows, threshold)
    columns = {c for cells in rows.values() for c in cells}
    for key, ok in published.items():
        if ok:
            assert not any(0 < v < threshold for v in rows[key].values())
    withheld = [k for k, ok in published.items() if not ok and sum(rows[k].values()) > 0]
    if withheld and any(published[k] and sum(rows[k].values()) > 0 for k in published):
        # Withheld rows are never one alone, nor small together in any column, so column
        # totals published elsewhere never give one away.
        assert len(withheld) >= 2
        for column in columns:
            assert not 0 < sum(rows[k].get(column, 0) for k in withheld) < threshold
