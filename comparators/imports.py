"""Comparator figures from CSV in the long formats national statistics publish: Fingertips
data files, ASCOF open data, LG Inform downloads and the scorecard's own layout, recognised
from the header (comparators.formats), one row per measure, area and period; breakdown rows
(by sex, age, category, numerators and denominators) are counted and left aside. One
importer serves the upload page and `manage.py import_comparators`; an import is all or
nothing. It writes only the figures its rows carry, adding new ones and updating those held
already for the same measure, area and period; it never deletes a figure, whether the file
leaves that area out or a row of it is left out for a problem (a figure withdrawn by its
publisher is deleted in the admin)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from comparators import formats
from comparators.models import Area, AreaKind, ComparatorValue, ImportRun, Measure, MeasureCode
from indicators.formatting import Unit, validate_value_for_unit
from indicators.models import Frequency
from indicators.numbers import FigureError, parse_number
from indicators.periods import ACADEMIC_YEAR, Period, PeriodError, parse_period
from published_rows.services import refresh_indicators, refreshed_once
from scorecard.bulk import insert
from spreadsheets import excel_cells
from spreadsheets.uploads import ImportRefused

MAX_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 5000  # new areas
INSERT_FIELDS = ("measure_id", "area_id", "period", "period_end", "value", "lower_ci", "upper_ci")
MAX_LINES_SHOWN = 5

# The Government Statistical Service's symbols for a figure that is not there:
# not available, suppressed, confidential, not applicable.
MISSING = {"", "..", "x", "[x]", "c", "[c]", ":", "z", "[z]"}


@dataclass(frozen=True)
class Problem:
    """One cell (or row) that cannot be imported, and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"Line {self.line}, {self.column}" if self.column else f"Line {self.line}"
        return f"{where}: {self.reason}"


@dataclass
class UnknownCode:
    """A measure code no indicator is mapped to: how many rows, and where."""

    code: str
    rows: int = 0
    lines: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        shown = ", ".join(str(n) for n in self.lines)
        more = " ..." if self.rows > len(self.lines) else ""
        return (
            f'Measure code "{self.code}" is not mapped to an indicator: '
            f"{self.rows} row{'s' if self.rows != 1 else ''} (line{'s' if self.rows != 1 else ''} "
            f"{shown}{more})"
        )


@dataclass
class ImportResult:
    """What an import did, or the problems that stopped it."""

    problems: list[Problem] = field(default_factory=list)
    unknown: list[UnknownCode] = field(default_factory=list)
    imported: int = 0
    added: int = 0  # figures not held before
    replaced: int = 0  # figures held before, updated to the file's
    unchanged: int = 0  # figures held before with the file's value already
    missing: int = 0  # rows marked as not available
    skipped: int = 0  # rows of unknown codes, skipped when asked to
    skipped_problems: int = 0  # rows with problems, skipped when asked to
    kept: int = 0  # figures held for rows marked not available, which stay as they are
    problem_rows: int = 0  # rows with at least one problem (or a conflicting repeat)
    repeats: int = 0  # rows repeating an earlier row exactly, which change nothing
    conflicts: int = 0  # areas and periods given two different figures
    ready: int = 0  # rows that would be imported (figures and "not available" marks)
    areas_created: int = 0
    measures: int = 0
    periods: list[str] = field(default_factory=list)
    saved: bool = False
    layout: str = ""  # the format the header was recognised as
    left_aside: list[formats.LeftAside] = field(default_factory=list)  # breakdown rows

    @property
    def aside_rows(self) -> int:
        return sum(entry.rows for entry in self.left_aside)

    def aside_summary(self) -> str:
        """ "40 breakdown rows left aside: 12 rows broken down by sex (Male, Female); ..."."""
        if not self.left_aside:
            return ""
        return (
            f"{self.aside_rows} breakdown row{'s' if self.aside_rows != 1 else ''} left aside, "
            "keeping the headline figures: " + "; ".join(str(e) for e in self.left_aside)
        )

    def summary(self) -> str:
        parts = [
            f"{self.imported} figures for {self.measures} "
            f"measure{'s' if self.measures != 1 else ''} ({', '.join(self.periods)})",
            f"{self.added} new, {self.replaced} updated, {self.unchanged} unchanged",
        ]
        if self.areas_created:
            parts.append(f"{self.areas_created} new areas")
        if self.missing:
            kept = (
                f" ({self.kept} figure{'s' if self.kept != 1 else ''} held for them kept)"
                if self.kept
                else ""
            )
            parts.append(f"{self.missing} rows marked not available{kept}")
        if self.skipped:
            codes = ", ".join(u.code for u in self.unknown)
            parts.append(f"{self.skipped} rows of unknown codes skipped ({codes})")
        if self.skipped_problems:
            parts.append(f"{self.skipped_problems} rows with problems skipped")
        if self.repeats:
            parts.append(f"{self.repeats} repeated rows ignored")
        text = "; ".join(parts) + "."
        if self.layout and self.layout != formats.SCORECARD:
            text = f"{self.layout} file: {text}"
        if self.left_aside:
            text += f" {self.aside_summary()}."
        return text

    @property
    def unknown_rows(self) -> int:
        return sum(u.rows for u in self.unknown)

    @property
    def reported_rows(self) -> int:
        """The rows a confirmation to skip what was reported would leave out."""
        return self.problem_rows + self.unknown_rows


def decode(data: bytes) -> str:
    """The file as text, refusing anything that is not a plain UTF-8 CSV."""
    if len(data) > MAX_BYTES:
        raise ImportRefused("The file is over 20 MB; split it by measure or period.")
    if not data.strip():
        raise ImportRefused("The file is empty.")
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused(
            "The file is an Excel workbook (or another packed file), not CSV. "
            'Save it as "CSV UTF-8 (comma delimited)" and upload that.'
        )
    if b"\x00" in data:
        raise ImportRefused("The file is not text: it holds binary data. Upload a CSV file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRefused(
            f"The file is not UTF-8 text (byte {error.start + 1}, on line {line}, cannot be "
            'read; a file saved as plain "CSV" by Excel is in Windows encoding). '
            'Save it as "CSV UTF-8 (comma delimited)" and upload that.'
        ) from None


def read_header(header: list[str], text: str = "", filename: str = "", codes=()) -> formats.Layout:
    """The layout of the file, or the reason its header is not one we read."""
    try:
        return formats.detect(header, text, filename, codes)
    except formats.HeaderRefused as error:
        raise ImportRefused(str(error)) from None


@dataclass
class _Parsed:
    values: list[tuple]
    new_areas: dict[str, Area]
    slices: dict[int, set[str]]  # measure id -> period keys
    # (measure id, area code, period key) of the rows marked not available.
    unavailable: set[tuple[int, str, str]] = field(default_factory=set)


def parse(
    text: str,
    *,
    measures: dict[str, Measure],
    areas: dict[str, Area],
    result,
    filename: str = "",
) -> _Parsed:
    """Every headline row checked; problems, unknown codes and the breakdown rows left aside
    go into `result`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise ImportRefused(f"The file is not CSV: {error}.") from None
    try:
        layout = read_header(header, text, filename, codes=measures)
    except csv.Error as error:  # the first reading of a Fingertips file
        raise ImportRefused(f"The file is not valid CSV: {error}.") from None
    result.layout = layout.name
    names = dict(layout.names)
    names.setdefault("period", "file name")
    names.setdefault("area type", names["area code"])
    problems = result.problems
    unknown: dict[str, UnknownCode] = {}
    periods: dict[tuple[str, str | None], tuple] = {}
    seen_areas: dict[str, tuple[str, int]] = {}
    seen: dict[tuple[int, str, str], int] = {}
    values: list[tuple] = []  # (measure id, area code, period, key, figure, line, lower, upper)
    new_areas: dict[str, Area] = {}
    slices: dict[int, set[str]] = {}
    # What each row needs of its measure, looked up once per measure, not per row.
    measure_facts = {
        code: (
            measure.pk,
            measure.indicator,
            Unit(measure.indicator.unit),
            ACADEMIC_YEAR if measure.indicator.frequency == Frequency.ACADEMIC_YEAR else None,
            measure.indicator.frequency,
        )
        for code, measure in measures.items()
    }
    # Published figures repeat (a percentage to one decimal place has a thousand values):
    # each distinct text is read once.
    numbers: dict[str, Decimal | str] = {}
    conflicts: set[tuple[int, str, str]] = set()  # keys given different figures

    def short(line: int, cells: int) -> None:
        problems.append(
            Problem(line, "", f"the row has {cells} cells; the header has {layout.width}")
        )

    try:
        for (
            line,
            code,
            area_code,
            name,
            type_text,
            kind,
            period_text,
            value_text,
            lower_text,
            upper_text,
        ) in layout.rows(reader, short):
            facts = measure_facts.get(code)
            if facts is None:
                if not code:
                    problems.append(Problem(line, names["measure code"], "no measure code"))
                    continue
                entry = unknown.setdefault(code, UnknownCode(code))
                entry.rows += 1
                if len(entry.lines) < MAX_LINES_SHOWN:
                    entry.lines.append(line)
                continue
            ok = True
            if not area_code:
                problems.append(Problem(line, names["area code"], "no area code"))
                ok = False
            if not kind and layout.kind_of is None:
                problems.append(
                    Problem(
                        line,
                        names["area type"],
                        f'"{type_text.strip()}" is not an area type: use England, region or '
                        "local authority",
                    )
                )
                ok = False
            elif not kind and area_code:
                problems.append(
                    Problem(
                        line,
                        names["area code"],
                        f'"{area_code}" is not the GSS code of England, a region or a council',
                    )
                )
                ok = False
            if not name:
                problems.append(Problem(line, names["area name"], "no area name"))
                ok = False
            if ok:
                earlier = seen_areas.get(area_code)
                if earlier is None:
                    stored = areas.get(area_code)
                    if stored is not None and stored.kind != kind:
                        problems.append(
                            Problem(
                                line,
                                names["area type"],
                                f"{area_code} ({stored.name}) is kept as "
                                f"{stored.get_kind_display().lower()}, not "
                                f"{AreaKind(kind).label.lower()}",
                            )
                        )
                        ok = False
                    seen_areas[area_code] = (kind, line)
                    if stored is None:
                        new_areas[area_code] = Area(code=area_code, name=name[:150], kind=kind)
                elif earlier[0] != kind:
                    problems.append(
                        Problem(
                            line,
                            names["area type"],
                            f"{area_code} is {AreaKind(earlier[0]).label.lower()} on line "
                            f"{earlier[1]}",
                        )
                    )
                    ok = False
            measure_id, indicator, unit, wanted, frequency = facts
            period, period_key = periods.get((period_text, wanted)) or (None, None)
            if period is None:
                period, period_key = _period(period_text, wanted, frequency)
                periods[(period_text, wanted)] = (period, period_key)
            if period_key is None:
                problems.append(Problem(line, names["period"], period))
                ok = False
            if value_text.lower() in MISSING:
                value = None
            else:
                value = numbers.get(value_text)
                if value is None:
                    value = numbers[value_text] = _number(value_text)
                if isinstance(value, str):
                    problems.append(Problem(line, names["value"], value))
                    ok = False
                else:
                    # The cheap comparisons first; the rule's own words when one fails.
                    suspect = (
                        value < 0
                        or (unit is Unit.PERCENTAGE and value > 100)
                        or (unit is Unit.COUNT and value != value.to_integral_value())
                        or (unit is Unit.SCORE and value > (indicator.score_out_of or value))
                    )
                    wrong = suspect and validate_value_for_unit(
                        value, unit, out_of=indicator.score_out_of
                    )
                    if wrong:
                        problems.append(
                            Problem(line, names["value"], f"{wrong} ({indicator.reference})")
                        )
                        ok = False
            lower = upper = None
            if lower_text or upper_text:
                lower, upper, wrong = _interval(lower_text, upper_text, value, numbers)
                if wrong:
                    column = names.get("lower ci") or names.get("upper ci") or ""
                    problems.append(Problem(line, column, wrong))
                    ok = False
            if not ok:
                continue
            key = (measure_id, area_code, period_key)
            if key in seen:
                first, first_value = seen[key]
                if first_value == value:
                    result.repeats += 1  # the same figure twice: harmless
                    continue
                problems.append(
                    Problem(
                        line,
                        names["value"],
                        f"{_shown(value)} for {code}, {area_code}, {period}, but line {first} "
                        f"gives {_shown(first_value)}",
                    )
                )
                conflicts.add(key)
                continue
            seen[key] = (line, value)
            slices.setdefault(measure_id, set()).add(period_key)
            values.append((measure_id, area_code, period, period_key, value, line, lower, upper))
    except csv.Error as error:
        raise ImportRefused(
            f"The file is not valid CSV at line {reader.line_num}: {error}."
        ) from None
    result.left_aside = list(layout.left_aside.values())
    bad_lines = {problem.line for problem in problems}
    if conflicts:
        # Two different figures for one area and period: neither is trusted, so skipping
        # what was reported leaves out the first row as well.
        firsts = {seen[key][0] for key in conflicts}
        bad_lines |= firsts
        values = [v for v in values if v[5] not in firsts]
    result.problem_rows, result.conflicts = len(bad_lines), len(conflicts)
    result.unknown = sorted(unknown.values(), key=lambda u: u.code)
    figures = [
        (measure_id, area_code, period, value, lower, upper)
        for measure_id, area_code, period, _, value, _, lower, upper in values
        if value is not None
    ]
    unavailable = {(m, code, key) for m, code, _, key, value, *_ in values if value is None}
    result.ready, result.missing = len(values), len(unavailable)
    return _Parsed(values=figures, new_areas=new_areas, slices=slices, unavailable=unavailable)


def _period(text: str, wanted: str | None, frequency) -> tuple:
    """(period, key) for a period as published, or (the reason it is not one, None)."""
    words = formats.normalise_period(text)
    try:
        # A pooled window of years is no academic year, whatever the indicator's frequency.
        period = parse_period(words, kind=wanted if words == text else None)
        return period, period.key
    except PeriodError as error:
        reason = str(error)
        try:  # "Dec-11": a date Excel made of "Dec 2011" or of "2011/12"
            month = excel_cells.excel_date_text(text, frequency=frequency)
        except excel_cells.CellError as refused:
            return str(refused), None
        if month is not None:
            return month, month.key
        return reason, None


def _interval(lower_text: str, upper_text: str, value, numbers: dict):
    """(lower, upper, problem) of a published confidence interval; blanks and the symbols
    of a figure not published are no limit."""
    limits = []
    for text in (lower_text, upper_text):
        if text.lower() in MISSING:
            limits.append(None)
            continue
        number = numbers.get(text)
        if number is None:
            number = numbers[text] = _number(text)
        if isinstance(number, str):
            return None, None, f"{number} (confidence limit)"
        limits.append(number)
    lower, upper = limits
    if lower is not None and upper is not None and lower > upper:
        return None, None, f"the confidence interval {_shown(lower)} to {_shown(upper)} is reversed"
    if isinstance(value, Decimal) and (
        (lower is not None and lower > value) or (upper is not None and upper < value)
    ):
        return (
            None,
            None,
            f"the confidence interval {_shown(lower)} to {_shown(upper)} does not contain the "
            f"value {_shown(value)}",
        )
    return lower, upper, ""


def _shown(value: Decimal | None) -> str:
    return "not available" if value is None else f"{value.normalize():f}"


def _held(slices: dict[int, set[str]]) -> dict[tuple[int, int, str], tuple]:
    """The figures held for the measures and periods of a file, by (measure id, area id,
    period key): one query, the periods read as their stored keys."""
    where = Q()
    for measure_id, keys in slices.items():
        where |= Q(measure_id=measure_id, period__in=sorted(keys))
    rows = (
        ComparatorValue.objects.filter(where)
        .annotate(key=Cast("period", CharField()))
        .values_list("measure_id", "area_id", "key", "pk", "value", "lower_ci", "upper_ci")
    )
    return {
        (m, area, key): (pk, (value, lo, hi)) for m, area, key, pk, value, lo, hi in rows.iterator()
    }


def _update_values(rows: list[tuple]) -> None:
    """Set the value and interval of each (value, lower, upper, primary key) with one
    prepared statement."""
    if rows:
        quote = connection.ops.quote_name
        meta = ComparatorValue._meta
        columns = ", ".join(
            f"{quote(meta.get_field(name).column)} = %s"
            for name in ("value", "lower_ci", "upper_ci")
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s",
                rows,
            )


def _number(text: str) -> Decimal | str:
    """A figure as published ("75.5", "75.5%", "1,234"), or why it is not one."""
    try:
        number = parse_number(text)
    except FigureError:
        return f'"{text}" is not a number'
    if abs(number) >= Decimal("1e14"):
        return f'"{text}" is too large for a figure'
    return number.quantize(Decimal("0.000001")) if number.as_tuple().exponent < -6 else number


def import_comparators(data: bytes, **options) -> ImportResult:
    """Check the whole file, then add or update the figures it carries (see _import).
    Raises ImportRefused for a file that cannot be read, or when another
    import of the same figures commits first."""
    try:
        return _import(data, **options)
    except IntegrityError:
        raise ImportRefused(
            "Figures of the same measures and periods were imported by someone else at the "
            "same time: nothing was saved. Upload the file again."
        ) from None


@transaction.atomic
@refreshed_once()
def _import(
    data: bytes,
    *,
    by=None,
    skip_unknown: bool = False,
    skip_problems: bool = False,
    confirmed_skips: int | None = None,
    filename: str = "",
) -> ImportResult:
    """Check the whole file, then add the figures it carries and update those held already
    for the same measure, area and period; no other figure is touched. Rows of codes no
    indicator is mapped to stop the import unless `skip_unknown`; rows with problems stop it
    unless `skip_problems`. With `confirmed_skips` (the number of
    rows the user saw reported and agreed to leave out) nothing is saved unless the check
    reports exactly that many again."""
    text = decode(data)
    result = ImportResult()
    measures = {m.code: m for m in Measure.objects.select_related("indicator")}
    by_id = {m.pk: m for m in measures.values()}
    # A measure's other publishers' codes feed the same figures.
    measures.update(
        (code, by_id[measure_id])
        for code, measure_id in MeasureCode.objects.values_list("code", "measure_id")
    )
    areas = {a.code: a for a in Area.objects.all()}
    parsed = parse(text, measures=measures, areas=areas, result=result, filename=filename)
    if (
        (result.problems and not skip_problems)
        or (result.unknown and not skip_unknown)
        or (confirmed_skips is not None and confirmed_skips != result.reported_rows)
    ):
        return result
    result.skipped = result.unknown_rows
    result.skipped_problems = result.problem_rows
    area_ids = {code: area.pk for code, area in areas.items()}
    if parsed.new_areas:
        created = Area.objects.bulk_create(parsed.new_areas.values(), batch_size=BATCH_SIZE)
        result.areas_created = len(created)
        if any(a.pk is None for a in created):  # a backend that cannot return keys
            created = Area.objects.filter(code__in=parsed.new_areas)
        area_ids.update((area.code, area.pk) for area in created)
    # Only what the rows carry is written: a figure of an area the file leaves out, or of
    # a row left out for a problem, or marked not available, stays as it was.
    held = _held(parsed.slices) if parsed.slices else {}
    ends = {period: period.end for period in {v[2] for v in parsed.values}}
    new, changed = [], []
    for measure_id, code, period, value, lower, upper in parsed.values:
        stored = held.get((measure_id, area_ids[code], period.key))
        if stored is None:
            new.append((measure_id, area_ids[code], period, ends[period], value, lower, upper))
        elif stored[1] != (value, lower, upper):
            changed.append((value, lower, upper, stored[0]))
    _update_values(changed)
    # One prepared statement for every row (scorecard.bulk): bulk_create spent three
    # quarters of a large import preparing each of the 300,000 x 5 values.
    insert(ComparatorValue, INSERT_FIELDS, new)
    result.added, result.replaced = len(new), len(changed)
    result.unchanged = len(parsed.values) - len(new) - len(changed)
    result.kept = sum((m, area_ids[code], key) in held for m, code, key in parsed.unavailable)
    result.imported = len(parsed.values)
    result.measures = len(parsed.slices)
    labels = {key for keys in parsed.slices.values() for key in keys}
    result.periods = [str(p) for p in sorted(Period.from_key(key) for key in labels)]
    result.saved = True
    # The rankings of the indicators compared with the imported measures, in the quarters
    # from the earliest imported period on ("latest available" reaches those after it).
    starts = [Period.from_key(key).start for keys in parsed.slices.values() for key in keys]
    compared = Measure.objects.filter(pk__in=list(parsed.slices), indicator__isnull=False)
    refresh_indicators(
        compared.values_list("indicator_id", flat=True), since=min(starts, default=None)
    )
    ImportRun.objects.create(
        imported_by=by,
        filename=filename[:255],
        rows=result.imported,
        replaced=result.replaced,
        skipped=result.skipped + result.skipped_problems,
        summary=result.summary(),
    )
    return result
