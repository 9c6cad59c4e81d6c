"""The scorecard as data: the same rows the page shows, for CSV and Excel."""

import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from indicators.periods import FinancialQuarter
from indicators.scorecard import Row, comparator_areas, quarter_columns

# A spreadsheet reads a cell starting with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIGURE = re.compile(r"[-+]?£?\d[\d,]*(\.\d+)?(%|m|k| days?)?( \(revised\))?")


def spreadsheet_text(value: object) -> object:
    """A cell for a CSV or Excel export: text that a spreadsheet would take for a formula
    gets a leading apostrophe, as OWASP advises, so a title such as "=HYPERLINK(...)" is
    shown as the words it is. Figures ("-3.2%") and the "-" of no figure are left alone."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value != "-"
        and not _FIGURE.fullmatch(value)
    ):
        return "'" + value
    return value


def scorecard_records(rows: list[Row], quarter: FinancialQuarter | None, *, guard=True):
    """A header and one list of cells per row: figures as printed, ratings in words. With
    guard (for CSV) text that looks like a formula gets its apostrophe."""
    if quarter is None:
        return ["Section", "Reference", "Performance measure"], []
    columns = quarter_columns(quarter)
    areas = comparator_areas(rows)
    # The page's column of the council's standing (comparators.comparison.attach_rankings),
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
            row.assurance.label if row.assurance else "-",
            *[row.comparators.get(area, "-") for area, _ in areas],
            *(["; ".join(row.rankings) or "-"] if rankings else []),
        ]
        records.append([spreadsheet_text(cell) for cell in cells] if guard else cells)
    return header, records


def scorecard_workbook(rows: list[Row], quarter: FinancialQuarter | None) -> Workbook:
    header, records = scorecard_records(rows, quarter, guard=False)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Scorecard {quarter}".replace("/", "-")[:31] if quarter else "Scorecard"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in records:
        sheet.append(record)
        for cell in sheet[sheet.max_row]:
            if spreadsheet_text(cell.value) is not cell.value:
                # openpyxl takes "=..." for a formula: store it as the text it is, shown
                # without the CSV's apostrophe (Excel's quote prefix marks it as text).
                cell.data_type, cell.quotePrefix = "s", True
    sheet.freeze_panes = "D2"
    widths = {1: 12, 2: 11, 3: 60}
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 18)
    return book
