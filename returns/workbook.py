"""The return as an Excel workbook: download, fill in, upload. One importer serves the
upload page and `manage.py import_figures`; an import is all or nothing."""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.formatting import Unit
from indicators.models import Commentary, Indicator, Value, ValueState, ValueStatus
from indicators.numbers import FigureError, figure_problems, with_count
from indicators.periods import FinancialQuarter
from indicators.roles import is_performance_team
from reporting.assessment import target_for, target_words
from returns.lines import LOCKED_FOR_OFFICERS, earlier_figures, editable_indicators
from returns.workflow import (
    STATE_LABELS,
    Entry,
    Step,
    WorkflowError,
    current_rows,
    plan_entry,
)
from scorecard.bulk import create_objects_with_history, update_with_history
from spreadsheets import excel_cells
from spreadsheets.guard import FORMULA_STARTS
from spreadsheets.workbooks import (  # noqa: F401  (re-exported: the return's public names)
    Problem,
    check_file,
    read_sheets,
    read_workbook,
)
from spreadsheets.workbooks import cell_text as _text
from spreadsheets.xlsx_numbers import NumberCell, count_cell, figure_cell

HEADERS = [
    "Reference",
    "Indicator",
    "Period",
    "Unit",
    "Earlier figures",
    "Target",
    "Figure",
    "Or why it is missing",
    "Status",
    "Issues",
    "Causes",
    "Actions",
    "Count",
    "State",
]
# Count and then State came last, after workbooks had been downloaded: those without them
# import as they always did. State is written, never read: it says where each line is.
FORMER_HEADERS = HEADERS[:-2]
ACCEPTED_HEADERS = (HEADERS, HEADERS[:-1], FORMER_HEADERS)
LOCKED = 6  # the first six columns describe the line and cannot be edited
STATUS_BY_LABEL = {label.lower(): value for value, label in ValueStatus.choices}
CELLS = {"value": "G", "missing_reason": "H", "count": "M"}  # where a figure's problem is


# Writing ----------------------------------------------------------------------------------


def build_workbook(lines, quarter: FinancialQuarter, *, team: bool = False) -> Workbook:
    """A sheet per section, a row per line of the return, the description locked; for an
    officer (not `team`), lines waiting for the performance team are locked whole."""
    book = Workbook()
    guide = book.active
    guide.title = "Instructions"
    for text in (
        f"Return for {quarter}",
        "Fill in the Figure column as the reports print figures: 8,632 or 34.8% or "
        "£7.989m. For a count and its rate, give the rate as the Figure and the count in "
        "the Count column (or write 1,288/52.5 in Figure). Leave it empty and give a "
        "reason in 'Or why it is missing' when there is no figure.",
        "Status: Provisional, Estimate or Final. Issues, causes and actions may use Markdown.",
        "State says where each line is: not started, draft, returned (with the reason), "
        "submitted or signed off. Submitted and signed-off lines are waiting for the "
        "performance team and cannot be changed here: their rows are locked.",
        "Do not change the grey columns or the sheet names. Upload the file on the return "
        "page, or ask the performance team to import it. Every cell is checked first: if "
        "any is wrong, nothing is saved and each problem is listed by sheet and cell.",
    ):
        guide.append([text])
    guide.column_dimensions["A"].width = 120
    guide["A1"].font = Font(bold=True, size=14)
    by_section: dict = {}
    for line in lines:
        by_section.setdefault(line.indicator.section, []).append(line)
    validation_lists = ",".join(label for _, label in ValueStatus.choices)
    grey = PatternFill("solid", fgColor="F3F2F1")
    for section in sorted(by_section, key=lambda s: (s.order, s.name)):
        # Excel refuses these characters in a sheet's name; the import never reads it.
        sheet = book.create_sheet(re.sub(r"[\\/?*:\[\]]", "-", section.name)[:31])
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        status = DataValidation(
            type="list",
            formula1=f'"{validation_lists}"',
            allow_blank=True,
            error="Choose Provisional, Estimate or Final.",
            showErrorMessage=True,
        )
        sheet.add_data_validation(status)
        for line in by_section[section]:
            cells = _row(line)
            sheet.append([c.value if isinstance(c, NumberCell) else c for c in cells])
            row = sheet.max_row
            waiting = line.state in LOCKED_FOR_OFFICERS and not team
            if not waiting:
                status.add(f"I{row}")
            for column in range(1, len(HEADERS) + 1):
                cell = sheet.cell(row=row, column=column)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    # openpyxl writes "=..." as a formula: keep it the text it is, as the
                    # import reads it back, and as text if the officer edits the cell.
                    cell.data_type, cell.quotePrefix = "s", True
                if column <= LOCKED or column == len(HEADERS) or waiting:
                    cell.fill = grey
                else:
                    cell.protection = Protection(locked=False)
            for column, cell in enumerate(cells, start=1):
                if isinstance(cell, NumberCell):
                    sheet.cell(row=row, column=column).number_format = cell.number_format
            if not isinstance(cells[6], NumberCell):
                # Text, so Excel keeps "34.8%" and "1,288/52.5" as typed.
                sheet.cell(row=row, column=7).number_format = "@"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        sheet.protection.autoFilter = False  # the filter works on the protected sheet
        sheet.auto_filter.ref = f"A1:N{sheet.max_row}"
        for letter, width in zip(
            "ABCDEFGHIJKLMN",
            (11, 50, 14, 12, 36, 24, 14, 24, 12, 40, 40, 40, 12, 30),
            strict=True,
        ):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "C2"
    return book


def _row(line) -> list:
    indicator, value, note = line.indicator, line.value, line.commentary
    earlier = earlier_figures(line)
    target = target_for(indicator, line.period)
    figure = count = ""
    if value is not None and value.value is not None:
        # A number the import reads back as it was: a percentage as Excel holds one (0.291
        # shown "29.1%"), any figure Excel cannot hold exactly as its text.
        figure = figure_cell(
            value.value,
            unit=indicator.unit,
            decimal_places=indicator.decimal_places,
            out_of=indicator.score_out_of,
            fraction=True,
            exact=True,
        )
        if value.count is not None:
            count = count_cell(value.count)
    return [
        indicator.reference,
        indicator.title,
        str(line.period),
        indicator.get_unit_display(),
        "; ".join(f"{v.period}: {v.display}" for v in earlier),
        target_words(indicator, line.period, target),
        figure,
        value.missing_reason if value else "",
        value.get_status_display() if value else "",
        note.issues if note else "",
        note.causes if note else "",
        note.actions if note else "",
        count,
        _state(line),
    ]


def _state(line) -> str:
    """Where the line is, in words, for the State column."""
    words = STATE_LABELS[line.state]
    if line.state == ValueState.RETURNED and line.value is not None and line.value.return_reason:
        return f"{words}: {line.value.return_reason}"
    if line.state in LOCKED_FOR_OFFICERS:
        return f"{words}: waiting for the performance team (locked)"
    return words


# Reading ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did, or the problems that stopped it."""

    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class _Line:
    indicator: Indicator
    period: object
    value: object  # Decimal | None
    count: object
    missing_reason: str
    status: str
    issues: str
    causes: str
    actions: str
    sheet: str = ""
    row: int = 0


def parse_workbook(
    sheets, *, indicators: dict[str, Indicator]
) -> tuple[list[_Line], list[Problem]]:
    lines, problems = [], []
    # A workbook names the same few periods thousands of times: each text is read once for
    # each frequency (a period in words is read the same way wherever it is).
    periods: dict[tuple[str, str], object] = {}
    units: dict[str, Unit] = {}
    for name, rows in sheets.items():
        if name == "Instructions":
            continue
        found = [_text(c) for c in rows[0][: len(HEADERS)]] if rows else []
        while len(found) > len(FORMER_HEADERS) and found[-1] == "":
            found.pop()  # an empty heading after the last column is no column
        if found in ACCEPTED_HEADERS:
            count_column = len(found) > 12 and found[12] == "Count"
        else:
            problems.append(
                Problem(name, "A1", "", "the columns are not those of the return workbook")
            )
            continue
        for number, row in enumerate(rows[1:], start=2):
            cells = list(row) + [None] * (len(HEADERS) - len(row))
            reference = _text(cells[0])
            if not reference and not any(_text(c) for c in cells):
                continue
            indicator = indicators.get(reference)
            if indicator is None:
                problems.append(
                    Problem(
                        name,
                        f"A{number}",
                        reference,
                        f"'{reference}' is not an indicator you can enter figures for",
                    )
                )
                continue
            shown = cells[2]
            period = periods.get((shown, indicator.frequency)) if type(shown) is str else None
            if period is None:
                try:
                    period = excel_cells.period(shown, frequency=indicator.frequency)
                except excel_cells.CellError as error:
                    problems.append(Problem(name, f"C{number}", reference, str(error)))
                    continue
                if type(shown) is str:
                    periods[shown, indicator.frequency] = period
            unit = units.get(indicator.unit) or units.setdefault(
                indicator.unit, Unit(indicator.unit)
            )
            figure_text, reason = cells[6], _text(cells[7])
            count_given = cells[12] if count_column else None
            value = count = None
            if _text(figure_text):
                try:
                    # Read with its number format: a percent-formatted 0.47 is 47%.
                    figure = excel_cells.figure(figure_text, unit)
                    value, count = figure.value, figure.count
                except excel_cells.CellError as error:
                    problems.append(Problem(name, f"G{number}", reference, str(error)))
                    continue
                try:
                    count = with_count(figure, count_given, unit).count
                except FigureError as error:
                    problems.append(Problem(name, f"M{number}", reference, str(error)))
                    continue
                wrong = figure_problems(
                    value,
                    count,
                    reason,
                    unit=indicator.unit,
                    out_of=indicator.score_out_of,
                    required=False,
                )
                if wrong:
                    problems += [
                        Problem(name, f"{CELLS[p.field]}{number}", reference, p.in_cell)
                        for p in wrong
                    ]
                    continue
            elif count_given is not None and _text(count_given):
                problems.append(
                    Problem(name, f"G{number}", reference, "give the figure the count goes with")
                )
                continue
            elif not reason:
                continue  # nothing entered on this line
            status_text = _text(cells[8]).lower() or "final"
            if status_text not in STATUS_BY_LABEL:
                problems.append(
                    Problem(
                        name,
                        f"I{number}",
                        reference,
                        f"'{_text(cells[8])}' is not a status: use Provisional, Estimate or Final",
                    )
                )
                continue
            lines.append(
                _Line(
                    indicator,
                    period,
                    value,
                    count,
                    reason,
                    STATUS_BY_LABEL[status_text],
                    _text(cells[9]),
                    _text(cells[10]),
                    _text(cells[11]),
                    name,
                    number,
                )
            )
    return lines, problems


class _SavedMeanwhile(Exception):
    def __init__(self, line: _Line):
        self.line = line


def import_figures(data: bytes, *, by) -> ImportResult:
    """Check every cell, then save every line as a draft in one transaction, or nothing.


    Each line goes through the return's state machine (workflow.plan_entry), as a line of
    the return form does, commentary included. The figures the workbook is checked against
    are read again, locked, inside the transaction: a line saved by someone else in
    between stops the import, with nothing saved. A constant number of queries however
    many lines: everything is read and written in bulk."""
    sheets = read_workbook(data)
    # The indicators alone: the published figures and targets shown beside each line of
    # the return are not needed to read it.
    editable = {
        i.reference: i for i in editable_indicators(by).select_related(None).prefetch_related(None)
    }
    lines, problems = parse_workbook(sheets, indicators=editable)
    result = ImportResult(problems=problems)
    first_at: dict = {}
    for line in lines:
        key = (line.indicator.pk, line.period)
        if key in first_at:
            result.problems.append(
                Problem(
                    line.sheet,
                    f"C{line.row}",
                    line.indicator.reference,
                    f"{line.period} is also on row {first_at[key]}: give each figure once",
                )
            )
        first_at.setdefault(key, line.row)
    if result.problems:
        return result
    held = current_rows(set(first_at))
    # As read, before planning changes the instances it will save.
    versions = {key: value.version for key, value in held.items()}
    steps = _plan(lines, held, by, result)
    if result.problems:
        return result
    created = sum(1 for s in steps if s.row is not None and s.row.pk is None)
    changed = sum(1 for s in steps if s.row is not None and s.row.pk is not None)
    try:
        with transaction.atomic():
            _check_unchanged(lines, versions)
            _write_steps(steps, by)
    except (_SavedMeanwhile, IntegrityError) as error:
        # IntegrityError: a figure for a line not started was saved in between, after the
        # check (one current figure per period).
        line = getattr(error, "line", None)
        which = f"{line.indicator.reference} {line.period} was" if line else "A figure was"
        result.problems.append(
            Problem(
                line.sheet if line else "",
                f"G{line.row}" if line else "",
                line.indicator.reference if line else "",
                f"{which} saved by someone else while this workbook was being imported, so "
                "nothing was imported. Check the return, then upload the workbook again",
            )
        )
        return result
    result.created, result.changed = created, changed
    result.unchanged = len(steps) - created - changed
    return result


def _plan(lines: list[_Line], held: dict, by, result: ImportResult) -> list[Step]:
    team = is_performance_team(by)
    steps = []
    for line in lines:
        entry = Entry(
            value=line.value,
            count=line.count,
            missing_reason=line.missing_reason,
            status=line.status,
            issues=line.issues,
            causes=line.causes,
            actions=line.actions,
        )
        try:
            steps.append(
                plan_entry(
                    indicator=line.indicator,
                    period=line.period,
                    current=held.get((line.indicator.pk, line.period)),
                    entry=entry,
                    submit=False,
                    team=team,
                )
            )
        except WorkflowError:
            state = held[(line.indicator.pk, line.period)].get_state_display().lower()
            result.problems.append(
                Problem(
                    line.sheet,
                    f"G{line.row}",
                    line.indicator.reference,
                    f"{line.period} is {state}; the performance team must return it first",
                )
            )
    return steps


def _check_unchanged(lines: list[_Line], versions: dict) -> None:
    """Lock the lines' indicators and current figures (as save_entry does) and stop if any
    figure was saved since they were read."""
    ids = {line.indicator.pk for line in lines}
    list(Indicator.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    now = {
        (v.indicator_id, v.period): v.version
        for v in Value.objects.select_for_update()
        .current()
        .filter(
            indicator_id__in=ids,
            period__in={line.period for line in lines},
        )
        .only("indicator_id", "period", "version")
    }
    for line in lines:
        key = (line.indicator.pk, line.period)
        if now.get(key) != versions.get(key):
            raise _SavedMeanwhile(line)


def _write_steps(steps: list[Step], by) -> None:
    retired = [s.retired for s in steps if s.retired is not None]
    changed = [s.row for s in steps if s.row is not None and s.row.pk is not None]
    new = [s.row for s in steps if s.row is not None and s.row.pk is None]
    update_with_history(Value, retired, ["is_current"], by=by)
    update_with_history(
        Value,
        changed,
        ["value", "count", "missing_reason", "status", "state", "return_reason", "version"],
        by=by,
    )
    for row in new:
        row.period_start, row.period_end = row.period.start, row.period.end
    create_objects_with_history(Value, new, key=["indicator_id", "period", "revision"], by=by)
    notes = [s for s in steps if s.note is not None]
    for step in notes:
        step.note.figure_id = step.row.pk
    new_notes = [s.note for s in notes if s.note.pk is None]
    changed_notes = [s.note for s in notes if s.note.pk is not None]
    update_with_history(Commentary, changed_notes, ["issues", "causes", "actions"], by=by)
    create_objects_with_history(Commentary, new_notes, key=["figure_id"], by=by)
    for step in steps:
        if step.dropped_note is not None:
            step.dropped_note._history_user = by
            step.dropped_note.delete()
