"""The catalogue workbook's format: its sheets and columns, the words its cells use, and
the writing of a workbook (the blank template, or the whole catalogue exported) that the
importer (`onboarding.catalogue`) reads back unchanged."""

import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.formatting import Unit
from indicators.models import (
    Commentary,
    Comparator,
    ComparatorKind,
    Frequency,
    Indicator,
    Target,
    Value,
    ValueStatus,
)
from indicators.periods import FORMS as PERIOD_FORMS
from indicators.rag import TargetKind
from spreadsheets.excel_cells import CellError
from spreadsheets.guard import FORMULA_STARTS
from spreadsheets.workbooks import as_text_cell, column_letter
from spreadsheets.xlsx_numbers import NumberCell, count_cell, excel_number, figure_cell

UNIT_WORDS = {unit.value: unit.value.capitalize() for unit in Unit}
FREQUENCY_WORDS = {value: value.replace("_", " ").capitalize() for value in Frequency.values}
AGGREGATION_WORDS = {"sum": "Sum", "mean": "Average", "latest": "Latest"}
POLARITY_WORDS = {"high": "H", "low": "L", "none": "None"}
KIND_WORDS = {
    "year_end": "Year-end",
    "profiled": "Profiled",
    "baseline": "Baseline",
    "range": "Range",
    "stretch": "Stretch",
    "none": "None",
}
STATUS_WORDS = dict(ValueStatus.choices)
UNIT_LABELS = {unit.value: unit.label for unit in Unit}
KIND_LABELS = {kind.value: kind.label for kind in TargetKind}

# (header, what goes in it): the Instructions sheet and the README print these.
CATALOGUE = [
    (
        "Reference",
        'Required. The council\'s reference, e.g. "1C (NI130)". A re-import '
        "updates the indicator with this reference.",
    ),
    ("Title", "Required."),
    ("Definition", "How the figure is calculated."),
    ("Group", "The sub-heading it is printed under in reports (optional)."),
    ("Unit", "Required: " + ", ".join(UNIT_WORDS.values()) + "."),
    ("Decimal places", "0 to 6 (0 if empty)."),
    ("Rate per", "Rates only: the population base, e.g. 10000 or 100000."),
    ("Score out of", 'Scores only: the maximum, e.g. 24 for "19 (out of 24)".'),
    ("Polarity", "Required: H (good is high), L (good is low) or None (context measure)."),
    ("Frequency", "Required: " + ", ".join(FREQUENCY_WORDS.values()) + "."),
    ("Reporting lag", "Periods in arrears (1 = reported a quarter in arrears); 0 if empty."),
    ("Year to date", "Sum (counts), Average or Latest (snapshots); Average if empty."),
    ("Section", "Required. The priority of the council plan; created if new."),
    ("Service", "Required. The service or directorate; created if new."),
    (
        "Owner e-mail",
        "The accountable officer's e-mail address (any case), or their name and address as "
        'Outlook writes them: "Jane Smith <jane.smith@council.gov.uk>".',
    ),
    ("Data source", ""),
    (
        "RAG tolerance",
        'How far short of target is still amber: "2" in the indicator\'s '
        'unit, or "10%" of the target. Empty: no amber band.',
    ),
]
TARGETS = [
    ("Reference", "Required: an indicator of the Catalogue sheet or already in Scorecard."),
    ("Year", 'Required: the financial year, e.g. "2017/18".'),
    ("Kind", "Required: " + ", ".join(KIND_WORDS.values()) + "."),
    ("Period", 'Profiled only: the period of the year it applies to, e.g. "Q2 2017/18".'),
    ("Target", "Year-end, profiled and stretch targets: the figure."),
    ("Low", "Range only: the lower end."),
    ("High", "Range only: the upper end."),
    ("Baseline", "Baseline only: the figure the change is from."),
    ("Change", 'Baseline only: "5%" (relative) or "0.5" (in the unit).'),
    ("Increase or reduce", "Baseline only: Increase or Reduce (Increase if empty)."),
    ("By", 'Stretch only: the year it should be met by, e.g. "2025/26".'),
    ("Note", ""),
]
HISTORY = [
    ("Reference", "Required: an indicator of the Catalogue sheet or already in Scorecard."),
    (
        "Period",
        'Required, as the reports write it: "Q3 2017/18", "2016/17", "Dec 2016", '
        '"Apr - Sept 2017", "Jul 16 - Jun 17", "as at 31 March 2018" (every form is '
        "listed under Periods below).",
    ),
    ("Figure", "As the reports print it: 8,632 or 34.8% or 1,288/52.5 or £7.989m."),
    ("Or why it is missing", 'When there is no figure: "New measure".'),
    ("Status", "Provisional, Estimate or Final (Final if empty)."),
    ("Qualifier", 'Printed beside the figure: "17/18 forecast".'),
    ("Issues", "Commentary (Markdown). Empty commentary leaves any already held alone."),
    ("Causes", ""),
    ("Actions", ""),
    (
        "Count",
        "Rates and percentages reported with a count: the count, e.g. 1,288 with 52.5 as the "
        "Figure (or write 1,288/52.5 in Figure). Workbooks without this column import too.",
    ),
]
COMPARATOR_KIND_WORDS = {
    "england": "England",
    "region": "Region",
    "statistical_neighbours": "Statistical neighbours",
    "nearest_neighbours": "Nearest neighbours",
    "peer_group": "Peer group",
}
COMPARATORS = [
    ("Reference", "Required: an indicator of the Catalogue sheet or already in Scorecard."),
    (
        "Comparator",
        'Required: its name as papers print it: "England average", "National average", '
        '"East Midlands average", "Statistical neighbours", "CIPFA nearest neighbours", '
        '"Peer group: County councils". The kind is read from the name (England or '
        'national, a region\'s "... average", statistical or nearest neighbours, "Peer '
        'group: ..."); give it in Kind for any other name.',
    ),
    (
        "Period",
        'Required: the reporting period it is shown with, as History writes periods: "Q3 '
        '2017/18", "2016/17". It is shown for the periods after it too, until a newer one.',
    ),
    ("Figure", "Required: the comparator's figure, in the indicator's unit (13.8% or 13.8)."),
    (
        "Its own period",
        'When the figure is for another period than the one it is shown with: "2014-17".',
    ),
    (
        "Kind",
        "When the name does not say it: " + ", ".join(COMPARATOR_KIND_WORDS.values()) + ".",
    ),
    (
        "Rank",
        'The council\'s rank among them, as published: "110 of 150" (also "110th of 150", '
        '"110/150"). With a rank the Figure may be empty.',
    ),
    ("Source", 'Where the figure or rank is from: "DfE, March 2018".'),
    (
        "Lower CI",
        "The published 95% confidence interval's lower limit, in the Figure's unit (13.1% or "
        "13.1), when the publisher gives one (Fingertips does). Give Upper CI too.",
    ),
    ("Upper CI", "Its upper limit (14.5%). The interval must contain the Figure."),
]
# The sheets every catalogue workbook has; a workbook without the Comparators sheet (made
# before it was added) imports as it always did.
SHEETS = {"Catalogue": CATALOGUE, "Targets": TARGETS, "History": HISTORY}
OPTIONAL_SHEETS = {"Comparators": COMPARATORS}
ALL_SHEETS = {**SHEETS, **OPTIONAL_SHEETS}
# Columns Excel would turn into numbers or dates: kept as text.
TEXT_COLUMNS = {
    "Catalogue": {"Reference", "RAG tolerance"},
    "Targets": {"Reference", "Year", "Period", "Change", "By"},
    "History": {"Reference", "Period", "Figure"},
    "Comparators": {
        "Reference",
        "Period",
        "Figure",
        "Its own period",
        "Rank",
        "Lower CI",
        "Upper CI",
    },
}
# A column added to a sheet after councils had started filling in workbooks: a sheet that
# ends just before it is read as it always was.
OPTIONAL_LAST = {
    "History": ("Count",),
    "Comparators": ("Kind", "Rank", "Source", "Lower CI", "Upper CI"),
}
# Columns of figures, written as numbers in the indicator's format ("Figure" stays text
# in empty rows, so that "34.8%" typed there is read as typed).
FIGURE_COLUMNS = {
    "Targets": {"Target", "Low", "High", "Baseline"},
    "History": {"Figure"},
    "Comparators": {"Figure", "Lower CI", "Upper CI"},
}
COUNT_COLUMNS = {"History": {"Count"}}
NUMBER_COLUMNS = {"Catalogue": {"Score out of"}}
KIND_COLUMNS = {
    "year_end": {"Target"},
    "profiled": {"Period", "Target"},
    "baseline": {"Baseline", "Change", "Increase or reduce"},
    "range": {"Low", "High"},
    "stretch": {"Target", "By"},
    "none": set(),
}
KIND_COLUMNS["all"] = set().union(*KIND_COLUMNS.values())
# Catalogue columns and the Indicator fields each sets.
CATALOGUE_FIELDS = {
    "Title": ["title"],
    "Definition": ["definition"],
    "Group": ["group"],
    "Unit": ["unit"],
    "Decimal places": ["decimal_places"],
    "Rate per": ["rate_per"],
    "Score out of": ["score_out_of"],
    "Polarity": ["polarity"],
    "Frequency": ["frequency"],
    "Reporting lag": ["reporting_lag"],
    "Year to date": ["aggregation"],
    "Section": ["section"],
    "Service": ["service"],
    "Owner e-mail": ["owner"],
    "Data source": ["data_source"],
    "RAG tolerance": ["tolerance_kind", "tolerance_amount"],
}
FIELD_COLUMNS = {f: column for column, fields in CATALOGUE_FIELDS.items() for f in fields}
TARGET_FIELDS = ["kind", "value", "low", "high", "baseline", "change", "change_is_percent"]
TARGET_FIELDS += ["increase", "by_year", "note"]


def plain(number) -> str:
    """A Decimal as plain text with no exponent or trailing zeros: 24.00 is "24"."""
    if number is None:
        return ""
    text = format(Decimal(number), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def catalogue_row(indicator: Indicator) -> list:
    """The Catalogue sheet's cells for an indicator: what export writes and import reads."""
    tolerance = ""
    if indicator.tolerance_kind and indicator.tolerance_amount is not None:
        tolerance = plain(indicator.tolerance_amount)
        if indicator.tolerance_kind == "relative":
            tolerance += "%"
    return [
        indicator.reference,
        indicator.title.strip(),
        indicator.definition.strip(),
        indicator.group.strip(),
        UNIT_WORDS.get(indicator.unit, indicator.unit),
        indicator.decimal_places,
        indicator.rate_per or "",
        plain(indicator.score_out_of),
        POLARITY_WORDS.get(indicator.polarity, indicator.polarity),
        FREQUENCY_WORDS.get(indicator.frequency, indicator.frequency),
        indicator.reporting_lag,
        AGGREGATION_WORDS.get(indicator.aggregation, indicator.aggregation),
        indicator.section.name if indicator.section else "",
        indicator.service.name if indicator.service else "",
        _owner_cell(indicator.owner),
        indicator.data_source.strip(),
        tolerance,
    ]


def _owner_cell(owner) -> str:
    """The accountable officer as the Owner e-mail column takes them back."""
    if owner is None:
        return ""
    name = owner.get_full_name().strip()
    return f"{name} <{owner.email}>" if name and owner.email else owner.email


def target_row(target: Target, reference: str) -> list:
    kind = target.kind
    cells = {
        "Reference": reference,
        "Year": str(target.year),
        "Kind": KIND_WORDS.get(kind, kind),
        "Period": str(target.period) if target.period else "",
        "Note": target.note.strip(),
    }
    if kind in ("year_end", "profiled", "stretch"):
        cells["Target"] = plain(target.value)
    if kind == "range":
        cells["Low"], cells["High"] = plain(target.low), plain(target.high)
    if kind == "baseline":
        cells["Baseline"] = plain(target.baseline)
        change = plain(target.change)
        cells["Change"] = f"{change}%" if change and target.change_is_percent else change
        cells["Increase or reduce"] = "Increase" if target.increase else "Reduce"
    if kind == "stretch":
        cells["By"] = str(target.by_year) if target.by_year else ""
    return [cells.get(header, "") for header, _ in TARGETS]


def comparator_row(comparator: Comparator, reference: str) -> list:
    return [
        reference,
        comparator.label,
        str(comparator.period),
        plain(comparator.value),
        comparator.value_period.strip(),
        COMPARATOR_KIND_WORDS.get(comparator.kind, comparator.kind),
        f"{comparator.rank} of {comparator.rank_of}" if comparator.rank else "",
        comparator.source.strip(),
        plain(comparator.lower_ci),
        plain(comparator.upper_ci),
    ]


# The names a comparator had before they were data, as earlier workbooks wrote them.
OLD_COMPARATOR_NAMES = {
    "england": ("england", "England average"),
    "england average": ("england", "England average"),
    "region": ("region", "North West average"),
    "north west average": ("region", "North West average"),
    "statistical neighbours": ("statistical_neighbours", "Statistical neighbours"),
    "nearest neighbours": ("nearest_neighbours", "Nearest neighbours"),
}
_KIND_NAMES = {
    **{word.lower(): kind for kind, word in COMPARATOR_KIND_WORDS.items()},
    **{label.lower(): kind for kind, label in ComparatorKind.choices},
    "national": "england",
    "national average": "england",
    "england average": "england",
    "regional": "region",
    "regional average": "region",
    "statistical neighbour": "statistical_neighbours",
    "nearest neighbour": "nearest_neighbours",
    "named peer group": "peer_group",
}
_PEER_GROUP = re.compile(r"^(?:named )?peer group\s*[:\-–]\s*(.+)$", re.IGNORECASE)


def comparator_kind(text: str) -> str:
    """A comparator's kind from the Kind column's words; CellError naming them."""
    kind = _KIND_NAMES.get(" ".join(text.lower().split()))
    if kind is None:
        raise CellError(
            f"'{text}' is not a kind of comparator: write "
            + ", ".join(COMPARATOR_KIND_WORDS.values())
        )
    return kind


def comparator_name(text: str, kind: str = "") -> tuple[str, str]:
    """(kind, name as printed) of a comparator written as papers print it, its kind read
    from the name when not given; CellError saying what to write."""
    name = " ".join(text.split())
    words = name.lower()
    if match := _PEER_GROUP.match(name):
        return "peer_group", match.group(1).strip()
    if not kind and words in OLD_COMPARATOR_NAMES:
        return OLD_COMPARATOR_NAMES[words]
    if not kind:
        if words in ("national average", "england", "national", "england average"):
            kind = "england"
        elif "statistical neighbour" in words:
            kind = "statistical_neighbours"
        elif "nearest neighbour" in words:
            kind = "nearest_neighbours"
        elif words.endswith(" average") and words not in ("average", "regional average"):
            kind = "region"
    if not kind:
        raise CellError(
            (f"'{name}' is not a comparator" if name else "give the comparator")
            + ': write its name as papers print it ("England average", "East Midlands '
            'average", "Statistical neighbours", "CIPFA nearest neighbours", "Peer group: '
            'County councils"), or give its Kind'
        )
    if not name or (kind == "england" and words in ("england", "national")):
        name = {"england": "England average"}.get(kind, name)
    if not name and kind in ("statistical_neighbours", "nearest_neighbours"):
        name = COMPARATOR_KIND_WORDS[kind]
    if not name:
        raise CellError(
            f"name the {COMPARATOR_KIND_WORDS[kind].lower()} as papers print it, e.g. "
            + ('"East Midlands average"' if kind == "region" else '"County councils"')
        )
    return kind, name


_RANK = re.compile(
    r"^(\d[\d,]*)(?:st|nd|rd|th)?\s*(?:of|out of|/)\s*(\d[\d,]*)(?:\s+[a-z ]+)?$",
    re.IGNORECASE,
)


def read_rank(text: str) -> tuple[int, int] | None:
    """ "110 of 150" (or "110th of 150 authorities", "110/150") as (110, 150); None when
    empty; CellError saying how to write it."""
    text = " ".join(text.split())
    if not text:
        return None
    match = _RANK.match(text)
    if not match:
        raise CellError(f"'{text}' is not a rank: write it as \"110 of 150\"")
    rank, of = (int(group.replace(",", "")) for group in match.groups())
    if not 1 <= rank <= of:
        raise CellError(f"a rank of {rank} out of {of} is not possible")
    return rank, of


def history_row(value: Value, reference: str, note: Commentary | None) -> list:
    """A figure's row; the figure and count as exact text, which the workbook writes as
    numbers (build_catalogue_workbook)."""
    return [
        reference,
        str(value.period),
        plain(value.value),
        value.missing_reason.strip(),
        STATUS_WORDS.get(value.status, value.status),
        value.qualifier.strip(),
        note.issues.strip() if note else "",
        note.causes.strip() if note else "",
        note.actions.strip() if note else "",
        plain(value.count),
    ]


# Writing the workbook ---------------------------------------------------------------------

INSTRUCTIONS = [
    "Scorecard catalogue workbook",
    "One workbook holds a council's indicators (Catalogue), their targets (Targets) and "
    "their figures and commentary for past periods (History), and their benchmarks "
    "(Comparators: the England average, the region, neighbours). Fill it in, or export the "
    "catalogue from Scorecard, edit it in Excel and import it again: a re-import updates "
    "what changed and never duplicates.",
    "The import is all or nothing: every cell is checked first, and if any is wrong nothing "
    "is saved and each problem is listed by sheet, cell and reason. Upload it on the "
    "Catalogue page (performance team) to see what would change before importing, or run "
    "`python manage.py import_catalogue FILE.xlsx --dry-run`.",
    "Rows are matched by Reference (Catalogue), Reference, Year and Period (Targets) and "
    "Reference and Period (History), Reference, Comparator and Period (Comparators). "
    "Nothing is deleted: an indicator, target or figure "
    "left out of the workbook is left as it is.",
    "History figures are imported as final, published figures (they were reported in past "
    "papers); figures of a period being worked on in a return are changed there instead.",
    "Do not rename the sheets or the column headings. The columns:",
]


_PLAIN = re.compile(r"-?\d+(\.\d+)?")


def _as_number(cell, header: str, name: str, indicator: Indicator | None) -> None:
    """A figure written by the row functions as exact text, made the number it is, in the
    format that prints it as the reports do; a percentage as its points ('29.1 "%"'), as
    the importer reads it. Text keeps its digits where Excel could not (xlsx_numbers)."""
    if not isinstance(cell.value, str) or not _PLAIN.fullmatch(cell.value):
        return  # empty, or a figure as someone typed it ("34.8%"): left as it is
    number = Decimal(cell.value)
    if header in COUNT_COLUMNS.get(name, ()):
        written = count_cell(number)
    elif header in NUMBER_COLUMNS.get(name, ()):
        written = NumberCell(excel_number(number), "General")
    elif indicator is not None:
        written = figure_cell(
            number,
            unit=indicator.unit,
            decimal_places=indicator.decimal_places,
            out_of=indicator.score_out_of,
            fraction=True,
            exact=True,
        )
    else:
        return
    if not isinstance(written.value, str):
        cell.value, cell.number_format = written.value, written.number_format
        cell.quotePrefix = False


def build_catalogue_workbook(
    catalogue: list[list] = (),
    targets: list[list] = (),
    history: list[list] = (),
    indicators: dict[str, Indicator] | None = None,
    comparators: list[list] = (),
) -> Workbook:
    """The catalogue workbook: instructions, and the four sheets with these rows (none for
    the blank template). `indicators` by reference give the figures their formats."""
    indicators = indicators or {}
    book = Workbook()
    guide = book.active
    guide.title = "Instructions"
    for text in INSTRUCTIONS:
        guide.append([text])
    guide["A1"].font = Font(bold=True, size=14)
    for name, columns in ALL_SHEETS.items():
        guide.append([])
        guide.append([f"{name} sheet", ""])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
        for header, text in columns:
            guide.append([header, text])
    guide.append([])
    guide.append(["Periods", "Targets and History periods may be written in any of these forms:"])
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
    for form, examples in PERIOD_FORMS:
        guide.append([form.capitalize(), ", ".join(f'"{example}"' for example in examples)])
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 100
    choices = {
        ("Catalogue", "Unit"): UNIT_WORDS.values(),
        ("Catalogue", "Polarity"): POLARITY_WORDS.values(),
        ("Catalogue", "Frequency"): FREQUENCY_WORDS.values(),
        ("Catalogue", "Year to date"): AGGREGATION_WORDS.values(),
        ("Targets", "Kind"): KIND_WORDS.values(),
        ("Targets", "Increase or reduce"): ("Increase", "Reduce"),
        ("History", "Status"): STATUS_WORDS.values(),
        ("Comparators", "Kind"): COMPARATOR_KIND_WORDS.values(),
    }
    sheets = (
        ("Catalogue", catalogue),
        ("Targets", targets),
        ("History", history),
        ("Comparators", comparators),
    )
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        headers = [header for header, _ in ALL_SHEETS[name]]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        last = max(sheet.max_row, 1000)
        for index, header in enumerate(headers):
            letter = column_letter(index)
            sheet.column_dimensions[letter].width = 40 if header in ("Title", "Issues") else 16
            if header in TEXT_COLUMNS[name]:
                for (cell,) in sheet.iter_rows(
                    min_row=2, max_row=sheet.max_row, min_col=index + 1, max_col=index + 1
                ):
                    as_text_cell(cell)
                # Empty rows too, so that what the council types stays text.
                sheet.column_dimensions[letter].number_format = "@"
            if (name, header) in choices:
                listed = DataValidation(
                    type="list",
                    formula1='"' + ",".join(choices[name, header]) + '"',
                    allow_blank=True,
                    error="Choose one of the list.",
                    showErrorMessage=True,
                )
                sheet.add_data_validation(listed)
                listed.add(f"{letter}2:{letter}{last}")
        numbers = FIGURE_COLUMNS.get(name, set()) | COUNT_COLUMNS.get(name, set())
        numbers |= NUMBER_COLUMNS.get(name, set())
        for row in sheet.iter_rows(min_row=2):
            indicator = indicators.get(row[0].value)
            for header, cell in zip(headers, row, strict=False):
                if header in numbers:
                    _as_number(cell, header, name, indicator)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    as_text_cell(cell)
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = f"A1:{column_letter(len(headers) - 1)}{sheet.max_row}"
    return book


def export_catalogue() -> Workbook:
    """Every indicator, target and published figure, in the import's format."""
    indicators = list(Indicator.objects.select_related("section", "service", "owner"))
    references = {i.pk: i.reference for i in indicators}
    targets = Target.objects.order_by("indicator__section__order", "indicator", "year", "period")
    notes = {c.figure_id: c for c in Commentary.objects.published()}
    values = Value.objects.published().order_by("indicator", "period_end", "period_start")
    comparators = Comparator.objects.order_by(
        "indicator", "period_end", "period_start", "kind", "name"
    )
    return build_catalogue_workbook(
        [catalogue_row(i) for i in indicators],
        [target_row(t, references[t.indicator_id]) for t in targets],
        [history_row(v, references[v.indicator_id], notes.get(v.pk)) for v in values],
        {i.reference: i for i in indicators},
        [comparator_row(c, references[c.indicator_id]) for c in comparators],
    )
