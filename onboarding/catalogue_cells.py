"""Reading one cell of a catalogue workbook: a number, a whole number, a period, a choice
from a list. Each raises CellError with the reason, which the importer lists against the
cell's sheet and address. What a cell's number format means (percentages, dates, errors)
is `excel_cells`'s, shared with the return workbook."""

from decimal import Decimal, InvalidOperation

from indicators.rag import Polarity
from onboarding.catalogue_format import KIND_LABELS, KIND_WORDS, plain
from spreadsheets import excel_cells
from spreadsheets.excel_cells import CellError, cell_text


def word(text: str, words: dict[str, str], labels: dict[str, str], what: str) -> str:
    wanted = text.strip().lower()
    for code in words:
        if wanted in (code, words[code].lower(), str(labels.get(code, "")).lower()):
            return code
    raise CellError(f"'{text}' is not a {what}: use {', '.join(words.values())}")


def decimal(cell, *, places: int = 6) -> Decimal | None:
    if cell is None or cell_text(cell) == "":
        return None
    if not isinstance(cell, str):
        excel_cells.plain_number(cell)  # refuses percentages, dates, errors, TRUE, FALSE
    try:
        number = (
            Decimal(str(cell))
            if isinstance(cell, int | float)
            else Decimal(cell_text(cell).replace(",", ""))
        )
    except InvalidOperation:
        raise CellError(f"'{cell_text(cell)}' is not a number") from None
    if not number.is_finite():
        raise CellError(f"'{cell_text(cell)}' is not a number")
    check_fits(number, places)
    return number


_TOO_LARGE = {places: Decimal(10) ** (20 - places) for places in range(21)}


def check_fits(number: Decimal, places: int = 6) -> None:
    """That a figure fits the database's 20 digits with `places` decimal places (trailing
    zeros, as in "1.50000000", do not count). Called for every figure of an import."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        exponent = number.normalize().as_tuple().exponent  # only when it might not fit
        if isinstance(exponent, int) and -exponent > places:
            raise CellError(f"{plain(number)} has more than {places} decimal places")
    if abs(number) >= _TOO_LARGE[places]:
        raise CellError(f"{plain(number)} is too large")


def whole(cell, *, low: int = 0, high: int = 32767, default: int | None = 0) -> int | None:
    number = decimal(cell)
    if number is None:
        return default
    if number != number.to_integral_value() or not low <= number <= high:
        raise CellError(f"'{cell_text(cell)}' is not a whole number from {low} to {high}")
    return int(number)


period = excel_cells.period
year = excel_cells.year


def length(text: str, model, name: str) -> str:
    limit = model._meta.get_field(name).max_length
    if limit and len(text) > limit:
        raise CellError(f"at most {limit} characters, not {len(text)}")
    return text


def required(what: str):
    raise CellError(f"give {what}")


def polarity(cell) -> str:
    text = cell_text(cell)
    if not text:
        raise CellError("give the polarity: H, L or None")
    try:
        return Polarity.parse(text).value
    except ValueError as error:
        raise CellError(str(error).rstrip(".")) from None


def tolerance(cell) -> tuple[str, Decimal | None]:
    text = cell_text(cell)
    if not text:
        return "", None
    relative = text.endswith("%")
    if isinstance(cell, excel_cells.Percent):  # a percent-formatted 0.1 shows as 10%
        cell = text
    amount = decimal(text.rstrip("%").strip() if relative else cell, places=4)
    if amount is None or amount < 0:
        raise CellError(
            f"'{text}' is not a tolerance: write 2 (in the unit) or 10% (of the target)"
        )
    return ("relative" if relative else "absolute"), amount


def kind(cell) -> str:
    if not cell_text(cell):
        raise CellError("give the kind of target: " + ", ".join(KIND_WORDS.values()))
    return word(cell_text(cell), KIND_WORDS, KIND_LABELS, "kind of target")


def optional_period(cell, *, frequency: str):
    return period(cell, frequency=frequency) if cell_text(cell) else None


def target_number(cell, unit) -> Decimal | None:
    """A target, a bound or a baseline in the indicator's unit: a percent-formatted 0.485
    on a percentage indicator is 48.5."""
    try:
        number = excel_cells.number(cell, unit)
    except CellError as error:
        raise CellError(str(error).rstrip(".")) from None
    if number is not None:
        check_fits(number)
    return number


def change(cell) -> Decimal | None:
    return decimal(cell_text(cell).rstrip("%").strip())


def increase(cell) -> bool:
    direction = cell_text(cell).lower() or "increase"
    if direction not in ("increase", "reduce"):
        raise CellError("write Increase or Reduce")
    return direction == "increase"
