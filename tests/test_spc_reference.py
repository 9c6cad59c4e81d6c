"""The reference's own test cases, ported: NHS England's "Making Data Count" method as
NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots, R) and its Python port
nhspy-plotthedots (github.com/nhs-pycom/nhspy-plotthedots) implement it. Each case names
the repository and file it came from; data and expected flags, limits and assurance are
theirs. Where a reference test feeds a rule its intermediate columns (which side of the
mean, whether close to a limit), the case builds figures with exactly those properties
against known limits."""

from fractions import Fraction

import pytest

from indicators.spc import (
    SCALING,
    Assurance,
    Limits,
    Signal,
    Variation,
    assurance,
    limits,
    run_on_one_side,
    special_causes,
    trend,
    two_of_three_near_a_limit,
    xmr,
)

# Limits with mean 11, two-thirds lines at 7.45 and 14.55, process limits at 5.68 and 16.32.
FLAT = limits([10, 12] * 6)


def figure(side: int, close: bool = False) -> int:
    """A figure on `side` of FLAT's mean (0: on it), close to the limit on that side or not."""
    return {(1, True): 15, (1, False): 12, (-1, True): 7, (-1, False): 10}.get((side, close), 11)


def figures(close: list[int], sides: list[int]) -> list[int]:
    return [figure(s, bool(c)) for c, s in zip(close, sides, strict=True)]


def flagged(marks: list[int]) -> set[int]:
    return {i for i, m in enumerate(marks) if m}


# NHSRplotthedots, tests/testthat/test-ptd_calculate_point_type.R,
# "ptd_seven_point_one_side_mean works as expected" with ptd_part_of_seven_trend: seven or
# more points on one side of the mean, all of them flagged.
@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        ([1] * 6, set()),
        ([1] * 6 + [-1], set()),
        ([1] * 8 + [-1], set(range(8))),
        ([-1] * 8 + [1], set(range(8))),
    ],
)
def test_seven_points_on_one_side_of_the_mean(sides, expected):
    assert run_on_one_side([figure(s) for s in sides], FLAT) == expected


# NHSRplotthedots, tests/testthat/test-ptd_calculate_point_type.R,
# "ptd_seven_point_trend works as expected" (each trend's last point there; here every
# point of it, as ptd_part_of_seven_trend flags them).
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], set()),
        (list(range(1, 7)), set()),
        ([1, 2, 3, 3, 4, 5, 6], set()),
        (list(range(1, 8)), set(range(7))),
        ([2, *range(1, 8), 3], set(range(1, 8))),
        (list(range(7, 0, -1)), set(range(7))),
        ([2, *range(7, 0, -1), 3], set(range(1, 8))),
    ],
)
def test_seven_point_trend_r(values, expected):
    assert trend(values) == expected


# nhspy-plotthedots, tests/unittests/test_seven_point_trend.py (the port marks each
# trend's last point; these are the points of those trends).
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1, 11)), set(range(10))),  # test_increasing_trend
        (list(range(10, 0, -1)), set(range(10))),  # test_decreasing_trend
        ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2], set()),  # test_no_trend
        ([1, 2, 3], set()),  # test_small_input
        (list(range(20)), set(range(20))),  # test_large_input
        ([1] * 7, set()),  # test_exact_seven_input
        ([1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2], set(range(4, 11))),  # mixed
        ([-1, -2, -3, -2, -1, -2, -3, -4, -5, -6, -7, -4, -3, -2, -1, -2], set(range(4, 11))),
    ],
)
def test_seven_point_trend_python(values, expected):
    assert trend(values) == expected


# NHSRplotthedots, tests/testthat/test-ptd_calculate_point_type.R,
# "ptd_part_of_two_in_three works as expected" and "ptd_two_in_three works as expected when
# points are on opposite sides of the mean": two of three close to a limit, all three on
# the same side of the mean; the close points are flagged.
@pytest.mark.parametrize(
    ("close", "sides", "expected"),
    [
        ([1, 0, 1], [1, 1, 1], {0, 2}),
        ([0, 1, 1], [1, 1, 1], {1, 2}),
        ([1, 1, 0], [1, 1, 1], {0, 1}),
        ([1, 1, 1], [-1, -1, -1], {0, 1, 2}),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, {2, 4}),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, {2, 3}),
        ([1, 0, 0, 1], [1] * 4, set()),
        ([1, 0, 0, 1, 1], [1] * 5, {3, 4}),
        ([1, 0, 1], [1, -1, 1], set()),
        ([0, 1, 1], [1, -1, 1], set()),
        ([1, 1, 0], [1, -1, 1], set()),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], set()),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], set()),
    ],
)
def test_two_in_three_r(close, sides, expected):
    assert two_of_three_near_a_limit(figures(close, sides), FLAT) == expected


# nhspy-plotthedots, tests/unittests/test_two_in_three.py, test_large, test_negative,
# test_relative_to_mean and test_close_to_limits. Every point is close to a limit except
# those on the mean (0), which no qualifying window can hold.
LARGE_SIDES = [
    -1, -1, -1, -1, -1, 0, -1, -1, 1, -1, 0, -1, -1, 0, 0, -1, 0, 1, -1, 1, -1, -1, 1, 0, -1,
    1, 1, 0, -1, -1, 0, -1, 0, 0, -1, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 1, -1, 0, 1, 0, 0, 1,
    1, 1, -1, -1, 1, -1, 0, 1, -1, 1, 1, 0, -1, 1, 0, 0, 1, 0, 1, 1, 1, -1, 1, 1, 0, 1, 1, 1,
]  # fmt: skip
LARGE_EXPECTED = [True] * 5 + [False] * 47 + [True] * 3 + [False] * 16 + [True] * 3
LARGE_EXPECTED += [False] * 4 + [True] * 3


@pytest.mark.parametrize(
    ("close", "sides", "expected"),
    [
        ([1] * 81, LARGE_SIDES, flagged(LARGE_EXPECTED)),
        ([1] * 3, [-1] * 3, {0, 1, 2}),
        ([1] * 3, [1, -1, 1], set()),
        ([0] * 3, [1] * 3, set()),
    ],
)
def test_two_in_three_python(close, sides, expected):
    assert two_of_three_near_a_limit(figures(close, sides), FLAT) == expected


# NHSRplotthedots, tests/testthat/test-ptd_spc_standard.R, "it only reports special cause
# for 2of3 points close to limits when they are on the same side of the mean".
def test_two_close_points_on_opposite_sides_are_common_cause():
    data = [1, -1] * 8
    data[14], data[15] = Fraction("5.5"), Fraction("-5.5")
    chart = xmr(data, polarity="high")
    assert chart.signals[-2:] == (None, None)


# NHSRplotthedots, tests/testthat/test-ptd_spc_standard.R, "it returns expected values",
# with the limits of its snapshot tests/testthat/_snaps/ptd_spc_standard.md: 20 figures of
# rnorm() after set.seed(123); then the 15th set to 10, with and without screening.
RNORM = [
    "-0.56047565", "-0.23017749", "1.55870831", "0.07050839", "0.12928774", "1.71506499",
    "0.46091621", "-1.26506123", "-0.68685285", "-0.44566197", "1.22408180", "0.35981383",
    "0.40077145", "0.11068272", "-0.55584113", "1.78691314", "0.49785048", "-1.96661716",
    "0.70135590", "-0.47279141",
]  # fmt: skip


def test_limits_of_the_r_snapshot():
    data = [Fraction(v) for v in RNORM]
    lim = limits(data)
    assert float(lim.mean) == pytest.approx(0.1416238, abs=5e-8)
    assert (float(lim.lower), float(lim.upper)) == pytest.approx((-3.01138, 3.294627), abs=5e-6)
    sides = [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]  # the snapshot's first 15
    assert [(v > lim.mean) - (v < lim.mean) for v in data[:15]] == sides
    data[14] = Fraction(10)
    screened, every = limits(data), limits(data, screen=False)
    assert float(screened.mean) == pytest.approx(0.6694159, abs=5e-8)
    assert (float(screened.lower), float(screened.upper)) == pytest.approx(
        (-2.383666, 3.722497), abs=5e-6
    )
    assert (float(every.lower), float(every.upper)) == pytest.approx(
        (-4.596625, 5.935457), abs=5e-6
    )
    assert screened.left_out == 2 and every.left_out == 0  # the two ranges beside the 10
    # The widths differ, as the test asserts: screening narrows the limits.
    assert every.upper - every.lower > screened.upper - screened.lower


# NHSRplotthedots, vignettes/deviations.Rmd (articles/deviations.html), "Treatment of
# outlying points": screening is the package's default; the Excel tool screens nothing.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_deviations_vignette_screened_and_as_the_excel_tool():
    default = xmr(DEVIATIONS, polarity="high")
    lim = default.phases[0][1]
    assert (round(float(lim.upper), 2), round(float(lim.mean), 2)) == (4.6, 1.94)
    assert round(float(lim.lower), 2) == -0.72
    excel = xmr(DEVIATIONS, polarity="high", screen=False).phases[0][1]
    assert (round(float(excel.upper), 2), round(float(excel.lower), 2)) == (6.95, -3.06)
    # "four grey common cause points followed by a single blue special cause improvement
    # point followed by a further 12 grey common cause points" (13 in the data: 18 in all)
    assert default.special == {4} and default.signals[4] is Signal.ABOVE_LIMIT
    assert xmr(DEVIATIONS, polarity="high", screen=False).special == {4}


# NHSRplotthedots, R/ptd_spc_standard.R: the mean skips a missing figure (na.rm) and the
# moving ranges beside it are NA, so left out; the reference keeps the gap.
def test_a_missing_figure_leaves_both_moving_ranges_out():
    lim = limits([1, 2, None, 10, 11])
    assert lim.mean == 6 and lim.mean_moving_range == 1 and lim.points == 4
    chart = xmr([1, 2, 3, 4, None, 5, 6, 7, 8])  # no trend runs across the gap
    assert Signal.RISING not in chart.signals and len(chart.signals) == 9


# nhspy-plotthedots, tests/unittests/test_limits_calculations.py: mean, lower and upper
# process limits, lower and upper two-thirds lines.
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1, 11)), (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
        (list(range(10, 0, -1)), (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
        ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2], (2.7, 0.04, 5.36, 0.9266666666666667, 4.473333333333334)),
        ([1, 2, 3], (2.0, -0.66, 4.66, 0.22666666666666657, 3.7733333333333334)),
        (list(range(20)), (9.5, 6.84, 12.16, 7.726666666666667, 11.273333333333333)),
        (
            [3, 1, 4, 1, 5, 9, 2],
            (3.5714285714285716, -6.625238095238096, 13.768095238095238, -3.2263492063492065,
             10.36920634920635),
        ),
        (
            [1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2],
            (3.0, -0.014666666666666828, 6.014666666666667, 0.9902222222222221, 5.009777777777778),
        ),
        (
            [-1, -2, -3, -2, -1, -2, -3, -4, -5, -6, -7, -4, -3, -2, -1, -2],
            (-3.0, -6.014666666666667, 0.014666666666666828, -5.009777777777778,
             -0.9902222222222221),
        ),
    ],
)  # fmt: skip
def test_limits_calculations_python(values, expected):
    lim = limits(values)
    got = (lim.mean, lim.lower, lim.upper, lim.near_lower, lim.near_upper)
    assert [float(v) for v in got] == pytest.approx(expected, abs=1e-12)


# nhspy-plotthedots, tests/unittests/test_pandas_spc_x_calc.py, test_demo_case: the
# example of NHS England's SPC tool; only the 54 is outside the limits and special.
def test_the_nhs_england_tool_example():
    values = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]
    chart = xmr(values)
    lim = chart.phases[0][1]
    assert float(lim.mean) == pytest.approx(76.67, abs=0.005)
    assert (round(float(lim.lower)), round(float(lim.upper))) == (57, 96)
    assert chart.special == {11} and chart.signals[11] is Signal.BELOW_LIMIT


# nhspy-plotthedots, tests/unittests/test_pandas_spc_x_calc.py, test_fix_point_mean; and
# NHSRplotthedots, tests/testthat/test-ptd_spc_standard.R, "setting fix_after_n_points
# changes the calculations".
def test_fixing_the_limits_after_n_points():
    assert xmr(list(range(1, 11)), baseline=5).phases[0][1].mean == 3
    data = [Fraction(v) for v in RNORM]
    fixed, free = xmr(data, baseline=12).phases[0][1], xmr(data).phases[0][1]
    assert (fixed.lower, fixed.upper) != (free.lower, free.upper)


# nhspy-plotthedots, tests/unittests/test_special_cause_flag.py: test_outside_limits,
# test_sevent_point_mean and test_part_of_three. (Its test_values, seven equal figures
# on the mean flagged, follows a line the port commented out, `and (vp[i + 6] != 0)`;
# the R reference, ptd_seven_point_one_side_mean, requires the side to be non-zero, and
# so does this project: seven figures on the mean are no run.)
def test_special_cause_flag_python():
    assert special_causes([17, 17, 5], FLAT) == {0, 1, 2}
    assert special_causes([12] * 7, FLAT) == set(range(7))
    assert special_causes([15, 15, 15], FLAT) == {0, 1, 2}
    assert special_causes([11] * 7, FLAT) == set()


# NHSRplotthedots, R/ptd_calculate_point_type.R, ptd_special_cause_type and
# ptd_point_type (with test-ptd_calculate_point_type.R's expected types): the kind of
# signal, in its order of precedence, decides improvement or concern.
def test_the_kind_of_signal_decides_improvement_or_concern():
    rising = [10, 16, 9, 15, 10, 16, 9, 15, 10, 16, 4, 5, 6, 7, 8, 9, 10]
    assert xmr(rising, polarity="high").signals[-1] is Signal.RISING
    assert xmr(rising, polarity="high").variation is Variation.IMPROVING
    assert xmr(rising, polarity="low").variation is Variation.CONCERNING
    assert xmr(rising).variation is Variation.HIGH  # "special_cause_neutral_high"
    falling = [20 - v for v in rising]
    assert xmr(falling, polarity="low").variation is Variation.IMPROVING
    assert xmr(falling).variation is Variation.LOW


# NHSRplotthedots, tests/testthat/test-ptd_calculate_assurance_type.R: lower and upper
# limits (1, 3), (5, 7) and (1, 5) with a target of 4.
@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("high", [Assurance.FAIL, Assurance.PASS, Assurance.HIT_AND_MISS]),
        ("low", [Assurance.PASS, Assurance.FAIL, Assurance.HIT_AND_MISS]),
        ("none", [None, None, None]),
    ],
)
def test_assurance_r(polarity, expected):
    phases = [
        Limits(Fraction(mean), Fraction(half) / SCALING) for mean, half in ((2, 1), (6, 1), (3, 2))
    ]
    assert [lim.lower for lim in phases] == [1, 5, 1]
    assert [assurance(lim, 4, polarity) for lim in phases] == expected


# NHSRplotthedots, tests/testthat/test-ptd_calculate_assurance_type.R, "it returns correct
# values for assurance when rebase": the latest phase's limits decide.
def test_assurance_uses_the_latest_phase():
    low, high = [Fraction("1.9"), Fraction("2.1")] * 6, [Fraction("5.9"), Fraction("6.1")] * 6
    wide = [1, 5] * 6  # limits 3 ± 10.64: the target is within them
    assert xmr(high + wide, polarity="low", target=4, rephase_at=(12,)).assurance is (
        Assurance.HIT_AND_MISS
    )
    assert xmr(wide + high, polarity="low", target=4, rephase_at=(12,)).assurance is (
        Assurance.FAIL
    )
    assert xmr(high + low, polarity="low", target=4, rephase_at=(12,)).assurance is (Assurance.PASS)


# NHSRplotthedots, R/ptd_add_short_group_warnings.R and vignettes/number-of-points-required
# (articles/number-of-points-required.html): a phase of fewer than 12 figures has trial
# limits, "revised with each additional observation"; limits are drawn as soon as there
# is a moving range.
def test_fewer_than_twelve_figures_give_trial_limits():
    short = xmr([10, 12] * 5 + [11])
    assert short.trial and short.phases[0][1].trial
    assert not xmr([10, 12] * 6).trial
    two = xmr([10, 12])
    assert two.trial and (two.phases[0][1].lower, two.phases[0][1].upper) == (
        Fraction("5.68"),
        Fraction("16.32"),
    )
    rephased = xmr([10, 12] * 6 + [30, 32] * 3, rephase_at=(12,))
    assert [lim.trial for _, lim in rephased.phases] == [False, True] and rephased.trial
