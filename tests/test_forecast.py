"""The year-end forecast: the maths on hand-worked series, its verdict, and where members
read it (indicator page, scorecard column and filter, exports, drafted summary), and the
backtest that measures how often its range holds the outturn."""

import csv
import io
from decimal import Decimal as D

import pytest

from indicators import forecast as rules
from indicators.models import Indicator
from indicators.periods import FinancialYear, parse_period
from indicators.rag import Polarity, TargetSpec
from indicators.services import record_value, set_target
from reporting.forecast import backtest, year_end_forecast
from reporting.scorecard import build_rows
from reporting.summary import draft

SEASONAL = [D(10), D(20), D(30), D(40)]  # a count whose year is 100, 30% in by Q2


def _years(figures, times=3, outturn=None):
    return [rules.Year(figures, outturn) for _ in range(times)]


# The maths ---------------------------------------------------------------------------------


def test_a_sum_follows_the_share_of_the_year_earlier_years_had_by_now():
    result = rules.forecast(
        so_far=[D(12), D(24)],
        periods=4,
        aggregation="sum",
        earlier=_years(SEASONAL, outturn=D(100)),
        history=SEASONAL * 3 + [D(12), D(24)],
    )
    # 36 so far is 30% of the year, as in every earlier year: 36 / 0.3 = 120, exactly.
    assert result.figure == D(120)
    assert (result.low, result.high) == (D(120), D(120))
    assert result.method is rules.Method.PATTERN and result.errors == 3


def test_a_mean_adds_the_change_earlier_years_saw_over_the_rest_of_the_year():
    earlier = [
        rules.Year([D(50), D(52), D(54), D(56)], D(53)),
        rules.Year([D(40), D(42), D(44), D(46)], D(43)),
        rules.Year([D(60), D(61), D(65), D(66)], D(63)),
    ]
    result = rules.forecast(so_far=[D(70)], periods=4, aggregation="mean", earlier=earlier)
    # Each year ended 3 above its Q1 figure: 70 + 3.
    assert result.figure == D(73)
    assert result.low == result.high == D(73)


def test_a_profile_sets_the_shape_of_the_year():
    # The profile expects 40 by now of a year-end target of 100; 44 is 10% ahead.
    result = rules.forecast(
        so_far=[D(20), D(24)],
        periods=4,
        aggregation="sum",
        history=[D(20), D(24), D(22)],
        profile=(D(40), D(100)),
    )
    assert result.figure == D(110)
    assert result.method is rules.Method.PROFILE


def test_with_no_earlier_year_the_year_so_far_is_carried_forward_with_a_wider_range():
    result = rules.forecast(
        so_far=[D(10), D(20), D(30)], periods=4, aggregation="sum", history=[D(10), D(20), D(30)]
    )
    assert result.figure == D(80)  # 60 in three quarters: 80 in four
    # Spread of 10 per quarter, carried: 10 * sqrt(1 * 4 / 3) * t(2) = 21.8 either side.
    assert result.low.quantize(D("0.1")) == D("58.2")
    assert result.high.quantize(D("0.1")) == D("101.8")
    assert result.errors == 0


def test_too_few_figures_is_too_early_to_forecast():
    with pytest.raises(rules.TooEarly):
        rules.forecast(so_far=[D(10)], periods=4, aggregation="sum", history=[D(10)])


def test_a_percentage_range_stays_within_0_and_100():
    result = rules.forecast(
        so_far=[D(98)],
        periods=4,
        aggregation="mean",
        history=[D(60), D(99), D(98)],
        floor=D(0),
        ceiling=D(100),
    )
    assert result.high == D(100)


def test_the_verdict_reads_the_whole_range_against_the_target_by_polarity():
    ten = TargetSpec.year_end(D(10))
    assert rules.verdict(D(11), D(12), ten, Polarity.HIGH) is rules.Verdict.ON_COURSE
    assert rules.verdict(D(9), D(11), ten, Polarity.HIGH) is rules.Verdict.AT_RISK
    assert rules.verdict(D(8), D(9), ten, Polarity.HIGH) is rules.Verdict.UNLIKELY
    assert rules.verdict(D(8), D(9), ten, Polarity.LOW) is rules.Verdict.ON_COURSE
    assert rules.verdict(D(11), D(12), ten, Polarity.LOW) is rules.Verdict.UNLIKELY
    band = TargetSpec.between(D(3), D(5))
    assert rules.verdict(D("3.5"), D("4.5"), band, Polarity.LOW) is rules.Verdict.ON_COURSE
    assert rules.verdict(D(4), D(6), band, Polarity.LOW) is rules.Verdict.AT_RISK
    assert rules.verdict(D(6), D(7), band, Polarity.LOW) is rules.Verdict.UNLIKELY
    assert rules.verdict(D(1), D(2), ten, Polarity.NONE) is None
    assert [v.words for v in rules.Verdict] == ["on course", "at risk", "unlikely"]


# Read from the database --------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def _counts(make_indicator, *, this_year=("12", "24"), target="110", title="Contacts"):
    """A quarterly count with three identical earlier years (10, 20, 30, 40) and the first
    two quarters of 2017/18."""
    indicator = make_indicator(
        title=title, unit="count", decimal_places=0, aggregation="sum", frequency="quarterly"
    )
    for start in (2014, 2015, 2016):
        for quarter, figure in zip(FinancialYear(start).quarters(), SEASONAL, strict=True):
            record_value(indicator=indicator, period=quarter, value=figure)
    for quarter, figure in zip(FinancialYear(2017).quarters(), this_year, strict=False):
        record_value(indicator=indicator, period=quarter, value=D(figure))
    set_target(indicator=indicator, year=FinancialYear(2017), kind="year_end", value=D(target))
    return indicator


def _for_report(indicator, quarter=None):
    return Indicator.objects.for_report(quarter).get(pk=indicator.pk)


def test_the_forecast_is_printed_in_the_indicators_unit_with_its_verdict(make_indicator):
    forecast = year_end_forecast(_for_report(_counts(make_indicator)))
    assert forecast.sentence == "Forecast year-end: 120 (likely between 120 and 120), on course"


def test_no_forecast_once_the_year_is_complete_or_without_a_target(make_indicator):
    done = _counts(make_indicator, this_year=("12", "24", "36", "48"))
    assert year_end_forecast(_for_report(done)) == "2017/18 is complete: the outturn is known."
    untargeted = make_indicator(frequency="quarterly")
    record_value(indicator=untargeted, period=parse_period("Q1 2017/18"), value=D(40))
    assert year_end_forecast(_for_report(untargeted)) == "There is no year-end target for 2017/18."


def test_the_indicator_page_says_whether_it_will_meet_the_year_end_target(client, make_indicator):
    indicator = _counts(make_indicator, target="130")
    page = client.get(f"/indicators/{indicator.reference}/").content.decode()
    assert "Will it meet the year-end target?" in page
    assert "Forecast year-end: 120 (likely between 120 and 120), unlikely." in page
    assert "This is a forecast after Q2 2017/18, not a result." in page
    assert "share of the year&#x27;s total still to come in 3 earlier years" in page


def test_the_scorecard_shows_the_forecast_and_filters_on_its_verdict(client, make_indicator):
    _counts(make_indicator, title="Met measure", target="110")
    _counts(make_indicator, title="Missed measure", target="130")
    url = "/scorecard/?year=2017/18&period=Q2"
    page = client.get(url).content.decode()
    assert "Year-end forecast" in page
    assert "Forecast: 120 (likely between 120 and 120)" in page and "On course" in page
    unlikely = client.get(url + "&forecast=unlikely").content.decode()
    assert "Missed measure" in unlikely and "Met measure" not in unlikely
    bad = client.get(url + "&forecast=maybe").content.decode()
    assert "There is no such year-end forecast: choose one from the list." in bad


def test_the_scorecard_costs_no_more_queries_with_forecasts(client, make_indicator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _counts(make_indicator)
    url = "/scorecard/?year=2017/18&period=Q2"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        _counts(make_indicator, title=f"Another {n}")
    with CaptureQueriesContext(connection) as six:
        client.get(url)
    assert len(six) == len(one)


def test_exports_carry_the_forecast_headed_as_one(client, make_indicator):
    from openpyxl import load_workbook

    _counts(make_indicator)
    query = "?year=2017/18&period=Q2"
    text = client.get("/scorecard/export.csv" + query).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    columns = ["Forecast year-end", "Forecast year-end low", "Forecast year-end high"]
    assert [row[header.index(c)] for c in columns] == ["120", "120", "120"]
    assert row[header.index("Forecast verdict")] == "On course"
    book = load_workbook(io.BytesIO(client.get("/scorecard/export.xlsx" + query).content))
    head, cells = [[c.value for c in r] for r in book.active.iter_rows()]
    assert cells[head.index("Forecast year-end")] == 120
    assert cells[head.index("Forecast verdict")] == "On course"


def test_the_drafted_summary_warns_of_an_unlikely_year_end_as_a_forecast(make_indicator):
    _counts(make_indicator, title="Number of contacts", target="130")
    quarter = parse_period("Q2 2017/18")
    rows = build_rows(list(Indicator.objects.for_report(quarter)), quarter)
    assert (
        "The number of contacts is forecast to end 2017/18 at 120 (likely between 120 and "
        "120): unlikely to meet its year-end target of 130 (a forecast, not a result)."
    ) in draft(rows, str(quarter)).concerns


def test_the_backtest_counts_forecasts_whose_range_held_the_outturn(make_indicator):
    indicator = make_indicator(unit="count", decimal_places=0, aggregation="sum")
    for start in range(2011, 2016):
        for quarter, figure in zip(FinancialYear(start).quarters(), SEASONAL, strict=True):
            record_value(indicator=indicator, period=quarter, value=figure)
    # Five identical years: the first forecast only after Q3 (three figures), then after
    # Q1, Q2 and Q3 of each later year, all holding the outturn: 13 of 13.
    result = backtest([_for_report(indicator)])
    assert (result.forecasts, result.inside) == (13, 13)
    # A sixth year whose last quarter is ten times the usual falls outside every range
    # stated for it (each is exact, from identical earlier years): 13 of 16.
    for quarter, figure in zip(FinancialYear(2016).quarters(), [10, 20, 30, 400], strict=True):
        record_value(indicator=indicator, period=quarter, value=D(figure))
    result = backtest([_for_report(indicator)])
    assert (result.forecasts, result.inside) == (16, 13)
    assert result.coverage == D(13) / D(16)
