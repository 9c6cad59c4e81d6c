"""The trend sparkline of the performance report: a vector line, with its figures in words."""

import re
from decimal import Decimal

from reporting.sparkline import HEIGHT, PAD, sparkline_svg


def _points(svg: str) -> list[tuple[float, float]]:
    (points,) = re.findall(r'<polyline points="([^"]+)"', svg)
    return [tuple(map(float, pair.split(","))) for pair in points.split()]


def test_fewer_than_three_figures_draw_nothing():
    assert sparkline_svg([], label="x") == ""
    assert sparkline_svg([("Q1", Decimal(1), "1"), ("Q2", Decimal(2), "2")], label="x") == ""


def test_the_line_rises_and_falls_with_the_figures():
    svg = sparkline_svg(
        [("Q1 2017/18", Decimal("26.9"), "26.9%"), ("Q2 2017/18", Decimal("30"), "30.0%")]
        + [("Q3 2017/18", Decimal("25"), "25.0%")],
        label="Assessments over 45 days",
    )
    (first, highest, lowest) = _points(svg)
    assert highest[1] == PAD and lowest[1] == HEIGHT - PAD
    assert first[0] < highest[0] < lowest[0]
    assert 'role="img"' in svg
    assert (
        'aria-label="Trend of Assessments over 45 days: Q1 2017/18 26.9%, Q2 2017/18 30.0%, '
        'Q3 2017/18 25.0%"' in svg
    )


def test_a_constant_series_is_a_flat_line_and_labels_are_escaped():
    svg = sparkline_svg([(f"Q{n}", Decimal(5), "5") for n in range(1, 5)], label='<b>"x"</b>')
    assert len({y for _, y in _points(svg)}) == 1
    assert "<b>" not in svg and "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in svg
