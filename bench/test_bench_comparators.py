"""`bench comparators_...` lines: importing 300,000 comparator figures (150 councils x 100
measures x 20 years) from CSV. Run:
SECRET_KEY=bench .venv/bin/pytest -q -s bench/test_bench_comparators.py | grep '^bench '"""

import csv
import io
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.test_bench import report
from comparators.imports import INSERT_FIELDS, import_comparators
from comparators.models import ComparatorValue, Measure
from scorecard.bulk import insert

COUNCILS, MEASURES, YEARS = 150, 100, 20


def _file(councils: int, measures: int, years: int) -> bytes:
    out = io.StringIO()
    out.write("Measure code,Area code,Area name,Area type,Period,Value\n")
    for measure in range(measures):
        for year in range(2000, 2000 + years):
            period = f"{year}/{(year + 1) % 100:02d}"
            for council in range(councils):
                value = (measure * 7 + council * 3 + year) % 1000 / 10
                out.write(
                    f"M{measure:03d},E0{council:07d},Council {council},Local authority,"
                    f"{period},{value}\n"
                )
    return out.getvalue().encode()


def _parse_only(data: bytes) -> int:
    """The baseline when pandas is not installed: the csv module and float() per figure."""
    rows = csv.reader(io.StringIO(data.decode("utf-8")))
    next(rows)
    return sum(1 for row in rows if float(row[5]) >= 0)


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    outcome = action()
    return time.perf_counter() - started, outcome


def test_import_300k_comparator_rows(make_indicator, priya):
    for number in range(MEASURES):
        Measure.objects.create(code=f"M{number:03d}", indicator=make_indicator(frequency="annual"))
    small = _file(COUNCILS, MEASURES // 10, YEARS // 2)  # 15,000 rows
    big = _file(COUNCILS, MEASURES, YEARS)

    import_comparators(small, by=priya)  # creates the areas, as the big file finds them
    with CaptureQueriesContext(connection) as captured:
        assert import_comparators(small, by=priya).imported == 15_000
    report("comparators_import_queries_15k_rows", len(captured))

    with CaptureQueriesContext(connection) as captured:
        seconds, result = _timed(lambda: import_comparators(big, by=priya))
    assert result.imported == COUNCILS * MEASURES * YEARS == 300_000
    assert ComparatorValue.objects.count() == 300_000
    report("comparators_import_300k_rows_seconds", f"{seconds:.2f}")
    report("comparators_import_queries_300k_rows", len(captured))

    again, result = _timed(lambda: import_comparators(big, by=priya))
    assert result.unchanged == 300_000 and ComparatorValue.objects.count() == 300_000
    report("comparators_reimport_300k_rows_seconds", f"{again:.2f}")

    try:
        import pandas
    except ImportError:
        pandas = None
    if pandas is None:
        report("comparators_import_ratio_to_pandas_read_csv", "n/a (pandas is not installed)")
    else:
        parse, _ = _timed(lambda: pandas.read_csv(io.BytesIO(big)))
        report("comparators_import_ratio_to_pandas_read_csv", f"{seconds / parse:.1f}")
    # The floor under any importer: only inserting the same 300,000 rows, already parsed.
    rows = list(ComparatorValue.objects.values_list(*INSERT_FIELDS))
    ComparatorValue.objects.all().delete()
    floor, _ = _timed(lambda: insert(ComparatorValue, INSERT_FIELDS, rows))
    assert ComparatorValue.objects.count() == 300_000
    report("comparators_database_insert_only_300k_rows_seconds", f"{floor:.2f}")
    if pandas is not None:
        report("comparators_insert_only_ratio_to_pandas_read_csv", f"{floor / parse:.1f}")
    parse, counted = _timed(lambda: _parse_only(big))
    assert counted == 300_000
    report("comparators_csv_module_parse_300k_rows_seconds", f"{parse:.2f}")
    report("comparators_import_ratio_to_csv_module_parse", f"{seconds / parse:.1f}")
