"""Statistical process control for an indicator's series: the XmR chart of NHS "Making
Data Count", its special-cause rules, and variation and assurance judged by polarity.

Plain Python, no Django. Arithmetic is exact (fractions), so the chart's properties hold
exactly: adding a constant to a series moves its limits by that constant, scaling scales
them, and a constant series has limits of zero width.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from math import lcm

MINIMUM_POINTS = 12
SCALING = Fraction(266, 100)  # 2.66: three sigma of individual values from the mean range
RUN = 7
TREND = 6

Number = Fraction | Decimal | int


class NotEnoughData(ValueError):
    """Fewer points than SPC needs; say so rather than draw invented limits."""


@dataclass(frozen=True)
class Limits:
    """Centre line and process limits of one phase of the chart."""

    mean: Fraction
    mean_moving_range: Fraction

    # Computed once: every rule compares every point with them.
    @cached_property
    def upper(self) -> Fraction:
        return self.mean + SCALING * self.mean_moving_range

    @cached_property
    def lower(self) -> Fraction:
        return self.mean - SCALING * self.mean_moving_range

    @cached_property
    def near_upper(self) -> Fraction:
        """Two-thirds of the way from the mean to the upper limit."""
        return self.mean + SCALING * self.mean_moving_range * Fraction(2, 3)

    @cached_property
    def near_lower(self) -> Fraction:
        return self.mean - SCALING * self.mean_moving_range * Fraction(2, 3)


def _exact(value: Number) -> Fraction | int:
    """Fractions and whole numbers compare exactly as they are; decimals become fractions."""
    kind = type(value)
    return value if kind is int or kind is Fraction else Fraction(value)


@dataclass(frozen=True)
class _Scaled:
    """A phase's limits in integer units: every value multiplied by one scale chosen so
    that the mean, the limits and the two-thirds lines are whole numbers. The rules then
    compare integers, exactly as they would the fractions, several times faster."""

    mean: int
    upper: int
    lower: int
    near_upper: int
    near_lower: int


def _in_whole_units(
    segment: list[tuple[int, int]], basis_length: int
) -> tuple[list[int], _Scaled, Limits]:
    """The segment (as numerator and denominator pairs) as integers, its scaled limits
    (from its first `basis_length` points) and the same limits as fractions."""
    n = basis_length
    denominator = lcm(*(d for _, d in segment))
    # n for the mean, n - 1 for the mean moving range, 50 for 2.66 = 133/50, 3 for 2/3.
    scale = denominator * n * (n - 1) * 150
    whole = [a * (scale // d) for a, d in segment]
    basis = whole[:n]
    total = sum(basis)
    moving = sum(abs(b - a) for a, b in zip(basis, basis[1:], strict=False))
    mean = total // n
    spread = moving // (n - 1) * 133 // 50
    near = spread * 2 // 3
    scaled = _Scaled(mean, mean + spread, mean - spread, mean + near, mean - near)
    exact = Limits(Fraction(total, scale * n), Fraction(moving, scale * (n - 1)))
    return whole, scaled, exact


def limits(values: list[Number]) -> Limits:
    """Mean, mean moving range and limits at mean ± 2.66 × mean moving range."""
    points = [Fraction(v) for v in values]
    if len(points) < 2:
        raise NotEnoughData("Limits need at least two points.")
    ranges = [abs(b - a) for a, b in zip(points, points[1:], strict=False)]
    return Limits(sum(points) / len(points), sum(ranges) / len(ranges))


# The special-cause rules: each returns the indexes of the points it flags. -----------------


def outside_limits(values: list[Number], lim: Limits) -> set[int]:
    """A point above the upper or below the lower process limit."""
    return {i for i, v in enumerate(values) if _exact(v) > lim.upper or _exact(v) < lim.lower}


def run_on_one_side(values: list[Number], lim: Limits, length: int = RUN) -> set[int]:
    """A run of `length` (7) or more points all above, or all below, the mean. A point on
    the mean breaks the run."""
    flagged: set[int] = set()
    side, start = 0, 0
    for i, value in enumerate([_exact(v) for v in values] + [lim.mean]):
        here = (value > lim.mean) - (value < lim.mean)
        if here != side or here == 0 or i == len(values):
            if side != 0 and i - start >= length:
                flagged.update(range(start, i))
            side, start = here, i
    return flagged


def trend(values: list[Number], length: int = TREND) -> set[int]:
    """`length` (6) or more consecutive points each higher, or each lower, than the one
    before. Equal neighbours break the trend."""
    points = [_exact(v) for v in values]
    flagged: set[int] = set()
    direction, start = 0, 0
    for i in range(1, len(points) + 1):
        step = 0 if i == len(points) else (points[i] > points[i - 1]) - (points[i] < points[i - 1])
        if step != direction or step == 0:
            if direction != 0 and i - start >= length:
                flagged.update(range(start, i))
            direction, start = step, i - 1
    return flagged


def two_of_three_near_a_limit(values: list[Number], lim: Limits) -> set[int]:
    """Two of three consecutive points beyond two-thirds of the way to a limit, same side."""
    points = [_exact(v) for v in values]
    high = [p > lim.near_upper for p in points]
    low = [p < lim.near_lower for p in points]
    flagged: set[int] = set()
    for start in range(len(points) - 2):
        window = range(start, start + 3)
        for beyond in ([i for i in window if high[i]], [i for i in window if low[i]]):
            if len(beyond) >= 2:
                flagged.update(beyond)
    return flagged


class Variation(StrEnum):
    """What the latest point says about the process, judged by polarity."""

    COMMON = "common"
    IMPROVING = "improving"
    CONCERNING = "concerning"
    HIGH = "high"  # no polarity: special cause, neither good nor bad
    LOW = "low"

    @property
    def label(self) -> str:
        return {
            "common": "Common cause variation",
            "improving": "Special cause improving",
            "concerning": "Special cause concerning",
            "high": "Special cause: higher",
            "low": "Special cause: lower",
        }[self.value]


class Assurance(StrEnum):
    """Whether the process will meet its target, from where the target sits."""

    PASS = "pass"
    FAIL = "fail"
    HIT_AND_MISS = "hit_and_miss"

    @property
    def label(self) -> str:
        return {
            "pass": "Will consistently pass the target",
            "fail": "Will consistently fail the target",
            "hit_and_miss": "Hit and miss: the target is within the range of normal variation",
        }[self.value]


@dataclass(frozen=True)
class Chart:
    """An XmR chart: the phases' limits, each point's flags, variation and assurance."""

    values: tuple[Number, ...]  # the figures, as given
    phases: tuple[tuple[int, Limits], ...]  # (first index, limits) of each phase
    special: frozenset[int]
    variation: Variation
    assurance: Assurance | None

    def limits_at(self, index: int) -> Limits:
        current = self.phases[0][1]
        for start, lim in self.phases:
            if index >= start:
                current = lim
        return current


def special_causes(values: list[Number], lim: Limits) -> set[int]:
    return (
        outside_limits(values, lim)
        | run_on_one_side(values, lim)
        | trend(values)
        | two_of_three_near_a_limit(values, lim)
    )


def xmr(
    values: list[Number],
    *,
    polarity: str = "none",
    target: Number | None = None,
    baseline: int | None = None,
    rephase_at: tuple[int, ...] = (),
) -> Chart:
    """The chart for a series of at least 12 points. `baseline` computes the first phase's
    limits from its first points only; `rephase_at` starts new phases (a change of
    definition, say) at those indexes."""
    # Exact numerator and denominator pairs: cheaper than fractions, and as exact.
    points = [v.as_integer_ratio() for v in values]
    if len(points) < MINIMUM_POINTS:
        raise NotEnoughData(
            f"Not enough data for SPC: {len(points)} points, at least {MINIMUM_POINTS} needed."
        )
    starts = [0, *sorted(i for i in rephase_at if 0 < i < len(points))]
    phases, special = [], set()
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(points)
        segment = points[start:end]
        basis = segment[:baseline] if baseline and n == 0 else segment
        if len(segment) < 2:
            raise NotEnoughData("Each phase needs at least two points.")
        whole, scaled, lim = _in_whole_units(
            segment, len(basis) if len(basis) >= 2 else len(segment)
        )
        phases.append((start, lim))
        special |= {start + i for i in special_causes(whole, scaled)}
    latest = len(points) - 1
    lim = phases[-1][1]
    variation = Variation.COMMON
    if latest in special:
        high = Fraction(*points[latest]) > lim.mean
        if polarity == "high":
            variation = Variation.IMPROVING if high else Variation.CONCERNING
        elif polarity == "low":
            variation = Variation.CONCERNING if high else Variation.IMPROVING
        else:
            variation = Variation.HIGH if high else Variation.LOW
    return Chart(
        values=tuple(values),
        phases=tuple(phases),
        special=frozenset(special),
        variation=variation,
        assurance=assurance(lim, target, polarity),
    )


def assurance(lim: Limits, target: Number | None, polarity: str) -> Assurance | None:
    """Target beyond the limits on the good side: will pass; on the bad side: will fail;
    between them: hit and miss. No target or no polarity: no assurance."""
    if target is None or polarity not in ("high", "low"):
        return None
    goal = _exact(target)
    if lim.lower <= goal <= lim.upper:
        return Assurance.HIT_AND_MISS
    below = goal < lim.lower
    if polarity == "high":
        return Assurance.PASS if below else Assurance.FAIL
    return Assurance.FAIL if below else Assurance.PASS
