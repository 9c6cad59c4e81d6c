"""RAG rating and direction of travel as pure functions of figure, target and polarity.

Plain Python, no Django. The choices carry their label, colour and a shape, so that no
page, chart or PDF ever shows a rating by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import partial

NOT_RATED_LABEL = "Not rated"


class Polarity(StrEnum):
    """Whether a higher figure is better ("Good is High or Low" in the papers)."""

    HIGH = "high"
    LOW = "low"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "high": "Good is high",
            "low": "Good is low",
            "none": "No polarity (context measure)",
        }[self.value]

    @property
    def short(self) -> str:
        return {"high": "H", "low": "L", "none": "-"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Polarity:
        words = {"h": cls.HIGH, "high": cls.HIGH, "l": cls.LOW, "low": cls.LOW}
        words.update({"-": cls.NONE, "": cls.NONE, "none": cls.NONE})
        try:
            return words[str(text).strip().lower()]
        except KeyError:
            raise ValueError(f'"{text}" is not a polarity: use H, L or - (none).') from None


class Rag(StrEnum):
    """A rating against target, in the council's words, colours and shapes."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return {"green": "On track", "amber": "Slightly below", "red": "Requires improvement"}[
            self.value
        ]

    @property
    def description(self) -> str:
        return {
            "green": "On track/good",
            "amber": "Slightly below desired level",
            "red": "Requires improvement",
        }[self.value]

    @property
    def colour(self) -> str:
        # GOV.UK palette; amber takes black text, the others white.
        return {"green": "#00703c", "amber": "#f47738", "red": "#d4351c"}[self.value]

    @property
    def text_colour(self) -> str:
        return "#0b0c0c" if self is Rag.AMBER else "#ffffff"

    @property
    def symbol(self) -> str:
        # A different shape for each rating, so the table reads in greyscale too.
        return {"green": "●", "amber": "▲", "red": "■"}[self.value]

    @property
    def rank(self) -> int:
        return {"green": 0, "amber": 1, "red": 2}[self.value]


class Direction(StrEnum):
    """Direction of travel, judged by polarity."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        return {"improving": "Improving", "worsening": "Worsening", "unchanged": "No change"}[
            self.value
        ]

    @property
    def symbol(self) -> str:
        return {"improving": "▲", "worsening": "▼", "unchanged": "▶"}[self.value]


@dataclass(frozen=True)
class Tolerance:
    """The band short of a target within which a figure is amber rather than red."""

    kind: str  # "absolute" (in the indicator's unit) or "relative" (percent of the target)
    amount: Decimal

    def __post_init__(self) -> None:
        if self.kind not in ("absolute", "relative"):
            raise ValueError(f"A tolerance is absolute or relative, not {self.kind!r}.")
        if self.amount < 0:
            raise ValueError(f"A tolerance cannot be negative: {self.amount} was given.")

    def width(self, target: Decimal) -> Decimal:
        if self.kind == "absolute":
            return self.amount
        return abs(target) * self.amount / 100


class TargetKind(StrEnum):
    """The kinds of target councils set."""

    YEAR_END = "year_end"
    PROFILED = "profiled"
    BASELINE = "baseline"
    RANGE = "range"
    STRETCH = "stretch"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "year_end": "Year-end target",
            "profiled": "Profiled (year to date) target",
            "baseline": "Change from a baseline",
            "range": "Range",
            "stretch": "Multi-year stretch goal",
            "none": "No target set",
        }[self.value]


class TargetError(ValueError):
    """A target that cannot be right; `field` names the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


_YEARS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def _plain(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return text


def _rounded(number: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,f}"


@dataclass(frozen=True)
class TargetSpec:
    """A target as its factors; `point()` and `bounds()` give what a figure is rated against."""

    kind: TargetKind
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    baseline: Decimal | None = None
    change: Decimal | None = None
    change_is_percent: bool = True
    increase: bool = True
    by: str = ""
    baseline_year: str = ""  # a baseline target's: the year the baseline figure is from
    phased_years: int | None = None

    @staticmethod
    def _need(field: str, number: Decimal | None, what: str) -> Decimal:
        if number is None:
            raise TargetError(field, f"{what} needs a number.")
        return number

    @classmethod
    def year_end(cls, value: Decimal | None) -> TargetSpec:
        return cls(TargetKind.YEAR_END, value=cls._need("value", value, "A year-end target"))

    @classmethod
    def profiled(cls, value: Decimal | None) -> TargetSpec:
        return cls(TargetKind.PROFILED, value=cls._need("value", value, "A profiled target"))

    @classmethod
    def relative_to_baseline(
        cls,
        *,
        baseline: Decimal | None,
        change: Decimal | None,
        percent: bool = True,
        increase: bool = True,
        baseline_year: str = "",
        by: str = "",
        phased_years: int | None = None,
    ) -> TargetSpec:
        baseline = cls._need("baseline", baseline, "A target against a baseline")
        change = cls._need("change", change, "A target against a baseline")
        if change < 0:
            raise TargetError(
                "change",
                f"The change cannot be negative ({change}); choose increase or reduce instead.",
            )
        return cls(
            TargetKind.BASELINE,
            baseline=baseline,
            change=change,
            change_is_percent=percent,
            increase=increase,
            baseline_year=baseline_year,
            by=by,
            phased_years=phased_years,
        )

    @classmethod
    def between(cls, low: Decimal | None, high: Decimal | None) -> TargetSpec:
        low = cls._need("low", low, "The low end of a range")
        high = cls._need("high", high, "The high end of a range")
        if low > high:
            raise TargetError(
                "low", f"The low end of the range ({low}) is above the high end ({high})."
            )
        return cls(TargetKind.RANGE, low=low, high=high)

    @classmethod
    def stretch(cls, value: Decimal | None, *, by: str) -> TargetSpec:
        value = cls._need("value", value, "A stretch goal")
        if not by:
            raise TargetError("by_year", "A stretch goal needs the year it should be met by.")
        return cls(TargetKind.STRETCH, value=value, by=by)

    @classmethod
    def none(cls) -> TargetSpec:
        return cls(TargetKind.NONE)

    def point(self) -> Decimal | None:
        if self.kind in (TargetKind.YEAR_END, TargetKind.PROFILED, TargetKind.STRETCH):
            return self.value
        if self.kind is TargetKind.BASELINE:
            assert self.baseline is not None and self.change is not None
            step = self.baseline * self.change / 100 if self.change_is_percent else self.change
            return self.baseline + step if self.increase else self.baseline - step
        return None

    def bounds(self) -> tuple[Decimal, Decimal] | None:
        if self.kind is TargetKind.RANGE:
            assert self.low is not None and self.high is not None
            return self.low, self.high
        return None

    def describe(
        self,
        decimal_places: int,
        *,
        show: Callable[[Decimal], str] | None = None,
        show_change: Callable[[Decimal], str] | None = None,
    ) -> str:
        """Plain English for a page: "20.2 (increase by 5% from 19.2)". `show` prints a
        figure in the indicator's unit ("40.0%"), `show_change` a change in it that is not
        a percentage of the baseline ("2.0 percentage points")."""
        if show is None:
            show = partial(_rounded, places=decimal_places)
        if self.kind is TargetKind.NONE:
            return "No target set"
        if self.kind is TargetKind.RANGE:
            low, high = self.bounds()  # type: ignore[misc]
            return f"Between {show(low)} and {show(high)}"
        point = self.point()
        assert point is not None
        shown = show(point)
        if self.kind is TargetKind.BASELINE:
            verb = "increase" if self.increase else "reduce"
            assert self.change is not None and self.baseline is not None
            if self.change_is_percent:
                change = f"{_plain(self.change)}%"
            else:
                change = show_change(self.change) if show_change else _plain(self.change)
            words = f"{verb} by {change} from {show(self.baseline)}"
            if self.baseline_year:
                words += f" in {self.baseline_year}"
            if self.by:
                words += f", by {self.by}"
            if self.phased_years:
                words += f", phased over {_YEARS.get(self.phased_years, self.phased_years)} years"
            return f"{shown} ({words})"
        if self.kind is TargetKind.STRETCH:
            return f"{shown} by {self.by}"
        return shown


def _judge(value: Decimal, target: Decimal, width: Decimal, polarity: Polarity) -> Rag:
    shortfall = target - value if polarity is Polarity.HIGH else value - target
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= width:
        return Rag.AMBER
    return Rag.RED


def rate(
    value: Decimal | None,
    target: TargetSpec | None,
    polarity: Polarity,
    tolerance: Tolerance | None = None,
) -> Rag | None:
    """The RAG rating of a figure, or None when it cannot be rated (never a guess)."""
    if value is None or target is None or target.kind is TargetKind.NONE:
        return None
    if polarity is Polarity.NONE:
        return None
    bounds = target.bounds()
    if bounds is not None:
        low, high = bounds
        if low <= value <= high:
            return Rag.GREEN
        near = low if polarity is Polarity.HIGH else high
    else:
        near = target.point()
        if near is None:
            return None
    width = tolerance.width(near) if tolerance else Decimal(0)
    return _judge(value, near, width, polarity)


def movement(current: Decimal | None, previous: Decimal | None) -> str | None:
    """The raw movement of a figure: "up", "down" or "level"."""
    if current is None or previous is None:
        return None
    if current > previous:
        return "up"
    if current < previous:
        return "down"
    return "level"


def direction_of_travel(
    current: Decimal | None,
    previous: Decimal | None,
    polarity: Polarity,
    *,
    decimal_places: int | None = None,
) -> Direction | None:
    """Improving, worsening or unchanged; figures that print the same are unchanged."""
    if current is None or previous is None or polarity is Polarity.NONE:
        return None
    if decimal_places is not None:
        quantum = Decimal(1).scaleb(-decimal_places)
        current = current.quantize(quantum, rounding=ROUND_HALF_UP)
        previous = previous.quantize(quantum, rounding=ROUND_HALF_UP)
    moved = movement(current, previous)
    if moved == "level":
        return Direction.UNCHANGED
    better = "up" if polarity is Polarity.HIGH else "down"
    return Direction.IMPROVING if moved == better else Direction.WORSENING


def why_rated(
    value: Decimal,
    target: TargetSpec,
    polarity: Polarity,
    tolerance: Tolerance | None,
    *,
    show: Callable[[Decimal], str],
) -> str:
    """One sentence saying why a figure has its rating, in the papers' words: "25.0% is
    above the target range 12.3% to 17.1%; good is low." `show` prints a figure in the
    indicator's unit. Empty when the figure cannot be rated."""
    rag = rate(value, target, polarity, tolerance)
    if rag is None:
        return ""
    good = polarity.label.lower()
    bounds = target.bounds()
    if bounds is not None:
        low, high = bounds
        if rag is Rag.GREEN:
            return f"{show(value)} is within the target range {show(low)} to {show(high)}."
        side = "above" if value > high else "below"
        near = high if value > high else low
        words = f"{show(value)} is {side} the target range {show(low)} to {show(high)}"
    else:
        near = target.point()
        assert near is not None
        if rag is Rag.GREEN:
            met = "meets" if value == near else "beats"
            return f"{show(value)} {met} the target of {show(near)}; {good}."
        side = "above" if value > near else "below"
        words = f"{show(value)} is {side} the target of {show(near)}"
    width = tolerance.width(near) if tolerance else Decimal(0)
    if rag is Rag.AMBER:
        return f"{words}, within the tolerance of {show(width)}; {good}."
    if width:
        return f"{words} by more than the tolerance of {show(width)}; {good}."
    return f"{words}; {good}."
