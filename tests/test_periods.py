"""Periods parse from and print to what the papers print, and sort chronologically."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.periods import (
    ACADEMIC_YEAR,
    AcademicYear,
    CalendarQuarters,
    CalendarYear,
    FinancialQuarter,
    FinancialYear,
    Month,
    Period,
    PeriodError,
    RollingWindow,
    Snapshot,
    Term,
    YearToDate,
    parse_period,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q3 2017/18", FinancialQuarter(2017, 3)),
        ("Q3 17/18", FinancialQuarter(2017, 3)),
        ("2017/18 Q3", FinancialQuarter(2017, 3)),
        ("Q3 2017-18", FinancialQuarter(2017, 3)),
        ("q1  2017/18", FinancialQuarter(2017, 1)),
        ("2017/18", FinancialYear(2017)),
        ("17/18", FinancialYear(2017)),
        ("2017-18", FinancialYear(2017)),
        ("1999/00", FinancialYear(1999)),
        ("Dec 2016", Month(2016, 12)),
        ("December 2016", Month(2016, 12)),
        ("Dec 16", Month(2016, 12)),
        ("June17", Month(2017, 6)),
        ("Sept 17", Month(2017, 9)),
        ("Sep 2017", Month(2017, 9)),
        ("March 18", Month(2018, 3)),
        ("Autumn term 2012", Term("autumn", 2012)),
        ("Spring Term 2013", Term("spring", 2013)),
        ("2017", CalendarYear(2017)),
        ("Q1-3 2017", CalendarQuarters(2017, 1, 3)),
        ("Q2 2017", CalendarQuarters(2017, 2, 2)),
        ("Jul 16 - Jun 17", RollingWindow(Month(2016, 7), Month(2017, 6))),
        ("Oct 16 - Sept 17", RollingWindow(Month(2016, 10), Month(2017, 9))),
        ("Sept 14 - April 18", RollingWindow(Month(2014, 9), Month(2018, 4))),
        ("Jul 2016 - Jun 2017", RollingWindow(Month(2016, 7), Month(2017, 6))),
        ("Jul 16-Jun 17", RollingWindow(Month(2016, 7), Month(2017, 6))),
        ("as at 31 March 2018", Snapshot(date(2018, 3, 31))),
        ("31 March 2018", Snapshot(date(2018, 3, 31))),
        ("31/03/2018", Snapshot(date(2018, 3, 31))),
        ("2017/18 year to date (Apr - Dec)", YearToDate(2017, 12)),
        ("Q3 2017/18 year to date", YearToDate(2017, 12)),
        ("Q4 2017/18 year to date", YearToDate(2017, 3)),
    ],
)
def test_parses_what_the_papers_print(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("period", "label", "start", "end"),
    [
        (FinancialYear(2017), "2017/18", date(2017, 4, 1), date(2018, 3, 31)),
        (FinancialQuarter(2017, 1), "Q1 2017/18", date(2017, 4, 1), date(2017, 6, 30)),
        (FinancialQuarter(2017, 4), "Q4 2017/18", date(2018, 1, 1), date(2018, 3, 31)),
        (Month(2016, 12), "Dec 2016", date(2016, 12, 1), date(2016, 12, 31)),
        (Month(2017, 9), "Sept 2017", date(2017, 9, 1), date(2017, 9, 30)),
        (Month(2016, 2), "Feb 2016", date(2016, 2, 1), date(2016, 2, 29)),
        (AcademicYear(2016), "2016/17", date(2016, 9, 1), date(2017, 8, 31)),
        (Term("autumn", 2012), "Autumn term 2012", date(2012, 9, 1), date(2012, 12, 31)),
        (Term("summer", 2013), "Summer term 2013", date(2013, 4, 1), date(2013, 7, 31)),
        (CalendarYear(2017), "2017", date(2017, 1, 1), date(2017, 12, 31)),
        (CalendarQuarters(2017, 1, 3), "Q1-3 2017", date(2017, 1, 1), date(2017, 9, 30)),
        (
            RollingWindow(Month(2016, 10), Month(2017, 9)),
            "Oct 16 - Sept 17",
            date(2016, 10, 1),
            date(2017, 9, 30),
        ),
        (Snapshot(date(2018, 3, 31)), "as at 31 March 2018", date(2018, 3, 31), date(2018, 3, 31)),
        (
            YearToDate(2017, 12),
            "2017/18 year to date (Apr - Dec)",
            date(2017, 4, 1),
            date(2017, 12, 31),
        ),
    ],
)
def test_labels_and_dates(period, label, start, end):
    assert (str(period), period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(
    ("text", "year", "quarter"),
    [
        ("Dec 2016", "2016/17", "Q3 2016/17"),
        ("as at 31 March 2018", "2017/18", "Q4 2017/18"),
        ("Jul 16 - Jun 17", "2017/18", "Q1 2017/18"),
        ("Autumn term 2012", "2012/13", "Q3 2012/13"),
        ("2017/18", "2017/18", "Q4 2017/18"),
        ("Apr 2017", "2017/18", "Q1 2017/18"),
        ("Mar 2017", "2016/17", "Q4 2016/17"),
    ],
)
def test_knows_its_financial_year_and_quarter(text, year, quarter):
    period = parse_period(text)
    assert (str(period.financial_year), str(period.financial_quarter)) == (year, quarter)


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("Q1 2017/18", "Q4 2016/17"),
        ("Q3 2017/18", "Q2 2017/18"),
        ("Jan 2017", "Dec 2016"),
        ("Jul 16 - Jun 17", "Jul 15 - Jun 16"),
        ("Autumn term 2012", "Summer term 2012"),
        ("Spring term 2013", "Autumn term 2012"),
        ("Q1-3 2017", "Q1-3 2016"),
        ("Q4 2017", "Q3 2017"),
        ("as at 31 March 2018", "as at 31 March 2017"),
        ("2017/18", "2016/17"),
    ],
)
def test_previous_period_of_the_same_kind(text, before):
    assert str(parse_period(text).previous()) == before


def test_an_academic_year_is_read_only_when_asked_for():
    assert parse_period("2016/17") == FinancialYear(2016)
    assert parse_period("2016/17", kind=ACADEMIC_YEAR) == AcademicYear(2016)
    assert FinancialYear(2016) != AcademicYear(2016)


def test_a_forced_kind_that_does_not_fit_is_refused():
    with pytest.raises(PeriodError, match="is not a financial year"):
        parse_period("Q3 2017/18", kind="financial_year")


def test_mixed_periods_sort_by_end_then_longest_first():
    texts = ["Q4 2017/18", "Dec 2016", "2016/17", "Q3 2016/17", "Jul 16 - Jun 17", "Q1-3 2017"]
    ordered = [str(p) for p in sorted(parse_period(t) for t in texts)]
    assert ordered == [
        "Q3 2016/17",
        "Dec 2016",
        "2016/17",
        "Jul 16 - Jun 17",
        "Q1-3 2017",
        "Q4 2017/18",
    ]


def test_leap_day_snapshot_moves_to_the_28th():
    assert Snapshot(date(2016, 2, 29)).shift_years(1) == Snapshot(date(2017, 2, 28))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Q5 2017/18", "a quarter must be Q1 to Q4, not Q5"),
        ("Q0 2017/18", "a quarter must be Q1 to Q4, not Q0"),
        ("2017/19", "must be consecutive (2017/18)"),
        ("31 February 2018", "that day does not exist"),
        ("Month 13", "not a period we recognise"),
        ("Smarch 2017", "not a period we recognise"),
        ("Dec 16 - Jan 16", "a window must start before it ends"),
        ("Q3-1 2017", "Q3 comes after Q1"),
        ("", "not a period we recognise"),
    ],
)
def test_bad_periods_are_refused_with_the_problem_named(text, problem):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert problem in str(caught.value)
    assert f'"{text}"' in str(caught.value)


def test_a_period_key_round_trips():
    period = AcademicYear(2016)
    assert period.key == "academic_year:2016/17"
    assert Period.from_key(period.key) == period
    with pytest.raises(PeriodError):
        Period.from_key("nonsense")


years = st.integers(min_value=1990, max_value=2090)
months = st.builds(Month, years, st.integers(1, 12))
# Rolling windows print two-digit years, read as 1970-2069.
window_months = st.builds(Month, st.integers(1970, 2066), st.integers(1, 12))
periods = st.one_of(
    st.builds(FinancialYear, years),
    st.builds(FinancialQuarter, years, st.integers(1, 4)),
    months,
    st.builds(AcademicYear, years),
    st.builds(Term, st.sampled_from(["autumn", "spring", "summer"]), years),
    st.builds(CalendarYear, years),
    st.tuples(years, st.integers(1, 4), st.integers(0, 3)).map(
        lambda t: CalendarQuarters(t[0], t[1], min(4, t[1] + t[2]))
    ),
    st.tuples(window_months, st.integers(1, 36)).map(
        lambda t: RollingWindow(t[0], t[0].plus(t[1]))
    ),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)).map(Snapshot),
    st.builds(YearToDate, years, st.integers(1, 12)),
)


@given(periods)
def test_print_then_parse_gives_the_same_period(period):
    assert parse_period(str(period), kind=period.kind) == period
    if not isinstance(period, AcademicYear):
        assert parse_period(str(period)) == period
    assert Period.from_key(period.key) == period


@given(periods, periods)
def test_ordering_is_chronological_and_agrees_with_equality(a, b):
    assert (a == b) == (not a < b and not b < a)
    if a.end < b.end:
        assert a < b
    if a < b:
        assert (a.end, a.start) <= (b.end, b.start)


@given(periods)
def test_period_invariants(period):
    assert period.start <= period.end
    assert period.contains(period.start) and period.contains(period.end)
    assert period.financial_quarter.contains(period.end)
    assert period.financial_year.contains(period.end)
    before = period.previous()
    assert before.kind == period.kind and before < period
    if not isinstance(period, Snapshot) or (period.start.month, period.start.day) != (2, 29):
        assert period.shift_years(1).shift_years(-1) == period


@given(periods.filter(lambda p: not isinstance(p, (Snapshot, CalendarQuarters))))
def test_previous_does_not_overlap(period):
    assert period.previous().end < period.start


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Apr - Sept 2011", "2011/12 year to date (Apr - Sept)"),
        ("Apr-Sep 2011", "2011/12 year to date (Apr - Sept)"),
        ("Apr - Feb 2012", "2011/12 year to date (Apr - Feb)"),
        ("April to September 2011/12", "2011/12 year to date (Apr - Sept)"),
        ("Apr - Dec 2017/18", "2017/18 year to date (Apr - Dec)"),
        ("Month 6 2022/23", "2022/23 year to date (Apr - Sept)"),
        ("Month 12 2022/23", "2022/23 year to date (Apr - Mar)"),
        ("Month 1 2022-23", "2022/23 year to date (Apr - Apr)"),
        ("Q1-3 2017", "Q1-3 2017"),
    ],
)
def test_year_to_date_is_read_in_the_forms_papers_print(text, label):
    assert parse_period(text).label == label
    assert parse_period(label) == parse_period(text)


def test_a_month_of_the_financial_year_must_be_one_to_twelve():
    with pytest.raises(PeriodError) as caught:
        parse_period("Month 13 2022/23")
    assert "a financial year has months 1 (April) to 12, not 13" in str(caught.value)


@pytest.mark.parametrize("text", ["next year", "Q5 2017/18", "2017/19", "Month 0 2022/23"])
def test_every_not_a_period_message_lists_each_form_with_an_example(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert "is not a period" in message
    for example in (
        '"2017/18"',
        '"Q3 2017/18"',
        '"Dec 2016"',
        '"Apr - Sept 2017"',
        '"April to September 2017/18"',
        '"Month 6 2017/18"',
        '"Q1-3 2017"',
        '"Autumn term 2012"',
        '"Jul 16 - Jun 17"',
        '"as at 31 March 2018"',
    ):
        assert example in message
