"""Where the council stands among a group of councils: rank, quartile and average.

Plain Python, no Django. The rules:

- The average is the simple mean of the group's members that have a figure; members
  without one are left out (and counted as missing), never taken as zero.
- The council is ranked among the members with a figure and itself (whether or not it is
  listed as a member: statistical neighbours usually leave the council out).
- Rank follows the indicator's polarity: good is high puts the highest figure 1st, good
  is low the lowest. Equal figures share the better rank ("1st, 2nd, 2nd, 4th"). A context
  measure (no polarity) is not ranked.
- Quartile: 1 plus the whole number of quarters of the group ranked above the council,
  floor(4 x (rank - 1) / councils ranked) + 1. The best is always in the 1st quartile and,
  in a group of four or more, the worst in the 4th; of 23 councils, places 1-6 are the
  1st quartile, 7-12 the 2nd, 13-18 the 3rd and 19-23 the 4th. Tied councils share it.
  A group of fewer than four has no quartiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from indicators.formatting import ordinal

HIGH = "high"
LOW = "low"
NONE = "none"


def mean(values: Iterable[Decimal]) -> Decimal | None:
    """The simple mean, or None when there is nothing to average."""
    values = list(values)
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def rank(value: Decimal, others: Iterable[Decimal], *, polarity: str) -> int:
    """1 plus the number of other figures strictly better than `value`."""
    if polarity == HIGH:
        return 1 + sum(1 for other in others if other > value)
    if polarity == LOW:
        return 1 + sum(1 for other in others if other < value)
    raise ValueError(f"Only a measure where good is high or low is ranked, not {polarity!r}.")


def quartile(position: int, of: int) -> int | None:
    """The quarter of the group a rank falls in: 1 (best) to 4; None under four councils."""
    if of < 1 or not 1 <= position <= of:
        raise ValueError(f"A rank of {position} out of {of} is not possible.")
    if of < 4:
        return None
    return 4 * (position - 1) // of + 1


def same_when_rounded(first: Decimal, second: Decimal, decimal_places: int) -> bool:
    """Whether two figures print the same at the indicator's decimal places (half up)."""
    quantum = Decimal(1).scaleb(-decimal_places)
    return first.quantize(quantum, ROUND_HALF_UP) == second.quantize(quantum, ROUND_HALF_UP)


@dataclass(frozen=True)
class Standing:
    """The council's place in a group: "5th of 23, 2nd quartile"."""

    rank: int
    of: int
    quartile: int | None

    def describe(self) -> str:
        text = f"{ordinal(self.rank)} of {self.of}"
        return f"{text}, {ordinal(self.quartile)} quartile" if self.quartile else text


@dataclass(frozen=True)
class GroupFigures:
    """A group's figures for one measure and period, seen from the council."""

    members: int  # listed in the group
    present: int  # members with a figure
    missing: tuple[str, ...]  # members without one
    mean: Decimal | None
    standing: Standing | None  # None: no figure for the council, or no polarity


def group_figures(
    members: Mapping[str, Decimal | None],
    *,
    council: str,
    council_value: Decimal | None,
    polarity: str,
) -> GroupFigures:
    """The mean of `members` (a figure, or None, per member) and the council's standing
    among them. `council` is the council's key; its figure counts once, member or not."""
    present = {key: value for key, value in members.items() if value is not None}
    missing = tuple(key for key, value in members.items() if value is None)
    standing = None
    if council_value is not None and polarity in (HIGH, LOW):
        others = [value for key, value in present.items() if key != council]
        position = rank(council_value, others, polarity=polarity)
        standing = Standing(position, len(others) + 1, quartile(position, len(others) + 1))
    return GroupFigures(
        members=len(members),
        present=len(present),
        missing=missing,
        mean=mean(present.values()),
        standing=standing,
    )
