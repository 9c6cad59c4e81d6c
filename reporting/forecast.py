"""The year-end forecast of an indicator fetched with `for_report()`: its figures and
targets read from what is already prefetched (no further queries), handed to the rules
of indicators/forecast.py, and printed in the indicator's own unit."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from indicators import forecast as rules
from indicators.formatting import Unit
from indicators.models import Frequency, Indicator
from indicators.periods import FinancialQuarter, FinancialYear, Month, Period, YearToDate
from reporting.assessment import target_for

NO_FORECAST = "none"


@dataclass(frozen=True)
class YearEndForecast:
    """A forecast as pages, exports and the summary print it."""

    year: FinancialYear
    after: Period  # the last period of the year so far
    figure: Decimal
    low: Decimal
    high: Decimal
    verdict: rules.Verdict | None
    target_text: str
    text: str  # "54.0% (likely between 52.0% and 56.0%)"
    how: str  # one sentence on how it was made

    @property
    def sentence(self) -> str:
        words = f", {self.verdict.words}" if self.verdict else ""
        return f"Forecast year-end: {self.text}{words}"

    @property
    def key(self) -> str:
        return self.verdict.value if self.verdict else NO_FORECAST


def _kind(indicator: Indicator):
    return {Frequency.QUARTERLY: FinancialQuarter, Frequency.MONTHLY: Month}.get(
        indicator.frequency
    )


def _periods_of(year: FinancialYear, kind) -> list[Period]:
    return year.quarters() if kind is FinancialQuarter else year.month_periods()


def _figures(indicator: Indicator, kind, up_to) -> dict[Period, Decimal | None]:
    return {
        v.period: v.value
        for v in indicator.values.all()
        if isinstance(v.period, kind | FinancialYear) and v.period.end <= up_to
    }


def _outturn(figures: dict, year: FinancialYear, kind, aggregation: str) -> Decimal | None:
    """The year to date at the year's last period; else the year's own figure."""
    periods = _periods_of(year, kind)
    if all(figures.get(p) is not None for p in periods):
        return rules.year_to_date([figures[p] for p in periods], len(periods), aggregation)
    return figures.get(year)


def _profile(indicator: Indicator, year, periods: list[Period], k: int, target: Decimal | None):
    """The profile's expected year to date after k periods, and the year-end target."""
    if target is None:
        return None
    profiled = {t.period: t.value for t in indicator.targets.all() if t.period is not None}
    last = periods[k - 1]
    for period, value in profiled.items():
        if isinstance(period, YearToDate) and period.end == last.end and value is not None:
            return value, target
    wanted = [profiled.get(p) for p in periods[:k]]
    if any(value is None for value in wanted):
        return None
    expected = rules.year_to_date(wanted, k, indicator.aggregation)
    return (expected, target) if expected is not None else None


def _bounds(indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    unit = Unit(indicator.unit)
    if unit is Unit.PERCENTAGE:
        return Decimal(0), Decimal(100)
    if unit is Unit.SCORE:
        return Decimal(0), indicator.score_out_of
    if unit in (Unit.COUNT, Unit.DAYS, Unit.RATE):
        return Decimal(0), None
    return None, None


def make_forecast(
    indicator: Indicator, year: FinancialYear, k: int, *, target_point: Decimal | None = None
) -> rules.Forecast:
    """The forecast for `year` after its k-th period, from the figures before then only.
    Raises rules.TooEarly or ValueError when there is none."""
    kind = _kind(indicator)
    if kind is None:
        raise rules.TooEarly("its figures are not monthly or quarterly")
    periods = _periods_of(year, kind)
    figures = _figures(indicator, kind, periods[k - 1].end)
    aggregation = indicator.aggregation
    earlier = []
    for start in sorted({p.financial_year.start_year for p in figures}):
        earlier_year = FinancialYear(start)
        if earlier_year >= year:
            continue
        earlier.append(
            rules.Year(
                [figures.get(p) for p in _periods_of(earlier_year, kind)],
                _outturn(figures, earlier_year, kind, aggregation),
            )
        )
    history = [
        value
        for period, value in sorted(figures.items())
        if isinstance(period, kind) and value is not None
    ]
    floor, ceiling = _bounds(indicator)
    return rules.forecast(
        so_far=[figures.get(p) for p in periods[:k]],
        periods=len(periods),
        aggregation=aggregation,
        earlier=earlier,
        history=history,
        profile=_profile(indicator, year, periods, k, target_point),
        floor=floor,
        ceiling=ceiling,
    )


def _as_at(indicator: Indicator, kind, as_at: Period | None) -> Period | None:
    """The latest period of the indicator's kind with a figure, up to `as_at`."""
    found = [
        v.period
        for v in indicator.values.all()
        if isinstance(v.period, kind)
        and v.value is not None
        and (as_at is None or v.period.end <= as_at.end)
    ]
    return max(found, default=None)


def _how(result: rules.Forecast, indicator: Indicator) -> str:
    if result.method is rules.Method.PROFILE:
        made = "Made by following the target's profile for the year"
    elif result.method is rules.Method.PATTERN:
        years = f"{result.years} earlier year{'s' if result.years != 1 else ''}"
        shape = "share of the year's total" if indicator.aggregation == "sum" else "change"
        made = f"Made from the year so far and the {shape} still to come in {years}"
    else:
        made = "Made by carrying the year so far forward (there is no earlier complete year)"
    if result.errors:
        spread = f"the range from how far such forecasts missed in {result.errors} earlier years"
    else:
        spread = "the range from how much its figures vary, wider for want of earlier years"
    return f"{made}; {spread}. Likely means 8 times in 10."


def year_end_forecast(indicator: Indicator, as_at: Period | None = None) -> YearEndForecast | str:
    """The forecast of the year of `as_at` (or of the latest figure), or the reason there
    is none in words ("the year is complete")."""
    kind = _kind(indicator)
    if kind is None:
        return "Forecasts are made for monthly and quarterly figures."
    after = _as_at(indicator, kind, as_at)
    if as_at is not None and after is not None and after.financial_year != as_at.financial_year:
        after = None
    if after is None:
        return "There are no figures for the year yet."
    year = after.financial_year
    periods = _periods_of(year, kind)
    k = periods.index(after) + 1
    complete = any(
        v.period == year and v.value is not None and (as_at is None or v.period.end <= as_at.end)
        for v in indicator.values.all()
    )
    if k == len(periods) or complete:
        return f"{year} is complete: the outturn is known."
    target = target_for(indicator, year)
    spec = target.spec() if target is not None else None
    if spec is None or (spec.point() is None and spec.bounds() is None):
        return f"There is no year-end target for {year}."
    try:
        result = make_forecast(indicator, year, k, target_point=spec.point())
    except rules.TooEarly as reason:
        return f"Too early to forecast: {reason}."
    show = indicator.format
    bounds = spec.bounds()
    target_text = (
        f"between {show(bounds[0])} and {show(bounds[1])}" if bounds else show(spec.point())
    )
    return YearEndForecast(
        year=year,
        after=after,
        figure=result.figure,
        low=result.low,
        high=result.high,
        verdict=rules.verdict(result.low, result.high, spec, indicator.polarity_enum),
        target_text=target_text,
        text=f"{show(result.figure)} (likely between {show(result.low)} and {show(result.high)})",
        how=_how(result, indicator),
    )


def _rounded(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Backtest:
    """How often the stated range held the outturn, over how many forecasts."""

    coverage: Decimal | None
    forecasts: int
    inside: int


def backtest(indicators: list[Indicator]) -> Backtest:
    """Every indicator, every complete past year, forecast after Q1, Q2 and Q3 (months 3, 6
    and 9) from what was known then; did the outturn fall inside the range?"""
    outcomes = []
    for indicator in indicators:
        kind = _kind(indicator)
        if kind is None:
            continue
        figures = _figures(indicator, kind, FinancialYear(2200).end)
        years = sorted({p.financial_year for p in figures})
        step = 1 if kind is FinancialQuarter else 3
        for year in years:
            outturn = _outturn(figures, year, kind, indicator.aggregation)
            if outturn is None:
                continue
            for k in (step, 2 * step, 3 * step):
                try:
                    result = make_forecast(indicator, year, k)
                except (rules.TooEarly, ValueError):
                    continue
                # As stated: the range and the outturn as the page prints them.
                low, high, actual = (
                    _rounded(n, indicator.decimal_places)
                    for n in (result.low, result.high, outturn)
                )
                outcomes.append(low <= actual <= high)
    inside = sum(outcomes)
    return Backtest(rules.coverage(outcomes), len(outcomes), inside)
