"""A comparator's published 95% confidence interval and the council's rank, printed beside
it wherever the scorecard is printed (the page, its CSV and Excel exports, the agenda pack's
performance appendix, the indicator page), entered by hand in the admin with its checks, and
comparator names held once per indicator and period whatever their case."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import Comparator
from indicators.periods import parse_period
from indicators.services import record_comparator
from meetings.models import Appendix
from tests.admin_forms import change_form_data
from tests.factories import agenda, obese_adults, rated_indicator
from tests.test_comparator_formats import _lancashire_in_the_north_west, mapped  # noqa: F401
from tests.test_meetings import publish, stored

pytestmark = pytest.mark.django_db

SCORECARD = "/scorecard/?year=2017/18&period=Q4"
PRINTED = "13.8% (95% CI 13.1% to 14.5%); 110th of 150 (2016/17)"


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def obesity(make_indicator):
    """A measure with an England average published with its interval and the council's rank
    among 150 authorities, for the year before the scorecard's."""
    return obese_adults(make_indicator)


def test_the_scorecard_prints_the_england_average_with_its_interval_rank_and_period(
    client, obesity
):
    page = one_line(client.get(SCORECARD).text)
    assert ">England average<" in page
    assert PRINTED in page


def test_the_csv_export_prints_the_interval_and_rank_beside_the_comparator(client, obesity):
    text = client.get("/scorecard/export.csv?year=2017/18&period=Q4").content.decode("utf-8-sig")
    header, *records = list(csv.reader(io.StringIO(text)))
    row = next(r for r in records if r[1] == "LW03")
    assert row[header.index("England average")] == PRINTED


def test_the_excel_export_gives_the_interval_rank_period_and_source_columns(client, obesity):
    book = load_workbook(
        io.BytesIO(client.get("/scorecard/export.xlsx?year=2017/18&period=Q4").content)
    )
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "LW03")
    cell = {name: row[header.index(name)] for name in header}
    # Percentages as Excel holds them (13.8% is 0.138): numbers Excel can chart as error
    # bars, printed as the page prints them.
    assert cell["England average"].value == pytest.approx(0.138)
    assert cell["England average 95% CI lower"].value == pytest.approx(0.131)
    assert cell["England average 95% CI upper"].value == pytest.approx(0.145)
    assert cell["England average 95% CI lower"].number_format == (
        cell["England average"].number_format
    )
    assert cell["England average period"].value == "2016/17"
    assert cell["England average rank"].value == "110th of 150"
    assert cell["England average source"].value == "OHID Fingertips, May 2018"
    order = [h for h in header if h.startswith("England average")]
    assert order == [
        "England average",
        "England average 95% CI lower",
        "England average 95% CI upper",
        "England average period",
        "England average rank",
        "England average source",
    ]


def test_the_excel_export_has_no_interval_columns_when_no_comparator_has_one(
    client, make_indicator
):
    indicator = rated_indicator(make_indicator, figures=[("Q4 2017/18", "15.2")])
    record_comparator(
        indicator=indicator, period=parse_period("2016/17"), kind="england", value=Decimal("13.8")
    )
    book = load_workbook(
        io.BytesIO(client.get("/scorecard/export.xlsx?year=2017/18&period=Q4").content)
    )
    header = [cell.value for cell in book.active[1]]
    assert "England average" in header
    assert not [h for h in header if "CI" in h or h.endswith((" rank", " source"))]


def test_the_indicator_page_lists_the_comparator_with_its_interval(client, obesity):
    page = one_line(client.get("/indicators/LW03/").text)
    assert "13.8% (95% CI 13.1% to 14.5%)" in page
    assert "110th of 150" in page and "OHID Fingertips, May 2018" in page


def test_the_agenda_packs_performance_appendix_prints_the_interval_and_rank(clara, obesity):
    meeting = agenda()
    Appendix.objects.create(
        report=meeting.items.get(kind="report").report,
        letter="A",
        title="Performance Summary",
        kind="performance",
        quarter=parse_period("Q4 2017/18"),
    )
    issue = publish(meeting, by=clara)
    reader = PdfReader(io.BytesIO(stored(issue.public_pack)))
    text = one_line(" ".join(page.extract_text() for page in reader.pages))
    assert "Obese adults" in text
    assert PRINTED in text


@pytest.mark.usefixtures("mapped")
def test_a_rank_among_other_councils_is_printed_with_the_published_averages_interval(client):
    """Imported from a Fingertips file: the council's standing in the North West, and the
    region's published average with its interval, in the page's column and both exports."""
    _lancashire_in_the_north_west()
    expected = (
        "North West: 1st of 3, published average 64.6% (95% CI 64.1% to 65.0%); mean of the 3 "
        "councils 61.9% (2019/20)"
    )
    query = "year=2020/21&period=Q1"
    assert expected in one_line(client.get(f"/scorecard/?{query}").text)
    text = client.get(f"/scorecard/export.csv?{query}").content.decode("utf-8-sig")
    header, *records = list(csv.reader(io.StringIO(text)))
    row = next(r for r in records if r[1] == "PH01")
    among = row[header.index("Among other councils")]
    assert among == f"England: average 66.4% (95% CI 66.3% to 66.6%) (2019/20); {expected}"
    book = load_workbook(io.BytesIO(client.get(f"/scorecard/export.xlsx?{query}").content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    cells = {
        r[1].value: r[header.index("Among other councils")].value
        for r in sheet.iter_rows(min_row=2)
    }
    assert cells["PH01"] == among


# Entered by hand in the admin -------------------------------------------------------------


def change_url(indicator) -> str:
    return reverse("admin:indicators_indicator_change", args=[indicator.pk])


def _inline_rows(client, indicator, *rows: dict) -> dict:
    """The indicator's change form as the browser sends it, with new comparator rows."""
    data = change_form_data(client.get(change_url(indicator)))
    held = int(data["comparators-TOTAL_FORMS"])
    data["comparators-TOTAL_FORMS"] = str(held + len(rows))
    for number, row in enumerate(rows, start=held):
        for field, value in row.items():
            data[f"comparators-{number}-{field}"] = value
    return data


ENGLAND = {"period": "2016/17", "kind": "england", "name": "", "value": "13.8"}


def test_the_admin_saves_a_comparator_with_its_interval_and_rank(client, priya, make_indicator):
    indicator = make_indicator(reference="LW03")
    client.force_login(priya)
    data = _inline_rows(
        client,
        indicator,
        {**ENGLAND, "lower_ci": "13.1", "upper_ci": "14.5", "rank": "110", "rank_of": "150"},
    )
    assert client.post(change_url(indicator), data).status_code == 302
    (saved,) = indicator.comparators.all()
    assert saved.interval == (Decimal("13.1"), Decimal("14.5"))
    assert (saved.rank, saved.rank_of, saved.label) == (110, 150, "England average")
    assert saved.history.latest().history_user == priya


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"lower_ci": "14.0", "upper_ci": "14.5"},
            "The lower limit 14 is above the figure 13.8: an interval contains its figure.",
        ),
        (
            {"lower_ci": "13.1", "upper_ci": "13.5"},
            "The upper limit 13.5 is below the figure 13.8: an interval contains its figure.",
        ),
        (
            {"lower_ci": "13.1"},
            "A 95% confidence interval is printed with both its limits, &quot;13.1 to 14.5&quot;: "
            "give both.",
        ),
        (
            {"value": "", "lower_ci": "13.1", "upper_ci": "14.5", "rank": "3", "rank_of": "9"},
            "A confidence interval is printed around a figure: give the figure.",
        ),
        ({"rank": "151", "rank_of": "150"}, "A rank of 151 out of 150 is not possible."),
        ({"rank": "0", "rank_of": "150"}, "A rank of 0 out of 150 is not possible."),
        ({"rank": "-3", "rank_of": "150"}, "Ensure this value is greater than or equal to 0."),
        ({"rank": "2.5", "rank_of": "150"}, "Enter a whole number."),
        ({"rank": "110"}, "A rank is printed with how many were ranked"),
    ],
)
def test_a_bad_interval_or_rank_names_its_field_and_saves_nothing(
    client, priya, make_indicator, row, message
):
    indicator = make_indicator(reference="LW03", title="Obese adults")
    client.force_login(priya)
    data = _inline_rows(client, indicator, {**ENGLAND, **row})
    data["title"] = "Changed title"
    response = client.post(change_url(indicator), data)
    assert response.status_code == 200
    assert message in response.text
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "comparators"
    )
    (errors,) = [form.errors for form in formset.forms if form.errors]
    field = next(
        name
        for name, texts in errors.items()
        if any(message.replace("&quot;", '"') in t for t in texts)
    )
    assert field in {"lower_ci", "upper_ci", "value", "rank", "rank_of"}
    indicator.refresh_from_db()
    assert indicator.title == "Obese adults" and not indicator.comparators.exists()


def test_a_name_held_in_another_case_is_refused_in_the_admin(client, priya, make_indicator):
    indicator = make_indicator(reference="LW03")
    record_comparator(
        indicator=indicator, period=parse_period("2016/17"), kind="england", value=Decimal("13.8")
    )
    client.force_login(priya)
    data = _inline_rows(client, indicator, {**ENGLAND, "name": "england AVERAGE", "value": "14"})
    response = client.post(change_url(indicator), data)
    assert response.status_code == 200
    assert (
        "&quot;England average&quot; is already held for 2016/17: names are matched whatever "
        "their case, so change that comparator rather than add another." in response.text
    )
    assert [c.value for c in indicator.comparators.all()] == [Decimal("13.8")]


def test_two_new_rows_of_one_name_in_different_cases_are_refused_together(
    client, priya, make_indicator
):
    indicator = make_indicator(reference="LW03")
    client.force_login(priya)
    data = _inline_rows(
        client,
        indicator,
        {**ENGLAND, "kind": "region", "name": "East Midlands average"},
        {**ENGLAND, "kind": "region", "name": "east midlands AVERAGE", "value": "14"},
    )
    response = client.post(change_url(indicator), data)
    assert response.status_code == 200
    assert (
        "&quot;east midlands AVERAGE&quot; for 2016/17 is also on another row as &quot;East "
        "Midlands average&quot;" in response.text
    )
    assert not indicator.comparators.exists()


def test_the_comparator_admins_own_form_refuses_a_name_in_another_case(
    client, priya, make_indicator
):
    indicator = make_indicator(reference="LW03")
    record_comparator(
        indicator=indicator, period=parse_period("2016/17"), kind="england", value=Decimal("13.8")
    )
    client.force_login(priya)
    response = client.post(
        reverse("admin:indicators_comparator_add"),
        {"indicator": indicator.pk, "period": "2016/17", "kind": "england",
         "name": "ENGLAND average", "value": "14", "lower_ci": "13", "upper_ci": "15"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "is already held for 2016/17" in response.text
    assert Comparator.objects.count() == 1


def test_the_database_holds_one_comparator_per_name_whatever_its_case(make_indicator):
    indicator = make_indicator()
    period = parse_period("2016/17")
    fields = {"indicator": indicator, "period": period, "kind": "england"}
    Comparator.objects.create(**fields, name="England average", value=Decimal("13.8"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparator.objects.create(**fields, name="ENGLAND AVERAGE", value=Decimal("14"))
    Comparator.objects.create(
        **{**fields, "period": parse_period("2017/18")}, name="England average", value=Decimal("14")
    )
    assert Comparator.objects.count() == 2


def test_recording_a_comparator_again_in_another_case_changes_the_one_held(make_indicator):
    indicator = make_indicator()
    period = parse_period("2016/17")
    record_comparator(
        indicator=indicator, period=period, kind="region", name="North West average",
        value=Decimal("13.8"),
    )  # fmt: skip
    record_comparator(
        indicator=indicator, period=period, kind="region", name="north west average",
        value=Decimal("14.1"), lower_ci=Decimal("13.9"), upper_ci=Decimal("14.3"),
    )  # fmt: skip
    (held,) = indicator.comparators.all()
    assert (held.name, held.value, held.interval) == (
        "north west average",
        Decimal("14.1"),
        (Decimal("13.9"), Decimal("14.3")),
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_at_names_held_twice_in_different_cases_and_names_them():
    before = [("indicators", "0007_comparator_names_and_ranks")]
    after = [("indicators", "0008_comparator_intervals_and_names_in_any_case")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    section = old.get_model("indicators", "Section").objects.create(name="Live Well")
    service = old.get_model("indicators", "Service").objects.create(name="Public health")
    indicator = old.get_model("indicators", "Indicator").objects.create(
        reference="LW03", title="Obese adults", section=section, service=service,
        unit="percentage", decimal_places=1, polarity="low", frequency="quarterly",
    )  # fmt: skip
    period = parse_period("2016/17")
    for name in ("England average", "england average"):
        old.get_model("indicators", "Comparator").objects.create(
            indicator=indicator, period=period, period_start=period.start,
            period_end=period.end, kind="england", name=name, value=Decimal("13.8"),
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    with pytest.raises(RuntimeError, match="LW03 2016/17: 'England average', 'england average'"):
        executor.migrate(after)
    old.get_model("indicators", "Comparator").objects.filter(name="england average").delete()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Comparator.objects.get().name == "England average"
