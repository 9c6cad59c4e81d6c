"""RAG rating and direction of travel: every rule in a table, and the properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.rag import (
    Direction,
    Polarity,
    Rag,
    TargetError,
    TargetSpec,
    Tolerance,
    direction_of_travel,
    movement,
    rate,
)

HIGH, LOW, NONE = Polarity.HIGH, Polarity.LOW, Polarity.NONE
GREEN, AMBER, RED = Rag.GREEN, Rag.AMBER, Rag.RED
ABS2 = Tolerance("absolute", D("2"))
REL5 = Tolerance("relative", D("5"))
T50 = TargetSpec.year_end(D("50"))


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        # Good is high, point target 50.
        ("55", T50, HIGH, ABS2, GREEN),
        ("50", T50, HIGH, ABS2, GREEN),
        ("49.9", T50, HIGH, ABS2, AMBER),
        ("48", T50, HIGH, ABS2, AMBER),
        ("47.9", T50, HIGH, ABS2, RED),
        ("47.5", T50, HIGH, REL5, AMBER),  # 5% of 50 is 2.5
        ("47.4", T50, HIGH, REL5, RED),
        ("49.9", T50, HIGH, None, RED),
        ("49.9", T50, HIGH, Tolerance("absolute", D(0)), RED),
        # Good is low, point target 50.
        ("45", T50, LOW, ABS2, GREEN),
        ("50", T50, LOW, ABS2, GREEN),
        ("52", T50, LOW, ABS2, AMBER),
        ("52.1", T50, LOW, ABS2, RED),
        ("52.5", T50, LOW, REL5, AMBER),
        ("52.6", T50, LOW, REL5, RED),
        # Profiled and stretch targets rate like a point.
        ("30", TargetSpec.profiled(D("30")), HIGH, None, GREEN),
        ("9", TargetSpec.stretch(D("8"), by="2025/26"), LOW, None, RED),
        ("8", TargetSpec.stretch(D("8"), by="2025/26"), LOW, None, GREEN),
        # "Increase by 5% from 19.2" is 20.16: 20.15 misses although it prints as 20.2.
        (
            "20.16",
            TargetSpec.relative_to_baseline(baseline=D("19.2"), change=D("5")),
            HIGH,
            None,
            GREEN,
        ),
        (
            "20.15",
            TargetSpec.relative_to_baseline(baseline=D("19.2"), change=D("5")),
            HIGH,
            None,
            RED,
        ),
        # "Reduce from 9.7% to 9.2%": an absolute reduction of 0.5.
        (
            "9.2",
            TargetSpec.relative_to_baseline(
                baseline=D("9.7"), change=D("0.5"), percent=False, increase=False
            ),
            LOW,
            None,
            GREEN,
        ),
        (
            "10.2",
            TargetSpec.relative_to_baseline(
                baseline=D("9.7"), change=D("0.5"), percent=False, increase=False
            ),
            LOW,
            ABS2,
            AMBER,
        ),
        # A range between 3.2 (best authority) and 4.3 (England average), good is low.
        ("3.2", TargetSpec.between(D("3.2"), D("4.3")), LOW, ABS2, GREEN),
        ("4.3", TargetSpec.between(D("3.2"), D("4.3")), LOW, ABS2, GREEN),
        ("3.0", TargetSpec.between(D("3.2"), D("4.3")), LOW, None, GREEN),
        (
            "4.4",
            TargetSpec.between(D("3.2"), D("4.3")),
            LOW,
            Tolerance("absolute", D("0.5")),
            AMBER,
        ),
        ("4.9", TargetSpec.between(D("3.2"), D("4.3")), LOW, Tolerance("absolute", D("0.5")), RED),
        # ... and good is high: above the range is green, below it is short.
        ("5", TargetSpec.between(D("3.2"), D("4.3")), HIGH, None, GREEN),
        (
            "3.1",
            TargetSpec.between(D("3.2"), D("4.3")),
            HIGH,
            Tolerance("absolute", D("0.5")),
            AMBER,
        ),
        ("2.6", TargetSpec.between(D("3.2"), D("4.3")), HIGH, Tolerance("absolute", D("0.5")), RED),
        # No target, no value or no polarity: never a guess.
        ("50", None, HIGH, ABS2, None),
        ("50", TargetSpec.none(), HIGH, ABS2, None),
        (None, T50, HIGH, ABS2, None),
        ("50", T50, NONE, ABS2, None),
    ],
)
def test_rating_rules(value, target, polarity, tolerance, expected):
    figure = None if value is None else D(value)
    assert rate(figure, target, polarity, tolerance) == expected


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: TargetSpec.between(D("4.3"), D("3.2")), "low", "The low end of the range (4.3)"),
        (lambda: TargetSpec.between(None, D("3.2")), "low", "needs a number"),
        (lambda: TargetSpec.year_end(None), "value", "A year-end target needs a number"),
        (
            lambda: TargetSpec.relative_to_baseline(baseline=None, change=D(5)),
            "baseline",
            "needs a number",
        ),
        (
            lambda: TargetSpec.relative_to_baseline(baseline=D(1), change=D(-5)),
            "change",
            "cannot be negative",
        ),
        (lambda: TargetSpec.stretch(D(8), by=""), "by_year", "met by"),
    ],
)
def test_impossible_targets_are_refused_naming_the_field(build, field, message):
    with pytest.raises(TargetError) as caught:
        build()
    assert caught.value.field == field and message in str(caught.value)


@pytest.mark.parametrize(
    ("spec", "places", "text"),
    [
        (
            TargetSpec.relative_to_baseline(baseline=D("19.2"), change=D("5")),
            1,
            "20.2 (increase by 5% from 19.2)",
        ),
        (TargetSpec.between(D("3.2"), D("4.3")), 1, "Between 3.2 and 4.3"),
        (TargetSpec.stretch(D("8"), by="2025/26"), 0, "8 by 2025/26"),
        (TargetSpec.year_end(D("1795")), 0, "1,795"),
        (TargetSpec.none(), 1, "No target set"),
    ],
)
def test_targets_describe_themselves_in_words(spec, places, text):
    assert spec.describe(places) == text


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "places", "expected"),
    [
        ("34.8", "29.6", HIGH, 1, Direction.IMPROVING),
        ("29.6", "34.8", HIGH, 1, Direction.WORSENING),
        ("17.0", "16.3", LOW, 1, Direction.WORSENING),
        ("16.3", "17.0", LOW, 1, Direction.IMPROVING),
        ("19.0", "19.0", LOW, 1, Direction.UNCHANGED),
        ("19.04", "18.96", LOW, 1, Direction.UNCHANGED),  # both print as 19.0
        ("19.04", "18.96", LOW, None, Direction.WORSENING),
        (None, "1", HIGH, 0, None),
        ("1", None, HIGH, 0, None),
        ("8632", "7887", NONE, 0, None),
    ],
)
def test_direction_of_travel(current, previous, polarity, places, expected):
    as_decimal = [None if v is None else D(v) for v in (current, previous)]
    assert direction_of_travel(*as_decimal, polarity, decimal_places=places) == expected


def test_raw_movement_ignores_polarity():
    assert movement(D(8632), D(7887)) == "up"
    assert movement(D(1), D(2)) == "down"
    assert movement(D(1), D(1)) == "level"
    assert movement(None, D(1)) is None


def test_every_rating_has_a_word_and_a_distinct_shape():
    assert len({r.symbol for r in Rag}) == 3
    assert [r.label for r in Rag] == ["On track", "Slightly below", "Requires improvement"]


def test_polarity_reads_the_papers_letters():
    assert [Polarity.parse(t) for t in ("H", "l", "-", "")] == [HIGH, LOW, NONE, NONE]
    with pytest.raises(ValueError, match='"X" is not a polarity'):
        Polarity.parse("X")


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        Tolerance("absolute", D(-1))


figures = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
amounts = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False)
tolerances = st.one_of(
    st.none(),
    amounts.map(lambda a: Tolerance("absolute", a)),
    amounts.map(lambda a: Tolerance("relative", a)),
)


@given(figures, figures, figures, tolerances)
def test_higher_is_never_worse_when_good_is_high(a, b, target, tolerance):
    low, high = sorted([a, b])
    spec = TargetSpec.year_end(target)
    assert rate(high, spec, HIGH, tolerance).rank <= rate(low, spec, HIGH, tolerance).rank
    assert rate(low, spec, LOW, tolerance).rank <= rate(high, spec, LOW, tolerance).rank


@given(figures, figures, tolerances)
def test_flipping_polarity_mirrors_the_rating_about_the_target(value, target, tolerance):
    spec = TargetSpec.year_end(target)
    assert rate(value, spec, HIGH, tolerance) == rate(2 * target - value, spec, LOW, tolerance)


@given(figures, figures, figures, amounts)
def test_flipping_polarity_mirrors_the_rating_about_a_range(value, a, b, amount):
    low, high = sorted([a, b])
    tolerance = Tolerance("absolute", amount)
    mirrored = low + high - value
    spec = TargetSpec.between(low, high)
    assert rate(value, spec, HIGH, tolerance) == rate(mirrored, spec, LOW, tolerance)


@given(figures, tolerances, st.sampled_from([HIGH, LOW]))
def test_a_figure_on_its_target_is_always_green(target, tolerance, polarity):
    assert rate(target, TargetSpec.year_end(target), polarity, tolerance) is GREEN


@given(figures, figures, amounts, amounts, st.sampled_from([HIGH, LOW]))
def test_a_wider_tolerance_never_worsens_a_rating(value, target, a, b, polarity):
    narrow, wide = (Tolerance("absolute", x) for x in sorted([a, b]))
    spec = TargetSpec.year_end(target)
    assert rate(value, spec, polarity, wide).rank <= rate(value, spec, polarity, narrow).rank


@given(figures, figures)
def test_direction_flips_with_polarity(a, b):
    high, low = direction_of_travel(a, b, HIGH), direction_of_travel(a, b, LOW)
    opposite = {
        Direction.IMPROVING: Direction.WORSENING,
        Direction.WORSENING: Direction.IMPROVING,
        Direction.UNCHANGED: Direction.UNCHANGED,
    }
    assert low == opposite[high]
