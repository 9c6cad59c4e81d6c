"""National comparator files as their publishers write them, imported with no reshaping:
the layout is recognised from the header, the headline rows kept, the breakdown rows counted
and left aside with their reasons, and published confidence intervals shown beside the
comparator.

The sample files follow the published descriptions of each layout:

- Fingertips data CSV: the columns of fingertips.phe.org.uk/api/all_data/csv/... as read by
  fingertipsR's fingertips_data() and scripts using it ("Indicator ID", "Indicator Name",
  "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
  "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0
  limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value
  note", "Recent Trend", "Compared to England value or percentiles", ..., "Time period
  Sortable", "New data", "Compared to goal", "Time period range"); headline rows have an
  empty Category Type, breakdowns by deprivation decile name theirs.
- ASCOF open data: GOV.UK "Measures from the Adult Social Care Outcomes Framework, England
  2024 to 2025: How to use the CSV file" (Geographical code, Geographical description,
  Geographical level [local authority, regional, council type, national], ONS code, ASCOF
  measure code, Disaggregation level [Total, Female, 18 to 64...], Measure type [Outcome,
  Numerator, Denominator], Measure value); NHS Digital's earlier files add "Measure Group"
  and "Base" rows, and give the year only in the file name.
- LG Inform: its CSV download of a metric names the metric, the area (GSS code and name),
  the period and the value; no stored description of it was found, so the sample is the
  smallest such file and the area's type is read from its GSS code.
"""

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from comparators import services
from comparators.formats import normalise_period
from comparators.imports import import_comparators
from comparators.models import Area, ComparatorValue
from indicators.models import Indicator
from indicators.periods import parse_period
from recovery_plans import services as plans
from spreadsheets.uploads import ImportRefused
from tests.pdfs import keep_with_first_page

FINGERTIPS_HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]
AREAS = [  # code, name, Fingertips area type, parent code, parent name
    ("E92000001", "England", "England", "", ""),
    ("E12000002", "North West region", "Region", "E92000001", "England"),
    ("E10000017", "Lancashire", "County & UA (pre 4/19)", "E12000002", "North West region"),
    ("E06000008", "Blackburn with Darwen", "County & UA (pre 4/19)", "E12000002", "North West"),
    ("E06000009", "Blackpool", "County & UA (pre 4/19)", "E12000002", "North West region"),
]
ACTIVE = ("93014", "Percentage of physically active adults", "2019/20", "20192000", "1y")
CVD = (
    "40401",
    "Under 75 mortality rate from cardiovascular diseases considered preventable",
    "2018 - 20",
    "20180000",
    "3y",
)
DECILES = "County & UA deprivation deciles in England (IMD2019, 4/19 geog.)"


def _fingertips_row(indicator, area, sex, age, value, lower, upper, category=("", "")):
    ind_id, ind_name, period, sortable, span = indicator
    code, name, area_type, parent, parent_name = area
    return {
        "Indicator ID": ind_id,
        "Indicator Name": ind_name,
        "Parent Code": parent,
        "Parent Name": parent_name,
        "Area Code": code,
        "Area Name": name,
        "Area Type": area_type,
        "Sex": sex,
        "Age": age,
        "Category Type": category[0],
        "Category": category[1],
        "Time period": period,
        "Value": value,
        "Lower CI 95.0 limit": lower,
        "Upper CI 95.0 limit": upper,
        "Lower CI 99.8 limit": "",
        "Upper CI 99.8 limit": "",
        "Count": "1234",
        "Denominator": "2000",
        "Value note": "",
        "Recent Trend": "Cannot be calculated",
        "Compared to England value or percentiles": "Similar",
        "Compared to Region value or percentiles": "Similar",
        "Time period Sortable": sortable,
        "New data": "",
        "Compared to goal": "",
        "Time period range": span,
    }


def fingertips_file() -> bytes:
    """Two indicators of a public health profile for England, the North West and three
    councils: the headline rows, Male and Female rows, an older age band, deprivation deciles
    for England and a clinical commissioning group's row."""
    rows = []
    headline = {  # area code -> (active %, lower, upper), (CVD rate, lower, upper)
        "E92000001": (("66.4", "66.3", "66.6"), ("73.8", "73.5", "74.1")),
        "E12000002": (("64.6", "64.1", "65.0"), ("89.2", "88.1", "90.3")),
        "E10000017": (("65.3", "63.6", "66.9"), ("80.1", "76.9", "83.4")),
        "E06000008": (("59.5", "55.5", "63.4"), ("111.7", "101.0", "123.2")),
        "E06000009": (("61.0", "57.0", "64.9"), ("123.4", "112.6", "134.9")),
    }
    for area in AREAS:
        active, cvd = headline[area[0]]
        rows.append(_fingertips_row(ACTIVE, area, "Persons", "19+ yrs", *active))
        rows.append(_fingertips_row(ACTIVE, area, "Male", "19+ yrs", "68.0", "66.0", "70.0"))
        rows.append(_fingertips_row(ACTIVE, area, "Female", "19+ yrs", "63.0", "61.0", "65.0"))
        rows.append(_fingertips_row(ACTIVE, area, "Persons", "65+ yrs", "54.1", "52.0", "56.2"))
        rows.append(_fingertips_row(CVD, area, "Persons", "<75 yrs", *cvd))
        rows.append(_fingertips_row(CVD, area, "Male", "<75 yrs", "110.0", "105.0", "115.0"))
        rows.append(_fingertips_row(CVD, area, "Female", "<75 yrs", "50.0", "47.0", "53.0"))
    england = AREAS[0]
    for decile, value in (("Most deprived decile (IMD2019)", "55.0"), ("Second", "58.9")):
        rows.append(
            _fingertips_row(
                ACTIVE, england, "Persons", "19+ yrs", value, "", "", category=(DECILES, decile)
            )
        )
    ccg = ("E38000016", "NHS Blackburn with Darwen CCG", "CCGs (from Apr 2020)", "", "")
    rows.append(_fingertips_row(CVD, ccg, "Persons", "<75 yrs", "111.0", "100.0", "122.0"))
    out = io.StringIO()
    writer = csv.DictWriter(out, FINGERTIPS_HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


ASCOF_HEADER = (
    "Geographical Code,Geographical Description,Geographical Level,ONS Code,"
    "ASCOF Measure Code,Disaggregation Level,Measure Group,Measure Type,Measure Value"
)
ASCOF_AREAS = [  # geographical code, description, level, ONS code
    ("England", "England", "England", "E92000001"),
    ("NW", "North West", "Region", "E12000002"),
    ("323", "Lancashire", "Council", "E10000017"),
    ("340", "Blackburn with Darwen", "Council", "E06000008"),
    ("341", "Blackpool", "Council", "E06000009"),
]


def ascof_file(*, measure_group: bool = True) -> bytes:
    """Two ASCOF measures for 2019/20: each area's Outcome with its Numerator and
    Denominator (and, for the survey measure, its Base), breakdowns by gender and age
    group, and the averages of a council type."""
    outcomes = {  # ONS code -> (2A(2) rate per 100,000, 3A % satisfied)
        "E92000001": ("584.0", "64.2"),
        "E12000002": ("654.0", "65.0"),
        "E10000017": ("700.2", "66.1"),
        "E06000008": ("810.5", "61.9"),
        "E06000009": ("902.3", "63.4"),
    }
    lines = [ASCOF_HEADER if measure_group else ASCOF_HEADER.replace("Measure Group,", "")]

    def line(area, code, level, group, kind, value):
        cells = [*area, code, level, *([group] if measure_group else []), kind, value]
        lines.append(",".join(cells))

    for area in ASCOF_AREAS:
        rate, satisfied = outcomes[area[3]]
        line(area, "2A(2)", "Total", "Total", "Outcome", rate)
        line(area, "2A(2)", "Total", "Total", "Numerator", "1280")
        line(area, "2A(2)", "Total", "Total", "Denominator", "182805")
        line(area, "2A(2)", "Gender", "Female", "Outcome", "640.0")
        line(area, "3A", "Total", "Total", "Outcome", satisfied)
        line(area, "3A", "Total", "Total", "Base", "410")
        line(area, "3A", "Age Group", "18-64", "Outcome", "60.1")
    line(("SC", "Shire Counties", "Council Type", ""), "2A(2)", "Total", "Total", "Outcome", "1")
    return ("\r\n".join(lines) + "\r\n").encode()


ASCOF_NAME = "meas-from-asc-of-eng-2019-20-open-data-csv.csv"


@pytest.fixture
def mapped(make_indicator):
    """The council's indicators, mapped to the codes of the sample files."""
    active = make_indicator(reference="PH01", title="Physically active adults", frequency="annual")
    cvd = make_indicator(
        reference="PH02",
        title="Preventable CVD deaths under 75",
        unit="rate",
        rate_per=100_000,
        polarity="low",
        frequency="annual",
    )
    admissions = make_indicator(
        reference="ASC2",
        title="Older people admitted to care homes",
        unit="rate",
        rate_per=100_000,
        polarity="low",
        frequency="annual",
    )
    satisfied = make_indicator(reference="ASC3", title="Satisfied with care", frequency="annual")
    services.save_measure(code="93014", indicator=active)
    services.save_measure(code="40401", indicator=cvd)
    services.save_measure(code="2A(2)", indicator=admissions)
    services.save_measure(code="3A", indicator=satisfied)
    return {"active": active, "cvd": cvd, "admissions": admissions, "satisfied": satisfied}


def _figures(reference: str) -> dict:
    return {
        (v.area.code, str(v.period)): (v.value, v.lower_ci, v.upper_ci)
        for v in ComparatorValue.objects.filter(
            measure__indicator__reference=reference
        ).select_related("area")
    }


# Fingertips ---------------------------------------------------------------------------------


def test_a_fingertips_file_keeps_the_headline_rows_and_their_intervals(mapped):
    result = import_comparators(fingertips_file(), filename="fingertips.csv")
    assert result.saved and result.problems == [] and result.layout == "Fingertips"
    assert result.imported == 10 and result.areas_created == 5
    active = _figures("PH01")
    assert active == {
        ("E92000001", "2019/20"): (D("66.4"), D("66.3"), D("66.6")),
        ("E12000002", "2019/20"): (D("64.6"), D("64.1"), D("65.0")),
        ("E10000017", "2019/20"): (D("65.3"), D("63.6"), D("66.9")),
        ("E06000008", "2019/20"): (D("59.5"), D("55.5"), D("63.4")),
        ("E06000009", "2019/20"): (D("61.0"), D("57.0"), D("64.9")),
    }
    # "2018 - 20" pooled years: read as the three calendar years, January to December.
    assert _figures("PH02")[("E10000017", "Jan 18 - Dec 20")] == (
        D("80.1"),
        D("76.9"),
        D("83.4"),
    )
    kinds = dict(Area.objects.values_list("code", "kind"))
    assert kinds == {
        "E92000001": "england",
        "E12000002": "region",
        "E10000017": "local_authority",
        "E06000008": "local_authority",
        "E06000009": "local_authority",
    }


def test_a_fingertips_file_says_which_breakdown_rows_were_left_aside_and_why(mapped):
    result = import_comparators(fingertips_file())
    assert [str(entry) for entry in result.left_aside] == [
        "20 rows broken down by sex (Male, Female)",
        "5 rows broken down by age band (65+ yrs)",
        f"2 rows broken down by a category ({DECILES})",
        "1 row of areas that are not England, a region or a council (CCGs (from Apr 2020))",
    ]
    assert result.aside_rows == 28
    assert "28 breakdown rows left aside, keeping the headline figures" in result.summary()


def test_an_indicator_published_for_one_sex_only_keeps_that_sex(mapped):
    text = fingertips_file().decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["Sex"] != "Persons"]
    rows = [r for r in rows if r["Indicator ID"] == "40401" and r["Sex"] == "Female"]
    out = io.StringIO()
    writer = csv.DictWriter(out, FINGERTIPS_HEADER)
    writer.writeheader()
    writer.writerows(rows)
    result = import_comparators(out.getvalue().encode())
    assert result.saved and result.imported == 5 and result.left_aside == []
    assert _figures("PH02")[("E10000017", "Jan 18 - Dec 20")][0] == D("50.0")


def test_a_fingertips_header_missing_a_column_is_refused_by_name(mapped):
    text = fingertips_file().decode("utf-8-sig").replace(",Age,", ",Age group,", 1)
    with pytest.raises(ImportRefused, match="looks like a Fingertips file, but it has no column"):
        import_comparators(text.encode())
    assert ComparatorValue.objects.count() == 0


def test_an_interval_that_does_not_hold_its_value_is_a_problem(mapped):
    data = fingertips_file().replace(b"65.3,63.6,66.9", b"65.3,66.0,66.9")
    result = import_comparators(data)
    assert not result.saved and ComparatorValue.objects.count() == 0
    assert [str(p) for p in result.problems] == [
        "Line 16, Lower CI 95.0 limit: the confidence interval 66 to 66.9 does not contain "
        "the value 65.3"
    ]


@pytest.mark.parametrize(
    ("published", "read"),
    [
        ("2018 - 20", "Jan 18 - Dec 20"),
        ("2016 - 2018", "Jan 16 - Dec 18"),
        ("2018/19 - 20/21", "Apr 18 - Mar 21"),
        ("1998/99 - 00/01", "Apr 98 - Mar 01"),
        ("2019/20 Q3", "Q3 2019/20"),
        ("2019 Q3", "Q3 2019"),
        ("2019/20", "2019/20"),
        ("2020", "2020"),
    ],
)
def test_fingertips_periods_are_read_as_the_scorecard_shows_them(published, read):
    assert str(parse_period(normalise_period(published))) == read


# ASCOF ------------------------------------------------------------------------------------------


def test_an_ascof_file_keeps_the_outcomes_of_the_year_its_name_gives(mapped):
    result = import_comparators(ascof_file(), filename=ASCOF_NAME)
    assert result.saved and result.problems == [] and result.layout == "ASCOF"
    assert result.imported == 10
    assert _figures("ASC2")[("E06000009", "2019/20")] == (D("902.3"), None, None)
    assert _figures("ASC3")[("E12000002", "2019/20")] == (D("65.0"), None, None)
    assert [str(entry) for entry in result.left_aside] == [
        "15 rows of bases, numerators and denominators (Numerator, Denominator, Base)",
        "10 rows broken down by age or sex (Female, 18-64)",
        "1 row of council-type averages, not areas (Council Type)",
    ]
    assert not Area.objects.filter(name="Shire Counties").exists()


def test_an_ascof_file_of_today_without_measure_group_is_read_the_same(mapped):
    data = ascof_file(measure_group=False).replace(b"Gender,", b"Female,")
    data = data.replace(b"Age Group,", b"18 to 64,")
    result = import_comparators(data, filename="ASCOF 2019-20.csv")
    assert result.saved and result.imported == 10
    assert result.left_aside[1].reason == "broken down by age or sex"
    assert list(result.left_aside[1].examples) == ["Female", "18 to 64"]


def test_an_ascof_file_with_no_year_is_refused_and_says_how_to_give_one(mapped):
    with pytest.raises(ImportRefused, match='name the file with its year .e.g. "ascof-2019-20'):
        import_comparators(ascof_file(), filename="ascof.csv")
    # A Year column does as well.
    data = ascof_file().decode().splitlines()
    data = [data[0] + ",Year"] + [line + ",2019/20" for line in data[1:]]
    assert import_comparators("\n".join(data).encode(), filename="ascof.csv").imported == 10


# Other formats and codes ------------------------------------------------------------------------


def test_an_lg_inform_download_reads_the_area_type_from_the_gss_code(mapped):
    data = (
        b"Metric type id,Metric,Area code,Area name,Period,Value\r\n"
        b"93014,Physically active adults,E10000017,Lancashire,2018/19,64.0\r\n"
        b"93014,Physically active adults,E12000002,North West,2018/19,63.1\r\n"
        b"93014,Physically active adults,E92000001,England,2018/19,65.9\r\n"
        b"93014,Physically active adults,W06000001,Isle of Anglesey,2018/19,60.0\r\n"
    )
    result = import_comparators(data)
    assert result.layout == "LG Inform"
    assert [str(p) for p in result.problems] == [
        'Line 5, Area code: "W06000001" is not the GSS code of England, a region or a council'
    ]
    result = import_comparators(data, skip_problems=True)
    assert result.saved and result.imported == 3
    assert dict(Area.objects.values_list("code", "kind")) == {
        "E10000017": "local_authority",
        "E12000002": "region",
        "E92000001": "england",
    }


def test_one_indicator_is_fed_by_its_ascof_code_and_its_fingertips_id(mapped):
    # The care-home admissions measure is published as ASCOF 2A(2) and, for this test,
    # under the Fingertips ID of the sample file: both files write the same figures.
    mapped["active"].national_measure.delete()
    services.save_measure(code="2A(2)", indicator=mapped["admissions"], other_codes=["93014"])
    import_comparators(ascof_file(), filename=ASCOF_NAME)
    assert _figures("ASC2")[("E10000017", "2019/20")] == (D("700.2"), None, None)
    result = import_comparators(fingertips_file())
    assert result.saved and (result.added, result.replaced) == (5, 5)  # 5 new are CVD's
    assert _figures("ASC2")[("E10000017", "2019/20")] == (D("65.3"), D("63.6"), D("66.9"))
    assert ComparatorValue.objects.filter(measure__code="2A(2)").count() == 5


def test_a_code_of_another_measure_cannot_be_given_twice(client, mapped, priya):
    client.force_login(priya)
    measure = mapped["cvd"].national_measure
    page = client.post(
        f"/comparators/measures/{measure.pk}/",
        {"code": "40401", "name": "", "indicator": mapped["cvd"].pk, "other_codes": "3A"},
    )
    assert page.status_code == 200
    assert "3A is the code of ASC3 already." in page.text
    done = client.post(
        f"/comparators/measures/{measure.pk}/",
        {"code": "40401", "name": "", "indicator": mapped["cvd"].pk, "other_codes": "C19, x1"},
    )
    assert done.status_code == 302
    assert measure.codes == ["40401", "C19", "x1"]
    assert "40401</a>, C19, x1" in client.get("/comparators/").text


# Through the upload page and the command ---------------------------------------------------


def test_the_upload_page_imports_a_fingertips_file_and_says_what_it_left_aside(
    client, mapped, priya, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(priya)
    page = client.post(
        "/comparators/import/",
        {"file": SimpleUploadedFile("fingertips.csv", fingertips_file(), "text/csv")},
        follow=True,
    )
    assert "Imported Fingertips file: 10 figures for 2 measures" in page.text
    assert "28 breakdown rows left aside, keeping the headline figures" in page.text
    assert "20 rows broken down by sex (Male, Female)" in page.text
    assert ComparatorValue.objects.count() == 10


def test_the_upload_page_lists_the_rows_left_aside_while_codes_wait_to_be_mapped(
    client, mapped, priya, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(priya)
    mapped["satisfied"].national_measure.delete()
    page = client.post(
        "/comparators/import/",
        {"file": SimpleUploadedFile(ASCOF_NAME, ascof_file(), "text/csv")},
    )
    assert "Measure code &quot;3A&quot; is not mapped to an indicator: 5 rows" in page.text
    assert "ASCOF file: 26 breakdown rows left aside" in page.text
    assert "1 row of council-type averages, not areas (Council Type)" in page.text
    assert ComparatorValue.objects.count() == 0


def test_the_command_reads_an_ascof_file_and_its_year_from_its_name(mapped, tmp_path):
    path = tmp_path / ASCOF_NAME
    path.write_bytes(ascof_file())
    out = io.StringIO()
    call_command("import_comparators", str(path), stdout=out)
    assert f"Imported {ASCOF_NAME}: ASCOF file: 10 figures for 2 measures (2019/20)" in (
        out.getvalue()
    )
    assert "26 breakdown rows left aside" in out.getvalue()
    bad = tmp_path / "ascof.csv"
    bad.write_bytes(ascof_file())
    with pytest.raises(CommandError, match="has no Year column and its name gives no year"):
        call_command("import_comparators", str(bad))


def _lancashire_in_the_north_west() -> None:
    """The Fingertips file imported, Lancashire as the council, compared with the North West
    (its councils and published figure) and England."""
    import_comparators(fingertips_file())
    services.set_council(Area.objects.get(code="E10000017"))
    services.save_group(
        name="North West",
        kind="region",
        members=list(Area.objects.filter(kind="local_authority")),
        published_area=Area.objects.get(code="E12000002"),
    )
    services.save_group(
        name="England", kind="england", members=[], published_area=Area.objects.get(kind="england")
    )


def test_the_indicator_page_shows_the_intervals_beside_the_comparators(client, mapped):
    _lancashire_in_the_north_west()
    html = client.get("/indicators/PH01/").text
    assert (
        "From the imported national figures for 2019/20: Lancashire 65.3% "
        "(95% CI 63.6% to 66.9%)" in html
    )
    assert "England: average 66.4% (95% CI 66.3% to 66.6%) (2019/20)" in html
    cvd = client.get("/indicators/PH02/").text
    assert "From the imported national figures for Jan 18 - Dec 20: Lancashire 80.1" in cvd


def test_a_recovery_plans_comparative_table_prints_the_intervals_beside_the_figures(
    client, mapped, alice
):
    """The plan's table of councils and averages, built from the imported file, gives each
    published figure its 95% interval as the file gave it, on the page and in the PDF."""
    _lancashire_in_the_north_west()
    active = Indicator.objects.get(reference="PH01")
    plan = plans.save_plan(
        title="More adults active",
        indicators=[active],
        period=parse_period("2019/20"),
        owner=alice,
        why="Activity fell below the region's.",
        opened_on=date(2020, 9, 1),
    )
    client.force_login(alice)
    page = " ".join(client.get(f"/recovery-plans/{plan.pk}/").text.split())
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    for row, printed in (
        ("Blackpool", "61.0% (95% CI 57.0% to 64.9%)"),
        ("North West Average", "64.6% (95% CI 64.1% to 65.0%)"),
        ("England Average", "66.4% (95% CI 66.3% to 66.6%)"),
    ):
        assert f"{row}</th>{cell}{printed}</td>" in page
    pdf = client.get(f"/recovery-plans/{plan.pk}/plan.pdf")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "61.0% (95% CI 57.0% to 64.9%)" in text
    assert "64.6% (95% CI 64.1% to 65.0%)" in text
    keep_with_first_page(pdf.content, "plan-comparative-intervals")


def test_an_indicator_of_one_sex_takes_that_sexs_rows_by_its_code(mapped, make_indicator):
    """Life expectancy at birth, male: the measure code "40401 (Male)" takes the male rows of
    Fingertips indicator 40401, beside the indicator that takes its Persons rows."""
    male = make_indicator(
        reference="PH02M",
        title="CVD deaths under 75, male",
        unit="rate",
        rate_per=100_000,
        polarity="low",
        frequency="annual",
    )
    services.save_measure(code="40401 (Male)", indicator=male)
    result = import_comparators(fingertips_file())
    assert result.saved, result.problems
    male_figures = _figures("PH02M")
    assert len(male_figures) == 5
    assert male_figures[("E10000017", "Jan 18 - Dec 20")] == (D("110.0"), D("105.0"), D("115.0"))
    # The Persons rows still feed the Persons indicator; only the female rows are aside.
    assert _figures("PH02")[("E10000017", "Jan 18 - Dec 20")][0] == D("80.1")
    assert "20 rows broken down by sex" not in result.summary()
    assert "15 rows broken down by sex (Male, Female)" in result.summary()


def test_a_sex_code_alone_leaves_the_persons_rows_aside_not_unknown(client, make_indicator):
    female = make_indicator(
        reference="PH02F",
        title="CVD deaths under 75, female",
        unit="rate",
        rate_per=100_000,
        polarity="low",
        frequency="annual",
    )
    services.save_measure(code="40401 (Female)", indicator=female)
    services.save_measure(
        code="93014", indicator=make_indicator(reference="PH01", frequency="annual")
    )
    result = import_comparators(fingertips_file())
    assert result.saved and not result.unknown, result.problems
    assert _figures("PH02F")[("E10000017", "Jan 18 - Dec 20")][0] == D("50.0")
    assert "rows of sexes no indicator takes (Persons, Male)" in result.summary()
