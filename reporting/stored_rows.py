"""Scorecard rows as stored data: a row of reporting.scorecard encoded as JSON (every figure,
word, factor and reference it prints) and decoded back, so that a published quarter's rows
are worked out once and read many times (published_rows stores them), and the stored row
can be held to be exactly the live one."""

import dataclasses
import hashlib
import sys
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

from django.db import models
from django.db.models import Count
from django.db.models.base import ModelState

from indicators import formatting, rag, spc
from indicators.fields import PeriodField
from indicators.models import Comparator, Indicator, Value
from indicators.periods import Period
from indicators.rag import Direction, Rag
from published_rows.models import StoredRow
from recovery_plans import rules as plan_rules
from reporting import assessment, comparators, forecast, row_html, scorecard
from reporting.comparators import attach_rankings
from reporting.plans import plans_by_indicator
from reporting.scorecard import NOT_RATED, Row, Summary, build_rows

# Figures and benchmarks are stored with every column of their own, so that the exports
# read from a stored row what they read from a live one.
STORED_MODELS = (Value, Comparator)


def _columns(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.attname not in ("indicator_id",)]


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
    if isinstance(thing, STORED_MODELS):
        return {f.attname: encode(getattr(thing, f.attname)) for f in _columns(type(thing))}
    if dataclasses.is_dataclass(thing):
        return {f.name: encode(getattr(thing, f.name)) for f in dataclasses.fields(thing)}
    if isinstance(thing, dict):
        return {str(key): encode(item) for key, item in thing.items()}
    if isinstance(thing, list | tuple):
        return [encode(item) for item in thing]
    raise TypeError(f"A scorecard row cannot store {type(thing).__name__}")


def encode_row(row: Row) -> dict:
    return encode(row)


def _decoder(hint):
    """A function turning what `encode` wrote back into the `hint` type, worked out once per
    type from the annotations of the row's dataclasses (a page decodes thousands of parts)."""
    return _DECODERS.get(hint) or _DECODERS.setdefault(hint, _make_decoder(hint))


_DECODERS: dict = {}


def _optional(decode):
    return lambda data, indicator: None if data is None else decode(data, indicator)


def _make_decoder(hint):
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        return _optional(_decoder(options[0]))
    if origin is list:
        item = _decoder(typing.get_args(hint)[0])
        return _optional(lambda data, indicator: [item(part, indicator) for part in data])
    if origin is dict:
        item = _decoder(typing.get_args(hint)[1])
        return _optional(
            lambda data, indicator: {key: item(part, indicator) for key, part in data.items()}
        )
    if hint is Indicator:
        return lambda data, indicator: indicator
    if hint in STORED_MODELS:
        return _optional(_model_decoder(hint))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _optional(lambda data, indicator: hint(data))
    if isinstance(hint, type) and issubclass(hint, Period):
        return _optional(lambda data, indicator: Period.from_key(data))
    if hint is Decimal:
        return _optional(lambda data, indicator: Decimal(data))
    if hint is date:
        return _optional(lambda data, indicator: date.fromisoformat(data))
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        parts = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(hint)]

        def decode_dataclass(data, indicator):
            return hint(
                **{name: part(data[name], indicator) for name, part in parts if name in data}
            )

        return _optional(decode_dataclass)
    return lambda data, indicator: data


def _column_decoder(field):
    if isinstance(field, PeriodField):
        return lambda data: None if data is None else Period.from_key(data)
    if isinstance(field, models.DecimalField):
        return lambda data: None if data is None else Decimal(data)
    if isinstance(field, models.DateTimeField):
        return lambda data: None if data is None else datetime.fromisoformat(data)
    if isinstance(field, models.DateField):
        return lambda data: None if data is None else date.fromisoformat(data)
    if isinstance(field, models.UUIDField):
        return field.to_python
    return None  # stored as JSON keeps it: text, numbers, booleans


def _model_decoder(model):
    """A figure or benchmark as if read from the database, its indicator the row's, one
    instance for each figure a row shows twice. The columns are set as unpickling sets them
    (Model.__setstate__): a page decodes thousands, and Model.__init__ would be most of it."""
    columns = [(f.attname, _column_decoder(f)) for f in model._meta.concrete_fields]

    def decode_model(data, indicator):
        key = (model, data["id"])
        if key in indicator._stored_instances:
            return indicator._stored_instances[key]
        instance = model.__new__(model)
        instance.__dict__.update(
            (name, indicator.pk if name == "indicator_id" else data[name])
            if decode is None
            else (name, decode(data[name]))
            for name, decode in columns
        )
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, indicator._state.db
        instance._state.fields_cache = {"indicator": indicator}
        indicator._stored_instances[key] = instance
        return instance

    return decode_model


def decode_row(data: dict, indicator: Indicator) -> Row:
    """A stored row as the Row the live computation gave, for this indicator."""
    indicator._stored_instances = {}
    return _decoder(Row)(data, indicator)


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


# The scorecard's filters that read a row's own figures, by the stored column holding each.
FILTER_COLUMNS = {
    "rag": "rag_key",
    "direction": "direction",
    "variation": "variation_key",
    "assurance": "assurance_key",
    "forecast": "forecast_key",
    "plan": "plan_state",
}


def _fingerprint(modules) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


# The code that works out a row, encodes it and makes its markup: rows stored by other code
# (an earlier release) are not read. Read from the files, so that no edit can be forgotten.
CODE_VERSION = _fingerprint(
    [
        sys.modules[__name__],
        row_html,
        scorecard,
        assessment,
        forecast,
        comparators,
        rag,
        spc,
        formatting,
        plan_rules,
    ]
)


def page_data(row: Row) -> dict:
    """What the scorecard page reads of a stored row besides its head: the comparators as
    printed with their order, the rankings, and the figures and target its columns sort by."""
    return {
        "comparators": row.comparators,
        "order": {name: list(order) for name, order in row.comparator_orders.items()},
        "rankings": row.rankings,
        "values": [encode(cell.value) for cell in [*row.history, row.current]],
        "target": row.target,
    }


@dataclasses.dataclass
class StoredScorecard:
    """A published quarter's scorecard as read from its stored rows."""

    rows: list
    summary: Summary
    has_figures: bool


class _SortedCell:
    """A period's figure as the page sorts it (reporting.scorecard.Cell.sort_key)."""

    def __init__(self, value: str | None):
        self.value = value

    @property
    def sort_key(self) -> tuple:
        return (self.value is None, Decimal(self.value or 0))


class StoredPageRow:
    """A stored row as the scorecard page reads it: its indicator's reference, title,
    polarity and section, its head's markup and `page_data`, and the keys the page's columns
    sort by (those of reporting.scorecard.Row), without decoding the whole row."""

    def __init__(self, stored: dict):
        self.indicator = types.SimpleNamespace(
            pk=stored["indicator_id"],
            title=stored["indicator__title"],
            polarity=stored["indicator__polarity"],
            section_id=stored["indicator__section_id"],
        )
        self.head = stored["head"]
        page = stored["page"]
        self.comparators = page["comparators"]
        self.comparator_orders = {name: tuple(order) for name, order in page["order"].items()}
        self.rankings = page["rankings"]
        self.target = page["target"]
        self._values = page["values"]
        self.rag_key = stored["rag_key"]
        self.direction_key = stored["direction"]
        self.forecast_key = stored["forecast_key"]
        self.variation_key = stored["variation_key"]
        self.assurance_key = stored["assurance_key"]

    @property
    def history(self) -> list[_SortedCell]:
        return [_SortedCell(value) for value in self._values[:-1]]

    @property
    def current(self) -> _SortedCell:
        return _SortedCell(self._values[-1])

    @property
    def rag_rank(self) -> int:
        return Rag(self.rag_key).rank if self.rag_key != NOT_RATED else 3

    @property
    def direction_word(self) -> str:
        return Direction(self.direction_key).label if self.direction_key else ""

    @property
    def forecast_rank(self) -> tuple:
        return Row.forecast_rank.fget(self)


def _stored_rows(quarter, indicators: models.QuerySet, filters: dict):
    """The stored rows of these indicators for the quarter, filtered by the row filters,
    with the summary and whether any has a figure; None when the quarter is not stored by
    this code or an indicator has no stored row."""
    found = StoredRow.objects.filter(
        stored_quarter__quarter=quarter,
        stored_quarter__code_version=CODE_VERSION,
        indicator__in=indicators.values("pk"),
    )
    counts = dict(found.order_by().values_list("rag_key").annotate(n=Count("pk")))
    total = sum(counts.values())
    if total == 0 or total != indicators.count():
        return None
    summary = Summary(
        total=total,
        green=counts.get(Rag.GREEN.value, 0),
        amber=counts.get(Rag.AMBER.value, 0),
        red=counts.get(Rag.RED.value, 0),
        not_rated=counts.get(NOT_RATED, 0),
    )
    has_figures = found.filter(has_value=True).exists()
    for key, column in FILTER_COLUMNS.items():
        if filters.get(key):
            found = found.filter(**{column: filters[key]})
    found = found.order_by(*(f"indicator__{name}" for name in Indicator._meta.ordering))
    return found, summary, has_figures


def read_stored(quarter, indicators: models.QuerySet, filters: dict) -> StoredScorecard | None:
    """The stored rows of these indicators (already filtered by section, service, owner or
    words) for the quarter, filtered in the database by rating, direction, SPC, forecast and
    plan; None when the quarter is not stored or an indicator has no stored row, for the
    caller to work the rows out live."""
    stored = _stored_rows(quarter, indicators, filters)
    if stored is None:
        return None
    found, summary, has_figures = stored
    found = found.select_related("indicator__section", "indicator__service", "indicator__owner")
    rows = [decode_row(row.data, row.indicator) for row in found]
    return StoredScorecard(rows=rows, summary=summary, has_figures=has_figures)


def read_stored_page(quarter, indicators: models.QuerySet, filters: dict):
    """As `read_stored`, the rows as the scorecard page reads them (StoredPageRow)."""
    stored = _stored_rows(quarter, indicators, filters)
    if stored is None:
        return None
    found, summary, has_figures = stored
    fields = [
        "indicator_id",
        "indicator__title",
        "indicator__polarity",
        "indicator__section_id",
        "head",
        "page",
        *FILTER_COLUMNS.values(),
    ]
    rows = [StoredPageRow(row) for row in found.values(*fields)]
    return StoredScorecard(rows=rows, summary=summary, has_figures=has_figures)
