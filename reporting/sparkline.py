"""A small trend line as inline SVG: vector in the PDF, readable by a screen reader through
its label. Plain Python, no Django."""

from decimal import Decimal
from html import escape

WIDTH, HEIGHT, PAD = 64, 18, 2


def sparkline_svg(points: list[tuple[str, Decimal, str]], *, label: str) -> str:
    """An SVG polyline through the figures, oldest first, with the latest marked. `points`
    are (period, figure, figure as printed); `label` names the measure, for the text
    alternative. Fewer than three figures make no line: an empty string."""
    if len(points) < 3:
        return ""
    values = [float(value) for _, value, _ in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(values) - 1)
    coords = [
        (PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD))
        for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    words = f"Trend of {label}: " + ", ".join(f"{period} {text}" for period, _, text in points)
    return (
        f'<svg class="app-sparkline" role="img" aria-label="{escape(words)}" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<polyline points="{line}" fill="none" stroke="#1d70b8" stroke-width="1.5" '
        'stroke-linejoin="round"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.2" fill="#0b0c0c"/></svg>'
    )
