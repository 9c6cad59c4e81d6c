"""An executive summary drafted from the data, the way the council's reports write theirs:
"Highlights" and "However", one plain sentence per indicator with its figures. Deterministic
templates over scorecard rows; the clerk or officer edits the draft before it goes into a
report, and it never publishes itself."""

from dataclasses import dataclass, field
from decimal import Decimal

from indicators.forecast import Verdict
from indicators.models import Indicator, Value
from indicators.rag import Direction, Rag
from indicators.spc import Variation
from reporting.assessment import assess, comparator_period, england_comparator, previous_value
from reporting.scorecard import Row


@dataclass
class Draft:
    period: str
    highlights: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [
            f"This report provides an overview of performance for {self.period}, drafted "
            "from the published figures."
        ]
        if self.highlights:
            parts.append("Highlights:\n\n" + "\n".join(f"- {s}" for s in self.highlights))
        if self.concerns:
            parts.append("However,\n\n" + "\n".join(f"- {s}" for s in self.concerns))
        if not (self.highlights or self.concerns):
            parts.append("No indicator changed enough to call out.")
        return "\n\n".join(parts)


# Titles that read as a quantity take "the": "The proportion of older people ...".
_QUANTITIES = {
    "amount",
    "average",
    "days",
    "level",
    "number",
    "percentage",
    "proportion",
    "rate",
    "ratio",
    "share",
    "time",
    "total",
}


def _subject(indicator: Indicator) -> str:
    """'Proportion of older people ...' -> 'The proportion of older people ...'; other titles
    ('Carers receiving direct payments ...') stand as they are."""
    title = indicator.title.strip().rstrip(".")
    if title.split(" ", 1)[0].lower() in _QUANTITIES:
        return f"The {title[:1].lower()}{title[1:]}"
    return title[:1].upper() + title[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2].istitle() else text


def _england(indicator: Indicator, value: Value) -> tuple[Decimal | None, str]:
    """The England average beside the figure, and its own period when it is an older one."""
    england = england_comparator(indicator, value.period)
    if england is None:
        return None, ""
    own = comparator_period(england, value.period)
    return england.value, f" ({own})" if own else ""


def _better(indicator: Indicator, ours: Decimal, theirs: Decimal) -> bool | None:
    if indicator.polarity == "high":
        return ours > theirs
    if indicator.polarity == "low":
        return ours < theirs
    return None


def sentences(row: Row) -> tuple[str | None, str | None]:
    """The row's highlight and concern sentences (either may be None)."""
    indicator, value = row.indicator, row.value
    if value is None or value.value is None:
        return None, None
    before = previous_value(indicator, value)
    before_rag = assess(indicator, before).rag if before is not None else None
    england, england_period = _england(indicator, value)
    better = _better(indicator, value.value, england) if england is not None else None
    subject = _subject(indicator)
    if before is not None and before.value is not None and row.direction is not None:
        verb = {
            Direction.IMPROVING: "improved",
            Direction.WORSENING: "worsened",
            Direction.UNCHANGED: "was unchanged",
        }[row.direction]
        moved = (
            f"{subject} {verb} from {before.display} to {value.display}"
            if row.direction != Direction.UNCHANGED
            else f"{subject} was unchanged at {value.display}"
        )
    else:
        moved = f"{subject} was {value.display}"
    england_text = (
        f"{'above' if value.value > england else 'below'} the England average of "
        f"{indicator.format(england)}{england_period}"
        if england is not None and value.value != england
        else None
    )
    good, bad = [], []
    if row.variation == Variation.IMPROVING:
        good.append("a special cause improvement, not normal variation")
    if row.rag == Rag.GREEN and before_rag in (Rag.AMBER, Rag.RED):
        good.append(f"back on target ({_lower_first(row.target)})")
    if better and (row.direction == Direction.IMPROVING or good):
        good.insert(0, england_text)
    if row.variation == Variation.CONCERNING:
        bad.append("a special cause concern, not normal variation")
    if row.rag == Rag.RED and before_rag != Rag.RED:
        bad.append(f"now requiring improvement against a target of {_lower_first(row.target)}")
    if better is False and (row.direction == Direction.WORSENING or bad):
        bad.insert(0, england_text)
    highlight = f"{moved}, {_join(good)}." if good else None
    concern = f"{moved}, {_join(bad)}." if bad else None
    return highlight, concern


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def forecast_sentence(row: Row) -> str | None:
    """A concern for a year-end forecast that is unlikely or at risk to meet its target,
    said as a forecast."""
    forecast = row.forecast
    if forecast is None or forecast.verdict not in (Verdict.UNLIKELY, Verdict.AT_RISK):
        return None
    how = "unlikely to meet" if forecast.verdict is Verdict.UNLIKELY else "at risk of missing"
    return (
        f"{_subject(row.indicator)} is forecast to end {forecast.year} at {forecast.text}: "
        f"{how} its year-end target of {forecast.target_text} (a forecast, not a result)."
    )


def draft(rows: list[Row], period: str) -> Draft:
    """The draft for these rows: every indicator with something to say, in scorecard order;
    an indicator that is both (better than England but newly red) appears under both."""
    result = Draft(period=period)
    for row in rows:
        highlight, concern = sentences(row)
        if highlight:
            result.highlights.append(highlight)
        if concern:
            result.concerns.append(concern)
        if warning := forecast_sentence(row):
            result.concerns.append(warning)
    return result
