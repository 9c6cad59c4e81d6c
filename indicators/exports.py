"""The scorecard as data: the same rows the page shows, for CSV and Excel."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from indicators.periods import FinancialQuarter
from indicators.scorecard import Row, comparator_areas, quarter_columns


def scorecard_records(rows: list[Row], quarter: FinancialQuarter | None):
    """A header and one list of cells per row: figures as printed, ratings in words."""
    if quarter is None:
        return ["Section", "Reference", "Performance measure"], []
    columns = quarter_columns(quarter)
    areas = comparator_areas(rows)
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
    ]
    records = []
    for row in rows:
        indicator = row.indicator
        records.append(
            [
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
            ]
        )
    return header, records


def scorecard_workbook(rows: list[Row], quarter: FinancialQuarter | None) -> Workbook:
    header, records = scorecard_records(rows, quarter)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Scorecard {quarter}".replace("/", "-")[:31] if quarter else "Scorecard"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in records:
        sheet.append(record)
    sheet.freeze_panes = "D2"
    widths = {1: 12, 2: 11, 3: 60}
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 18)
    return book
