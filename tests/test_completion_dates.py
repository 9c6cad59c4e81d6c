"""Completion dates as recovery plans write them: parsed, printed back, ordered, overdue."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recovery_plans.dates import CompletionDateError, parse_completion

SEED_FORMS = [
    ("July 2013", "month", date(2013, 7, 31)),
    ("March 2014", "month", date(2014, 3, 31)),
    ("Sept 2018", "month", date(2018, 9, 30)),
    ("Mar 2018", "month", date(2018, 3, 31)),
    ("April 2019", "month", date(2019, 4, 30)),
    ("March 2014/15", "financial_year_month", date(2015, 3, 31)),
    ("September 2014/15", "financial_year_month", date(2014, 9, 30)),
    ("31 March 2014", "day", date(2014, 3, 31)),
    ("From July 2013", "from", None),
    ("Ongoing", "ongoing", None),
    ("End of July 2013", "month", date(2013, 7, 31)),
    ("End of August 2013", "month", date(2013, 8, 31)),
    ("By March 2014", "month", date(2014, 3, 31)),
    ("During 2013", "year", date(2013, 12, 31)),
    ("By 2015", "year", date(2015, 12, 31)),
    ("2013", "year", date(2013, 12, 31)),
    ("2013-2016", "years", date(2016, 12, 31)),
    ("From September 2013", "from", None),
]


@pytest.mark.parametrize(("text", "kind", "due"), SEED_FORMS)
def test_every_form_in_the_plans_is_understood_and_printed_back(text, kind, due):
    parsed = parse_completion(text)
    assert (parsed.kind, parsed.due, str(parsed)) == (kind, due, text)
    assert parse_completion(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Julember 2013", '"Julember" is not a month'),
        ("31 February 2014", "that day does not exist"),
        ("March 2014/16", "must be consecutive"),
        ("From Ongoing", '"from" needs a day or a month'),
        ("soon", "is not a completion date"),
        ("", "is empty"),
        ("2016-2013", "the second year must be after the first"),
        ("By Ongoing", '"By" needs a day, a month or a year'),
        ("End of March 2014/15", "needs a day, a month or a year"),
    ],
)
def test_dates_that_cannot_be_understood_are_refused_with_the_reason(text, message):
    with pytest.raises(CompletionDateError, match=message):
        parse_completion(text)


def test_a_year_orders_after_its_months_and_a_span_after_its_last_year():
    texts = ["2013-2016", "By 2015", "During 2013", "End of July 2013", "December 2013"]
    ordered = sorted((parse_completion(t) for t in texts), key=lambda d: d.sort_key)
    assert [str(d) for d in ordered] == [
        "End of July 2013",
        "December 2013",
        "During 2013",
        "By 2015",
        "2013-2016",
    ]


def test_ordering_puts_deadlines_first_then_open_ended_actions():
    texts = ["Ongoing", "From July 2013", "March 2014/15", "July 2013", "31 March 2014"]
    ordered = sorted((parse_completion(t) for t in texts), key=lambda d: d.sort_key)
    assert [str(d) for d in ordered] == [
        "July 2013",
        "31 March 2014",
        "March 2014/15",
        "From July 2013",
        "Ongoing",
    ]


@pytest.mark.parametrize(
    ("text", "status", "today", "overdue"),
    [
        ("July 2013", "underway", date(2013, 7, 31), False),  # due by the month's end
        ("July 2013", "underway", date(2013, 8, 1), True),
        ("July 2013", "planned", date(2013, 8, 1), True),
        ("July 2013", "complete", date(2014, 1, 1), False),
        ("Ongoing", "underway", date(2030, 1, 1), False),
        ("From July 2013", "underway", date(2030, 1, 1), False),
    ],
)
def test_overdue_is_computed_from_date_and_status(text, status, today, overdue):
    assert parse_completion(text).is_overdue(status=status, today=today) is overdue


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_any_month_round_trips(day):
    text = f"{day:%B %Y}"
    assert str(parse_completion(text)) == text and parse_completion(text).due.month == day.month
