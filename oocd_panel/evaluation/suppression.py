"""Small numbers identify children: counts below the threshold are not published.

Primary suppression hides every count from 1 to threshold - 1 (zero reveals no one) as "fewer
than 5". Secondary suppression: where a total is published, cells are withheld ("not shown")
until the hidden cells add up to at least the threshold, so no hidden count can be worked out by
subtraction, nor pinned down by a small hidden sum. A total below the threshold hides every cell.
A count and its complement (diverted and not diverted, say) are published together or not at
all (`pair`). Pages, CSV exports and the panel briefing publish only what these return."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

K = TypeVar("K")
WITHHELD = "not shown"

# A published count: the number, or the words shown instead.
Cell = int | str


def few(threshold: int) -> str:
    return f"fewer than {threshold}"


def hidden(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def suppress(
    cells: Mapping[K, int], threshold: int, *, also: Collection[K] = ()
) -> tuple[dict[K, Cell], Cell]:
    """(cells as published, total as published). `also`: cells to withhold besides the small
    ones (for example because their complement is small)."""
    total = sum(cells.values())
    if hidden(total, threshold):
        return {k: (few(threshold) if v else 0) for k, v in cells.items()}, few(threshold)
    shown: dict[K, Cell] = {
        k: (few(threshold) if hidden(v, threshold) else WITHHELD if k in also else v)
        for k, v in cells.items()
    }

    def hidden_cells() -> list[K]:
        return [k for k, v in shown.items() if isinstance(v, str)]

    while hidden_cells() and (
        len(hidden_cells()) == 1 or hidden(sum(cells[k] for k in hidden_cells()), threshold)
    ):
        candidates = sorted(
            ((v, str(k)) for k, v in shown.items() if isinstance(v, int) and v > 0),
        )
        if not candidates:
            return shown, WITHHELD  # only the total could give the hidden cells away
        smallest = next(k for k in shown if str(k) == candidates[0][1])
        shown[smallest] = WITHHELD
    return shown, total


def pair(selected: int, total: int, threshold: int) -> tuple[Cell, Cell]:
    """(selected, total) as published: both, or neither when the selected count, the rest, or
    the total is too small (publishing either would let the other be worked out)."""
    rest = total - selected
    if hidden(total, threshold):
        return few(threshold), few(threshold)
    if hidden(selected, threshold) or hidden(rest, threshold):
        return (few(threshold) if hidden(selected, threshold) else WITHHELD), WITHHELD
    return selected, total


def publish_rows(
    totals: Mapping[K, int], selected: Mapping[K, int], threshold: int
) -> dict[K, bool]:
    """Which rows of a (group: selected of total) table can be published whole: none of the
    total, the selected and the rest is small, and the rows withheld are enough, in every column,
    that none of them can be worked out from the column totals published elsewhere."""
    return publish_table(
        {
            k: {"total": totals[k], "selected": selected[k], "rest": totals[k] - selected[k]}
            for k in totals
        },
        threshold,
    )


def publish_table(rows: Mapping[K, Mapping[str, int]], threshold: int) -> dict[K, bool]:
    """Which rows of a table (row: column: count) can be published whole: none of the row's
    counts is small, and the rows withheld are enough, in every column, that none of them can
    be worked out from the column totals published elsewhere (the withheld rows are never one
    alone, nor small together in any column). The smallest rows are withheld first."""
    columns = sorted({c for cells in rows.values() for c in cells})
    published = {
        k: not any(hidden(v, threshold) for v in cells.values()) for k, cells in rows.items()
    }

    def size(k: K) -> int:
        return sum(rows[k].values())

    def withheld() -> list[K]:
        return [k for k in rows if not published[k] and size(k) > 0]

    while withheld() and (
        len(withheld()) == 1
        or any(hidden(sum(rows[k].get(c, 0) for k in withheld()), threshold) for c in columns)
    ):
        candidates = sorted((size(k), str(k)) for k in rows if published[k] and size(k) > 0)
        if not candidates:
            break
        published[next(k for k in rows if str(k) == candidates[0][1])] = False
    return published
