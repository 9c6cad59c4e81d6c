"""Excel downloads hold figures as numbers that print as the page prints them; notes, counts
and periods sit in columns of their own; and what Scorecard reads back is what it wrote."""

import csv
import io
import subprocess
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from indicators.periods import parse_period
from indicators.services import record_comparator, record_value, set_target


def _record(indicator, period, value=None, **fields):
    return record_value(
        indicator=indicator,
        period=parse_period(period),
        value=None if value is None else Decimal(value),
        **fields,
    )


@pytest.fixture
def scorecard_of_every_unit(make_indicator):
    """One indicator of each unit, with the figures the papers print, for Q3 2017/18."""
    contacts = make_indicator(reference="SW01", unit="count", decimal_places=0, polarity="none")
    _record(contacts, "2016/17", "33353")
    _record(contacts, "Q1 2017/18", "8521")
    _record(contacts, "Q2 2017/18", "7887")
    _record(contacts, "Q3 2017/18", "8632", qualifier="(2,467)")
    referrals = make_indicator(reference="SW02", unit="percentage", decimal_places=1)
    _record(referrals, "Q1 2017/18", missing_reason="New measure")
    _record(referrals, "Q2 2017/18", "29.6")
    _record(referrals, "Q3 2017/18", "34.8")
    set_target(
        indicator=referrals,
        year=parse_period("2017/18"),
        kind="baseline",
        baseline=Decimal("32.0"),
        change=Decimal("5"),
        change_is_percent=True,
        increase=True,
    )
    record_comparator(
        indicator=referrals,
        period=parse_period("Q3 2017/18"),
        kind="england",
        value=Decimal("31.25"),
        value_period="2016/17",
    )
    plans = make_indicator(reference="SW07", unit="rate", rate_per=10000, polarity="low")
    _record(plans, "Q3 2017/18", "74.8", count=Decimal("1845"))
    set_target(
        indicator=plans,
        year=parse_period("2017/18"),
        kind="range",
        low=Decimal("70"),
        high=Decimal("80.55"),
    )
    spend = make_indicator(reference="R01", unit="money", decimal_places=3, polarity="low")
    _record(spend, "Q1 2017/18", "950")
    _record(spend, "Q2 2017/18", "174000")
    _record(spend, "Q3 2017/18", "7989000")
    wait = make_indicator(reference="D01", unit="days", decimal_places=0, polarity="low")
    _record(wait, "Q2 2017/18", "1")
    _record(wait, "Q3 2017/18", "426")
    score = make_indicator(reference="S01", unit="score", score_out_of=24, decimal_places=0)
    _record(score, "Q3 2017/18", "19")


def _sheet(client):
    return load_workbook(io.BytesIO(client.get("/scorecard/export.xlsx").content)).active


def _by_reference(sheet) -> tuple[list[str], dict]:
    header = [cell.value for cell in sheet[1]]
    rows = {row[1].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    return header, rows


def test_scorecard_xlsx_figures_are_numbers_printed_as_the_page_prints_them(
    client, scorecard_of_every_unit
):
    header, rows = _by_reference(_sheet(client))
    expected = {
        ("SW01", "Q1 2017/18"): (8521, "#,##0"),
        ("SW01", "Q3 2017/18"): (8632, "#,##0"),
        ("SW02", "Q2 2017/18"): (0.296, "0.0%"),
        ("SW02", "Q3 2017/18"): (0.348, "0.0%"),
        ("SW07", "Q3 2017/18"): (74.8, "#,##0.0"),
        ("SW07", "Q3 2017/18 count"): (1845, "#,##0"),
        ("R01", "Q1 2017/18"): (950, '"£"#,##0'),
        ("R01", "Q2 2017/18"): (174000, '"£"#,##0,"k"'),
        ("R01", "Q3 2017/18"): (7989000, '"£"#,##0.000,,"m"'),
        ("D01", "Q2 2017/18"): (1, '#,##0" day"'),
        ("D01", "Q3 2017/18"): (426, '#,##0" days"'),
        ("S01", "Q3 2017/18"): (19, '#,##0" (out of 24)"'),
        ("SW02", "Target"): (pytest.approx(0.336), "0.0%"),
        ("SW07", "Target low"): (70, "#,##0.0"),
        ("SW07", "Target high"): (80.55, "#,##0.0"),
        ("SW02", "England average"): (0.3125, "0.0%"),
    }
    for (reference, column), (value, number_format) in expected.items():
        cell = rows[reference][column]
        assert (reference, column, cell.data_type, cell.value, cell.number_format) == (
            reference,
            column,
            "n",
            value,
            number_format,
        )


def test_scorecard_xlsx_puts_notes_counts_and_periods_in_their_own_columns(
    client, scorecard_of_every_unit
):
    header, rows = _by_reference(_sheet(client))
    assert header[:4] == ["Section", "Reference", "Performance measure", "Good is high or low"]
    assert "Q3 2017/18 count" in header and "Q4 2016/17 period" in header
    contacts, referrals = rows["SW01"], rows["SW02"]
    assert contacts["Q4 2016/17"].value == 33353
    assert contacts["Q4 2016/17 period"].value == "2016/17"
    assert contacts["Q3 2017/18 note"].value == "(2,467)"
    assert referrals["Q1 2017/18"].value is None
    assert referrals["Q1 2017/18 note"].value == "New measure"
    assert referrals["Target note"].value == "increase by 5% from 32.0%"
    assert referrals["England average period"].value == "2016/17"
    # Every cell of a figure column is a number or empty: no figure is left as text.
    figure_columns = [h for h in header if h[:1] == "Q" and h[-4:] not in ("note", "riod")]
    figure_columns += ["Target", "Target low", "Target high", "England average"]
    for row in rows.values():
        for column in figure_columns:
            assert row[column].value is None or row[column].data_type == "n", (row, column)


def test_scorecard_xlsx_has_an_autofilter_over_the_whole_table(client, scorecard_of_every_unit):
    sheet = _sheet(client)
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(sheet.max_row, sheet.max_column).coordinate}"
    assert sheet.max_row == 7


def test_scorecard_csv_says_not_enough_data_where_the_page_does(client, scorecard_of_every_unit):
    page = client.get("/scorecard/").text
    records = list(csv.reader(io.StringIO(client.get("/scorecard/export.csv").content.decode())))
    header, rows = records[0], {r[1]: r for r in records[1:]}
    assert "Not enough data" in page
    # SW07 has one figure; SW01's three quarters give trial limits, as in the reference.
    for column in ("Variation (SPC)", "Assurance (SPC)"):
        assert rows["SW07"][header.index(column)] == "Not enough data"
    assert rows["SW01"][header.index("Variation (SPC)")] == "Common cause variation"
    # The CSV keeps the figures as the page prints them.
    assert rows["SW01"][header.index("Q3 2017/18")] == "8,632 (2,467)"
    assert rows["R01"][header.index("Q3 2017/18")] == "£7.989m"


def test_libreoffice_prints_the_scorecard_xlsx_figures_as_the_page_does(
    client, scorecard_of_every_unit, tmp_path
):
    (tmp_path / "scorecard.xlsx").write_bytes(client.get("/scorecard/export.xlsx").content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "scorecard.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shown = list(csv.reader(io.StringIO((tmp_path / "scorecard.csv").read_text("utf-8"))))
    header, rows = shown[0], {r[1]: r for r in shown[1:]}

    def at(reference, column):
        return rows[reference][header.index(column)]

    assert [at("SW01", q) for q in ("Q4 2016/17", "Q1 2017/18", "Q3 2017/18")] == [
        "33,353",
        "8,521",
        "8,632",
    ]
    assert [at("SW02", "Q2 2017/18"), at("SW02", "Q3 2017/18")] == ["29.6%", "34.8%"]
    assert [at("SW02", "Target"), at("SW02", "England average")] == ["33.6%", "31.3%"]
    assert [at("SW07", "Q3 2017/18 count"), at("SW07", "Q3 2017/18")] == ["1,845", "74.8"]
    assert [at("R01", q) for q in ("Q1 2017/18", "Q2 2017/18", "Q3 2017/18")] == [
        "£950",
        "£174k",
        "£7.989m",
    ]
    assert [at("D01", "Q2 2017/18"), at("D01", "Q3 2017/18")] == ["1 day", "426 days"]
    assert at("S01", "Q3 2017/18") == "19 (out of 24)"


# The return workbook ------------------------------------------------------------------------

RETURN = "/returns/2017-18/Q3/"


@pytest.fixture
def return_of_every_unit(make_indicator, alice):
    """Alice's return for Q3 2017/18 with a figure of each unit already entered."""
    from returns.workflow import Entry, save_entry

    figures = [
        ("SW01", {"unit": "count", "decimal_places": 0}, "8632", None),
        ("SW02", {"unit": "percentage", "decimal_places": 1}, "34.8", "1937"),
        ("SW07", {"unit": "rate", "rate_per": 10000}, "74.8", "1845"),
        ("R01", {"unit": "money", "decimal_places": 3}, "7989000", None),
        ("D01", {"unit": "days", "decimal_places": 0}, "426", None),
        ("S01", {"unit": "score", "score_out_of": 24, "decimal_places": 0}, "19", None),
    ]
    for reference, fields, value, count in figures:
        indicator = make_indicator(owner=alice, reference=reference, **fields)
        save_entry(
            indicator=indicator,
            period=parse_period("Q3 2017/18"),
            entry=Entry(Decimal(value), count=Decimal(count) if count else None),
            by=alice,
        )


def _return_sheet(client, alice):
    client.force_login(alice)
    data = client.get(f"{RETURN}workbook.xlsx").content
    return data, load_workbook(io.BytesIO(data))["Start Well"]


def test_return_workbook_prefills_figures_as_numbers_and_counts_in_their_own_column(
    client, alice, return_of_every_unit
):
    data, sheet = _return_sheet(client, alice)
    assert [c.value for c in sheet[1]][6:] == [
        "Figure",
        "Or why it is missing",
        "Status",
        "Issues",
        "Causes",
        "Actions",
        "Count",
        "State",
    ]
    figures = {row[0].value: (row[6], row[12]) for row in sheet.iter_rows(min_row=2)}
    expected = {
        "SW01": (8632, "#,##0", None),
        "SW02": (0.348, "0.0%", 1937),
        "SW07": (74.8, "#,##0.0", 1845),
        "R01": (7989000, '"£"#,##0.000,,"m"', None),
        "D01": (426, '#,##0" days"', None),
        "S01": (19, '#,##0" (out of 24)"', None),
    }
    for reference, (value, number_format, count) in expected.items():
        figure, count_cell = figures[reference]
        assert (reference, figure.data_type, figure.value, figure.number_format) == (
            reference,
            "n",
            value,
            number_format,
        )
        assert count_cell.value == count
        if count is not None:
            assert (count_cell.data_type, count_cell.number_format) == ("n", "#,##0")
        assert not count_cell.protection.locked
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    assert sheet.protection.sheet and not sheet.protection.autoFilter


def test_return_workbook_downloaded_and_uploaded_again_changes_nothing(
    client, alice, return_of_every_unit
):
    from indicators.models import Value
    from returns.workbook import import_figures

    data, _ = _return_sheet(client, alice)
    before = sorted(Value.objects.values_list("indicator__reference", "value", "count", "version"))
    history = Value.history.count()
    result = import_figures(data, by=alice)
    assert (result.problems, result.created, result.changed, result.unchanged) == ([], 0, 0, 6)
    assert (
        sorted(Value.objects.values_list("indicator__reference", "value", "count", "version"))
        == before
    )
    assert Value.history.count() == history


def test_a_count_typed_in_the_count_column_is_read_with_its_rate(
    client, alice, return_of_every_unit
):
    from indicators.models import Value
    from returns.workbook import import_figures

    data, _ = _return_sheet(client, alice)
    book = load_workbook(io.BytesIO(data))
    sheet = book["Start Well"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    sheet[f"G{rows['SW07']}"], sheet[f"M{rows['SW07']}"] = 75.1, 1852
    sheet[f"M{rows['SW01']}"] = 12
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_figures(buffer.getvalue(), by=alice)
    assert [str(p) for p in result.problems] == [
        f"Start Well M{rows['SW01']} (SW01): Only rates and percentages have a count; "
        "leave the count empty."
    ]
    sheet[f"M{rows['SW01']}"] = None
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_figures(buffer.getvalue(), by=alice).problems == []
    rate = Value.objects.current().get(indicator__reference="SW07")
    assert (rate.value, rate.count) == (Decimal("75.1"), Decimal("1852"))


# The catalogue ------------------------------------------------------------------------------


def test_catalogue_export_writes_figures_targets_and_counts_as_numbers(
    client, priya, scorecard_of_every_unit
):
    client.force_login(priya)
    book = load_workbook(io.BytesIO(client.get("/returns/catalogue/export.xlsx").content))
    history = book["History"]
    header = [c.value for c in history[1]]
    assert header[-1] == "Count"
    cells = {
        (row[0].value, row[1].value): dict(zip(header, row, strict=True))
        for row in history.iter_rows(min_row=2)
    }
    expected = {
        ("SW01", "Q1 2017/18"): (8521, "#,##0"),
        ("SW02", "Q3 2017/18"): (0.348, "0.0%"),
        ("SW07", "Q3 2017/18"): (74.8, "#,##0.0"),
        ("R01", "Q2 2017/18"): (174000, '"£"#,##0,"k"'),
        ("R01", "Q3 2017/18"): (7989000, '"£"#,##0.000,,"m"'),
        ("D01", "Q3 2017/18"): (426, '#,##0" days"'),
        ("S01", "Q3 2017/18"): (19, '#,##0" (out of 24)"'),
    }
    for key, (value, number_format) in expected.items():
        figure = cells[key]["Figure"]
        assert (key, figure.data_type, figure.value, figure.number_format) == (
            key,
            "n",
            value,
            number_format,
        )
    count = cells["SW07", "Q3 2017/18"]["Count"]
    assert (count.data_type, count.value, count.number_format) == ("n", 1845, "#,##0")
    assert cells["SW01", "Q3 2017/18"]["Qualifier"].value == "(2,467)"
    assert cells["SW02", "Q1 2017/18"]["Figure"].value is None
    assert history.auto_filter.ref == f"A1:J{history.max_row}"
    targets = book["Targets"]
    target_header = [c.value for c in targets[1]]
    by_reference = {
        row[0].value: dict(zip(target_header, row, strict=True))
        for row in targets.iter_rows(min_row=2)
    }
    baseline = by_reference["SW02"]["Baseline"]
    assert (baseline.data_type, baseline.value, baseline.number_format) == ("n", 0.32, "0.0%")
    assert [by_reference["SW07"][h].value for h in ("Low", "High")] == [70, 80.55]
    assert by_reference["SW02"]["Change"].value == "5%"  # a change in words stays text
    catalogue = book["Catalogue"]
    catalogue_header = [c.value for c in catalogue[1]]
    score = {
        row[0].value: dict(zip(catalogue_header, row, strict=True))
        for row in catalogue.iter_rows(min_row=2)
    }["S01"]
    assert (score["Score out of"].data_type, score["Score out of"].value) == ("n", 24)


def test_catalogue_exported_and_imported_again_changes_nothing(
    client, priya, scorecard_of_every_unit
):
    from indicators.models import Target, Value
    from onboarding.catalogue import import_catalogue

    client.force_login(priya)
    exported = client.get("/returns/catalogue/export.xlsx").content
    figures = sorted(Value.objects.values_list("indicator__reference", "period", "value", "count"))
    targets = sorted(Target.objects.values_list("indicator__reference", "value", "low", "high"))
    history = Value.history.count()
    result = import_catalogue(exported, by=priya)
    assert result.problems == []
    assert {p.action for p in result.indicators} == {"unchanged"}
    assert result.total("history", "changed") == result.total("targets", "changed") == 0
    assert (
        sorted(Value.objects.values_list("indicator__reference", "period", "value", "count"))
        == figures
    )
    assert sorted(Target.objects.values_list("indicator__reference", "value", "low", "high")) == (
        targets
    )
    assert Value.history.count() == history


def test_a_catalogue_workbook_made_before_the_count_column_still_imports(priya, alice):
    from indicators.models import Value
    from onboarding.catalogue import build_catalogue_workbook, import_catalogue

    catalogue = ["AW02", "Delayed transfers", "", "", "Rate", 1, 100000, "", "L", "Monthly"]
    catalogue += [0, "Sum", "Age Well", "Adult Social Care", "", "", ""]
    book = build_catalogue_workbook([catalogue], [], [["AW02", "Dec 2017", "9,907/403.9"]])
    book["History"].delete_cols(10)  # the sheet as it was before its Count column
    assert [c.value for c in book["History"][1]][-1] == "Actions"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert result.problems == []
    figure = Value.objects.get(indicator__reference="AW02")
    assert (figure.value, figure.count) == (Decimal("403.9"), Decimal("9907"))


# Every unit, any figure: a property-based round trip -----------------------------------------

UNIT_RANGES = {
    "percentage": (Decimal(0), Decimal(100)),
    "count": (Decimal(0), Decimal(10) ** 12),
    "rate": (Decimal(0), Decimal(10) ** 9),
    "days": (Decimal(0), Decimal(10) ** 5),
    "score": (Decimal(0), Decimal(1000)),
    "money": (-(Decimal(10) ** 13), Decimal(10) ** 13),
    "number": (-(Decimal(10) ** 13), Decimal(10) ** 13),
}


@st.composite
def figures(draw):
    """An indicator's unit and decimal places, and a figure (and count) it could hold."""
    unit = draw(st.sampled_from(sorted(UNIT_RANGES)))
    places = draw(st.integers(0, 6))
    low, high = UNIT_RANGES[unit]
    stored = 0 if unit == "count" else draw(st.integers(0, 6))
    value = draw(st.decimals(min_value=low, max_value=high, places=stored, allow_nan=False))
    count = None
    if unit in ("rate", "percentage") and draw(st.booleans()):
        count = Decimal(draw(st.integers(0, 10**9)))
    return unit, places, value, count


def _scorecard_figure(client, reference: str):
    header, rows = _by_reference(_sheet(client))
    return rows[reference]["Q3 2017/18"], rows[reference].get("Q3 2017/18 count")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(figure=figures())
# Beyond the 15 digits Excel keeps: written as text, read back to the last digit.
@example(figure=("money", 3, Decimal("-1234567890123.456789"), None))
@example(figure=("percentage", 1, Decimal("29.1"), Decimal(1937)))
def test_every_figure_of_every_unit_survives_export_and_import(
    figure, client, make_indicator, priya, alice
):
    from indicators.models import Value
    from onboarding.catalogue import import_catalogue
    from returns.workbook import import_figures
    from returns.workflow import Entry, save_entry

    unit, places, value, count = figure
    with transaction.atomic():
        extra = {"score_out_of": Decimal(1000)} if unit == "score" else {}
        extra |= {"rate_per": 100000} if unit == "rate" else {}
        published = make_indicator(unit=unit, decimal_places=places, polarity="none", **extra)
        _record(published, "Q3 2017/18", value, count=count)
        drafted = make_indicator(unit=unit, decimal_places=places, owner=alice, **extra)
        save_entry(
            indicator=drafted,
            period=parse_period("Q3 2017/18"),
            entry=Entry(value, count=count),
            by=alice,
        )
        # What the database holds (SQLite keeps 15 significant digits, PostgreSQL all).
        value = Value.objects.get(indicator=published).value
        held = sorted(Value.objects.values_list("pk", "value", "count", "version"))
        history = Value.history.count()

        # The scorecard: the figure Excel holds is the figure (as a fraction, a percentage).
        cell, count_cell = _scorecard_figure(client, published.reference)
        shown = value / 100 if unit == "percentage" else value
        assert cell.data_type == "n" and cell.value == float("%.16g" % float(shown))  # noqa: UP031
        if count is None:
            assert count_cell is None or count_cell.value is None
        else:
            assert count_cell.value == int(count)

        # The catalogue: export, import, and nothing changes.
        client.force_login(priya)
        exported = client.get("/returns/catalogue/export.xlsx").content
        result = import_catalogue(exported, by=priya)
        assert result.problems == []
        assert result.total("history", "changed") + result.total("history", "created") == 0

        # The return workbook: download, upload, and nothing changes.
        client.force_login(alice)
        result = import_figures(client.get(f"{RETURN}workbook.xlsx").content, by=alice)
        assert (result.problems, result.created, result.changed) == ([], 0, 0)

        assert sorted(Value.objects.values_list("pk", "value", "count", "version")) == held
        assert Value.history.count() == history
        transaction.set_rollback(True)
