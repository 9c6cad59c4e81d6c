"""Onboarding a council: importing a whole catalogue with its history.

Run: SECRET_KEY=bench .venv/bin/pytest -q -s bench/test_bench_catalogue.py | grep '^bench '
"""

import time
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from bench.test_bench import median_seconds, report
from indicators.models import Indicator, Section, Service, Value
from indicators.periods import FinancialQuarter, FinancialYear, Month, RollingWindow
from onboarding.catalogue import CATALOGUE, HISTORY, SHEETS, TARGETS, import_catalogue
from spreadsheets.workbooks import read_sheets

YEARS = 5


def _row(columns, **cells) -> list:
    names = {h.lower().replace(" ", "_").replace("-", "_"): i for i, (h, _) in enumerate(columns)}
    out = [None] * len(columns)
    for name, value in cells.items():
        out[names[name]] = value
    return out


def council_workbook(indicators: int, years: int = YEARS) -> tuple[bytes, int]:
    """`indicators` indicators, each with `years` years of monthly, rolling twelve-month and
    quarterly figures (140 for five years), a year-end target a year, and commentary on
    each quarter; the number of figures."""
    first = 2013
    months = [Month(first + (3 + n) // 12, (3 + n) % 12 + 1) for n in range(12 * years)]
    quarters = [FinancialQuarter(first + n // 4, n % 4 + 1) for n in range(4 * years)]
    rolling = [RollingWindow(month.plus(-11), month) for month in months]
    book = Workbook(write_only=True)
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, columns in SHEETS.items():
        sheets[name].append([header for header, _ in columns])
    figures = 0
    for number in range(indicators):
        reference = f"K{number:04d}"
        sheets["Catalogue"].append(
            _row(
                CATALOGUE,
                reference=reference,
                title=f"Indicator {number}",
                definition="A measure of the council's performance.",
                unit="Percentage",
                decimal_places=1,
                polarity="H" if number % 2 else "L",
                frequency="Monthly",
                section=f"Section {number % 4}",
                service=f"Service {number % 12}",
                rag_tolerance="5%",
            )
        )
        for year in range(years):
            sheets["Targets"].append(
                _row(
                    TARGETS,
                    reference=reference,
                    year=str(FinancialYear(first + year)),
                    kind="Year-end",
                    target="60",
                )
            )
        for n, period in enumerate(months + rolling + quarters):
            cells = {"issues": "Steady."} if isinstance(period, FinancialQuarter) else {}
            figure = f"{40 + (number * 7 + n) % 500 / 10:.1f}%"
            sheets["History"].append(
                _row(HISTORY, reference=reference, period=str(period), figure=figure, **cells)
            )
            figures += 1
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), figures


def _read_with_openpyxl(data: bytes) -> int:
    book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    return cells


def _clear() -> None:
    Indicator.objects.all().delete()
    Section.objects.all().delete()
    Service.objects.all().delete()


def test_import_a_council_of_300_indicators(priya):
    small, small_figures = council_workbook(30)
    with CaptureQueriesContext(connection) as captured:
        result = import_catalogue(small, by=priya)
    assert not result.problems and result.total("history", "created") == small_figures
    report(f"catalogue_import_queries_30_indicators_{small_figures}_values", len(captured))
    _clear()

    data, figures = council_workbook(300)
    read = median_seconds(lambda: read_sheets(data))
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = import_catalogue(data, by=priya)
    elapsed = time.perf_counter() - started
    assert not result.problems and Value.objects.count() == figures
    report(f"catalogue_import_queries_300_indicators_{figures}_values", len(captured))
    report(f"catalogue_import_{figures}_values_seconds", f"{elapsed:.2f}")
    report("catalogue_read_only_seconds", f"{read:.2f}")
    report("catalogue_import_ratio_to_reading_only", f"{elapsed / read:.1f}")
    # The same reading with openpyxl, the Excel library of the stack, which most tools use:
    # Scorecard reads with python-calamine, about ten times faster.
    openpyxl_read = median_seconds(lambda: _read_with_openpyxl(data), runs=3)
    report("catalogue_openpyxl_read_only_seconds", f"{openpyxl_read:.2f}")
    report("catalogue_import_ratio_to_openpyxl_reading", f"{elapsed / openpyxl_read:.1f}")
    report("catalogue_workbook_megabytes", f"{len(data) / 1e6:.1f}")

    started = time.perf_counter()
    again = import_catalogue(data, by=priya, dry_run=True)
    report("catalogue_dry_run_reimport_seconds", f"{time.perf_counter() - started:.2f}")
    assert again.total("history", "unchanged") == figures
