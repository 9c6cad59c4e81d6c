"""Figures typed or pasted the way the reports print them."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from comparators.imports import _number
from indicators.formatting import Unit
from indicators.models import Value
from indicators.numbers import Figure, FigureError, figure_problems, parse_figure, parse_number
from indicators.periods import FinancialQuarter
from returns.forms import LineForm


@pytest.mark.parametrize(
    ("text", "unit", "figure"),
    [
        ("8,632", Unit.COUNT, Figure(D("8632"))),
        ("2,625,593", Unit.COUNT, Figure(D("2625593"))),
        ("34.8", Unit.PERCENTAGE, Figure(D("34.8"))),
        ("34.8%", Unit.PERCENTAGE, Figure(D("34.8"))),
        (" 19.0 % ", Unit.PERCENTAGE, Figure(D("19.0"))),
        ("1,288/52.5", Unit.RATE, Figure(D("52.5"), D("1288"))),
        ("1,890/19.0%", Unit.PERCENTAGE, Figure(D("19.0"), D("1890"))),
        ("£7.989m", Unit.MONEY, Figure(D("7989000.000"))),
        ("£174k", Unit.MONEY, Figure(D("174000"))),
        ("£950", Unit.MONEY, Figure(D("950"))),
        ("-£1.2m", Unit.MONEY, Figure(D("-1200000.0"))),
        ("426 days", Unit.DAYS, Figure(D("426"))),
        ("1 day", Unit.DAYS, Figure(D("1"))),
        ("19 (out of 24)", Unit.SCORE, Figure(D("19"))),
        ("-14.0", Unit.NUMBER, Figure(D("-14.0"))),
        (34.8, Unit.PERCENTAGE, Figure(D("34.8"))),
        (8632, Unit.COUNT, Figure(D("8632"))),
    ],
)
def test_figures_as_the_reports_print_them(text, unit, figure):
    assert parse_figure(text, unit) == figure


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("41, 554", Unit.COUNT, "'41, 554' is not a number."),
        ("1,2345", Unit.COUNT, "'1,2345' is not a number."),
        ("lots", Unit.COUNT, "'lots' is not a number."),
        ("", Unit.COUNT, "The figure is empty."),
        ("34.8%", Unit.COUNT, "'34.8%' is a percentage, but this measure is a count."),
        ("£5m", Unit.COUNT, "'£5m' is an amount of money, but this measure is not."),
        ("12 days", Unit.PERCENTAGE, "'12 days' is a number of days, but this measure is not."),
        ("1,288/52.5", Unit.COUNT, "only rates and percentages can have a count before a /"),
        ("12.5/52.5", Unit.RATE, "the count before the / must be a whole number"),
        ("3/x", Unit.RATE, "'3/x' is not a number."),
        (True, Unit.COUNT, "'True' is not a number."),
    ],
)
def test_anything_else_is_refused_with_the_reason(text, unit, message):
    with pytest.raises(FigureError) as caught:
        parse_figure(text, unit)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "number"),
    [("1,234", D("1234")), ("75.5%", D("75.5")), ("-14.0", D("-14.0")), (".5", D("0.5"))],
)
def test_one_grammar_for_a_plain_number_in_forms_and_national_files(text, number):
    assert parse_number(text) == number == _number(text)
    # The same text typed on the return reads as the same figure.
    assert parse_figure(text, Unit.PERCENTAGE).value == number


@pytest.mark.parametrize("text", ["", "%", ".", "+", "12.", "1,23", "NaN", "1e5", "41, 554"])
def test_what_is_not_a_number_is_refused_by_both(text):
    with pytest.raises(FigureError):
        parse_number(text)
    assert _number(text) == f'"{text}" is not a number'


@pytest.mark.parametrize(
    ("value", "count", "reason", "expected"),
    [
        (D("104.2"), None, "", [("value", "A percentage cannot be over 100: 104.2 was entered.")]),
        (
            D("34.8"),
            None,
            "Not collected",
            [("missing_reason", "Give a figure or a reason it is missing, not both.")],
        ),
        (None, None, " ", [("missing_reason", "Give a figure or say why it is missing.")]),
        (None, D(5), "", [("value", "Give the figure the count goes with.")]),
        (D("34.8"), D(-1), "", [("count", "A count cannot be negative: -1 was entered.")]),
        (D("34.8"), D(1288), "", []),
        (None, None, "Available in Q4", []),
    ],
)
def test_one_check_of_a_figure_its_count_and_its_reason(value, count, reason, expected):
    problems = figure_problems(value, count, reason, unit=Unit.PERCENTAGE)
    assert [(p.field, p.sentence) for p in problems] == expected


def test_a_blank_line_of_a_return_is_allowed_where_a_catalogue_row_is_not():
    assert figure_problems(None, None, "", unit=Unit.COUNT, required=False) == []
    (problem,) = figure_problems(None, None, "", unit=Unit.COUNT)
    # Lists of problems name the cell first, then the instruction in lower case.
    assert problem.in_cell == "give a figure or say why it is missing"


def test_the_return_form_and_the_model_refuse_a_figure_in_the_same_words(make_indicator):
    indicator = make_indicator(unit="percentage")
    form = LineForm(
        {"value": "104.2", "missing_reason": "", "status": "final"},
        line=SimpleNamespace(indicator=indicator),
    )
    assert not form.is_valid()
    value = Value(indicator=indicator, period=FinancialQuarter(2017, 4), value=D("104.2"))
    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    sentence = "A percentage cannot be over 100: 104.2 was entered."
    assert form.errors["value"] == [sentence] == refused.value.message_dict["value"]
