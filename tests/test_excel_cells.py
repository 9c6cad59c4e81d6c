"""Workbooks typed the way Excel really stores cells, through the return, catalogue and
comparator importers: a percentage typed as 47% is 0.47 formatted "0%", "Sep 2011" and
"2011/12" are dates formatted "mmm-yy", a failed formula holds #N/A. Each cell is written
with openpyxl with the value and number format Excel saves, and the test asserts the
figure stored or the message given (sheet, cell, reason)."""

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from comparators import services as comparator_services
from comparators.imports import import_comparators
from comparators.models import ComparatorValue
from indicators.models import Indicator, Section, Target, Value
from indicators.periods import parse_period
from indicators.rag import Rag
from onboarding.catalogue import (
    CATALOGUE,
    HISTORY,
    TARGETS,
    build_catalogue_workbook,
    import_catalogue,
)
from reporting.assessment import assess

# Return workbook -----------------------------------------------------------------------------

RETURN = "/returns/2017-18/Q3/"

# Every "not a period" message ends with the forms a period may be written in.
PERIOD_FORMS = (
    'one of: financial or academic year "2017/18"; quarter "Q3 2017/18"; month "Dec 2016"; '
    'year to date "Apr - Sept 2017", "April to September 2017/18" or "Month 6 2017/18"; '
    'quarters of a calendar year "Q1-3 2017"; calendar year "2017"; term "Autumn term 2012"; '
    'rolling window "Jul 16 - Jun 17"; snapshot "as at 31 March 2018"'
)


@pytest.fixture
def a_return(make_indicator, alice):
    """Alice's return for Q3 2017/18: a count (row 2) and a percentage (row 3)."""
    make_indicator(owner=alice, reference="SW01", unit="count", decimal_places=0)
    make_indicator(owner=alice, reference="SW02", title="Contacts to referral")


def upload_return(client, alice, cells: dict, *, change=None):
    """Alice's downloaded return with `cells` ({address on "Start Well": (value, number
    format)}) set as Excel saves them, uploaded on the return's page."""
    client.force_login(alice)
    book = load_workbook(io.BytesIO(client.get(f"{RETURN}workbook.xlsx").content))
    sheet = book["Start Well"]
    for address, (value, number_format) in cells.items():
        sheet[address] = value
        sheet[address].number_format = number_format
    if change:
        change(book)
    out = io.BytesIO()
    book.save(out)
    return client.post(
        f"{RETURN}upload/",
        {"workbook": SimpleUploadedFile("return.xlsx", out.getvalue())},
        follow=True,
    )


def figure_of(reference: str) -> Decimal:
    return Value.objects.get(indicator__reference=reference, is_current=True).value


@pytest.mark.parametrize(
    ("value", "number_format", "stored"),
    [
        (0.47, "0%", Decimal("47")),  # 47% typed into a General cell
        (0.348, "0.0%", Decimal("34.8")),
        (0.485, "0%", Decimal("48.5")),  # shown as 49%: the stored figure is kept
        (47, "General", Decimal("47")),
        (0.47, "General", Decimal("0.47")),  # what the cell shows: 0.47, not 47%
        ("47%", "@", Decimal("47")),  # typed into a Text cell
        (" 34.8 ", "@", Decimal("34.8")),
        (0.47, '0.0"%"', Decimal("0.47")),  # a percent sign as text: shows 0.5%
    ],
)
def test_a_return_figure_is_read_with_its_number_format(
    client, alice, a_return, value, number_format, stored
):
    response = upload_return(client, alice, {"G3": (value, number_format)})
    assert "Imported: 1 new" in response.text
    assert figure_of("SW02") == stored


@pytest.mark.parametrize(
    ("value", "number_format", "stored"),
    [("1,234", "@", Decimal("1234")), (1234, "#,##0", Decimal("1234")), (" 12 ", "@", 12)],
)
def test_numbers_stored_as_text_or_formatted_are_the_numbers_shown(
    client, alice, a_return, value, number_format, stored
):
    response = upload_return(client, alice, {"G2": (value, number_format)})
    assert "Imported: 1 new" in response.text
    assert figure_of("SW01") == stored


@pytest.mark.parametrize(
    ("cell", "value", "number_format", "message"),
    [
        (
            "G2",
            0.47,
            "0%",
            "Start Well G2 (SW01): this cell holds 0.47 formatted as a percentage, so it "
            "shows 47%, but the indicator is a count: remove the percent format or type the "
            "figure as text",
        ),
        ("G3", "#N/A", "General", "Start Well G3 (SW02): this cell shows the error #N/A"),
        ("G3", "#DIV/0!", "0%", "Start Well G3 (SW02): this cell shows the error #DIV/0!"),
        ("G3", True, "General", "Start Well G3 (SW02): this cell holds TRUE, not a figure"),
        (
            "G3",
            datetime(2026, 12, 3),
            "d-mmm-yy",
            "Start Well G3 (SW02): this cell holds the date 3 Dec 2026, not a figure",
        ),
        ("G3", time(10, 30), "h:mm", "Start Well G3 (SW02): this cell holds a time"),
        (
            "C3",
            datetime(2011, 12, 1),
            "mmm-yy",
            "Start Well C3 (SW02): this cell holds the date 1 Dec 2011: type the year as "
            "text, 2011/12",
        ),
    ],
)
def test_a_return_cell_excel_changed_is_refused_saying_what_excel_did(
    client, alice, a_return, cell, value, number_format, message
):
    cells = {cell: (value, number_format)}
    if cell.startswith("C"):
        cells["G3"] = ("30", "@")
    response = upload_return(client, alice, cells)
    assert message in response.text.replace("&#x27;", "'")
    assert not Value.objects.exists()


def test_blank_rows_a_renamed_sheet_and_extra_columns_change_nothing(client, alice, a_return):
    def retype(book):
        sheet = book["Start Well"]
        sheet.insert_rows(3)  # a blank row between the lines
        sheet["O1"], sheet["O2"] = "My notes", "checked"  # after the last column, State
        sheet.title = "Figures Q3"

    response = upload_return(
        client, alice, {"G2": ("8,632", "@"), "G3": (0.348, "0.0%")}, change=retype
    )
    assert "Imported: 2 new" in response.text
    assert (figure_of("SW01"), figure_of("SW02")) == (Decimal("8632"), Decimal("34.8"))


def test_merged_header_cells_are_refused_by_sheet_and_cell(client, alice, a_return):
    response = upload_return(
        client,
        alice,
        {"G2": ("12", "@")},
        change=lambda book: book["Start Well"].merge_cells("A1:B1"),
    )
    assert "Start Well A1: the columns are not those of the return workbook" in response.text
    assert not Value.objects.exists()


# Catalogue workbook --------------------------------------------------------------------------


def _row(columns, **cells) -> list:
    names = {h.lower().replace(" ", "_").replace("-", "_"): i for i, (h, _) in enumerate(columns)}
    out = [""] * len(columns)
    for name, value in cells.items():
        out[names[name]] = value
    return out


def indicator(reference="PC01", **cells) -> list:
    defaults = {
        "reference": reference,
        "title": "Care leavers in education, employment or training",
        "unit": "Percentage",
        "decimal_places": 1,
        "polarity": "H",
        "frequency": "Annual",
        "section": "Start Well",
        "service": "Children's Social Care",
    }
    return _row(CATALOGUE, **{**defaults, **cells})


def catalogue(catalogue_rows, targets=(), history=(), *, cells=None, change=None) -> bytes:
    """A catalogue workbook with `cells` ({(sheet, address): (value, number format)}) set
    as Excel saves them, pasted over the template's formats."""
    book = build_catalogue_workbook(list(catalogue_rows), list(targets), list(history))
    for (sheet, address), (value, number_format) in (cells or {}).items():
        book[sheet][address] = value
        book[sheet][address].number_format = number_format
    if change:
        change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def target(year="2017/18", **cells) -> list:
    return _row(TARGETS, **{"reference": "PC01", "year": year, "kind": "Year-end", **cells})


def history(period="2017/18", **cells) -> list:
    return _row(HISTORY, **{"reference": "PC01", "period": period, **cells})


def problems(data, priya) -> list[str]:
    return [str(problem) for problem in import_catalogue(data, by=priya).problems]


def test_percent_formatted_targets_are_percentages_and_45_percent_is_then_off_track(client, priya):
    """The issue's case: targets typed as 48.5% and 55.1%, a figure of 45%."""
    data = catalogue(
        [indicator()],
        [target("2017/18"), target("2018/19")],
        [history("2017/18", figure="45%")],
        cells={("Targets", "E2"): (0.485, "0.0%"), ("Targets", "E3"): (0.551, "0.0%")},
    )
    assert problems(data, priya) == []
    assert sorted(Target.objects.values_list("value", flat=True)) == [
        Decimal("48.5"),
        Decimal("55.1"),
    ]
    measure = Indicator.objects.get(reference="PC01")
    figure = Value.objects.get(indicator=measure, period=parse_period("2017/18"))
    rating = assess(measure, figure)
    assert rating.target.value == Decimal("48.5")
    assert rating.rag is not Rag.GREEN and rating.rag is Rag.RED
    client.force_login(priya)
    page = client.get("/indicators/PC01/").text
    assert 'data-label="Target">48.5%</td>' in page
    assert (
        'data-label="Rating"><strong class="govuk-tag rag rag--red"><span aria-hidden="true">'
        "■ </span>Requires improvement</strong>"
    ) in page


@pytest.mark.parametrize(
    ("value", "number_format", "stored"),
    [
        (0.47, "0%", Decimal("47")),
        (47, "General", Decimal("47")),
        ("47%", "@", Decimal("47")),
        ("34.8", "@", Decimal("34.8")),
    ],
)
def test_a_history_figure_is_read_with_its_number_format(priya, value, number_format, stored):
    data = catalogue(
        [indicator()], history=[history()], cells={("History", "C2"): (value, number_format)}
    )
    assert problems(data, priya) == []
    assert Value.objects.get().value == stored


def test_a_target_typed_as_text_with_a_percent_sign_is_that_percentage(priya):
    data = catalogue(
        [indicator()],
        [
            target(
                target="48.5%",
            )
        ],
    )
    assert problems(data, priya) == []
    assert Target.objects.get().value == Decimal("48.5")


def test_a_percent_formatted_tolerance_is_a_share_of_the_target(priya):
    data = catalogue([indicator()], cells={("Catalogue", "Q2"): (0.05, "0%")})
    assert problems(data, priya) == []
    measure = Indicator.objects.get()
    assert (measure.tolerance_kind, measure.tolerance_amount) == ("relative", Decimal("5"))


@pytest.mark.parametrize(
    ("frequency", "value", "number_format", "period"),
    [
        ("Monthly", datetime(2011, 9, 1), "mmm-yy", "Sept 2011"),  # "Sep 2011" typed
        ("Monthly", datetime(2011, 12, 1), "mmm-yy", "Dec 2011"),  # "2011/12" is a month
        ("Monthly", datetime(2011, 9, 15), "mmm-yy", "Sept 2011"),  # the month it shows
        ("Monthly", datetime(2011, 9, 1), "yyyy-mm-dd", "Sept 2011"),
        ("Monthly", datetime(2011, 9, 1), "d-mmm-yy", "Sept 2011"),
        ("Annual", datetime(2016, 9, 1), "mmm-yy", "Sept 2016"),
        ("Monthly", "Sept 2011", "@", "Sept 2011"),
    ],
)
def test_a_date_in_a_period_column_is_the_month_it_shows(
    priya, frequency, value, number_format, period
):
    data = catalogue(
        [indicator(frequency=frequency)],
        history=[history(figure="45")],
        cells={("History", "B2"): (value, number_format)},
    )
    assert problems(data, priya) == []
    assert str(Value.objects.get().period) == period


@pytest.mark.parametrize(
    ("frequency", "value", "number_format", "message"),
    [
        (
            "Annual",
            datetime(2011, 12, 1),
            "mmm-yy",
            "History B2 (PC01): this cell holds the date 1 Dec 2011: type the year as text, "
            "2011/12",
        ),
        (
            "Quarterly",
            datetime(2009, 10, 1),
            "mmm-yy",
            "History B2 (PC01): this cell holds the date 1 Oct 2009: type the year as text, "
            "2009/10",
        ),
        (
            "Monthly",
            datetime(2011, 9, 15),
            "d-mmm-yy",
            "History B2 (PC01): this cell holds the date 15 Sep 2011, a day, not a period: "
            "type the period as text, e.g. Sep 2011; periods are written as " + PERIOD_FORMS,
        ),
        (
            "Monthly",
            datetime(2026, 9, 16),
            "d-mmm",
            'History B2 (PC01): this cell holds the date 16 Sep 2026 (Excel reads "Sep 16" '
            "as a day of this year): type the period as text, e.g. Sep 2016",
        ),
        (
            "Monthly",
            "#N/A",
            "General",
            "History B2 (PC01): this cell shows the error #N/A, not a period",
        ),
    ],
)
def test_a_date_in_a_period_column_that_cannot_be_told_is_refused(
    priya, frequency, value, number_format, message
):
    data = catalogue(
        [indicator(frequency=frequency)],
        history=[history(figure="45")],
        cells={("History", "B2"): (value, number_format)},
    )
    assert problems(data, priya) == [message]
    assert not Indicator.objects.exists() and not Value.objects.exists()


@pytest.mark.parametrize(
    ("cell", "value", "number_format", "message"),
    [
        (
            ("Targets", "B2"),
            datetime(2011, 12, 1),
            "mmm-yy",
            "Targets B2 (PC01): this cell holds the date 1 Dec 2011: type the year as text, "
            "2011/12",
        ),
        (
            ("Targets", "E2"),
            0.3,
            "0%",
            "Targets E2 (PC01): this cell holds 0.3 formatted as a percentage, so it shows "
            "30%, but the indicator is a count: remove the percent format or type the figure "
            "as text",
        ),
        (
            ("History", "C2"),
            "#DIV/0!",
            "0.0%",
            "History C2 (PC01): this cell shows the error #DIV/0!, not a figure",
        ),
        (
            ("History", "C2"),
            datetime(2026, 3, 12),
            "dd/mm/yyyy",
            "History C2 (PC01): this cell holds the date 12 Mar 2026, not a figure: type a "
            "figure as text",
        ),
        (
            ("History", "C2"),
            False,
            "General",
            "History C2 (PC01): this cell holds FALSE, not a figure",
        ),
    ],
)
def test_a_catalogue_cell_excel_changed_is_refused_saying_what_excel_did(
    priya, cell, value, number_format, message
):
    data = catalogue(
        [indicator(unit="Count", decimal_places=0)],
        [target(target="30")],
        [history(figure="12")],
        cells={cell: (value, number_format)},
    )
    assert problems(data, priya) == [message]
    assert not Indicator.objects.exists()


def test_catalogue_numbers_stored_as_text_blank_rows_and_extra_columns(priya):
    def retype(book):
        for name in ("Catalogue", "Targets", "History"):
            sheet = book[name]
            sheet.insert_rows(2)  # a blank row under the headings
            sheet.cell(row=1, column=sheet.max_column + 1, value="Checked by")

    data = catalogue(
        [indicator(unit="Count", decimal_places=0)],
        [target(target="1,200")],
        [history("2016/17", figure=" 1,234 "), history("2017/18", figure="12")],
        change=retype,
    )
    assert problems(data, priya) == []
    assert Target.objects.get().value == Decimal("1200")
    assert sorted(Value.objects.values_list("value", flat=True)) == [12, 1234]


def test_a_renamed_or_merged_catalogue_sheet_is_named_plainly(priya):
    renamed = catalogue(
        [indicator()], change=lambda book: setattr(book["History"], "title", "Figures")
    )
    assert problems(renamed, priya) == ["The workbook has no sheet named History"]
    merged = catalogue([indicator()], change=lambda book: book["Targets"].merge_cells("B1:C1"))
    assert problems(merged, priya)[0].startswith(
        "Targets A1: the headings are not those of the catalogue workbook"
    )
    assert not Section.objects.exists()


# Comparator CSV ------------------------------------------------------------------------------

HEADER = "Measure code,Area code,Area name,Area type,Period,Value\n"


@pytest.fixture
def annual_measure(make_indicator):
    survey = make_indicator(reference="AS01", frequency="annual")
    comparator_services.save_measure(code="3D", indicator=survey, name="Easy to find")
    return survey


def test_a_comparator_year_excel_saved_as_a_date_is_refused_saying_so(annual_measure):
    # Excel turned 2011/12 into 1 Dec 2011 and saves the date into CSV as it shows it.
    data = (HEADER + "3D,E10000017,Lancashire,Local authority,Dec-11,74.7%\n").encode()
    result = import_comparators(data)
    assert [str(p) for p in result.problems] == [
        'Line 2, Period: "Dec-11" is how Excel writes the date 1 Dec 2011: type the year as '
        "text, 2011/12"
    ]
    assert not ComparatorValue.objects.exists()


def test_a_comparator_percentage_saved_from_excel_is_the_percentage_shown(annual_measure):
    data = (HEADER + "3D,E10000017,Lancashire,Local authority,2011/12,47%\n").encode()
    assert import_comparators(data).saved
    assert ComparatorValue.objects.get().value == Decimal("47")


def test_a_month_excel_saved_as_a_date_is_that_month(make_indicator):
    monthly = make_indicator(reference="MO01", frequency="monthly")
    comparator_services.save_measure(code="9M", indicator=monthly, name="Monthly")
    data = (HEADER + "9M,E10000017,Lancashire,Local authority,Sep-11,40\n").encode()
    assert import_comparators(data).saved
    assert str(ComparatorValue.objects.get().period) == "Sept 2011"
    assert date(2011, 9, 30) == ComparatorValue.objects.get().period_end


def test_an_academic_year_on_the_return_is_read_as_the_academic_year(client, alice, make_indicator):
    make_indicator(owner=alice, reference="ED01", frequency="academic_year")
    client.force_login(alice)
    url = "/returns/2017-18/Q2/"
    book = load_workbook(io.BytesIO(client.get(f"{url}workbook.xlsx").content))
    sheet = book["Start Well"]
    assert sheet["C2"].value == "2016/17"
    sheet["G2"] = "61.5%"
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        f"{url}upload/", {"workbook": SimpleUploadedFile("r.xlsx", out.getvalue())}, follow=True
    )
    assert "Imported: 1 new" in response.text
    assert Value.objects.get().period == parse_period("2016/17", kind="academic_year")


def test_a_row_above_the_headings_is_refused_at_a1_not_read_one_row_off(client, alice, a_return):
    # python-calamine starts a sheet at its first cell in use: the importer read row 3 as
    # row 2, and named every problem one row above the cell that had it.
    response = upload_return(
        client,
        alice,
        {"G2": ("lots", "@")},
        change=lambda book: book["Start Well"].insert_rows(1),
    )
    assert "Start Well A1: the columns are not those of the return workbook" in response.text
    assert not Value.objects.exists()


def test_the_catalogue_page_lists_what_excel_did(client, priya, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = catalogue(
        [indicator()],
        history=[history(figure="45%")],
        cells={("History", "B2"): (datetime(2011, 12, 1), "mmm-yy")},
    )
    client.force_login(priya)
    response = client.post("/returns/catalogue/", {"workbook": SimpleUploadedFile("c.xlsx", data)})
    assert response.status_code == 200
    assert (
        "History B2 (PC01): this cell holds the date 1 Dec 2011: type the year as text, 2011/12"
    ) in response.text
    assert not Indicator.objects.exists()
