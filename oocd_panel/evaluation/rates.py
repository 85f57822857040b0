"""Relative rate index and the Mantel-Haenszel rate ratio adjusted for gravity (domain.md).

RRI: a group's rate at a decision point over the reference group's rate, each over its count at
the previous stage. 95% interval on the log scale, SE = sqrt(1/a - 1/n1 + 1/c - 1/n2).

Adjusted: the Mantel-Haenszel rate ratio pooled across gravity scores, with the Greenland-Robins
variance: RR = sum(a*n0/N) / sum(c*n1/N);
Var(ln RR) = sum((n1*n0*(a+c) - a*c*N) / N^2) / (sum(a*n0/N) * sum(c*n1/N)).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Count:
    selected: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.selected / self.total if self.total else None


@dataclass(frozen=True)
class Ratio:
    """A rate ratio with its 95% interval, or why it cannot be measured."""

    value: float | None
    low: float | None = None
    high: float | None = None
    why_not: str = ""

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def significant(self) -> bool | None:
        """True when the interval excludes 1 (parity); None when not measured."""
        if self.low is None or self.high is None:
            return None
        return self.low > 1 or self.high < 1


def rri(group: Count, reference: Count, *, smallest: int = 1) -> Ratio:
    """The group's rate over the reference group's rate. `smallest`: counts below it are too
    small to measure (the suppression threshold), so nothing is computed from them."""
    a, n1, c, n2 = group.selected, group.total, reference.selected, reference.total
    if n2 == 0:
        return Ratio(None, why_not="the reference group has no cases at this point")
    if c == 0:
        return Ratio(None, why_not="none of the reference group's cases: nothing to compare with")
    if n1 == 0:
        return Ratio(None, why_not="no cases in this group")
    if a == 0:
        return Ratio(None, why_not="none of this group's cases: no ratio can be given")
    if min(a, n1, c, n2) < smallest:
        return Ratio(None, why_not="too few cases to measure")
    value = (a / n1) / (c / n2)
    se = math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    return Ratio(value, value * math.exp(-Z95 * se), value * math.exp(Z95 * se))


@dataclass(frozen=True)
class Stratum:
    """One gravity score: the group's (a of n1) and the reference's (c of n0)."""

    a: int
    n1: int
    c: int
    n0: int


def mantel_haenszel(strata: Iterable[Stratum], *, smallest: int = 1) -> Ratio:
    """The rate ratio pooled across strata, with its Greenland-Robins 95% interval."""
    used = [s for s in strata if s.n1 + s.n0 > 0]
    if sum(s.n0 for s in used) == 0 or sum(s.c for s in used) == 0:
        return Ratio(None, why_not="the reference group has no cases at this point")
    if sum(s.n1 for s in used) == 0:
        return Ratio(None, why_not="no cases in this group")
    sums = (sum(s.a for s in used), sum(s.n1 for s in used), sum(s.c for s in used))
    if min(*sums, sum(s.n0 for s in used)) < smallest:
        return Ratio(None, why_not="too few cases to measure")
    r = sum(s.a * s.n0 / (s.n1 + s.n0) for s in used)
    q = sum(s.c * s.n1 / (s.n1 + s.n0) for s in used)
    if r == 0 or q == 0:
        return Ratio(None, why_not="no gravity score has cases of both groups to compare")
    value = r / q
    variance = sum(
        (s.n1 * s.n0 * (s.a + s.c) - s.a * s.c * (s.n1 + s.n0)) / (s.n1 + s.n0) ** 2 for s in used
    ) / (r * q)
    sd = math.sqrt(max(variance, 0.0))
    return Ratio(value, value * math.exp(-Z95 * sd), value * math.exp(Z95 * sd))
