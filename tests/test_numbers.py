"""Figures typed or pasted the way the reports print them."""

from decimal import Decimal as D

import pytest

from comparators.imports import _number
from indicators.formatting import Unit
from indicators.numbers import Figure, FigureError, parse_figure, parse_number


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
