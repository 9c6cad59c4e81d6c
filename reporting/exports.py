"""The scorecard as data: the same rows the page shows, for CSV and Excel."""

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from indicators.periods import FinancialQuarter
from indicators.rag import TargetKind
from reporting.assessment import comparator_period
from reporting.scorecard import Row, comparator_areas, quarter_columns
from spreadsheets.guard import spreadsheet_text
from spreadsheets.xlsx_numbers import NumberCell, count_cell, figure_cell

# A comparator's published 95% confidence interval, as numbers in columns of their own.
CI_PARTS = ("95% CI lower", "95% CI upper")

# Headed as forecasts, so that no one takes them for figures.
FORECAST_HEADERS = [
    "Forecast year-end",
    "Forecast year-end low",
    "Forecast year-end high",
    "Forecast verdict",
]


def _forecast_words(row: Row) -> list[str]:
    forecast, show = row.forecast, row.indicator.format
    if forecast is None:
        return ["-", "-", "-", row.forecast_reason or "No forecast"]
    verdict = forecast.verdict.label if forecast.verdict else "No verdict"
    return [show(forecast.figure), show(forecast.low), show(forecast.high), verdict]


def scorecard_records(rows: list[Row], quarter: FinancialQuarter | None, *, guard=True):
    """A header and one list of cells per row: figures as printed, ratings in words. With
    guard (for CSV) text that looks like a formula gets its apostrophe."""
    if quarter is None:
        return ["Section", "Reference", "Performance measure"], []
    columns = quarter_columns(quarter)
    areas = comparator_areas(rows)
    # The page's column of the council's standing (reporting.comparators.attach_rankings),
    # when any indicator has one: one line per comparator group, "; " between them.
    rankings = any(row.rankings for row in rows)
    header = [
        "Section",
        "Reference",
        "Performance measure",
        "Good is high or low",
        *[str(c) for c in columns],
        "Target",
        "Rating",
        "Direction of travel",
        "Variation (SPC)",
        "Assurance (SPC)",
        *FORECAST_HEADERS,
        *[label for _, label in areas],
        *(["Among other councils"] if rankings else []),
    ]
    records = []
    for row in rows:
        indicator = row.indicator
        cells = [
            indicator.section.name,
            indicator.reference,
            indicator.title,
            indicator.polarity_enum.short,
            *[cell.text for cell in row.history],
            row.current.text,
            row.target,
            row.rag_word,
            row.direction_word or "-",
            row.variation.label if row.variation else "Not enough data",
            row.assurance.label if row.assurance else "Not enough data",
            *_forecast_words(row),
            *[row.comparators.get(area, "-") for area, _ in areas],
            *(["; ".join(row.rankings) or "-"] if rankings else []),
        ]
        records.append([spreadsheet_text(cell) for cell in cells] if guard else cells)
    # Comparator names are the council's own words, and head their columns.
    return [spreadsheet_text(cell) for cell in header] if guard else header, records


def _figure(indicator, value: Decimal, **extra) -> NumberCell:
    return figure_cell(
        value,
        unit=indicator.unit,
        decimal_places=indicator.decimal_places,
        out_of=indicator.score_out_of,
        **extra,
    )


def _note(figure) -> str:
    """What the page prints beside a figure: its reason for missing, qualifier, revision."""
    parts = [figure.missing_reason.strip(), figure.qualifier.strip()]
    if figure.is_revised:
        parts.append("(revised)")
    return " ".join(part for part in parts if part)


def _target_note(row: Row) -> str:
    """The words of a target beside its figure, what the page prints after the number:
    "increase by 5% from 32.0", "by 2025/26", "Apr-Oct; year end 55.1%"."""
    spec, text, indicator = row.target_spec, row.target, row.indicator
    if spec is None:
        return "" if text == "-" else text  # a stretch goal years away, say
    if spec.kind is TargetKind.NONE:
        return text
    if (bounds := spec.bounds()) is not None:
        lead = f"Between {indicator.format(bounds[0])} and {indicator.format(bounds[1])}"
    else:
        lead = indicator.format(spec.point())
    rest = text[len(lead) :] if text.startswith(lead) else text
    rest = rest.strip().removeprefix(";").strip()
    if rest.startswith("(") and ")" in rest:
        close = rest.index(")")
        rest = rest[1:close] + rest[close + 1 :]
    return rest


class _Columns:
    """The workbook's columns, built row by row: a column that no row fills (a count, a
    period, a note) is left out, as the page prints nothing there."""

    def __init__(self):
        self.headers: list[str] = []
        self.rows: list[dict[str, object]] = []

    def add(self, *headers: str) -> None:
        self.headers += headers

    def optional(self, header: str) -> None:
        if any(header in row for row in self.rows):
            self.headers.append(header)


def scorecard_workbook(rows: list[Row], quarter: FinancialQuarter | None) -> Workbook:
    """The scorecard as a table Excel can sum, sort, filter and chart: each figure a number
    with the format that prints it as the page does, and its count, period and notes in
    columns of their own. Ratings and texts are the CSV's words."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"Scorecard {quarter}".replace("/", "-")[:31] if quarter else "Scorecard"
    table = _Columns()
    fixed = ["Section", "Reference", "Performance measure", "Good is high or low"]
    if quarter is None:
        sheet.append(fixed[:3])
        return book
    columns = [str(c) for c in quarter_columns(quarter)]
    areas = comparator_areas(rows)
    words = scorecard_records(rows, quarter, guard=False)[1]
    for row, record in zip(rows, words, strict=True):
        indicator, cells = row.indicator, dict(zip(fixed, record, strict=False))
        for column, cell in zip(columns, [*row.history, row.current], strict=True):
            figure = cell.figure
            if figure is None:
                continue
            if figure.value is not None:
                cells[column] = _figure(indicator, figure.value)
            if figure.count is not None:
                cells[f"{column} count"] = count_cell(figure.count)
            if str(figure.period) != column:
                cells[f"{column} period"] = str(figure.period)
            if note := _note(figure):
                cells[f"{column} note"] = note
        spec = row.target_spec
        if spec is not None and spec.bounds() is not None:
            low, high = spec.bounds()
            cells["Target low"] = _figure(indicator, low)
            cells["Target high"] = _figure(indicator, high)
        elif spec is not None and spec.point() is not None:
            cells["Target"] = _figure(indicator, spec.point())
        if note := _target_note(row):
            cells["Target note"] = note
        cells["Rating"] = row.rag_word
        cells["Direction of travel"] = row.direction_word or "-"
        cells["Variation (SPC)"] = row.variation.label if row.variation else "Not enough data"
        cells["Assurance (SPC)"] = row.assurance.label if row.assurance else "Not enough data"
        if (forecast := row.forecast) is not None:
            for header, figure in zip(
                FORECAST_HEADERS, (forecast.figure, forecast.low, forecast.high), strict=False
            ):
                cells[header] = _figure(indicator, figure)
        cells["Forecast verdict"] = _forecast_words(row)[3]
        for area, label in areas:
            comparator = row.comparator_figures.get(area)
            if comparator is not None:
                if comparator.value is not None:
                    cells[label] = _figure(indicator, comparator.value)
                if comparator.interval is not None:
                    for limit, figure in zip(CI_PARTS, comparator.interval, strict=True):
                        cells[f"{label} {limit}"] = _figure(indicator, figure)
                if own := comparator_period(comparator, row.value.period if row.value else None):
                    cells[f"{label} period"] = own
                if comparator.standing:
                    cells[f"{label} rank"] = comparator.standing
                if comparator.source:
                    cells[f"{label} source"] = comparator.source
        if row.rankings:
            cells["Among other councils"] = "; ".join(row.rankings)
        table.rows.append(cells)
    table.add(*fixed)
    for column in columns:
        table.add(column)
        for part in ("count", "period", "note"):
            table.optional(f"{column} {part}")
    table.optional("Target")
    table.optional("Target low")
    table.optional("Target high")
    table.optional("Target note")
    table.add("Rating", "Direction of travel", "Variation (SPC)", "Assurance (SPC)")
    table.add(*FORECAST_HEADERS)
    for _, label in areas:
        table.add(label)
        for part in (*CI_PARTS, "period", "rank", "source"):
            table.optional(f"{label} {part}")
    if any(row.rankings for row in rows):
        table.add("Among other councils")
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if spreadsheet_text(cell.value) is not cell.value:
            cell.data_type, cell.quotePrefix = "s", True  # a comparator's name: text
    for cells in table.rows:
        sheet.append([_value(cells.get(header)) for header in table.headers])
        for cell, header in zip(sheet[sheet.max_row], table.headers, strict=True):
            given = cells.get(header)
            if isinstance(given, NumberCell):
                cell.number_format = given.number_format
            elif spreadsheet_text(cell.value) is not cell.value:
                # openpyxl takes "=..." for a formula: store it as the text it is, shown
                # without the CSV's apostrophe (Excel's quote prefix marks it as text).
                cell.data_type, cell.quotePrefix = "s", True
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{sheet.max_row}"
    widths = {1: 12, 2: 11, 3: 60}
    for index, header in enumerate(table.headers, start=1):
        width = widths.get(index, 12 if header.endswith(" count") else 18)
        sheet.column_dimensions[get_column_letter(index)].width = width
    return book


def _value(given):
    return given.value if isinstance(given, NumberCell) else given
