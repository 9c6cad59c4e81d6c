"""Risk and opportunity scoring: a 5x5 matrix of impact and likelihood, its bands, the
cover-report threshold and direction of travel. Plain Python, no Django.

Scores are always impact x likelihood, computed from the two factors, never typed. The
matrix (level names, bands, threshold) is data a council can change; DEFAULT is the key to
scores printed under the council's Q1 2018/19 register.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

LEVELS = range(1, 6)
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


class ScoreError(ValueError):
    """A factor or score that cannot be, naming the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Band:
    """A named range of scores with its colour, for the matrix and the register."""

    name: str
    low: int
    high: int
    colour: str
    text_colour: str = "#0b0c0c"

    def contains(self, score: int) -> bool:
        return self.low <= score <= self.high

    @property
    def css_class(self) -> str:
        """The class that colours a square or score of this band (the stylesheet is
        generated from the key, so pages carry no inline style)."""
        return "app-band--" + (re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "x")


@dataclass(frozen=True)
class Matrix:
    """The key to scores: level names, bands and the cover-report threshold."""

    impact_names: tuple[str, ...]
    likelihood_names: tuple[str, ...]
    bands: tuple[Band, ...]
    threshold: int
    opportunity_top_name: str = "Outstanding"

    def __post_init__(self) -> None:
        if len(self.impact_names) != 5 or len(self.likelihood_names) != 5:
            raise ScoreError("levels", "A matrix has five impact and five likelihood levels.")
        covered = [s for s in range(1, 26) if any(b.contains(s) for b in self.bands)]
        if covered != list(range(1, 26)):
            missing = sorted(set(range(1, 26)) - set(covered))
            raise ScoreError("bands", f"The bands leave scores without a band: {missing}.")
        for a, b in zip(self.bands, self.bands[1:], strict=False):
            if b.low <= a.high:
                raise ScoreError("bands", f"The bands {a.name} and {b.name} overlap.")
        if not 1 <= self.threshold <= 25:
            raise ScoreError("threshold", "The threshold must be a score from 1 to 25.")
        classes = {}
        for band in self.bands:
            for colour in (band.colour, band.text_colour):
                if not COLOUR.fullmatch(str(colour)):
                    raise ScoreError(
                        "bands",
                        f"The band {band.name} has the colour {colour!r}: write a colour as "
                        "#rgb or #rrggbb.",
                    )
            if band.css_class in classes:
                raise ScoreError(
                    "bands",
                    f"The bands {classes[band.css_class]} and {band.name} have the same name.",
                )
            classes[band.css_class] = band.name

    def score(self, impact: int, likelihood: int) -> int:
        for field, level in (("impact", impact), ("likelihood", likelihood)):
            if not isinstance(level, int) or level not in LEVELS:
                raise ScoreError(field, f"The {field} must be 1 to 5, not {level}.")
        return impact * likelihood

    def band(self, score: int) -> Band:
        for band in self.bands:
            if band.contains(score):
                return band
        raise ScoreError("score", f"{score} is not a score from 1 to 25.")

    def on_cover_report(self, score: int) -> bool:
        return score >= self.threshold

    def impact_name(self, level: int, *, opportunity: bool = False) -> str:
        if opportunity and level == 5:
            return self.opportunity_top_name
        return self.impact_names[level - 1]

    def likelihood_name(self, level: int) -> str:
        return self.likelihood_names[level - 1]

    def stylesheet(self) -> str:
        """Each band's colours as a rule, for the pages and the PDFs."""
        return "".join(
            f".{band.css_class}{{background-color:{band.colour};color:{band.text_colour}}}\n"
            for band in self.bands
        )


DEFAULT = Matrix(
    impact_names=("Insignificant", "Minor", "Moderate", "Major", "Catastrophic"),
    likelihood_names=("Rare", "Unlikely", "Possible", "Likely", "Certain"),
    bands=(
        Band("Low", 1, 4, "#cce2d8"),
        Band("Medium", 5, 10, "#fff7bf"),
        Band("High", 11, 16, "#fcd6c3"),
        Band("Very high", 17, 25, "#d4351c", "#ffffff"),
    ),
    threshold=12,
)


class Travel(StrEnum):
    """Direction of travel of a residual score since the previous review."""

    NEW = "new"
    HIGHER = "higher"
    LOWER = "lower"
    LEVEL = "level"

    @property
    def label(self) -> str:
        return {"new": "New", "higher": "Up", "lower": "Down", "level": "Level"}[self.value]

    @property
    def symbol(self) -> str:
        return {"new": "★", "higher": "▲", "lower": "▼", "level": "▶"}[self.value]


def direction(previous_residual: int | None, residual: int) -> Travel:
    """New when the previous review did not have the entry; else by the residual score."""
    if previous_residual is None:
        return Travel.NEW
    if residual > previous_residual:
        return Travel.HIGHER
    if residual < previous_residual:
        return Travel.LOWER
    return Travel.LEVEL


def check_residual(inherent: int, residual: int, reason: str) -> None:
    """Mitigation should not raise a score: a residual above the inherent needs a reason."""
    if residual > inherent and not reason.strip():
        raise ScoreError(
            "residual_reason",
            f"The residual score ({residual}) is above the score before mitigation "
            f"({inherent}); say why.",
        )


def factors_for(score: int) -> tuple[int, int]:
    """Impact and likelihood for a score printed without its factors: the pair nearest the
    matrix's diagonal, impact first when they differ (the seed prints only products)."""
    pairs = [(i, l) for i in LEVELS for l in LEVELS if i * l == score]  # noqa: E741
    if not pairs:
        raise ScoreError("score", f"{score} is not impact x likelihood on a 5x5 matrix.")
    return min(pairs, key=lambda p: (abs(p[0] - p[1]), -p[0]))
