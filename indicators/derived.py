"""Figures derived from an indicator's series: year to date, last six months' average,
and change on the same period last year. Plain Python, Decimal arithmetic, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from indicators.periods import FinancialQuarter, Month, Period

Series = Mapping[Period, Decimal | None]


def _same_kind_in_year(through: Period) -> list[Period]:
    """The months or quarters from the start of through's financial year up to through."""
    if isinstance(through, FinancialQuarter):
        return [FinancialQuarter(through.start_year, q) for q in range(1, through.quarter + 1)]
    if isinstance(through, Month):
        months = through.financial_year.month_periods()
        return [m for m in months if m <= through]
    raise ValueError(
        f"Year to date is worked out from months or quarters, not from {through.label}."
    )


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def year_to_date(series: Series, through: Period, method: str) -> Decimal | None:
    """Year to date by `method`: "sum" (all periods needed), "mean" or "latest"."""
    periods = _same_kind_in_year(through)
    present = [series[p] for p in periods if series.get(p) is not None]
    if method == "sum":
        if len(present) != len(periods):
            return None
        return sum(present, Decimal(0))  # type: ignore[arg-type]
    if method == "mean":
        return _mean(present) if present else None  # type: ignore[arg-type]
    if method == "latest":
        return present[-1] if present else None
    raise ValueError(f"Year to date is a sum, a mean or the latest figure, not {method!r}.")


def last_six_months_average(series: Series, through: Period) -> Decimal | None:
    """Mean of the months (or quarters) making up the six months ending with `through`."""
    if isinstance(through, Month):
        periods: list[Period] = [through.plus(-n) for n in range(5, -1, -1)]
    elif isinstance(through, FinancialQuarter):
        periods = [through.previous(), through]
    else:
        raise ValueError(f"A six-month average needs months or quarters, not {through.label}.")
    values = [series.get(p) for p in periods]
    if any(v is None for v in values):
        return None
    return _mean(values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Change:
    """A figure against the same period a year earlier."""

    current: Decimal
    previous: Decimal
    absolute: Decimal
    percent: Decimal | None


def change_on_same_period_last_year(series: Series, period: Period) -> Change | None:
    current, previous = series.get(period), series.get(period.shift_years(-1))
    if current is None or previous is None:
        return None
    absolute = current - previous
    percent = None if previous == 0 else absolute / previous * 100
    return Change(current, previous, absolute, percent)
