"""Small numbers identify children: counts below the threshold are not published.

Primary suppression hides every count from 1 to threshold - 1 (zero reveals no one) as "fewer
than 5". Secondary suppression: where a total is published and exactly one cell of it is hidden,
the next smallest cell is withheld too ("not shown"), so the hidden count cannot be worked out by
subtraction. A total below the threshold hides every cell under it. Pages and CSV exports both
publish only what `suppress` returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")
WITHHELD = "not shown"

# A published count: the number, or the words shown instead.
Cell = int | str


def few(threshold: int) -> str:
    return f"fewer than {threshold}"


def hidden(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def suppress(cells: Mapping[K, int], threshold: int) -> tuple[dict[K, Cell], Cell]:
    """(cells as published, total as published)."""
    total = sum(cells.values())
    if hidden(total, threshold):
        return {k: (few(threshold) if v else 0) for k, v in cells.items()}, few(threshold)
    shown: dict[K, Cell] = {
        k: (few(threshold) if hidden(v, threshold) else v) for k, v in cells.items()
    }
    if sum(1 for v in shown.values() if isinstance(v, str)) == 1:
        candidates = sorted((v, str(k)) for k, v in shown.items() if isinstance(v, int) and v > 0)
        if candidates:
            smallest = next(k for k in shown if str(k) == candidates[0][1])
            shown[smallest] = WITHHELD
        else:
            return shown, WITHHELD  # only the total could give the hidden cell away
    return shown, total


def is_published(cell: Cell) -> bool:
    return isinstance(cell, int)
