"""Risk scoring rules: factors, bands, threshold, direction of travel."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risks.scoring import (
    DEFAULT,
    Band,
    Matrix,
    ScoreError,
    Travel,
    check_residual,
    direction,
    factors_for,
)

levels = st.integers(1, 5)


@given(levels, levels)
def test_score_is_impact_times_likelihood_and_always_banded(impact, likelihood):
    score = DEFAULT.score(impact, likelihood)
    assert score == impact * likelihood
    assert DEFAULT.band(score).contains(score)


@pytest.mark.parametrize(
    ("impact", "likelihood", "field"),
    [
        (0, 3, "impact"),
        (6, 3, "impact"),
        (3, 0, "likelihood"),
        (3, 9, "likelihood"),
        ("5", 5, "impact"),
    ],
)
def test_factors_outside_one_to_five_are_refused_naming_the_factor(impact, likelihood, field):
    with pytest.raises(ScoreError) as caught:
        DEFAULT.score(impact, likelihood)
    assert caught.value.field == field and "must be 1 to 5" in str(caught.value)


@pytest.mark.parametrize(
    ("score", "band", "on_cover"),
    [
        (1, "Low", False),
        (4, "Low", False),
        (5, "Medium", False),
        (10, "Medium", False),
        (12, "High", True),
        (16, "High", True),
        (20, "Very high", True),
        (25, "Very high", True),
    ],
)
def test_bands_and_the_cover_report_threshold_of_the_seed(score, band, on_cover):
    assert DEFAULT.band(score).name == band
    assert DEFAULT.on_cover_report(score) is on_cover


def test_level_names_follow_the_key_to_scores():
    assert DEFAULT.impact_name(5) == "Catastrophic"
    assert DEFAULT.impact_name(5, opportunity=True) == "Outstanding"
    assert DEFAULT.likelihood_name(3) == "Possible"


def test_a_council_can_rename_levels_and_move_bands():
    matrix = Matrix(
        impact_names=("Negligible", "Low", "Medium", "High", "Severe"),
        likelihood_names=("1", "2", "3", "4", "5"),
        bands=(Band("Green", 1, 9, "#0f0"), Band("Red", 10, 25, "#f00")),
        threshold=10,
    )
    assert matrix.impact_name(5) == "Severe" and matrix.band(9).name == "Green"
    assert matrix.on_cover_report(10)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((Band("A", 1, 9, "#fff"),), "without a band"),
        ((Band("A", 1, 12, "#fff"), Band("B", 10, 25, "#fff")), "overlap"),
        # Colours go into a stylesheet: anything but a hex colour could carry CSS of its own.
        ((Band("A", 1, 9, "red;}body{display:none"), Band("B", 10, 25, "#fff")), "'red;}body"),
        ((Band("A", 1, 9, "#fff", "url(x)"), Band("B", 10, 25, "#fff")), "#rgb or #rrggbb"),
        ((Band("Very high", 1, 9, "#fff"), Band("very-high", 10, 25, "#fff")), "same name"),
    ],
)
def test_bands_must_cover_every_score_once_with_safe_colours(bands, message):
    with pytest.raises(ScoreError, match=message):
        Matrix(DEFAULT.impact_names, DEFAULT.likelihood_names, bands, 12)


def test_each_band_is_coloured_by_a_class_of_the_generated_stylesheet():
    assert [band.css_class for band in DEFAULT.bands] == [
        "app-band--low",
        "app-band--medium",
        "app-band--high",
        "app-band--very-high",
    ]
    assert DEFAULT.stylesheet().splitlines() == [
        ".app-band--low{background-color:#cce2d8;color:#0b0c0c}",
        ".app-band--medium{background-color:#fff7bf;color:#0b0c0c}",
        ".app-band--high{background-color:#fcd6c3;color:#0b0c0c}",
        ".app-band--very-high{background-color:#d4351c;color:#ffffff}",
    ]
    assert Band("£££", 1, 25, "#fff").css_class == "app-band--x"


@pytest.mark.parametrize(
    ("previous", "current", "travel"),
    [
        (None, 12, Travel.NEW),
        (12, 16, Travel.HIGHER),
        (16, 12, Travel.LOWER),
        (16, 16, Travel.LEVEL),
    ],
)
def test_direction_of_travel_from_the_previous_review(previous, current, travel):
    assert direction(previous, current) is travel


def test_a_residual_above_the_inherent_score_needs_a_reason():
    with pytest.raises(ScoreError) as caught:
        check_residual(12, 16, "  ")
    assert caught.value.field == "residual_reason" and "(16)" in str(caught.value)
    check_residual(12, 16, "New legislation since the last review")
    check_residual(16, 12, "")


@pytest.mark.parametrize(
    ("score", "pair"),
    [(25, (5, 5)), (16, (4, 4)), (12, (4, 3)), (15, (5, 3)), (20, (5, 4)), (6, (3, 2))],
)
def test_printed_scores_get_factors_near_the_diagonal(score, pair):
    assert factors_for(score) == pair


def test_a_score_that_is_not_a_product_has_no_factors():
    with pytest.raises(ScoreError, match="7 is not impact x likelihood"):
        factors_for(7)
