"""Targets and figures as councils' papers set and print them, through the indicator page,
the scorecard and its exports."""

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser

from openpyxl import load_workbook

from indicators.models import Target, Value
from indicators.periods import parse_period
from indicators.services import record_value, set_target
from onboarding.catalogue import (
    CATALOGUE,
    HISTORY,
    TARGETS,
    build_catalogue_workbook,
    import_catalogue,
)
from tests.factories import rated_indicator
from tests.tables import column_text


class _Rows(HTMLParser):
    """The text of each cell of each table row of a page."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    """Rows of the page's tables by their first cell."""
    parser = _Rows()
    parser.feed(html)
    return {row[0]: row for row in parser.rows if row}


def test_year_to_date_direction_compares_the_same_months_a_year_before(client, make_indicator):
    indicator = make_indicator(unit="count", decimal_places=0, aggregation="sum")
    for text, figure in (
        ("Apr - Oct 2021", 50),
        ("Apr - Sept 2022", 40),
        ("Apr - Oct 2022", 45),
    ):
        record_value(indicator=indicator, period=parse_period(text), value=Decimal(figure))
    rows = table_rows(client.get(f"/indicators/{indicator.reference}/").text)
    # 45 after Apr-Sep's 40 would be better; against Apr-Oct last year's 50 it is worse.
    assert "Worsening" in " ".join(rows["2022/23 year to date (Apr - Oct)"])
    assert "Improving" not in " ".join(rows["2022/23 year to date (Apr - Oct)"])


def catalogue_book(indicator: dict, targets: list[dict], history: list[dict] = ()) -> bytes:
    """A catalogue workbook of one indicator, its targets and figures, cells by heading."""

    def line(columns, cells):
        names = [h.lower().replace(" ", "_").replace("-", "_") for h, _ in columns]
        return [cells.get(name, "") for name in names]

    defaults = {
        "reference": "PT01",
        "title": "Reviews on time",
        "unit": "Percentage",
        "decimal_places": 1,
        "polarity": "H",
        "frequency": "Quarterly",
        "section": "Start Well",
        "service": "Children's Social Care",
    }
    buffer = io.BytesIO()
    build_catalogue_workbook(
        [line(CATALOGUE, {**defaults, **indicator})],
        [line(TARGETS, {"reference": "PT01", **t}) for t in targets],
        [line(HISTORY, {"reference": "PT01", **h}) for h in history],
    ).save(buffer)
    return buffer.getvalue()


def csv_row(client, reference: str, query: str = "") -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(client.get(f"/scorecard/export.csv{query}").text)))
    header = [h.lstrip("\ufeff") for h in rows[0]]
    return next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[1] == reference)


def xlsx_row(client, reference: str, query: str = "") -> dict[str, object]:
    book = load_workbook(io.BytesIO(client.get(f"/scorecard/export.xlsx{query}").content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[1].value == reference:
            return {h: c for h, c in zip(header, cells, strict=True)}
    raise AssertionError(reference)


def test_a_percentage_target_typed_90_percent_is_held_and_printed_with_its_percent(client, priya):
    result = import_catalogue(
        catalogue_book(
            {},
            [{"year": "2017/18", "kind": "Year-end", "target": "90%"}],
            [{"period": "Q3 2017/18", "figure": "87.5%"}],
        ),
        by=priya,
    )
    assert result.problems == []
    assert Target.objects.get().value == Decimal("90")
    page = client.get("/indicators/PT01/").text
    assert table_rows(page)["Q3 2017/18"][3] == "90.0%"
    scorecard = client.get("/scorecard/").text
    assert "90.0%" in column_text(scorecard, "Target")
    assert csv_row(client, "PT01")["Target"] == "90.0%"
    cell = xlsx_row(client, "PT01")["Target"]  # as Excel holds a percentage
    assert cell.value == 0.9 and cell.number_format == "0.0%"
    # The Targets sheet of the exported catalogue writes it back as typed.
    client.force_login(priya)
    exported = load_workbook(io.BytesIO(client.get("/returns/catalogue/export.xlsx").content))
    target = exported["Targets"]["E2"]
    assert (target.value, target.number_format) == (0.9, "0.0%")


def test_targets_in_other_units_print_in_the_figures_unit(client, make_indicator):
    days = make_indicator(unit="days", decimal_places=1, polarity="low")
    record_value(indicator=days, period=parse_period("2017/18"), value=Decimal("9.2"))
    set_target(indicator=days, year=parse_period("2017/18"), kind="year_end", value=Decimal(8))
    points = make_indicator(unit="percentage", decimal_places=1)
    record_value(indicator=points, period=parse_period("2017/18"), value=Decimal("31"))
    set_target(
        indicator=points,
        year=parse_period("2017/18"),
        kind="baseline",
        baseline=Decimal(30),
        change=Decimal(2),
        change_is_percent=False,
    )
    assert table_rows(client.get(f"/indicators/{days.reference}/").text)["2017/18"][3] == (
        "8.0 days"
    )
    assert table_rows(client.get(f"/indicators/{points.reference}/").text)["2017/18"][3] == (
        "32.0% (increase by 2.0 percentage points from 30.0%)"
    )


def profiled_indicator(make_indicator):
    indicator = make_indicator(unit="percentage", decimal_places=1, frequency="monthly")
    year = parse_period("2017/18")
    record_value(indicator=indicator, period=parse_period("Apr - Oct 2017"), value=Decimal(50))
    set_target(indicator=indicator, year=year, kind="year_end", value=Decimal("55.1"))
    set_target(
        indicator=indicator,
        year=year,
        period=parse_period("Apr - Oct 2017"),
        kind="profiled",
        value=Decimal("49.6"),
    )
    return indicator


def test_a_profiled_target_is_printed_with_the_year_end_target(client, make_indicator):
    indicator = profiled_indicator(make_indicator)
    shown = "49.6% (Apr-Oct); year end 55.1%"
    row = table_rows(client.get(f"/indicators/{indicator.reference}/").text)[
        "2017/18 year to date (Apr - Oct)"
    ]
    assert row[3] == shown and "On track" in row[4]
    query = "?year=2017/18&period=Q3"
    assert shown in column_text(client.get(f"/scorecard/{query}").text, "Target")
    assert csv_row(client, indicator.reference, query)["Target"] == shown
    cells = xlsx_row(client, indicator.reference, query)
    assert (cells["Target"].value, cells["Target"].number_format) == (0.496, "0.0%")
    assert cells["Target note"].value == "Apr-Oct; year end 55.1%"


def stretch_indicator(make_indicator):
    indicator = make_indicator(
        unit="days", decimal_places=1, polarity="low", title="Sickness absence"
    )
    set_target(
        indicator=indicator,
        year=parse_period("2021/22"),
        kind="stretch",
        value=Decimal(8),
        by_year=parse_period("2025/26"),
    )
    return indicator


def test_a_stretch_goal_years_away_does_not_rate_a_figure_with_no_path(client, make_indicator):
    indicator = stretch_indicator(make_indicator)
    record_value(indicator=indicator, period=parse_period("Q2 2022/23"), value=Decimal("9.5"))
    row = table_rows(client.get(f"/indicators/{indicator.reference}/").text)["Q2 2022/23"]
    assert row[3] == "stretch goal 8.0 days by 2025/26"
    assert row[4] == "Not rated stretch goal for 2025/26; no path set for 2022/23"
    query = "?year=2022/23&period=Q2"
    record = csv_row(client, indicator.reference, query)
    assert record["Target"] == "stretch goal 8.0 days by 2025/26"
    assert record["Rating"] == "Not rated (stretch goal for 2025/26; no path set for 2022/23)"
    page = client.get(f"/scorecard/{query}").text
    assert "stretch goal for 2025/26; no path set for 2022/23" in page
    # Not counted as off track: the scorecard's summary holds it among those not rated.
    summary = page[page.index('id="summary"') : page.index("</p>", page.index('id="summary"'))]
    assert ">0 require improvement</a>" in summary and ">1 not rated</a>" in summary


def test_a_path_toward_the_stretch_goal_rates_the_years_before_it(client, make_indicator):
    indicator = stretch_indicator(make_indicator)
    set_target(
        indicator=indicator, year=parse_period("2022/23"), kind="year_end", value=Decimal("9")
    )
    record_value(indicator=indicator, period=parse_period("2022/23"), value=Decimal("9.5"))
    record_value(indicator=indicator, period=parse_period("2025/26"), value=Decimal("7.9"))
    rows = table_rows(client.get(f"/indicators/{indicator.reference}/").text)
    assert rows["2022/23"][3] == "9.0 days; stretch goal 8.0 days by 2025/26"
    assert rows["2022/23"][4] == "■ Requires improvement"
    assert rows["2025/26"][3] == "8.0 days by 2025/26"
    assert rows["2025/26"][4] == "● On track"


def test_a_stretch_goal_is_shown_before_there_is_any_figure(client, make_indicator):
    indicator = stretch_indicator(make_indicator)
    other = make_indicator()
    record_value(indicator=other, period=parse_period("Q1 2022/23"), value=Decimal(5))
    page = client.get(f"/indicators/{indicator.reference}/").text
    assert "Stretch goal" in page and "8.0 days by 2025/26 (set in 2021/22)" in page
    scorecard = client.get("/scorecard/?year=2022/23&period=Q1").text
    assert "stretch goal 8.0 days by 2025/26" in column_text(scorecard, "Target")


def judge(client, indicator, period: str, rating: str, reason: str):
    figure = Value.objects.published().get(indicator=indicator, period=parse_period(period))
    return client.post(
        f"/indicators/{indicator.reference}/judgement/",
        {"figure": figure.pk, "rating": rating, "reason": reason},
        follow=True,
    )


def test_the_performance_team_rates_a_figure_by_judgement_with_its_reason(
    client, make_indicator, priya
):
    indicator = rated_indicator(make_indicator, reference="SW02")  # 34.8% against 40: red
    client.force_login(priya)
    reason = "Two large sibling groups entered care in one week"
    response = judge(client, indicator, "Q3 2017/18", "amber", reason)
    assert "Q3 2017/18 is rated slightly below by judgement." in response.text
    row = table_rows(response.text)["Q3 2017/18"]
    assert row[4] == f"▲ Slightly below (judgement) {reason}"
    # In the audit trail, with who set it.
    parser = _Rows()
    parser.feed(response.text)
    assert any(
        r[1] == priya.username
        and r[2] == "Value Q3 2017/18 (changed)"
        and f"Rating by judgement: – → amber Reason for the judgement: – → {reason}" in r[3]
        for r in parser.rows
        if len(r) == 4
    )
    page = client.get("/scorecard/").text
    assert "Slightly below (judgement)" in page and reason in page
    summary = page[page.index('id="summary"') : page.index("</p>", page.index('id="summary"'))]
    assert ">1 slightly below</a>" in summary and ">0 require improvement</a>" in summary
    assert csv_row(client, "SW02")["Rating"] == f"Slightly below (judgement): {reason}"
    assert xlsx_row(client, "SW02")["Rating"].value == f"Slightly below (judgement): {reason}"
    # Back to the computed rating.
    response = judge(client, indicator, "Q3 2017/18", "", "")
    assert "Requires improvement" in table_rows(response.text)["Q3 2017/18"][4]


def test_a_judgement_needs_a_reason_and_only_the_team_can_set_one(
    client, make_indicator, priya, alice
):
    indicator = rated_indicator(make_indicator, reference="SW02", owner=alice)
    client.force_login(priya)
    response = judge(client, indicator, "Q3 2017/18", "green", "  ")
    assert "Reason: Give the reason for the judgement." in response.text
    assert not Value.objects.exclude(judged_rag="").exists()
    client.force_login(alice)
    response = judge(client, indicator, "Q3 2017/18", "green", "Because")
    assert response.status_code == 403
    assert not Value.objects.exclude(judged_rag="").exists()
    assert "Rate a figure by judgement" not in client.get("/indicators/SW02/").text


def test_the_accountable_officer_is_shown_by_name_and_e_mail(client, make_indicator, alice):
    alice.first_name, alice.last_name, alice.email = "Alice", "Jones", "alice.jones@example.org"
    alice.save()
    indicator = make_indicator(owner=alice)
    page = client.get(f"/indicators/{indicator.reference}/").text
    assert (
        'Alice Jones (<a class="govuk-link" href="mailto:alice.jones@example.org">'
        "alice.jones@example.org</a>)"
    ) in page
    # An account with no name yet shows its e-mail as an e-mail, not as a name.
    alice.first_name = alice.last_name = ""
    alice.username = "alice.jones@example.org"
    alice.save()
    page = client.get(f"/indicators/{indicator.reference}/").text
    assert (
        '<dd class="govuk-summary-list__value"><a class="govuk-link" '
        'href="mailto:alice.jones@example.org">alice.jones@example.org</a></dd>'
    ) in page


def test_a_target_with_no_number_still_says_which_way_is_good(client, make_indicator, priya):
    result = import_catalogue(
        catalogue_book(
            {"polarity": "L"},
            [{"year": "2017/18", "kind": "None", "note": "New measure"}],
            [{"period": "Q3 2017/18", "figure": "12.5%"}],
        ),
        by=priya,
    )
    assert result.problems == []
    row = table_rows(client.get("/indicators/PT01/").text)["Q3 2017/18"]
    assert row[3] == "No target set; good is low" and row[4] == "Not rated"
    assert csv_row(client, "PT01")["Target"] == "No target set; good is low"


def test_a_baseline_target_with_its_year_and_phasing_is_printed_as_papers_set_it(
    client, make_indicator, priya
):
    indicator = make_indicator(unit="percentage", decimal_places=1, reference="PT09")
    client.force_login(priya)
    response = client.post(
        "/admin/indicators/target/add/",
        {
            "indicator": indicator.pk,
            "year": "2025/26",
            "kind": "baseline",
            "baseline": "30",
            "change": "20",
            "change_is_percent": "on",
            "increase": "on",
            "baseline_year": "2021/22",
            "phased_years": "3",
            "note": "",
        },
    )
    assert response.status_code == 302, response.text
    record_value(indicator=indicator, period=parse_period("2025/26"), value=Decimal("37"))
    row = table_rows(client.get("/indicators/PT09/").text)["2025/26"]
    assert row[3] == (
        "36.0% (increase by 20% from 30.0% in 2021/22, by 2025/26, phased over three years)"
    )
    assert "On track" in row[4]
    # A baseline year after the target's is refused, and nothing is saved.
    response = client.post(
        "/admin/indicators/target/add/",
        {
            "indicator": indicator.pk,
            "year": "2026/27",
            "kind": "baseline",
            "baseline": "30",
            "change": "20",
            "change_is_percent": "on",
            "increase": "on",
            "baseline_year": "2027/28",
            "note": "",
        },
    )
    assert "The baseline year (2027/28) must come before the target&#x27;s year" in response.text
    assert Target.objects.count() == 1
