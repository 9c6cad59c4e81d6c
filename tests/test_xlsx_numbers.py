"""Excel downloads hold figures as numbers that print as the page prints them; notes, counts
and periods sit in columns of their own; and what Scorecard reads back is what it wrote."""

import csv
import io
import subprocess
from decimal import Decimal

import pytest
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
        area="england",
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
    assert referrals["Target note"].value == "increase by 5% from 32.0"
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
    for column in ("Variation (SPC)", "Assurance (SPC)"):
        assert rows["SW01"][header.index(column)] == "Not enough data"
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
