"""Bad input is refused at the model and form level, naming the field and the problem."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Target, Value
from indicators.periods import parse_period
from indicators.services import record_value, set_target


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_a_value_that_is_not_a_number_is_refused_naming_the_value_field(make_indicator):
    value = Value(indicator=make_indicator(), period="Q1 2017/18", value="lots")
    assert "must be a decimal number" in errors_of(value)["value"][0]


def test_a_percentage_over_100_is_refused(make_indicator):
    value = Value(indicator=make_indicator(unit="percentage"), period="Q1 2017/18")
    value.value = Decimal("104.2")
    assert errors_of(value)["value"] == ["A percentage cannot be over 100: 104.2 was entered."]


def test_a_percentage_of_exactly_100_is_accepted(make_indicator):
    saved = record_value(
        indicator=make_indicator(), period=parse_period("Q1 2017/18"), value=Decimal("100")
    )
    assert saved.pk is not None


def test_a_period_that_does_not_exist_is_refused_naming_the_quarter(make_indicator):
    value = Value(indicator=make_indicator(), period="Q5 2017/18", value=Decimal("5"))
    message = errors_of(value)["period"][0]
    assert "Q5" in message and "Q1 to Q4" in message


def test_a_missing_figure_needs_a_reason(make_indicator):
    value = Value(indicator=make_indicator(), period="Q1 2017/18", value=None)
    assert "say why it is missing" in errors_of(value)["missing_reason"][0]


def test_a_missing_figure_with_a_reason_is_accepted(make_indicator):
    saved = record_value(
        indicator=make_indicator(),
        period=parse_period("Q3 2017/18"),
        value=None,
        missing_reason="Available in Q4",
    )
    assert saved.display == "Available in Q4"


def test_a_target_range_whose_low_end_exceeds_its_high_end_is_refused(make_indicator):
    target = Target(
        indicator=make_indicator(),
        year="2017/18",
        kind="range",
        low=Decimal("4.3"),
        high=Decimal("3.2"),
    )
    messages = errors_of(target)
    field, [message] = next(iter(messages.items()))
    assert field in {"low", "high"}
    assert "4.3" in message and "3.2" in message


def test_a_profiled_target_outside_its_year_is_refused(make_indicator):
    target = Target(
        indicator=make_indicator(),
        year="2017/18",
        kind="profiled",
        period="Q1 2018/19",
        value=Decimal("50"),
    )
    assert "not in the financial year 2017/18" in errors_of(target)["period"][0]


def test_a_target_year_must_be_a_financial_year(make_indicator):
    target = Target(
        indicator=make_indicator(), year="Q1 2017/18", kind="year_end", value=Decimal("1")
    )
    assert "year" in errors_of(target)


def test_a_rate_needs_its_base(make_indicator):
    with pytest.raises(ValidationError) as caught:
        make_indicator(unit="rate", rate_per=None)
    assert "rate_per" in caught.value.message_dict


def test_a_refused_value_leaves_the_earlier_figure_untouched(make_indicator):
    indicator = make_indicator()
    period = parse_period("Q2 2017/18")
    record_value(indicator=indicator, period=period, value=Decimal("29.6"))
    with pytest.raises(ValidationError):
        record_value(indicator=indicator, period=period, value=Decimal("129.6"))
    assert Value.objects.get(indicator=indicator).value == Decimal("29.6")


def test_baseline_target_is_stored_as_its_factors_and_rated_against_the_exact_figure(
    make_indicator,
):
    target = set_target(
        indicator=make_indicator(),
        year=parse_period("2017/18"),
        kind="baseline",
        baseline=Decimal("19.2"),
        change=Decimal("5"),
        change_is_percent=True,
        increase=True,
    )
    assert target.spec().point() == Decimal("20.16")
    assert "20.2" in target.spec().describe(1)
