"""Working days in England and the return timetable's default rule: weekends, Easter,
Christmas and New Year at a weekend with their substitute days, and the one-off bank
holidays of 2022, as the `holidays` package has them."""

from datetime import date

import pytest

from timetable.working_days import (
    DUE_TODAY,
    LATE,
    NOT_OPEN,
    OPEN,
    TimetableRule,
    add_working_days,
    bank_holiday,
    countdown,
    default_dates,
    is_working_day,
    late_day,
    reminder_day,
    why_not_working,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2018, 4, 2), False),  # Easter Monday
        (date(2018, 3, 30), False),  # Good Friday
        (date(2018, 4, 3), True),
        (date(2018, 4, 7), False),  # a Saturday
        (date(2018, 4, 8), False),  # a Sunday
        (date(2022, 6, 2), False),  # spring bank holiday, moved for the jubilee
        (date(2022, 6, 3), False),  # Platinum Jubilee
        (date(2022, 5, 30), True),  # the usual last Monday of May was not a holiday in 2022
        (date(2022, 9, 19), False),  # state funeral of Queen Elizabeth II
        (date(2023, 5, 8), False),  # the coronation
        (date(2021, 12, 27), False),  # Christmas Day on a Saturday: substitute Monday
        (date(2021, 12, 28), False),  # Boxing Day on a Sunday: substitute Tuesday
        (date(2021, 12, 29), True),
        (date(2022, 1, 3), False),  # New Year's Day on a Saturday: substitute Monday
        (date(2022, 12, 27), False),  # Christmas Day on a Sunday: substitute Tuesday
        (date(2022, 12, 26), False),  # Boxing Day on the Monday
        (date(2020, 5, 8), False),  # VE day moved the early May holiday
        (date(2020, 5, 4), True),
    ],
)
def test_working_days_follow_the_english_bank_holidays(day, working):
    assert is_working_day(day) is working


def test_a_day_that_is_not_working_says_why():
    assert why_not_working(date(2018, 12, 25)) == "a bank holiday (Christmas Day)"
    assert why_not_working(date(2018, 12, 29)) == "a Saturday"
    assert why_not_working(date(2018, 12, 30)) == "a Sunday"
    assert why_not_working(date(2018, 12, 27)) is None
    assert bank_holiday(date(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"


def test_scotlands_holidays_are_not_englands():
    # 2 January is a bank holiday in Scotland only.
    assert is_working_day(date(2019, 1, 2))


def test_adding_working_days_steps_over_weekends_and_holidays():
    # Friday 29 March 2018; Good Friday 30 March, Easter Monday 2 April.
    assert add_working_days(date(2018, 3, 29), 1) == date(2018, 4, 3)
    assert add_working_days(date(2018, 4, 3), -1) == date(2018, 3, 29)
    assert add_working_days(date(2018, 4, 3), 0) == date(2018, 4, 3)
    # Christmas 2022 (Sunday), Boxing Day (Monday), substitute Tuesday 27th.
    assert add_working_days(date(2022, 12, 23), 1) == date(2022, 12, 28)
    # The jubilee's Thursday and Friday, then the weekend.
    assert add_working_days(date(2022, 6, 1), 1) == date(2022, 6, 6)


def test_working_days_between_counts_the_days_after_the_first_up_to_the_last():
    assert working_days_between(date(2018, 3, 29), date(2018, 4, 3)) == 1
    assert working_days_between(date(2018, 4, 3), date(2018, 3, 29)) == -1
    assert working_days_between(date(2018, 1, 8), date(2018, 1, 8)) == 0
    assert working_days_between(date(2018, 1, 5), date(2018, 1, 8)) == 1  # Friday to Monday
    assert working_days_between(date(2018, 1, 1), date(2018, 1, 31)) == 22


@pytest.mark.parametrize(
    ("quarter_end", "opens", "due", "sign_off", "publication"),
    [
        # Q3 2017/18: Christmas at the quarter's end, New Year's Day a Monday.
        (
            date(2017, 12, 31),
            date(2018, 1, 2),
            date(2018, 1, 22),
            date(2018, 1, 29),
            date(2018, 2, 12),
        ),
        # Q4 2017/18: Easter straight after the quarter (Good Friday 30 March).
        (
            date(2018, 3, 31),
            date(2018, 4, 3),
            date(2018, 4, 23),
            date(2018, 4, 30),
            date(2018, 5, 15),
        ),
        # Q4 2021/22: the jubilee's two days fall in the publication window.
        (
            date(2022, 3, 31),
            date(2022, 4, 1),
            date(2022, 4, 25),
            date(2022, 5, 3),
            date(2022, 5, 17),
        ),
        # Q2 2022/23: the state funeral, 19 September, is just before the quarter's end.
        (
            date(2022, 9, 30),
            date(2022, 10, 3),
            date(2022, 10, 21),
            date(2022, 10, 28),
            date(2022, 11, 11),
        ),
        # Q3 2022/23: Christmas on a Sunday and New Year's Day on a Sunday (substitutes
        # 27 December and 2 January).
        (
            date(2022, 12, 31),
            date(2023, 1, 3),
            date(2023, 1, 23),
            date(2023, 1, 30),
            date(2023, 2, 13),
        ),
    ],
)
def test_the_default_timetable_counts_working_days(quarter_end, opens, due, sign_off, publication):
    dates = default_dates(quarter_end)
    assert (dates.opens, dates.due, dates.sign_off, dates.publication) == (
        opens,
        due,
        sign_off,
        publication,
    )
    assert working_days_between(quarter_end, dates.due) == 15
    assert working_days_between(dates.due, dates.sign_off) == 5
    assert working_days_between(dates.sign_off, dates.publication) == 10


def test_the_rule_takes_other_numbers():
    dates = default_dates(date(2018, 3, 31), TimetableRule(open_after=2, due_after=10))
    assert dates.opens == date(2018, 4, 4)
    assert dates.due == date(2018, 4, 16)


@pytest.mark.parametrize(
    "numbers",
    [{"open_after": 0}, {"open_after": 5, "due_after": 4}, {"sign_off_after": -1}],
)
def test_a_rule_that_cannot_be_is_refused(numbers):
    with pytest.raises(ValueError):
        TimetableRule(**numbers)


def test_reminders_and_late_notices_fall_on_working_days():
    due = date(2018, 4, 23)  # a Monday
    assert reminder_day(due, 3) == date(2018, 4, 18)
    assert late_day(due) == date(2018, 4, 24)
    assert late_day(date(2022, 12, 23)) == date(2022, 12, 28)
    assert reminder_day(date(2018, 4, 5), 3) == date(2018, 3, 29)  # over Easter


@pytest.mark.parametrize(
    ("today", "state", "words"),
    [
        (date(2017, 12, 29), NOT_OPEN, "Opens in 1 working day"),
        (date(2018, 1, 2), OPEN, "Due in 14 working days"),
        (date(2018, 1, 17), OPEN, "Due in 3 working days"),
        (date(2018, 1, 19), OPEN, "Due in 1 working day"),
        (date(2018, 1, 20), OPEN, "Due in 1 working day"),
        (date(2018, 1, 22), DUE_TODAY, "Due today"),
        (date(2018, 1, 23), LATE, "Late by 1 working day"),
        (date(2018, 1, 24), LATE, "Late by 2 working days"),
    ],
)
def test_countdown_in_words(today, state, words):
    result = countdown(today, date(2018, 1, 2), date(2018, 1, 22))
    assert (result.state, result.words) == (state, words)


def test_the_weekend_after_a_friday_deadline_is_late_without_a_count():
    result = countdown(date(2018, 1, 20), date(2018, 1, 2), date(2018, 1, 19))
    assert (result.state, result.working_days, result.words) == (LATE, 0, "Late")
