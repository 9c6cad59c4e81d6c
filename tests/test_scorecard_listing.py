"""Which indicators a year reports: the year's corporate scorecard once one has been drawn
up, every indicator until then. One rule (IndicatorQuerySet.in_scorecard), read the same
way by the scorecard page, the performance report appendix, the plans-needed list and the
part-published notice."""

from decimal import Decimal

from indicators.models import Indicator, Scorecard
from indicators.periods import FinancialQuarter, FinancialYear
from indicators.services import record_value
from reporting.appendices import performance_tables
from reporting.quarters import part_published
from tests.test_spc_page import words

YEAR, QUARTER = FinancialYear(2017), FinancialQuarter(2017, 4)


def _two(make_indicator):
    listed = make_indicator(title="Listed measure")
    other = make_indicator(title="Other measure")
    for indicator in (listed, other):
        record_value(indicator=indicator, period=QUARTER, value=Decimal(50))
    return listed, other


def _appendix_titles() -> set[str]:
    return {
        row.indicator.title
        for _, tables in performance_tables(QUARTER)
        for table in tables
        for row in table.lines
    }


def test_before_a_scorecard_is_drawn_up_every_indicator_reports(client, make_indicator):
    _two(make_indicator)
    assert set(Indicator.objects.in_scorecard(YEAR).values_list("title", flat=True)) == {
        "Listed measure",
        "Other measure",
    }
    page = words(client.get("/scorecard/", {"year": "2017/18", "period": "Q4"}).text)
    assert "Listed measure" in page and "Other measure" in page
    assert _appendix_titles() == {"Listed measure", "Other measure"}


def test_once_drawn_up_only_its_indicators_report(client, make_indicator):
    listed, _ = _two(make_indicator)
    Scorecard.objects.create(year=YEAR).indicators.set([listed])
    assert list(Indicator.objects.in_scorecard(YEAR)) == [listed]
    page = words(client.get("/scorecard/", {"year": "2017/18", "period": "Q4"}).text)
    assert "Listed measure" in page and "Other measure" not in page
    assert _appendix_titles() == {"Listed measure"}
    # Another year without a scorecard still reports everything.
    assert Indicator.objects.in_scorecard(FinancialYear(2018)).count() == 2
    assert part_published(QUARTER) is None  # no publication recorded: complete as it stands
