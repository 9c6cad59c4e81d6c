"""When an indicator needs a recovery plan, and whether one covers it.

The rule: a figure rated "requires improvement", or a year-end figure that misses its
target (slightly below or requires improvement), needs a plan. A plan covers the figure
while it is open, and a closed plan still covers the figures of periods that ended before
it was closed (it was live when they were reported).
"""

from dataclasses import dataclass
from datetime import date

from indicators.rag import Rag

NEEDED = "needed"
COVERED = "covered"


@dataclass(frozen=True)
class PlanRef:
    """What the scorecard needs to know of a plan covering an indicator."""

    pk: int
    title: str
    is_open: bool
    closed_on: date | None

    def covers(self, period_end: date) -> bool:
        return self.is_open or (self.closed_on is not None and self.closed_on > period_end)


def needs_plan(rating: Rag | None, year_end_rating: Rag | None = None) -> bool:
    """Requires improvement now, or missed the year-end target."""
    return rating is Rag.RED or year_end_rating in (Rag.RED, Rag.AMBER)


def plan_state(
    rating: Rag | None,
    year_end_rating: Rag | None,
    plans: list[PlanRef],
    period_end: date | None,
) -> tuple[str | None, PlanRef | None]:
    """(NEEDED, None), (COVERED, the plan) or (None, None) for a figure that needs none.

    A figure that needs no plan still shows the open plan that covers it, so members can
    follow a plan until it is closed."""
    covering = next((p for p in plans if period_end and p.covers(period_end)), None)
    if covering is not None:
        return COVERED, covering
    if needs_plan(rating, year_end_rating):
        return NEEDED, None
    return None, None
