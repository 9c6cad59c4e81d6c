"""Scorecard rows as stored data: a row of reporting.scorecard encoded as JSON, every figure,
word, factor and reference it prints, so that the stored row of a published quarter can be
held to be exactly the live one (published_rows stores them)."""

import dataclasses
from datetime import date
from decimal import Decimal
from enum import Enum

from indicators.models import Comparator, Indicator, Value
from indicators.periods import Period
from reporting.comparators import attach_rankings
from reporting.plans import plans_by_indicator
from reporting.scorecard import Row, build_rows

VALUE_FIELDS = (
    "pk",
    "period",
    "value",
    "count",
    "status",
    "missing_reason",
    "qualifier",
    "state",
    "revision",
    "corrects_figure",
    "judged_rag",
    "judgement_reason",
)
COMPARATOR_FIELDS = ("pk", "period", "area", "value", "value_period")


def encode(thing):
    """JSON-ready data for a row's parts: figures as strings, periods by key, enums by value."""
    if thing is None or isinstance(thing, bool | int | str) and not isinstance(thing, Enum):
        return thing
    if isinstance(thing, Enum):
        return thing.value
    if isinstance(thing, Decimal):
        return str(thing)
    if isinstance(thing, date):
        return thing.isoformat()
    if isinstance(thing, Period):
        return thing.key
    if isinstance(thing, Indicator):
        return thing.pk
    if isinstance(thing, Value):
        return {name: encode(getattr(thing, name)) for name in VALUE_FIELDS}
    if isinstance(thing, Comparator):
        return {name: encode(getattr(thing, name)) for name in COMPARATOR_FIELDS}
    if dataclasses.is_dataclass(thing):
        return {f.name: encode(getattr(thing, f.name)) for f in dataclasses.fields(thing)}
    if isinstance(thing, dict):
        return {str(key): encode(item) for key, item in thing.items()}
    if isinstance(thing, list | tuple):
        return [encode(item) for item in thing]
    raise TypeError(f"A scorecard row cannot store {type(thing).__name__}")


def encode_row(row: Row) -> dict:
    return encode(row)


def live_rows(quarter, indicators=None) -> list[Row]:
    """The rows the scorecard computes for a quarter, as its page does (indicators fetched
    with for_report(quarter), plans, rankings), for every indicator or those given by pk."""
    found = Indicator.objects.for_report(quarter)
    if indicators is not None:
        found = found.filter(pk__in=list(indicators))
    found = list(found)
    rows = build_rows(found, quarter, plans=plans_by_indicator(i.pk for i in found))
    attach_rankings(rows, up_to=quarter.end)
    return rows
