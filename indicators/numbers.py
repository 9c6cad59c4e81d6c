"""Read a figure typed the way the council's papers print it, and check it: the one set
of checks of a figure, its count and its missing reason, which the return form, the return
workbook, the catalogue import and `Value.clean` all apply. Plain Python, no Django.

Understood: "8,632", "34.8", "34.8%", "1,288/52.5" (a count and its rate), "1,890/19.0%",
"£7.989m", "£174k", "£950", "426 days", "19 (out of 24)", "-14.0". Anything else is an
error saying what is wrong: "41, 554" is not a number.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from indicators.formatting import Unit, validate_value_for_unit

# The one grammar of a number in the project: digits with optional thousands separators and
# decimals ("8,632", "34.8", "-14.0", ".5"). Forms, workbooks, the catalogue and national
# comparator files all read numbers through it.
_NUMBER = r"[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"


class FigureError(ValueError):
    """Text that is not a figure, with the reason."""


@dataclass(frozen=True)
class Figure:
    """A figure read from text: the value and, for a count-and-rate pair, the count."""

    value: Decimal
    count: Decimal | None = None


def _number(text: str, original: str) -> Decimal:
    if not re.fullmatch(_NUMBER, text):
        raise FigureError(f"'{original}' is not a number.")
    try:
        return Decimal(text.replace(",", "").lstrip("+"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise FigureError(f"'{original}' is not a number.") from None


def parse_number(text: str) -> Decimal:
    """A plain number as a published file writes it, a trailing percent sign allowed
    ("75.5%" is 75.5): the grammar above, nothing else. Raises FigureError."""
    cleaned = text.strip()
    return _number(cleaned[:-1] if cleaned.endswith("%") else cleaned, text)


def parse_figure(text, unit: Unit | str) -> Figure:
    """A figure for an indicator of `unit`, from a cell or a form field."""
    unit = Unit(unit)
    if isinstance(text, bool):
        raise FigureError(f"'{text}' is not a number.")
    if isinstance(text, int | float | Decimal):
        # Spreadsheets hold numbers as binary floats; keep what the cell displays.
        return Figure(Decimal(str(text)))
    original = str(text)
    cleaned = " ".join(original.split())
    if not cleaned:
        raise FigureError("The figure is empty.")
    count = None
    if "/" in cleaned:
        left, _, cleaned = cleaned.partition("/")
        count = _number(left.strip(), original)
        if count != count.to_integral_value() or count < 0:
            raise FigureError(f"'{original}': the count before the / must be a whole number.")
        if unit not in (Unit.RATE, Unit.PERCENTAGE):
            raise FigureError(
                f"'{original}': only rates and percentages can have a count before a /."
            )
        cleaned = cleaned.strip()
    if cleaned.endswith("%"):
        if unit is not Unit.PERCENTAGE:
            raise FigureError(
                f"'{original}' is a percentage, but this measure is a {unit.label.lower()}."
            )
        return Figure(_number(cleaned[:-1].strip(), original), count)
    if cleaned.startswith(("£", "-£")):
        if unit is not Unit.MONEY:
            raise FigureError(f"'{original}' is an amount of money, but this measure is not.")
        sign = -1 if cleaned.startswith("-") else 1
        body = cleaned.lstrip("-")[1:]
        scale = {"m": Decimal(1_000_000), "k": Decimal(1_000)}.get(body[-1:].lower(), Decimal(1))
        if scale != 1:
            body = body[:-1]
        return Figure(sign * _number(body, original) * scale, count)
    match = re.fullmatch(r"(.+?)\s*days?", cleaned)
    if match:
        if unit is not Unit.DAYS:
            raise FigureError(f"'{original}' is a number of days, but this measure is not.")
        return Figure(_number(match.group(1), original), count)
    match = re.fullmatch(r"(.+?)\s*\(out of [^)]*\)", cleaned)
    if match:
        return Figure(_number(match.group(1), original), count)
    return Figure(_number(cleaned, original), count)


def with_count(figure: Figure, count, unit: Unit | str) -> Figure:
    """A figure with the count given in a column of its own (a workbook's Count cell), which
    only rates and percentages have; an empty cell leaves the figure as it is."""
    if count is None or (isinstance(count, str) and not count.strip()):
        return figure
    unit = Unit(unit)
    if unit not in (Unit.RATE, Unit.PERCENTAGE):
        raise FigureError("Only rates and percentages have a count; leave the count empty.")
    if figure.count is not None:
        raise FigureError("The figure already has a count before its /; give it once.")
    number = parse_figure(count, Unit.COUNT).value
    if number != number.to_integral_value() or number < 0:
        raise FigureError(f"The count must be a whole number, not {_plain(number)}.")
    return Figure(figure.value, number)


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


@dataclass(frozen=True)
class FigureProblem:
    """What is wrong with a figure as entered: the field ("value", "count" or
    "missing_reason") and the problem as a sentence."""

    field: str
    sentence: str

    @property
    def in_cell(self) -> str:
        """The problem as a workbook's list of problems writes it, after the cell: an
        instruction in lower case without a full stop ("give a figure ..."), a finding
        as it is."""
        if self.sentence.startswith("Give "):
            return "g" + self.sentence[1:].rstrip(".")
        return self.sentence


def figure_problems(
    value: Decimal | None,
    count: Decimal | None,
    missing_reason: str,
    *,
    unit: Unit | str | None,
    out_of: Decimal | None = None,
    required: bool = True,
) -> list[FigureProblem]:
    """Everything wrong with a figure, its count and its reason. `required`: a line with
    neither figure nor reason is a problem (a line of a return may be left blank). `unit`
    None checks nothing unit-specific (the indicator itself is in doubt)."""
    problems = []
    reason = missing_reason.strip()
    if value is None:
        if count is not None:
            problems.append(FigureProblem("value", "Give the figure the count goes with."))
        elif not reason and required:
            problems.append(
                FigureProblem("missing_reason", "Give a figure or say why it is missing.")
            )
    else:
        wrong = validate_value_for_unit(value, Unit(unit), out_of=out_of) if unit else None
        if wrong:
            problems.append(FigureProblem("value", wrong))
        if reason:
            problems.append(
                FigureProblem(
                    "missing_reason", "Give a figure or a reason it is missing, not both."
                )
            )
    if count is not None and count < 0:
        problems.append(
            FigureProblem("count", f"A count cannot be negative: {_plain(count)} was entered.")
        )
    return problems
