"""The year-end forecast: from the year's figures so far, what the year will end at, a
range that should hold the outturn about 8 times in 10, and whether that meets the target.

Plain Python, Decimal arithmetic, no Django. Figures come in as sequences of the periods of
a financial year (4 quarters or 12 months); `None` is a missing figure.

- With a profile (the target's expected year to date by now) the forecast follows it: for
  a sum, the year's target scaled by how far ahead or behind the profile the year is; for a
  mean or a latest figure, the year's target plus the gap to the profile.
- Otherwise the indicator's own pattern from earlier complete years: for a sum, the share of
  the outturn that was in by this point; for a mean or latest figure, the change from this
  point to the outturn. With no earlier complete year, the year so far carried forward.
- The range is as wide as the errors that forecasts made the same way, at the same point, in
  earlier years (each earlier year forecast from the others). With too few earlier years,
  it comes from the spread of the figures themselves, which is wider. With too few figures
  for either, it is too early to forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from indicators.rag import Polarity, TargetSpec

STATED_COVERAGE = Decimal("0.8")  # "likely" means 8 in 10
MIN_ERRORS = 3  # earlier years' errors needed before the range is taken from them
MIN_FIGURES = 3  # figures needed for the fallback range from their spread
RECENT_YEARS = 5  # the pattern is taken from at most this many recent complete years

# 90th percentile of Student's t by degrees of freedom: an 80% two-sided range.
_T80 = {1: "3.078", 2: "1.886", 3: "1.638", 4: "1.533", 5: "1.476", 6: "1.440", 7: "1.415",
        8: "1.397", 9: "1.383", 10: "1.372", 12: "1.356", 15: "1.341", 20: "1.325",
        30: "1.310"}  # fmt: skip


def t80(df: int) -> Decimal:
    """The multiple of the typical error that covers 8 in 10 with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("A range needs at least one degree of freedom.")
    known = [d for d in _T80 if d <= df]
    return Decimal(_T80[max(known)]) if df <= 30 else Decimal("1.282")


class Verdict(StrEnum):
    """Whether the forecast range meets the year-end target."""

    ON_COURSE = "on_course"
    AT_RISK = "at_risk"
    UNLIKELY = "unlikely"

    @property
    def label(self) -> str:
        return {"on_course": "On course", "at_risk": "At risk", "unlikely": "Unlikely"}[self.value]

    @property
    def words(self) -> str:
        return self.label.lower()

    @property
    def symbol(self) -> str:
        return {"on_course": "●", "at_risk": "▲", "unlikely": "■"}[self.value]


class Method(StrEnum):
    PROFILE = "profile"
    PATTERN = "pattern"
    CARRIED = "carried"


@dataclass(frozen=True)
class Year:
    """An earlier financial year: its periods' figures and its outturn."""

    figures: Sequence[Decimal | None]
    outturn: Decimal | None


@dataclass(frozen=True)
class Forecast:
    """The forecast outturn, its likely range, how it was made and from how many years."""

    figure: Decimal
    low: Decimal
    high: Decimal
    method: Method
    years: int  # earlier complete years the pattern came from
    errors: int  # earlier years' errors the range came from (0: from the figures' spread)


class TooEarly(ValueError):
    """Too few figures to forecast honestly."""


def year_to_date(figures: Sequence[Decimal | None], k: int, aggregation: str) -> Decimal | None:
    """The year to date through the k-th period, by aggregation (sum needs every figure)."""
    part = list(figures[:k])
    present = [f for f in part if f is not None]
    if aggregation == "sum":
        return sum(present, Decimal(0)) if len(present) == k and k else None
    if aggregation == "mean":
        return sum(present, Decimal(0)) / len(present) if present else None
    if aggregation == "latest":
        return part[-1] if part and part[-1] is not None else None
    raise ValueError(f"Year to date is a sum, a mean or the latest figure, not {aggregation!r}.")


def _ratio(aggregation: str) -> bool:
    return aggregation == "sum"


def _pattern(pairs: list[tuple[Decimal, Decimal]], aggregation: str) -> Decimal:
    """The mean share multiplier (sum) or the mean change to the outturn (mean, latest)."""
    if _ratio(aggregation):
        steps = [outturn / ytd for ytd, outturn in pairs]
    else:
        steps = [outturn - ytd for ytd, outturn in pairs]
    return sum(steps, Decimal(0)) / len(steps)


def _apply(ytd: Decimal, step: Decimal, aggregation: str) -> Decimal:
    return ytd * step if _ratio(aggregation) else ytd + step


def _carried(ytd: Decimal, k: int, periods: int, aggregation: str) -> Decimal:
    return ytd * periods / k if aggregation == "sum" else ytd


def _pairs(earlier: Sequence[Year], k: int, aggregation: str) -> list[tuple[Decimal, Decimal]]:
    pairs = []
    for year in earlier:
        ytd = year_to_date(year.figures, k, aggregation)
        if ytd is None or year.outturn is None:
            continue
        if _ratio(aggregation) and ytd <= 0:
            continue
        pairs.append((ytd, year.outturn))
    return pairs[-RECENT_YEARS:]


def _error(forecast: Decimal, outturn: Decimal, aggregation: str) -> Decimal:
    if _ratio(aggregation):
        return outturn / forecast - 1 if forecast else Decimal(0)
    return outturn - forecast


def _rms(errors: list[Decimal]) -> Decimal:
    return (sum((e * e for e in errors), Decimal(0)) / len(errors)).sqrt()


def _spread(figures: list[Decimal], k: int, periods: int, aggregation: str) -> Decimal:
    """The typical error of carrying the year so far forward, from the figures' spread
    (as if they varied at random about their level): the fallback range's scale."""
    rest = periods - k
    if aggregation == "latest":
        steps = [b - a for a, b in zip(figures, figures[1:], strict=False)]
        return _rms(steps) * Decimal(rest).sqrt()
    mean = sum(figures, Decimal(0)) / len(figures)
    sd = (sum(((f - mean) ** 2 for f in figures), Decimal(0)) / (len(figures) - 1)).sqrt()
    if aggregation == "sum":
        return sd * (Decimal(rest * periods) / k).sqrt()
    return sd * (Decimal(rest) / (periods * k)).sqrt()


def forecast(
    *,
    so_far: Sequence[Decimal | None],
    periods: int,
    aggregation: str,
    earlier: Sequence[Year] = (),
    history: Sequence[Decimal] = (),
    profile: tuple[Decimal, Decimal] | None = None,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> Forecast:
    """The year-end forecast after len(so_far) of `periods` periods.

    `earlier`: complete earlier years, oldest first. `history`: every figure of the
    periods' kind up to now, oldest first, for the fallback range. `profile`: the
    target's expected year to date by now and the year-end target. `floor` and `ceiling`
    bound the range (0 and 100 for a percentage)."""
    k = len(so_far)
    if not 0 < k < periods:
        raise ValueError(f"A forecast is made after 1 to {periods - 1} periods, not {k}.")
    ytd = year_to_date(so_far, k, aggregation)
    if ytd is None:
        raise TooEarly("a figure of the year so far is missing")
    ratio_ok = not _ratio(aggregation) or ytd > 0
    pairs = _pairs(earlier, k, aggregation) if ratio_ok else []
    if profile is not None and (not _ratio(aggregation) or profile[0] > 0):
        expected, target = profile
        figure = target * ytd / expected if _ratio(aggregation) else target + (ytd - expected)
        method = Method.PROFILE
    elif pairs:
        figure, method = _apply(ytd, _pattern(pairs, aggregation), aggregation), Method.PATTERN
    else:
        figure, method = _carried(ytd, k, periods, aggregation), Method.CARRIED
    # Each earlier year forecast from the others, as this year is from all of them.
    errors = []
    if len(pairs) >= 2:
        for index, (year_ytd, outturn) in enumerate(pairs):
            others = pairs[:index] + pairs[index + 1 :]
            guess = _apply(year_ytd, _pattern(others, aggregation), aggregation)
            errors.append(_error(guess, outturn, aggregation))
    if len(errors) >= MIN_ERRORS:
        half = t80(len(errors)) * _rms(errors)
        if _ratio(aggregation):
            low, high = figure * (1 - half), figure * (1 + half)
        else:
            low, high = figure - half, figure + half
        used = len(errors)
    else:
        figures = list(history)
        if len(figures) < MIN_FIGURES:
            raise TooEarly("there are too few figures yet")
        half = t80(len(figures) - 1) * _spread(figures, k, periods, aggregation)
        low, high, used = figure - half, figure + half, 0
    if floor is not None:
        low, figure = max(low, floor), max(figure, floor)
    if ceiling is not None:
        high, figure = min(high, ceiling), min(figure, ceiling)
    return Forecast(figure, min(low, figure), max(high, figure), method, len(pairs), used)


def meets(figure: Decimal, target: TargetSpec, polarity: Polarity) -> bool | None:
    """Whether a year-end figure meets the target (None when that cannot be said)."""
    bounds = target.bounds()
    if bounds is not None:
        return bounds[0] <= figure <= bounds[1]
    point = target.point()
    if point is None or polarity is Polarity.NONE:
        return None
    return figure >= point if polarity is Polarity.HIGH else figure <= point


def verdict(low: Decimal, high: Decimal, target: TargetSpec, polarity: Polarity) -> Verdict | None:
    """On course when the whole range meets the target, unlikely when the whole range
    misses it, at risk otherwise."""
    ends = [meets(low, target, polarity), meets(high, target, polarity)]
    if None in ends:
        return None
    if all(ends):
        return Verdict.ON_COURSE
    bounds = target.bounds()
    if not any(ends) and (bounds is None or high < bounds[0] or low > bounds[1]):
        return Verdict.UNLIKELY
    return Verdict.AT_RISK


def coverage(outcomes: Sequence[bool]) -> Decimal | None:
    """The share of forecasts whose range held the outturn."""
    if not outcomes:
        return None
    return Decimal(sum(outcomes)) / len(outcomes)
