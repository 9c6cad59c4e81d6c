"""The scorecard for a quarter as rows of plain data: what the page, the exports and (later)
committee reports show. Built from indicators fetched with `for_report()`, so any number of
rows costs no further queries."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.models import Comparator, ComparatorKind, Indicator, Value
from indicators.periods import FinancialQuarter, Period
from indicators.rag import Direction, Rag, TargetSpec
from indicators.spc import Assurance, NotEnoughData, Variation
from recovery_plans.rules import PlanRef, plan_state
from reporting.assessment import (
    assess,
    comparator_text,
    comparators_for,
    describe_target,
    target_for,
    value_in_quarter,
)
from reporting.charts import spc_chart
from reporting.forecast import NO_FORECAST, YearEndForecast, year_end_forecast

NOT_RATED = "none"


@dataclass(frozen=True)
class Cell:
    """One figure in a period column, with its own period when that differs."""

    text: str
    value: Decimal | None
    # The figure itself, for the exports that write its parts to columns of their own.
    figure: Value | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.value is None, self.value or Decimal(0))


def _cell(indicator: Indicator, value: Value | None, column: Period) -> Cell:
    if value is None:
        return Cell("-", None)
    text = value.display
    if value.period != column:
        text = f"{text} ({value.period})"
    if value.qualifier:
        text = f"{text} {value.qualifier}"
    return Cell(text, value.value, value)


@dataclass
class Row:
    """One indicator on the scorecard for the chosen quarter."""

    indicator: Indicator
    history: list[Cell]
    current: Cell
    value: Value | None
    target: str
    rag: Rag | None
    direction: Direction | None
    rag_reason: str = ""
    judged: bool = False
    comparators: dict[str, str] = field(default_factory=dict)  # by name, as printed
    # The same comparators and target as figures and factors, for the Excel export.
    comparator_figures: dict[str, Comparator] = field(default_factory=dict)
    target_spec: TargetSpec | None = None
    variation: Variation | None = None
    assurance: Assurance | None = None
    year_end_rag: Rag | None = None
    plan_state: str | None = None  # recovery_plans.rules.NEEDED or COVERED
    plan: PlanRef | None = None
    # The council's standing among other councils (reporting.comparators.attach_rankings).
    rankings: list[str] = field(default_factory=list)
    # The year-end forecast as at the quarter (reporting.forecast), or why there is none.
    forecast: YearEndForecast | None = None
    forecast_reason: str = ""

    @property
    def forecast_key(self) -> str:
        return self.forecast.key if self.forecast else NO_FORECAST

    @property
    def forecast_word(self) -> str:
        return self.forecast.sentence if self.forecast else "No forecast"

    @property
    def forecast_rank(self) -> tuple:
        order = {"unlikely": 0, "at_risk": 1, "on_course": 2}
        return (order.get(self.forecast_key, 3),)

    @property
    def variation_key(self) -> str:
        return self.variation.value if self.variation else NOT_RATED

    @property
    def assurance_key(self) -> str:
        return self.assurance.value if self.assurance else NOT_RATED

    @property
    def rag_key(self) -> str:
        return self.rag.value if self.rag else NOT_RATED

    @property
    def comparator_orders(self) -> dict[str, tuple]:
        """Where each comparator's column goes (comparator_areas)."""
        return {name: c.order for name, c in self.comparator_figures.items()}

    @property
    def rag_rank(self) -> int:
        return self.rag.rank if self.rag else 3

    @property
    def rag_word(self) -> str:
        if self.rag is not None and self.judged:
            return f"{self.rag.label} (judgement): {self.rag_reason}"
        if self.rag is not None:
            return self.rag.label
        return f"Not rated ({self.rag_reason})" if self.rag_reason else "Not rated"

    @property
    def england_average(self) -> str:
        """The England (or national) average as printed, for tables with that one column."""
        return next(
            (
                self.comparators[name]
                for name, comparator in self.comparator_figures.items()
                if comparator.kind == ComparatorKind.ENGLAND and comparator.value is not None
            ),
            "",
        )

    @property
    def direction_word(self) -> str:
        return self.direction.label if self.direction else ""


def quarter_columns(quarter: FinancialQuarter, how_many: int = 4) -> list[FinancialQuarter]:
    """The chosen quarter and the ones before it, oldest first."""
    columns = [quarter]
    while len(columns) < how_many:
        columns.insert(0, columns[0].previous())
    return columns


def _comparators(indicator: Indicator, value: Value | None) -> dict[str, Comparator]:
    return comparators_for(indicator, value.period) if value is not None else {}


def _spc(indicator: Indicator) -> tuple[Variation | None, Assurance | None]:
    try:
        _, chart = spc_chart(indicator)
    except NotEnoughData:
        return None, None
    return chart.variation, chart.assurance


def _year_end(indicator: Indicator, year) -> Rag | None:
    """The rating of the indicator's figure for the whole financial year, once there is one."""
    for value in indicator.values.all():
        if value.period == year:
            return assess(indicator, value).rag
    return None


def _spec(indicator: Indicator, quarter: FinancialQuarter, current: Value | None):
    """The quarter's target as factors, shown even before the quarter has a figure."""
    if current is not None:
        return None
    target = target_for(indicator, quarter)
    return target.spec() if target else None


def build_rows(
    indicators: list[Indicator],
    quarter: FinancialQuarter,
    *,
    with_spc: bool = True,
    plans: dict[int, list[PlanRef]] | None = None,
) -> list[Row]:
    """One row per indicator. Given `plans` (reporting.plans.plans_by_indicator),
    each row also says whether it needs a recovery plan or which plan covers it."""
    columns = quarter_columns(quarter)
    rows = []
    for indicator in indicators:
        variation, assurance = _spc(indicator) if with_spc else (None, None)
        values = [value_in_quarter(indicator, column) for column in columns]
        current = values[-1]
        assessment = assess(indicator, current)
        target = assessment.target
        comparators = _comparators(indicator, current)
        rows.append(
            Row(
                indicator=indicator,
                history=[
                    _cell(indicator, v, c) for v, c in zip(values[:-1], columns[:-1], strict=True)
                ],
                current=_cell(indicator, current, quarter),
                value=current,
                target=(assessment.target_text if current else describe_target(indicator, quarter)),
                rag=assessment.rag,
                rag_reason=assessment.reason,
                judged=assessment.judged,
                direction=assessment.direction,
                comparators={
                    name: comparator_text(indicator, c, current.period)
                    for name, c in comparators.items()
                },
                comparator_figures=comparators,
                target_spec=target.spec() if target else _spec(indicator, quarter, current),
                variation=variation,
                assurance=assurance,
            )
        )
        forecast = year_end_forecast(indicator, quarter)
        if isinstance(forecast, str):
            rows[-1].forecast_reason = forecast
        else:
            rows[-1].forecast = forecast
        if plans is not None:
            row = rows[-1]
            row.year_end_rag = _year_end(indicator, quarter.financial_year)
            row.plan_state, row.plan = plan_state(
                row.rag, row.year_end_rag, plans.get(indicator.pk, []), quarter.end
            )
    return rows


def comparator_areas(rows: list[Row]) -> list[tuple[str, str]]:
    """The comparators any row has, as (name, column heading): England first, then the
    regions, neighbours and peer groups by name, as papers print them."""
    present = {}
    for row in rows:
        for name, order in row.comparator_orders.items():
            present.setdefault(name, order)
    return [(name, name) for name in sorted(present, key=present.get)]


@dataclass(frozen=True)
class Summary:
    """How many indicators are on track, slightly below, requiring improvement, not rated."""

    total: int
    green: int
    amber: int
    red: int
    not_rated: int

    @property
    def percent_on_track(self) -> int:
        rated = self.total
        return round(100 * self.green / rated) if rated else 0

    def sentence(self) -> str:
        return (
            f"{self.green} of {self.total} indicators ({self.percent_on_track}%) on track; "
            f"{self.amber} slightly below; {self.red} require improvement; "
            f"{self.not_rated} not rated"
        )


def summarise(rows: list[Row]) -> Summary:
    counts = Counter(row.rag_key for row in rows)
    return Summary(
        total=len(rows),
        green=counts[Rag.GREEN.value],
        amber=counts[Rag.AMBER.value],
        red=counts[Rag.RED.value],
        not_rated=counts[NOT_RATED],
    )
