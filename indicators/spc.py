"""Statistical process control for an indicator's series: the XmR chart of NHS England's
"Making Data Count", its special-cause rules, and variation and assurance judged by polarity.

The rules are those of NHSRplotthedots (nhs-r-community), the reference implementation of
Making Data Count, and of its Python port nhspy-plotthedots; tests/test_spc_reference.py
holds their test cases. Plain Python, no Django. Arithmetic is exact (fractions), so the
chart's properties hold exactly: adding a constant to a series moves its limits by that
constant, scaling scales them, and a constant series has limits of zero width.

A figure may be missing (None): it is a gap, as in the reference. It adds nothing to the
mean, the moving ranges on either side of it are left out, and no run, trend or two-of-three
window spans it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from math import lcm

# Fewer figures than this in a phase: its limits are trial limits, to be revised as each new
# figure arrives (the reference's short-group warning).
TRIAL_BELOW = 12
# The reference draws limits as soon as there is one moving range: two figures in a row.
MINIMUM_POINTS = 2
SCALING = Fraction(266, 100)  # 2.66: three sigma of individual values from the mean range
SCREEN = Fraction(3267, 1000)  # 3.267: a moving range this many times the mean is left out
RUN = 7  # points on one side of the mean
TREND = 7  # points each higher (or each lower) than the one before: six rises or falls

Number = Fraction | Decimal | int


class NotEnoughData(ValueError):
    """Too few figures for SPC; say so rather than draw invented limits."""


@dataclass(frozen=True)
class Limits:
    """Centre line and process limits of one phase of the chart."""

    mean: Fraction
    mean_moving_range: Fraction
    points: int = 0  # figures the limits were computed from
    left_out: int = 0  # moving ranges screened out of the mean moving range
    trial: bool = False  # the phase has fewer than TRIAL_BELOW figures

    # Computed once: every rule compares every point with them.
    @cached_property
    def upper(self) -> Fraction:
        return self.mean + SCALING * self.mean_moving_range

    @cached_property
    def lower(self) -> Fraction:
        return self.mean - SCALING * self.mean_moving_range

    @cached_property
    def near_upper(self) -> Fraction:
        """Two-thirds of the way from the mean to the upper limit (two sigma)."""
        return self.mean + SCALING * self.mean_moving_range * Fraction(2, 3)

    @cached_property
    def near_lower(self) -> Fraction:
        return self.mean - SCALING * self.mean_moving_range * Fraction(2, 3)


def _exact(value: Number | None) -> Fraction | int | None:
    """Fractions and whole numbers compare exactly as they are; decimals become fractions."""
    kind = type(value)
    return value if value is None or kind is int or kind is Fraction else Fraction(value)


def _kept(ranges: list, screen: bool) -> list:
    """The moving ranges the limits use. Screening (the reference's default) leaves out each
    one at or above 3.267 times their mean, so that one wild figure does not widen the
    limits; a series with no movement at all has nothing to screen."""
    total = sum(ranges)
    if not screen or not total:
        return ranges
    # r >= 3.267 * total / k, in whole numbers: 1000 * k * r >= 3267 * total.
    k = len(ranges)
    return [r for r in ranges if 1000 * k * r < 3267 * total]


def _ranges(points: Sequence) -> list:
    """Moving ranges between neighbours, none beside a gap."""
    return [
        abs(b - a)
        for a, b in zip(points, points[1:], strict=False)
        if a is not None and b is not None
    ]


def limits(values: Sequence[Number | None], *, screen: bool = True) -> Limits:
    """Mean, mean moving range and limits at mean ± 2.66 × mean moving range. `screen`
    leaves out moving ranges at or above 3.267 × their mean, as the reference does."""
    points = [None if v is None else Fraction(v) for v in values]
    figures = [p for p in points if p is not None]
    ranges = _ranges(points)
    if not ranges:
        raise NotEnoughData("Limits need at least two figures in a row.")
    kept = _kept(ranges, screen)
    return Limits(
        sum(figures) / len(figures),
        sum(kept) / len(kept),
        points=len(figures),
        left_out=len(ranges) - len(kept),
        trial=len(figures) < TRIAL_BELOW,
    )


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
    segment: list[tuple[int, int] | None], basis_length: int, *, screen: bool, trial: bool
) -> tuple[list[int | None], _Scaled, Limits]:
    """The segment (as numerator and denominator pairs, None for a gap) as integers, its
    scaled limits (from its first `basis_length` points) and the same limits as fractions."""
    denominator = lcm(*(p[1] for p in segment if p is not None))
    unit = [None if p is None else p[0] * (denominator // p[1]) for p in segment]
    basis = unit[:basis_length]
    figures = [u for u in basis if u is not None]
    ranges = _ranges(basis)
    if not ranges:
        raise NotEnoughData(
            f"Not enough data for SPC: {len(figures)} figure{'s' if len(figures) != 1 else ''}"
            ", and limits need at least two figures in a row."
        )
    kept = _kept(ranges, screen)
    n, m = len(figures), len(kept)
    # n for the mean, m for the mean moving range, 50 for 2.66 = 133/50, 3 for 2/3.
    scale = n * m * 150
    whole = [None if u is None else u * scale for u in unit]
    total, moving = sum(figures), sum(kept)
    mean = total * m * 150
    spread = moving * n * 399  # moving / m * scale * 133 / 50
    near = moving * n * 266  # two-thirds of the spread
    scaled = _Scaled(mean, mean + spread, mean - spread, mean + near, mean - near)
    exact = Limits(
        Fraction(total, denominator * n),
        Fraction(moving, denominator * m),
        points=n,
        left_out=len(ranges) - m,
        trial=trial,
    )
    return whole, scaled, exact


# The special-cause rules: each returns the indexes of the points it flags. ---------------
# `lim` is a Limits, or the scaled limits the chart compares whole numbers with.


def _sides(points: list, lim) -> list[int]:
    return [0 if p is None else (p > lim.mean) - (p < lim.mean) for p in points]


def _outside(points: list, lim) -> list[bool]:
    return [p is not None and (p > lim.upper or p < lim.lower) for p in points]


def outside_limits(values: Sequence[Number | None], lim) -> set[int]:
    """A point above the upper or below the lower process limit (on the limit is inside)."""
    return {i for i, out in enumerate(_outside([_exact(v) for v in values], lim)) if out}


def run_on_one_side(values: Sequence[Number | None], lim, length: int = RUN) -> set[int]:
    """A run of `length` (7) or more points all above, or all below, the mean. A point on
    the mean, or a gap, breaks the run."""
    sides = _sides([_exact(v) for v in values], lim)
    flagged: set[int] = set()
    start = 0
    for i in range(len(sides) + 1):
        if i == len(sides) or sides[i] == 0 or sides[i] != sides[start]:
            if sides[start:i] and sides[start] != 0 and i - start >= length:
                flagged.update(range(start, i))
            start = i
    return flagged


def _steps(points: list) -> list[int]:
    """steps[i]: +1 if point i is higher than point i - 1, -1 if lower, 0 if equal, first or
    beside a gap."""
    steps = [0]
    for a, b in zip(points, points[1:], strict=False):
        steps.append(0 if a is None or b is None else (b > a) - (b < a))
    return steps


def trend(values: Sequence[Number | None], length: int = TREND) -> set[int]:
    """`length` (7) or more consecutive points each higher, or each lower, than the one
    before: six successive rises or falls. Equal neighbours, or a gap, break the trend."""
    steps = _steps([_exact(v) for v in values])
    flagged: set[int] = set()
    start = 0  # the trend's first point; steps[start + 1:i + 1] share one direction
    for i in range(1, len(steps) + 1):
        if i == len(steps) or steps[i] == 0 or steps[i] != steps[start + 1]:
            if i - start >= length and steps[start + 1] != 0:
                flagged.update(range(start, i))
            start = i - 1 if i < len(steps) and steps[i] != 0 else i
    return flagged


def two_of_three_near_a_limit(values: Sequence[Number | None], lim) -> set[int]:
    """Two (or three) of three consecutive points close to a limit, all three on the same
    side of the mean. Close means beyond two-thirds of the way to the limit but not beyond
    the limit itself (a point beyond it is a signal of its own); the points flagged are the
    close ones."""
    points = [_exact(v) for v in values]
    sides = _sides(points, lim)
    outside = _outside(points, lim)
    close = [
        p is not None and not out and (p > lim.near_upper or p < lim.near_lower)
        for p, out in zip(points, outside, strict=True)
    ]
    flagged: set[int] = set()
    for start in range(len(points) - 2):
        window = range(start, start + 3)
        if sum(close[i] for i in window) >= 2 and abs(sum(sides[i] for i in window)) == 3:
            flagged.update(i for i in window if close[i])
    return flagged


class Signal(StrEnum):
    """The kind of special cause a point shows, in the reference's order of precedence."""

    ABOVE_LIMIT = "above_limit"
    BELOW_LIMIT = "below_limit"
    RISING = "rising"
    FALLING = "falling"
    NEAR_UPPER = "near_upper"
    NEAR_LOWER = "near_lower"
    RUN_ABOVE = "run_above"
    RUN_BELOW = "run_below"

    @property
    def label(self) -> str:
        return {
            "above_limit": "above the upper process limit",
            "below_limit": "below the lower process limit",
            "rising": "part of seven figures rising",
            "falling": "part of seven figures falling",
            "near_upper": "two of three figures close to the upper limit",
            "near_lower": "two of three figures close to the lower limit",
            "run_above": "part of seven figures above the mean",
            "run_below": "part of seven figures below the mean",
        }[self.value]

    @property
    def higher(self) -> bool:
        """Whether the signal says the process has gone up (else down)."""
        return self in (Signal.ABOVE_LIMIT, Signal.RISING, Signal.NEAR_UPPER, Signal.RUN_ABOVE)


def signals(values: Sequence[Number | None], lim) -> list[Signal | None]:
    """Each point's signal, if any: outside the limits first, then a trend, then two of
    three close to a limit, then a run, as the reference ranks them."""
    points = [_exact(v) for v in values]
    sides = _sides(points, lim)
    outside = outside_limits(points, lim)
    trending = trend(points)
    near = two_of_three_near_a_limit(points, lim)
    run = run_on_one_side(points, lim)
    steps = _steps(points)
    result: list[Signal | None] = []
    for i, side in enumerate(sides):
        if i in outside:
            result.append(Signal.ABOVE_LIMIT if side > 0 else Signal.BELOW_LIMIT)
        elif i in trending:
            # A point in a trend takes the direction of the step after it when the trend
            # goes on past it (the first point, or a peak between two trends), else the
            # step before it, as the reference does.
            after = steps[i + 1] if i + 1 < len(steps) and i + 1 in trending else 0
            result.append(Signal.RISING if (after or steps[i]) > 0 else Signal.FALLING)
        elif i in near:
            result.append(Signal.NEAR_UPPER if side > 0 else Signal.NEAR_LOWER)
        elif i in run:
            result.append(Signal.RUN_ABOVE if side > 0 else Signal.RUN_BELOW)
        else:
            result.append(None)
    return result


def special_causes(values: Sequence[Number | None], lim) -> set[int]:
    return {i for i, signal in enumerate(signals(values, lim)) if signal is not None}


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
    """An XmR chart: the phases' limits, each point's signal, variation and assurance."""

    values: tuple[Number | None, ...]  # the figures, as given (None for a gap)
    # (first index, limits) of each phase; None for a phase too young to have limits yet.
    phases: tuple[tuple[int, Limits | None], ...]
    signals: tuple[Signal | None, ...]
    variation: Variation | None  # None: the current phase has no limits yet
    assurance: Assurance | None
    screen: bool = True  # whether moving ranges were screened

    @cached_property
    def special(self) -> frozenset[int]:
        return frozenset(i for i, s in enumerate(self.signals) if s is not None)

    @property
    def trial(self) -> bool:
        """Whether any phase has trial limits (fewer than 12 figures)."""
        return any(lim.trial for _, lim in self.phases if lim is not None)

    @property
    def left_out(self) -> int:
        """Moving ranges screened out, over all phases."""
        return sum(lim.left_out for _, lim in self.phases if lim is not None)

    @property
    def current(self) -> Limits | None:
        """The limits of the latest phase, the one the process is in now."""
        return self.phases[-1][1]

    def phase_at(self, index: int) -> int:
        """The number of the phase the point belongs to (0 for the first)."""
        return max(n for n, (start, _) in enumerate(self.phases) if index >= start or n == 0)

    def limits_at(self, index: int) -> Limits | None:
        return self.phases[self.phase_at(index)][1]


def _variation(signal: Signal | None, polarity: str) -> Variation:
    """The reference judges a special cause by its kind, not by where the latest point
    sits: a rising trend is improvement when high is good, even below the mean."""
    if signal is None:
        return Variation.COMMON
    if polarity == "high":
        return Variation.IMPROVING if signal.higher else Variation.CONCERNING
    if polarity == "low":
        return Variation.CONCERNING if signal.higher else Variation.IMPROVING
    return Variation.HIGH if signal.higher else Variation.LOW


def xmr(
    values: Sequence[Number | None],
    *,
    polarity: str = "none",
    target: Number | None = None,
    baseline: int | None = None,
    rephase_at: tuple[int, ...] = (),
    screen: bool = True,
    minimum: int = MINIMUM_POINTS,
) -> Chart:
    """The chart for a series with at least `minimum` figures (None is a missing figure;
    gaps at either end are the caller's to trim). `baseline` computes each phase's limits
    from its first points only (the reference's "fix after n points"); `rephase_at` starts
    new phases (a change to the process) at those indexes. `screen` leaves unusually large
    moving ranges out of the limits, as the reference does by default.

    A phase with fewer than `minimum` figures, or without two figures in a row, has no
    limits yet: its points carry no signal, and while it is the latest phase the chart
    judges neither variation nor assurance."""
    # Exact numerator and denominator pairs: cheaper than fractions, and as exact.
    points = [None if v is None else v.as_integer_ratio() for v in values]
    figures = sum(p is not None for p in points)
    if figures < max(minimum, 1):
        raise NotEnoughData(
            f"Not enough data for SPC: {figures} figure{'s' if figures != 1 else ''}, "
            f"at least {max(minimum, 1)} needed."
        )
    starts = [0, *sorted({i for i in rephase_at if 0 < i < len(points)})]
    phases, marks = [], []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(points)
        segment = points[start:end]
        length = min(baseline, len(segment)) if baseline else len(segment)
        count = sum(p is not None for p in segment)
        basis = segment[:length]
        pairs = zip(basis, basis[1:], strict=False)
        in_a_row = any(a is not None and b is not None for a, b in pairs)
        if count < max(minimum, 1) or not in_a_row:
            phases.append((start, None))
            marks += [None] * len(segment)
            continue
        trial = count < TRIAL_BELOW
        whole, scaled, lim = _in_whole_units(segment, length, screen=screen, trial=trial)
        phases.append((start, lim))
        marks += signals(whole, scaled)
    if all(lim is None for _, lim in phases):
        raise NotEnoughData(
            f"Not enough data for SPC: {figures} figures, and limits need at least two "
            "figures in a row."
        )
    lim = phases[-1][1]
    return Chart(
        values=tuple(values),
        phases=tuple(phases),
        signals=tuple(marks),
        variation=_variation(marks[-1], polarity) if lim is not None else None,
        assurance=assurance(lim, target, polarity) if lim is not None else None,
        screen=screen,
    )


def assurance(lim: Limits, target: Number | None, polarity: str) -> Assurance | None:
    """Target beyond the limits on the good side: will pass; on the bad side: will fail;
    between them (or on a limit): hit and miss. No target or no polarity: no assurance."""
    if target is None or polarity not in ("high", "low"):
        return None
    goal = _exact(target)
    if lim.lower <= goal <= lim.upper:
        return Assurance.HIT_AND_MISS
    below = goal < lim.lower
    if polarity == "high":
        return Assurance.PASS if below else Assurance.FAIL
    return Assurance.FAIL if below else Assurance.PASS
