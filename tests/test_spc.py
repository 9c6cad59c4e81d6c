"""Statistical process control: XmR limits, special-cause rules, variation, assurance."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.spc import (
    Assurance,
    NotEnoughData,
    Variation,
    limits,
    outside_limits,
    run_on_one_side,
    trend,
    two_of_three_near_a_limit,
    xmr,
)

FLAT = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12]  # mean 11, mean moving range 2


def test_limits_by_hand():
    lim = limits(FLAT)
    assert (lim.mean, lim.mean_moving_range) == (11, 2)
    assert (lim.upper, lim.lower) == (Fraction("16.32"), Fraction("5.68"))


def test_a_point_outside_the_limits():
    lim = limits(FLAT)
    assert outside_limits([*FLAT, 17], lim) == {12}
    assert outside_limits([*FLAT, Fraction("16.32")], lim) == set()  # on the limit is inside
    assert outside_limits([5], lim) == {0}


@pytest.mark.parametrize(("length", "flagged"), [(6, False), (7, True), (8, True)])
def test_a_run_of_seven_on_one_side_of_the_mean(length, flagged):
    lim = limits(FLAT)  # mean 11
    series = [10] * 3 + [12] * length + [10] * 3
    expected = set(range(3, 3 + length)) if flagged else set()
    assert run_on_one_side(series, lim) == expected


def test_a_point_on_the_mean_breaks_a_run():
    lim = limits(FLAT)
    assert run_on_one_side([12] * 4 + [11] + [12] * 4, lim) == set()


# Seven points, six successive rises or falls, as NHS England's Making Data Count method
# (NHSRplotthedots) counts a trend; six points were once enough here.
@pytest.mark.parametrize(("points", "flagged"), [(6, False), (7, True), (8, True)])
def test_a_trend_of_seven_rising_or_falling(points, flagged):
    rising = [0, 0, *range(1, points), -5]  # a trend of `points` points from index 1
    expected = set(range(1, points + 1)) if flagged else set()
    assert trend(rising) == expected
    assert trend([-v for v in rising]) == expected


def test_trend_edges_exactly():
    assert trend([1, 2, 3, 4, 5, 6]) == set()  # six points
    assert trend([1, 2, 3, 4, 5, 6, 7]) == {0, 1, 2, 3, 4, 5, 6}  # seven points
    assert trend([7, 6, 5, 4, 3, 2, 1, 1]) == {0, 1, 2, 3, 4, 5, 6}
    assert trend([1, 2, 3, 4, 4, 5, 6, 7]) == set()  # a tie breaks it
    assert trend([1, 2, 3, None, 4, 5, 6, 7]) == set()  # so does a gap


# As in the reference, all three points of the window are on the same side of the mean
# (a point on the mean does not count as either side), and only points between the
# two-thirds line and the limit count as close: a point beyond the limit is a signal of its
# own. The rule once counted any two points beyond two-thirds, whatever the third.
def test_two_of_three_close_to_a_limit_all_on_one_side():
    lim = limits(FLAT)  # near upper: 11 + 2.66*2*2/3 = 14.546..., upper 16.32
    assert two_of_three_near_a_limit([12, 15, 12, 15, 12], lim) == {1, 3}
    assert two_of_three_near_a_limit([11, 15, 11, 15, 11], lim) == set()  # third on the mean
    assert two_of_three_near_a_limit([12, 15, 12, 12, 15], lim) == set()
    assert two_of_three_near_a_limit([10, 7, 10, 7], lim) == {1, 3}
    assert two_of_three_near_a_limit([15, 11, 7], lim) == set()  # opposite sides
    assert two_of_three_near_a_limit([15, 17, 12], lim) == set()  # 17 is beyond the limit


def test_eleven_points_give_trial_limits_and_one_is_not_enough():
    chart = xmr(FLAT[:11])
    assert chart.trial and chart.phases[0][1].points == 11
    assert not xmr(FLAT).trial
    with pytest.raises(NotEnoughData, match="Not enough data for SPC: 1 figure, at least 2"):
        xmr(FLAT[:1])
    with pytest.raises(NotEnoughData, match="4 figures, at least 6 needed"):
        xmr(FLAT[:4], minimum=6)


def test_a_rising_trend_is_improvement_even_below_the_mean():
    # The latest point is below the mean but ends seven rising figures: the reference
    # judges the signal by its kind, so with high good it is improvement.
    series = [10, 16, 9, 15, 10, 16, 9, 15, 10, 16, 4, 5, 6, 7, 8, 9, 10]
    chart = xmr(series, polarity="high")
    assert series[-1] < chart.phases[0][1].mean and chart.variation is Variation.IMPROVING
    assert xmr(series, polarity="low").variation is Variation.CONCERNING


@pytest.mark.parametrize(
    ("polarity", "last", "variation"),
    [
        ("high", 20, Variation.IMPROVING),
        ("low", 20, Variation.CONCERNING),
        ("high", 2, Variation.CONCERNING),
        ("low", 2, Variation.IMPROVING),
        ("none", 20, Variation.HIGH),
        ("none", 2, Variation.LOW),
        ("high", 11, Variation.COMMON),
    ],
)
def test_variation_of_the_latest_point_by_polarity(polarity, last, variation):
    assert xmr([*FLAT, last], polarity=polarity).variation is variation


@pytest.mark.parametrize(
    ("polarity", "target", "assurance"),
    [
        ("high", 5, Assurance.PASS),
        ("high", 17, Assurance.FAIL),
        ("high", 11, Assurance.HIT_AND_MISS),
        ("low", 17, Assurance.PASS),
        ("low", 5, Assurance.FAIL),
        ("low", None, None),
        ("none", 5, None),
    ],
)
def test_assurance_from_where_the_target_sits(polarity, target, assurance):
    assert xmr(FLAT, polarity=polarity, target=target).assurance == assurance


def test_rephasing_starts_new_limits():
    series = FLAT + [v + 100 for v in FLAT]
    one = xmr(series)
    two = xmr(series, rephase_at=(12,))
    assert len(two.phases) == 2 and two.limits_at(20).mean == 111
    assert two.special == frozenset() and one.special  # one phase sees the shift as special


def test_a_baseline_fixes_the_limits_from_the_first_points():
    chart = xmr(FLAT + [30, 30, 30], baseline=12)
    assert chart.limits_at(14).mean == 11 and {12, 13, 14} <= chart.special


series = st.lists(st.integers(-1000, 1000), min_size=12, max_size=40)


@given(series, st.integers(-500, 500))
def test_adding_a_constant_moves_the_limits_by_it(values, constant):
    a, b = limits(values), limits([v + constant for v in values])
    assert (b.upper, b.lower, b.mean) == (a.upper + constant, a.lower + constant, a.mean + constant)
    assert xmr(values).special == xmr([v + constant for v in values]).special


@given(series, st.integers(1, 50))
def test_scaling_scales_the_limits(values, factor):
    a, b = limits(values), limits([v * factor for v in values])
    assert (b.upper, b.lower) == (a.upper * factor, a.lower * factor)


@given(st.integers(-1000, 1000), st.integers(12, 40))
def test_a_constant_series_has_zero_width_limits_and_no_special_cause(value, length):
    chart = xmr([Decimal(value)] * length, polarity="high")
    lim = chart.phases[0][1]
    assert lim.upper == lim.lower == value
    assert chart.special == frozenset() and chart.variation is Variation.COMMON
