"""The catalogue workbook's Comparators sheet: a council that keeps its catalogue in Excel
keeps its benchmarks there too, imported all or nothing with each problem named by cell,
exported in the same format, and optional for workbooks made before it."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators.models import Comparator
from indicators.periods import parse_period
from onboarding.catalogue import COMPARATORS, build_catalogue_workbook, import_catalogue
from tests.test_catalogue import indicator_row, row

pytestmark = pytest.mark.django_db


def comparator_row(**cells) -> list:
    return row(COMPARATORS, **cells)


def workbook(comparators, *, catalogue=None, percent_cells=False) -> bytes:
    book = build_catalogue_workbook(
        catalogue or [indicator_row("SW01")], [], [], comparators=list(comparators)
    )
    if percent_cells:
        # As Excel stores "13.8%" typed in a cell: 0.138 with a percent format.
        for (cell,) in book["Comparators"].iter_rows(min_row=2, min_col=4, max_col=4):
            if isinstance(cell.value, str) and cell.value.endswith("%"):
                cell.value = float(Decimal(cell.value.rstrip("%")) / 100)
                cell.number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_comparators_import_with_their_own_period_and_percent_cells(priya):
    data = workbook(
        [
            comparator_row(
                reference="SW01", comparator="England average", period="Q3 2017/18", figure="13.8%"
            ),
            comparator_row(
                reference="SW01",
                comparator="statistical neighbours",
                period="2016/17",
                figure="12.1",
                its_own_period="2014-17",
            ),
        ],
        percent_cells=True,
    )
    result = import_catalogue(data, by=priya)
    assert result.problems == []
    assert result.total("comparators", "created") == 2
    assert "Comparators: 2 new, 0 changed, 0 unchanged." in result.summary()
    found = {
        (c.kind, str(c.period)): (c.value, c.value_period)
        for c in Comparator.objects.filter(indicator__reference="SW01")
    }
    assert found == {
        ("england", "Q3 2017/18"): (Decimal("13.8"), ""),
        ("statistical_neighbours", "2016/17"): (Decimal("12.1"), "2014-17"),
    }
    # The history names who imported them.
    assert Comparator.history.filter(history_user=priya).count() == 2


def test_every_bad_comparator_cell_is_named_and_nothing_is_saved(priya):
    data = workbook(
        [
            comparator_row(
                reference="SW01", comparator="Lancashire", period="Q3 2017/18", figure="1"
            ),
            comparator_row(reference="SW01", comparator="England average", period="Q9", figure="1"),
            comparator_row(reference="SW01", comparator="England average", period="2016/17"),
            comparator_row(
                reference="XX9", comparator="England average", period="2016/17", figure="1"
            ),
            comparator_row(reference="SW01", comparator="Region", period="2016/17", figure="2"),
            comparator_row(reference="SW01", comparator="region", period="2016/17", figure="3"),
        ]
    )
    result = import_catalogue(data, by=priya)
    named = {(p.sheet, p.cell) for p in result.problems}
    assert named == {
        ("Comparators", "B2"),
        ("Comparators", "C3"),
        ("Comparators", "D4"),
        ("Comparators", "A5"),
        ("Comparators", "C7"),
    }
    words = " ".join(str(p) for p in result.problems)
    assert "'Lancashire' is not a comparator: write its name as papers print it" in words
    assert "give the comparator's figure" in words
    assert "duplicate North West average for 2016/17: also on row 6" in words
    assert Comparator.objects.count() == 0


def test_export_writes_the_comparators_and_reimporting_changes_nothing(client, priya):
    assert import_catalogue(workbook([]), by=priya).problems == []
    from indicators.models import Indicator
    from indicators.services import record_comparator

    indicator = Indicator.objects.get(reference="SW01")
    record_comparator(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        kind="england",
        value=Decimal("13.8"),
        value_period="2016/17",
    )
    client.force_login(priya)
    exported = client.get("/returns/catalogue/export.xlsx").content
    sheet = load_workbook(io.BytesIO(exported))["Comparators"]
    cells = [c.value for c in sheet[2]]
    assert cells[:3] == ["SW01", "England average", "Q3 2017/18"]
    # A number Excel shows as 13.8%, as the History sheet writes percentages.
    assert cells[3] == pytest.approx(0.138) and "%" in sheet["D2"].number_format
    assert cells[4] == "2016/17"
    result = import_catalogue(exported, by=priya, dry_run=True)
    assert result.problems == [] and result.total("comparators", "unchanged") == 1
    # Edited in Excel (14.2% typed in the percent cell, which Excel stores as 0.142): the
    # figure changes, and only that.
    book = load_workbook(io.BytesIO(exported))
    book["Comparators"]["D2"].value = 0.142
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert result.problems == [] and result.total("comparators", "changed") == 1
    assert Comparator.objects.get().value == Decimal("14.2")


def test_a_workbook_made_before_the_comparators_sheet_imports_as_before(priya):
    book = build_catalogue_workbook([indicator_row("SW01")], [], [])
    del book["Comparators"]
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert result.problems == [] and result.count("created") == 1


def test_any_region_neighbours_peer_group_or_national_average_is_named_as_papers_print_it(
    client, priya
):
    data = workbook(
        [
            comparator_row(
                reference="SW01",
                comparator="East Midlands average",
                period="2016/17",
                figure="14.1%",
            ),
            comparator_row(
                reference="SW01",
                comparator="CIPFA nearest neighbours",
                period="2016/17",
                figure="12.9",
            ),
            comparator_row(
                reference="SW01",
                comparator="Peer group: County councils",
                period="2016/17",
                figure="13.0",
                rank="110 of 150 authorities",
                source="DfE, March 2018",
            ),
            comparator_row(
                reference="SW01", comparator="National average", period="2016/17", figure="13.8"
            ),
            comparator_row(
                reference="SW01",
                comparator="Shire counties",
                kind="Peer group",
                period="2016/17",
                rank="3rd of 27",
            ),
        ]
    )
    result = import_catalogue(data, by=priya)
    assert result.problems == []
    found = {
        c.name: (c.kind, c.value, c.rank, c.rank_of, c.source)
        for c in Comparator.objects.filter(indicator__reference="SW01")
    }
    assert found == {
        "East Midlands average": ("region", Decimal("14.1"), None, None, ""),
        "CIPFA nearest neighbours": ("nearest_neighbours", Decimal("12.9"), None, None, ""),
        "County councils": ("peer_group", Decimal("13.0"), 110, 150, "DfE, March 2018"),
        "National average": ("england", Decimal("13.8"), None, None, ""),
        "Shire counties": ("peer_group", None, 3, 27, ""),
    }
    # The export writes them back as imported; re-importing changes nothing.
    client.force_login(priya)
    exported = client.get("/returns/catalogue/export.xlsx").content
    sheet = load_workbook(io.BytesIO(exported))["Comparators"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["County councils"][5:8] == ("Peer group", "110 of 150", "DfE, March 2018")
    assert rows["East Midlands average"][5] == "Region"
    again = import_catalogue(exported, by=priya, dry_run=True)
    assert again.problems == [] and again.total("comparators", "unchanged") == 5


def test_a_rank_that_cannot_be_and_an_unnamed_region_are_refused_by_cell(priya):
    data = workbook(
        [
            comparator_row(
                reference="SW01",
                comparator="England average",
                period="2016/17",
                rank="151 of 150",
            ),
            comparator_row(
                reference="SW01", comparator="", kind="Region", period="2016/17", figure="1"
            ),
            comparator_row(
                reference="SW01",
                comparator="England average",
                period="2015/16",
                rank="top ten",
            ),
        ]
    )
    result = import_catalogue(data, by=priya)
    words = {p.cell: str(p) for p in result.problems}
    assert "a rank of 151 out of 150 is not possible" in words["G2"]
    assert 'name the region as papers print it, e.g. "East Midlands average"' in words["B3"]
    assert "'top ten' is not a rank: write it as \"110 of 150\"" in words["G4"]
    assert Comparator.objects.count() == 0


def test_a_comparators_sheet_of_five_columns_with_the_old_kind_names_still_imports(priya):
    book = build_catalogue_workbook(
        [indicator_row("SW01")],
        [],
        [],
        comparators=[
            ["SW01", "region", "2016/17", "16.7", ""],
            ["SW01", "statistical neighbours", "2016/17", "12.3", ""],
        ],
    )
    sheet = book["Comparators"]
    sheet.delete_cols(6, 5)  # as the sheet was before Kind, Rank, Source and the interval
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert result.problems == []
    assert sorted(Comparator.objects.values_list("kind", "name")) == [
        ("region", "North West average"),
        ("statistical_neighbours", "Statistical neighbours"),
    ]


def test_a_comparators_interval_imports_is_checked_by_cell_and_exports_again(client, priya):
    good = comparator_row(
        reference="SW01",
        comparator="England average",
        period="2016/17",
        figure="13.8",
        source="OHID Fingertips",
        lower_ci="13.1",
        upper_ci="14.5",
    )
    bad = [
        comparator_row(reference="SW01", comparator="North West average", period="2016/17",
                       figure="13.8", lower_ci="14", upper_ci="15"),
        comparator_row(reference="SW01", comparator="CIPFA nearest neighbours",
                       period="2016/17", figure="13.8", lower_ci="13"),
        comparator_row(reference="SW01", comparator="Statistical neighbours",
                       period="2016/17", figure="13.8", lower_ci="13", upper_ci="13.5"),
        comparator_row(reference="SW01", comparator="Shire counties", kind="Peer group",
                       period="2016/17", rank="3 of 27", lower_ci="13", upper_ci="15"),
    ]  # fmt: skip
    result = import_catalogue(workbook([good, *bad]), by=priya)
    problems = {(p.cell, p.reason) for p in result.problems}
    assert problems == {
        ("I3", "the confidence interval 14 to 15 does not contain the figure 13.8"),
        ("J4", "a 95% confidence interval has two limits: give both Lower CI and Upper CI"),
        ("J5", "the confidence interval 13 to 13.5 does not contain the figure 13.8"),
        ("D6", "a confidence interval is printed around a figure: give it"),
    }
    assert Comparator.objects.count() == 0

    assert import_catalogue(workbook([good]), by=priya).problems == []
    held = Comparator.objects.get()
    assert held.interval == (Decimal("13.1"), Decimal("14.5"))
    client.force_login(priya)
    page = " ".join(client.get("/indicators/SW01/").text.split())
    assert "13.8% (95% CI 13.1% to 14.5%)" in page
    exported = client.get("/returns/catalogue/export.xlsx").content
    sheet = load_workbook(io.BytesIO(exported))["Comparators"]
    assert [c.value for c in sheet[1]][-2:] == ["Lower CI", "Upper CI"]
    # Numbers Excel shows as the figure is shown: 13.1%.
    assert sheet["I2"].value == pytest.approx(0.131) and "%" in sheet["I2"].number_format
    assert sheet["J2"].value == pytest.approx(0.145)
    again = import_catalogue(exported, by=priya, dry_run=True)
    assert again.problems == [] and again.total("comparators", "unchanged") == 1
