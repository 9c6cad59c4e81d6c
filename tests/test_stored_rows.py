"""A published quarter's scorecard rows, stored when it is published: exactly what the live
computation gives, for every quarter of the demo council and of a generated one, and worked
out again when a later publication reaches them."""

from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from comparators.imports import import_comparators
from comparators.models import ComparatorValue
from indicators.models import Indicator, Target, Value
from indicators.periods import FinancialQuarter, Snapshot, parse_period
from published_rows.models import StoredQuarter, StoredRow
from published_rows.services import refresh_indicators, store_quarter
from published_rows.tasks import store_published_quarters
from recovery_plans.models import RecoveryPlan
from reporting.stored_rows import decode_row, encode_row, live_rows
from returns.workflow import Entry, save_entry, sign_off
from tests.factories import bulk_scorecard

Q2 = parse_period("Q2 2017/18")
Q3 = parse_period("Q3 2017/18")


def stored(quarter) -> dict[int, dict]:
    return {
        row.indicator_id: row.data
        for row in StoredRow.objects.filter(stored_quarter__quarter=quarter)
    }


def live(quarter) -> dict[int, dict]:
    return {row.indicator.pk: encode_row(row) for row in live_rows(quarter)}


def reported_quarters() -> list[FinancialQuarter]:
    """Every quarter from the first published figure's to the latest's."""
    ends = sorted(Value.objects.published().values_list("period_end", flat=True))
    first, last = Snapshot(ends[0]).financial_quarter, Snapshot(ends[-1]).financial_quarter
    quarters = [last]
    while quarters[0] != first:
        quarters.insert(0, quarters[0].previous())
    return quarters


def test_every_quarter_of_the_demo_council_is_stored_as_computed_live(demo_council):
    quarters = reported_quarters()
    assert len(quarters) > 8
    for quarter in quarters:
        store_quarter(quarter)
    # A figure of an earlier quarter, revised, reaches the later quarters' rows.
    value = Value.objects.published().filter(value__isnull=False).order_by("period_end").first()
    refresh_indicators([value.indicator_id], since=value.period.start)
    for quarter in quarters:
        assert stored(quarter) == live(quarter), quarter
    assert any(data["rag"] for quarter in quarters for data in stored(quarter).values())


def test_every_quarter_of_a_generated_council_is_stored_as_computed_live(make_indicator):
    bulk_scorecard(make_indicator, 12, periods=12)
    quarters = [FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(12)]
    for quarter in quarters:
        store_quarter(quarter)
    for quarter in quarters:
        rows = stored(quarter)
        assert len(rows) == 12
        assert rows == live(quarter), quarter
    # SPC is stored too once there are enough points.
    assert any(data["variation"] for data in stored(quarters[-1]).values())


@pytest.fixture
def signed_off(make_indicator, alice, priya):
    measure = make_indicator(owner=alice, reference="A1")
    Target.objects.create(indicator=measure, year=Q3.financial_year, kind="year_end", value=40)
    save_entry(indicator=measure, period=Q2, entry=Entry(Decimal("41.0")), by=alice, submit=True)
    sign_off(values=list(Value.objects.filter(state="submitted")), by=priya)
    return measure


def publish(client, quarter):
    year, period = str(quarter.financial_year).replace("/", "-"), f"Q{quarter.quarter}"
    return client.post(
        f"/returns/{year}/{period}/review/", {"action": "publish", "confirm": "yes"}, follow=True
    )


def test_publishing_a_quarter_stores_its_rows_in_the_same_request(client, signed_off, alice, priya):
    client.force_login(priya)
    assert not StoredQuarter.objects.exists()
    assert "figures now public" in publish(client, Q2).text
    rows = stored(Q2)
    assert rows == live(Q2)
    assert rows[signed_off.pk]["current"]["text"] == "41.0%"
    assert rows[signed_off.pk]["rag"] == "green"


def test_a_published_revision_refreshes_the_later_quarters_it_reaches(
    client, signed_off, alice, priya
):
    client.force_login(priya)
    publish(client, Q2)
    save_entry(indicator=signed_off, period=Q3, entry=Entry(Decimal("45.0")), by=alice, submit=True)
    sign_off(values=list(Value.objects.filter(state="submitted")), by=priya)
    publish(client, Q3)
    assert stored(Q3)[signed_off.pk]["history"][-1]["text"] == "41.0%"
    # Q2's figure is corrected and the correction published: Q3's history column follows.
    current = Value.objects.current().get(indicator=signed_off, period=Q2)
    save_entry(
        indicator=signed_off,
        period=Q2,
        entry=Entry(Decimal("40.5")),
        by=alice,
        submit=True,
        expected_version=current.version,
    )
    sign_off(values=list(Value.objects.filter(state="submitted")), by=priya)
    publish(client, Q2)
    assert stored(Q2)[signed_off.pk]["current"]["text"] == "40.5% (revised)"
    assert stored(Q3)[signed_off.pk]["history"][-1]["text"] == "40.5% (revised)"
    for quarter in (Q2, Q3):
        assert stored(quarter) == live(quarter)


def test_a_judgement_on_a_published_figure_refreshes_its_stored_rows(client, signed_off, priya):
    client.force_login(priya)
    publish(client, Q2)
    figure = Value.objects.published().get(indicator=signed_off, period=Q2)
    client.post(
        f"/indicators/{signed_off.reference}/judgement/",
        {"figure": figure.pk, "rating": "amber", "reason": "Fewer referrals than planned."},
    )
    row = stored(Q2)[signed_off.pk]
    assert (row["rag"], row["judged"], row["rag_reason"]) == (
        "amber",
        True,
        "Fewer referrals than planned.",
    )
    assert stored(Q2) == live(Q2)


def test_a_process_change_refreshes_the_stored_spc_of_every_quarter(client, make_indicator, priya):
    bulk_scorecard(make_indicator, 1, periods=12)
    quarters = [FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(12)]
    for quarter in quarters:
        store_quarter(quarter)
    indicator = StoredRow.objects.first().indicator
    client.force_login(priya)
    client.post(
        f"/indicators/{indicator.reference}/process-changes/",
        {"period": quarters[6].key, "reason": "A new referral route."},
    )
    assert indicator.process_changes.exists()
    for quarter in quarters:
        assert stored(quarter) == live(quarter), quarter


def test_a_stored_row_reads_back_as_the_row_it_was(make_indicator):
    bulk_scorecard(make_indicator, 6, periods=12)
    quarter = FinancialQuarter(2015, 4)
    store_quarter(quarter)
    indicators = {i.pk: i for i in Indicator.objects.all()}
    for row in StoredRow.objects.filter(stored_quarter__quarter=quarter):
        decoded = decode_row(row.data, indicators[row.indicator_id])
        assert encode_row(decoded) == row.data
        assert decoded.current.figure.indicator is indicators[row.indicator_id]


def _pages(client, quarter) -> dict[str, bytes]:
    """The scorecard page, filtered pages and its exports for a quarter, as served."""
    year, period = str(quarter.financial_year), f"Q{quarter.quarter}"
    pages = {}
    for name, extra in (
        ("page", {}),
        ("red", {"rag": "red"}),
        ("worsening", {"direction": "worsening"}),
        ("no plan", {"plan": "needed"}),
        ("common cause", {"variation": "common"}),
        ("words", {"q": "a"}),
        ("csv", {}),
        # Sorted by each column the page sorts by, both ways for some.
        *(
            (f"sorted by {column}", {"sort": column})
            for column in (
                "measure",
                "polarity",
                "history_0",
                "current",
                "-current",
                "target",
                "rag",
                "-direction",
                "forecast",
                "variation",
                "-assurance",
                "comparator_England average",
            )
        ),
    ):
        url = "/scorecard/export.csv" if name == "csv" else "/scorecard/"
        response = client.get(url, {"year": year, "period": period, **extra})
        assert response.status_code == 200
        pages[name] = response.content
    xlsx = client.get("/scorecard/export.xlsx", {"year": year, "period": period})
    pages["xlsx"] = [
        [cell.value for cell in line] for line in load_workbook(BytesIO(xlsx.content)).active.rows
    ]
    return pages


def test_the_scorecard_and_its_exports_read_from_stored_rows_are_those_worked_out_live(
    client, demo_council, monkeypatch
):
    quarters = reported_quarters()
    StoredQuarter.objects.all().delete()
    live_pages = {quarter: _pages(client, quarter) for quarter in quarters}
    for quarter in quarters:
        store_quarter(quarter)

    def not_live(*args, **kwargs):
        raise AssertionError("a stored quarter's rows were worked out again")

    monkeypatch.setattr("indicators.views.build_rows", not_live)
    for quarter in quarters:
        assert _pages(client, quarter) == live_pages[quarter], quarter
    assert b"Requires improvement" in live_pages[quarters[-1]]["red"]


def test_a_stored_quarter_costs_the_same_queries_for_any_number_of_rows(client, make_indicator):
    bulk_scorecard(make_indicator, 10, periods=8)
    quarter = FinancialQuarter(2014, 4)
    store_quarter(quarter)
    url = f"/scorecard/?year={quarter.financial_year}&period=Q4"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    bulk_scorecard(make_indicator, 40, periods=8)
    store_quarter(quarter)
    with CaptureQueriesContext(connection) as many:
        assert b"T050" in client.get(url).content
    assert len(many) == len(few)


def test_loading_the_demo_council_stores_every_quarter_it_has_published(demo_council):
    assert sorted(s.quarter for s in StoredQuarter.objects.all()) == reported_quarters()
    for quarter in reported_quarters():
        assert stored(quarter) == live(quarter), quarter


def test_closing_a_recovery_plan_on_its_page_refreshes_the_plan_notes(client, demo_council):
    plan = RecoveryPlan.objects.filter(closed_on__isnull=True).first()
    before = {quarter: stored(quarter) for quarter in reported_quarters()}
    client.force_login(User.objects.get(username="performance"))
    response = client.post(
        f"/recovery-plans/{plan.pk}/close/",
        {"closed_on": plan.opened_on.isoformat(), "reason": "Replaced by the service's own plan"},
    )
    assert response.status_code == 302
    after = {quarter: stored(quarter) for quarter in reported_quarters()}
    assert after != before
    for quarter in reported_quarters():
        assert after[quarter] == live(quarter), quarter


def test_an_imported_benchmark_refreshes_the_stored_rankings(demo_council):
    # The council's own latest figure of a compared measure: its rank among the others moves.
    figure = (
        ComparatorValue.objects.filter(
            measure__indicator__isnull=False, value__isnull=False, area__is_council=True
        )
        .select_related("measure", "area")
        .order_by("-period_end", "pk")
        .first()
    )
    changed = figure.value - 1 if figure.value >= 1 else figure.value / 2
    before = {quarter: stored(quarter) for quarter in reported_quarters()}
    result = import_comparators(
        (
            "Measure code,Area code,Area name,Area type,Period,Value\n"
            f"{figure.measure.code},{figure.area.code},{figure.area.name},"
            f"{figure.area.get_kind_display()},{figure.period},{changed}\n"
        ).encode()
    )
    assert result.replaced == 1, result.summary()
    after = {quarter: stored(quarter) for quarter in reported_quarters()}
    assert after != before
    for quarter in reported_quarters():
        assert after[quarter] == live(quarter), quarter


def test_an_indicator_changed_in_the_admin_refreshes_its_stored_rows(client, demo_council):
    from tests.admin_forms import change_form_data

    indicator = Indicator.objects.filter(polarity="high").first()
    client.force_login(User.objects.get(username="admin"))
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    data = change_form_data(client.get(url))
    data["title"] = "Renamed in the admin"
    data["polarity"] = "low"
    assert client.post(url, data).status_code == 302
    latest = reported_quarters()[-1]
    assert stored(latest)[indicator.pk] == live(latest)[indicator.pk]
    assert stored(latest) == live(latest)


def test_a_catalogue_history_is_stored_by_the_task_worker_once_imported(
    make_indicator, django_capture_on_commit_callbacks
):
    bulk_scorecard(make_indicator, 3, periods=8)
    with django_capture_on_commit_callbacks(execute=True):
        store_published_quarters.enqueue()
    assert sorted(s.quarter for s in StoredQuarter.objects.all()) == [
        FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(8)
    ]


def test_rows_stored_by_other_code_are_worked_out_live_until_stored_again(
    client, demo_council, monkeypatch
):
    """After an upgrade, a quarter whose rows an earlier release stored is not read (its
    markup or encoding may differ); a change leaves it be, and `store_published_rows --stale`
    stores it again."""
    quarter = reported_quarters()[-1]
    url = f"/scorecard/?year={quarter.financial_year}&period=Q{quarter.quarter}"
    expected = client.get(url).content
    StoredQuarter.objects.filter(quarter=quarter).update(code_version="earlier")
    StoredRow.objects.filter(stored_quarter__quarter=quarter).update(
        head="<tr><td>stale-markup</td>"
    )
    assert client.get(url).content == expected  # worked out live
    indicator = Indicator.objects.first()
    indicator.title = indicator.title + " (renamed)"
    indicator.save()
    assert StoredRow.objects.filter(
        stored_quarter__quarter=quarter, head__contains="stale-markup"
    ).exists()

    out = StringIO()
    call_command("store_published_rows", "--stale", stdout=out)
    assert out.getvalue() == "Stored the scorecard rows of 1 quarters.\n"
    assert not StoredRow.objects.filter(head__contains="stale-markup").exists()

    def not_live(*args, **kwargs):
        raise AssertionError("a stored quarter's rows were worked out again")

    monkeypatch.setattr("indicators.views.build_rows", not_live)
    assert "(renamed)" in client.get(url).content.decode()
