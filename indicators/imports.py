"""The return as an Excel workbook: download, fill in, upload. One importer serves the
upload page and `manage.py import_figures`; an import is all or nothing."""

import io
import re
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators import excel_cells
from indicators.exports import FORMULA_STARTS
from indicators.formatting import Unit, validate_value_for_unit
from indicators.models import Commentary, Indicator, Value, ValueState, ValueStatus
from indicators.periods import FinancialQuarter
from indicators.reporting import target_for
from indicators.returns import (
    _editable_indicators,
    _require_returns,
    earlier_figures,
    quarter_from_url,
    quarter_url_args,
)
from indicators.roles import is_performance_team
from indicators.workbooks import (  # noqa: F401  (re-exported: the return's public names)
    MAX_BYTES,
    ImportRefused,
    Problem,
    check_file,
    read_sheets,
    read_workbook,
)
from indicators.workbooks import cell_text as _text
from indicators.workflow import OFFICER_EDITABLE, current_rows, return_lines

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
]
LOCKED = 6  # the first six columns describe the line and cannot be edited
STATUS_BY_LABEL = {label.lower(): value for value, label in ValueStatus.choices}


# Writing ----------------------------------------------------------------------------------


def build_workbook(lines, quarter: FinancialQuarter) -> Workbook:
    """A sheet per section, a row per line of the return, the description locked."""
    book = Workbook()
    guide = book.active
    guide.title = "Instructions"
    for text in (
        f"Return for {quarter}",
        "Fill in the Figure column as the reports print figures: 8,632 or 34.8% or "
        "1,288/52.5 (a count and its rate) or £7.989m. Leave it empty and give a reason "
        "in 'Or why it is missing' when there is no figure.",
        "Status: Provisional, Estimate or Final. Issues, causes and actions may use Markdown.",
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
            sheet.append(_row(line))
            row = sheet.max_row
            status.add(f"I{row}")
            for column in range(1, len(HEADERS) + 1):
                cell = sheet.cell(row=row, column=column)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    # openpyxl writes "=..." as a formula: keep it the text it is, as the
                    # import reads it back, and as text if the officer edits the cell.
                    cell.data_type, cell.quotePrefix = "s", True
                if column <= LOCKED:
                    cell.fill = grey
                else:
                    cell.protection = Protection(locked=False)
            # Text, so Excel keeps "34.8%" and "1,288/52.5" as typed.
            sheet.cell(row=row, column=7).number_format = "@"
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        for letter, width in zip(
            "ABCDEFGHIJKL", (11, 50, 14, 12, 36, 24, 14, 24, 12, 40, 40, 40), strict=True
        ):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "C2"
    return book


def _row(line) -> list[str]:
    indicator, value, note = line.indicator, line.value, line.commentary
    earlier = earlier_figures(line)
    target = target_for(indicator, line.period)
    figure = ""
    if value is not None and value.value is not None:
        figure = indicator.format(value.value, count=value.count)
    return [
        indicator.reference,
        indicator.title,
        str(line.period),
        indicator.get_unit_display(),
        "; ".join(f"{v.period}: {v.display}" for v in earlier),
        target.spec().describe(indicator.decimal_places) if target else "No target",
        figure,
        value.missing_reason if value else "",
        value.get_status_display() if value else "",
        note.issues if note else "",
        note.causes if note else "",
        note.actions if note else "",
    ]


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


def parse_workbook(
    sheets, *, indicators: dict[str, Indicator]
) -> tuple[list[_Line], list[Problem]]:
    lines, problems = [], []
    for name, rows in sheets.items():
        if name == "Instructions":
            continue
        if not rows or [_text(c) for c in rows[0][: len(HEADERS)]] != HEADERS:
            problems.append(
                Problem(name, "A1", "", "the columns are not those of the return workbook")
            )
            continue
        for number, row in enumerate(rows[1:], start=2):
            cells = list(row) + [None] * (len(HEADERS) - len(row))
            reference = _text(cells[0])
            if not any(_text(c) for c in cells):
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
            try:
                period = excel_cells.period(cells[2], frequency=indicator.frequency)
            except excel_cells.CellError as error:
                problems.append(Problem(name, f"C{number}", reference, str(error)))
                continue
            figure_text, reason = cells[6], _text(cells[7])
            value = count = None
            if _text(figure_text):
                try:
                    # Read with its number format: a percent-formatted 0.47 is 47%.
                    figure = excel_cells.figure(figure_text, Unit(indicator.unit))
                    value, count = figure.value, figure.count
                except excel_cells.CellError as error:
                    problems.append(Problem(name, f"G{number}", reference, str(error)))
                    continue
                problem = validate_value_for_unit(
                    value, Unit(indicator.unit), out_of=indicator.score_out_of
                )
                if problem:
                    problems.append(Problem(name, f"G{number}", reference, problem))
                    continue
                if reason:
                    problems.append(
                        Problem(
                            name,
                            f"H{number}",
                            reference,
                            "give a figure or a reason it is missing, not both",
                        )
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
                )
            )
    return lines, problems


def import_figures(data: bytes, *, by) -> ImportResult:
    """Check every cell, then save every line as a draft in one transaction, or nothing.
    A constant number of queries however many lines: everything is read and written in
    bulk."""
    sheets = read_workbook(data)
    editable = {i.reference: i for i in _editable_indicators(by)}
    lines, problems = parse_workbook(sheets, indicators=editable)
    result = ImportResult(problems=problems)
    if problems:
        return result
    current, notes = current_rows({(line.indicator.pk, line.period) for line in lines})
    team = is_performance_team(by)
    new_values, changed_values, retired, new_notes, changed_notes = [], [], [], [], []
    for line in lines:
        key = (line.indicator.pk, line.period)
        existing = current.get(key)
        same = existing is not None and (
            existing.value,
            existing.count,
            existing.missing_reason,
            existing.status,
        ) == (line.value, line.count, line.missing_reason, line.status)
        if (
            existing is not None
            and not same
            and existing.state not in OFFICER_EDITABLE
            and not team
        ):
            result.problems.append(
                Problem(
                    "",
                    "",
                    line.indicator.reference,
                    f"{line.period} is {existing.get_state_display().lower()}; "
                    "the performance team must return it first",
                )
            )
            continue
        if existing is None or (existing.state == ValueState.PUBLISHED and not same):
            revision = 1
            if existing is not None:
                existing.is_current = False
                retired.append(existing)
                revision = existing.revision + 1
            new_values.append(
                Value(
                    indicator=line.indicator,
                    period=line.period,
                    period_start=line.period.start,
                    period_end=line.period.end,
                    value=line.value,
                    count=line.count,
                    missing_reason=line.missing_reason,
                    status=line.status,
                    state=ValueState.DRAFT,
                    revision=revision,
                )
            )
        elif not same:
            existing.value, existing.count = line.value, line.count
            existing.missing_reason, existing.status = line.missing_reason, line.status
            if existing.state != ValueState.RETURNED:
                existing.state = ValueState.DRAFT
            existing.version += 1
            changed_values.append(existing)
        else:
            result.unchanged += 1
        text = (line.issues, line.causes, line.actions)
        note = notes.get(key)
        if note is None and any(text):
            new_notes.append(
                Commentary(
                    indicator=line.indicator,
                    period=line.period,
                    issues=text[0],
                    causes=text[1],
                    actions=text[2],
                )
            )
        elif note is not None and (note.issues, note.causes, note.actions) != text and any(text):
            note.issues, note.causes, note.actions = text
            changed_notes.append(note)
    if result.problems:
        return result
    with transaction.atomic():
        if retired:
            bulk_update_with_history(retired, Value, ["is_current"], default_user=by)
        if changed_values:
            bulk_update_with_history(
                changed_values,
                Value,
                ["value", "count", "missing_reason", "status", "state", "version"],
                default_user=by,
            )
        if new_values:
            bulk_create_with_history(new_values, Value, default_user=by)
        if changed_notes:
            bulk_update_with_history(
                changed_notes, Commentary, ["issues", "causes", "actions"], default_user=by
            )
        if new_notes:
            bulk_create_with_history(new_notes, Commentary, default_user=by)
    result.created, result.changed = len(new_values), len(changed_values)
    return result


# Pages ------------------------------------------------------------------------------------


@login_required
def download_workbook(request, year: str, period: str):
    _require_returns(request.user)
    quarter = quarter_from_url(year, period)
    lines = return_lines(_editable_indicators(request.user), quarter)
    buffer = io.BytesIO()
    build_workbook(lines, quarter).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"return-{'-'.join(quarter_url_args(quarter))}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class UploadForm(forms.Form):
    """A filled-in return workbook."""

    workbook = forms.FileField(label="Return workbook (.xlsx)")


@login_required
def upload_workbook(request, year: str, period: str):
    _require_returns(request.user)
    quarter = quarter_from_url(year, period)
    result, refused = None, ""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        if upload.size > MAX_BYTES:
            refused = "The file is over 10 MB; a return workbook is far smaller."
        else:
            try:
                result = import_figures(upload.read(), by=request.user)
            except ImportRefused as error:
                refused = str(error)
        if result is not None and not result.problems:
            messages.success(
                request,
                f"Imported: {result.created} new, {result.changed} changed, "
                f"{result.unchanged} unchanged. They are drafts until you submit them.",
            )
            return redirect("returns:form", *quarter_url_args(quarter))
    return render(
        request,
        "returns/upload.html",
        {
            "form": form,
            "quarter": quarter,
            "result": result,
            "refused": refused,
            "url_args": quarter_url_args(quarter),
            "nav": "returns",
        },
    )
