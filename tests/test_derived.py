"""Derived figures, checked against what the Quarter 3 2017/18 report prints."""

from decimal import Decimal as D

import pytest

from indicators.derived import (
    Change,
    change_on_same_period_last_year,
    last_six_months_average,
    year_to_date,
)
from indicators.periods import CalendarQuarters, FinancialQuarter, FinancialYear, Month


def quarters(*figures, year=2017):
    return {
        FinancialQuarter(year, q): None if f is None else D(f) for q, f in enumerate(figures, 1)
    }


@pytest.mark.parametrize(
    ("measure", "figures", "printed"),
    [
        ("Number of visits to libraries", ("845866", "913329", "866398"), "2625593"),
        ("Number of E-Book downloads", ("49249", "53023", "52492"), "154764"),
        ("Number of visits to museums", ("70140", "89013", "41554"), "200707"),
        ("NHS Health Checks offered", ("23409", "22846", "21185"), "67440"),
        ("Number of library real issues", ("913949", "997359", "857734"), "2769042"),
    ],
)
def test_year_to_date_sums_match_the_report(measure, figures, printed):
    assert year_to_date(quarters(*figures), FinancialQuarter(2017, 3), "sum") == D(printed)


def test_a_sum_with_a_missing_quarter_is_not_given():
    assert year_to_date(quarters("1", None, "3"), FinancialQuarter(2017, 3), "sum") is None


def test_mean_and_latest_use_what_is_there():
    series = quarters("10", None, "20")
    assert year_to_date(series, FinancialQuarter(2017, 3), "mean") == D(15)
    assert year_to_date(series, FinancialQuarter(2017, 3), "latest") == D(20)
    assert year_to_date(series, FinancialQuarter(2017, 2), "latest") == D(10)


def test_year_to_date_of_months_starts_in_april():
    series = {m: D(1) for m in FinancialYear(2017).month_periods()}
    series[Month(2017, 3)] = D(100)  # March 2017 belongs to the year before
    assert year_to_date(series, Month(2017, 12), "sum") == D(9)


def test_year_to_date_needs_months_or_quarters():
    with pytest.raises(ValueError, match="months or quarters"):
        year_to_date({}, FinancialYear(2017), "sum")
    with pytest.raises(ValueError, match="not 'median'"):
        year_to_date({}, FinancialQuarter(2017, 1), "median")


def test_last_six_months_of_quarters_is_the_last_two():
    assert last_six_months_average(quarters("1", "29.6", "34.8"), FinancialQuarter(2017, 3)) == D(
        "32.2"
    )


def test_last_six_months_crosses_the_year_end():
    series = {Month(2017, 8).plus(n): D(n) for n in range(6)}  # Aug 2017 .. Jan 2018
    assert last_six_months_average(series, Month(2018, 1)) == D("2.5")
    del series[Month(2017, 9)]
    assert last_six_months_average(series, Month(2018, 1)) is None


def test_change_on_the_same_period_last_year():
    series = {CalendarQuarters(2016, 1, 3): D(2940), CalendarQuarters(2017, 1, 3): D(2579)}
    change = change_on_same_period_last_year(series, CalendarQuarters(2017, 1, 3))
    assert change.absolute == D(-361)
    assert round(change.percent, 2) == D("-12.28")


def test_change_from_zero_has_no_percentage_and_missing_gives_none():
    series = {FinancialYear(2016): D(0), FinancialYear(2017): D(5)}
    assert change_on_same_period_last_year(series, FinancialYear(2017)) == Change(
        D(5), D(0), D(5), None
    )
    assert change_on_same_period_last_year(series, FinancialYear(2018)) is None
