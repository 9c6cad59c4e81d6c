"""What every workbook import shares: refusing unsafe files before any parser sees them,
reading every sheet with python-calamine, and reporting each problem by sheet and cell.

python-calamine gives each cell's value but not its number format, and an empty string for
a cell holding an error. The check that reads every sheet's XML (`check_file`) also notes
the cells whose format changes what their value means (percentages, dates) and the cells
holding errors, and `read_sheets` hands those over as `excel_cells` values, which the
readers there interpret.

Used by the period return (`imports.py`) and the catalogue (`catalogue.py`)."""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from xml.parsers import expat

from python_calamine import CalamineWorkbook

from spreadsheets import excel_cells
from spreadsheets.excel_cells import cell_text  # noqa: F401  (the importers' name for it)
from spreadsheets.guard import FORMULA_STARTS
from spreadsheets.uploads import ImportRefused

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
# The largest shape a return or catalogue workbook can have. A return's sheets run to column
# L and a catalogue's to column T; the largest council's history (1,000 indicators, ten
# years of months) is 120,000 rows. python-calamine allocates every cell of a sheet's
# range, so a single cell at XFD1048576 would make it ask for hundreds of gigabytes.
MAX_COLUMNS = 100  # column CV
MAX_ROWS = 200_000
MAX_CELLS = 2_000_000  # cells written in the whole workbook, and each sheet's range
MAX_PROBLEMS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Problem:
    """One cell that cannot be imported, and why."""

    sheet: str
    cell: str
    reference: str
    reason: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.sheet, self.cell) if part)
        if self.reference:
            where = f"{where} ({self.reference})" if where else self.reference
        if not where:  # a problem of the whole workbook
            return self.reason[:1].upper() + self.reason[1:]
        return f"{where}: {self.reason}"


# The cells of each sheet (by the path of its XML) that read_sheets hands over marked: by
# 1-based (row, column), the kind (excel_cells.PERCENT, DATE or TIME, or ERROR) and the
# number format or error code.
ERROR = "error"
Marks = dict[str, dict[tuple[int, int], tuple[str, str]]]


def check_file(data: bytes) -> Marks:
    """Refuse files that are not plain xlsx workbooks before any parser sees them; the
    cells whose number format or error read_sheets must pass on."""
    if len(data) > MAX_BYTES:
        raise ImportRefused("The file is over 10 MB; a return workbook is far smaller.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused(
            "The file is password-protected or an old .xls workbook. Remove the password "
            "or save it as .xlsx, and upload it again."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("The file is not an Excel .xlsx workbook.") from None
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise ImportRefused("The file is not an Excel .xlsx workbook.")
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ImportRefused("The workbook contains macros; save it as a plain .xlsx.")
        if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED:
            raise ImportRefused("The workbook unpacks to far more data than a return holds.")
        try:
            return _check_members(archive)
        except (
            zipfile.BadZipFile,
            EOFError,
            NotImplementedError,
            expat.ExpatError,
            OSError,
            zlib.error,
        ):
            raise ImportRefused(
                "The workbook is damaged (its contents do not match their checksums); "
                "save it again from Excel and upload the new copy."
            ) from None


def _check_members(archive: zipfile.ZipFile) -> Marks:
    """Read every member to its end (which checks its CRC), refusing entity declarations
    and sheets larger than any workbook Scorecard reads; the cells to mark."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as member:  # the whole member is read below
                head = member.read(4096).upper()
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportRefused("The workbook contains XML entity declarations.")
    styles = _marked_styles(archive)
    cells, marks = 0, {}
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            sheet = _check_sheet(archive, info.filename, cells, styles)
            cells += sheet.cells
            marks[info.filename] = sheet.marks
        else:
            with archive.open(info) as member:
                while member.read(1024 * 1024):
                    pass
    return marks


def _parse(archive: zipfile.ZipFile, name: str, start) -> None:
    """Run expat over a small member (styles, workbook, relationships), if it is there."""
    if name not in archive.namelist():
        return
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = lambda tag, attributes: start(tag.rsplit(" ", 1)[-1], attributes)
    with archive.open(name) as member:
        parser.ParseFile(member)


def _marked_styles(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """The cell styles (by their index, as the sheets' s attribute gives it) whose number
    format is a percentage, a date or a time, with the kind and the format."""
    custom: dict[str, str] = {}
    styles: list[str] = []
    inside = {"cellXfs": False, "numFmts": False}

    def start(tag: str, attributes: dict) -> None:
        if tag in inside:
            inside[tag] = True
        elif tag in ("cellStyleXfs", "dxfs", "cellStyles"):
            inside["cellXfs"] = inside["numFmts"] = False
        elif tag == "numFmt" and inside["numFmts"]:
            custom[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")
        elif tag == "xf" and inside["cellXfs"]:
            styles.append(attributes.get("numFmtId", "0"))

    _parse(archive, _styles_path(archive), start)
    marked = {}
    for index, number in enumerate(styles):
        code = custom.get(number)
        if code is None and number.isdigit():
            code = excel_cells.BUILTIN_FORMATS.get(int(number), "")
        kind = excel_cells.format_kind(code or "")
        if kind:
            marked[str(index)] = (kind, code)
    return marked


_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each relationship of the workbook: its id, and the path of the part it names."""
    parts = {}

    def start(tag: str, attributes: dict) -> None:
        if tag == "Relationship":
            target = attributes.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[attributes.get("Id", "")] = path
            if attributes.get("Type", "").endswith("/styles"):
                parts["styles"] = path

    _parse(archive, "xl/_rels/workbook.xml.rels", start)
    return parts


def _styles_path(archive: zipfile.ZipFile) -> str:
    return _workbook_parts(archive).get("styles", "xl/styles.xml")


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name, and the path of its XML."""
    parts, paths = _workbook_parts(archive), {}

    def start(tag: str, attributes: dict) -> None:
        if tag == "sheet":
            part = parts.get(attributes.get(f"{_RELATIONSHIPS} id", ""))
            if part:
                paths[attributes.get("name", "")] = part

    _parse(archive, "xl/workbook.xml", start)
    return paths


_REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _position(reference: str) -> tuple[int, int]:
    """The 1-based row and column of a cell reference such as "AB12"."""
    match = _REFERENCE.fullmatch(reference.strip().upper())
    if not match:
        raise ImportRefused(
            f'The workbook has a cell with an unreadable reference "{reference[:20]}".'
        )
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - 64
    return int(match[2]), column


def _too_big(rows: int, columns: int) -> str:
    if columns > MAX_COLUMNS:
        return (
            f"reaches column {column_letter(columns - 1)}; a workbook for Scorecard ends "
            f"well before column {column_letter(MAX_COLUMNS - 1)}"
        )
    if rows > MAX_ROWS:
        return f"reaches row {rows:,}; a workbook for Scorecard has at most {MAX_ROWS:,} rows"
    if rows * columns > MAX_CELLS:
        return f"spans {rows * columns:,} cells; a workbook for Scorecard has at most {MAX_CELLS:,}"
    return ""


class _Sheet:
    """The extent of one sheet's cells, counted as expat reads its XML: nothing is kept
    but the counts, however large the sheet.

    `start` runs for every element of the sheet, a quarter of a million for a return of
    10,000 lines, so it does the least it can for each: a value element (most of the rest)
    is passed over at once, and a cell's column is read from its letters once."""

    def __init__(self, cells_before: int, styles: dict, parser):
        self.cells, self.cells_before = 0, cells_before
        self.rows = self.columns = self.row = self.column = 0
        self.styles, self.parser, self.marks = styles, parser, {}
        self.error: list[str] | None = None  # the text of the error cell being read
        self.names: dict[str, str] = {}  # each tag as expat gives it: its local name
        self.letters: dict[str, int] = {}  # each column's letters ("AB"): its number

    def start(self, tag: str, attributes: dict) -> None:
        name = self.names.get(tag)
        if name is None:
            name = self.names[tag] = tag.rsplit(" ", 1)[-1]
        if self.error is not None:  # the element after an error cell's value ends it
            if name == "v":
                self.error.clear()  # the error code, not the formula before it
            elif name != "f":
                self._end_error()
        if name == "c":
            self._cell(attributes)
        elif name == "row":
            number = attributes.get("r")
            if number is not None and not number.isdigit():
                raise ImportRefused("The workbook has a row with an unreadable number.")
            self.row, self.column = int(number) if number else self.row + 1, 0
            self.rows = max(self.rows, self.row)
            self._refuse(_too_big(self.rows, max(self.columns, 1)))
        elif name == "dimension":
            last = attributes.get("ref", "").split(":")[-1]
            if last:
                self._refuse(_too_big(*_position(last)))

    def _cell(self, attributes: dict) -> None:
        self.cells += 1
        if reference := attributes.get("r"):
            self.row, self.column = self._position(reference)
        else:
            self.column += 1
        if self.row > self.rows:
            self.rows = self.row
        if self.column > self.columns:
            self.columns = self.column
        if (
            self.rows > MAX_ROWS
            or self.columns > MAX_COLUMNS
            or self.rows * self.columns > MAX_CELLS
        ):
            self._refuse(_too_big(self.rows, self.columns))
        if self.cells_before + self.cells > MAX_CELLS:
            self._refuse(f"over {MAX_CELLS:,} cells in all; a workbook for Scorecard has far fewer")
        if attributes.get("t") == "e":
            self.error = []
            self.parser.CharacterDataHandler = self.error.append
        elif (style := attributes.get("s")) and style in self.styles:
            self.marks[self.row, self.column] = self.styles[style]

    def _position(self, reference: str) -> tuple[int, int]:
        """As _position(reference), reading the letters of a plain reference ("AB12") once."""
        letters = reference.rstrip("0123456789")
        digits = reference[len(letters) :]
        column = self.letters.get(letters)
        if column is not None and 0 < len(digits) <= 7:
            return int(digits), column
        row, column = _position(reference)
        if 0 < len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper():
            self.letters[letters] = column
        return row, column

    def _end_error(self) -> None:
        self.marks[self.row, self.column] = (ERROR, "".join(self.error).strip() or "#N/A")
        self.error = None
        self.parser.CharacterDataHandler = None

    @staticmethod
    def _refuse(problem: str) -> None:
        if problem:
            raise ImportRefused(
                f"A sheet of the workbook {problem}. Delete the cells beyond the table "
                "and upload it again."
            )


def _check_sheet(archive: zipfile.ZipFile, name: str, cells_before: int, styles: dict) -> _Sheet:
    """Refuse a sheet whose declared or actual extent is beyond any workbook Scorecard
    reads, before python-calamine allocates it; its count of cells and its marks."""
    parser = expat.ParserCreate(namespace_separator=" ")
    sheet = _Sheet(cells_before, styles, parser)
    parser.StartElementHandler = sheet.start
    with archive.open(name) as member:  # reading to the end checks its CRC
        while chunk := member.read(256 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    if sheet.error is not None:
        sheet._end_error()
    return sheet


def read_workbook(data: bytes) -> dict[str, list[list]]:
    """Every sheet's cells, once the file is checked (`check_file`, then `read_sheets`)."""
    return read_sheets(data, check_file(data))


def read_sheets(data: bytes, marks: Marks | None = None) -> dict[str, list[list]]:
    """Every sheet's cells from A1 (python-calamine: fast, and reads no formulas or macros),
    with the cells of `marks` (check_file's) as excel_cells values: a percent-formatted
    number as a Percent, a date as a ShownDate, an error as an ExcelError. Without marks,
    the values only."""
    marks = marks or {}
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # From A1, whatever is empty, so that a cell's place in the rows is its address.
        sheets = {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names
        }
    except Exception as error:  # calamine raises its own error types for broken files
        raise ImportRefused(f"The workbook cannot be read: {error}") from None
    if any(marks.values()):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            paths = sheet_paths(archive)
        for name, rows in sheets.items():
            for (row, column), (kind, code) in marks.get(paths.get(name, ""), {}).items():
                if row <= len(rows) and column <= len(rows[row - 1]):
                    rows[row - 1][column - 1] = _marked(rows[row - 1][column - 1], kind, code)
    return sheets


def _marked(value, kind: str, code: str):
    if kind == ERROR:
        return excel_cells.ExcelError(code)
    if (
        kind == excel_cells.PERCENT
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return excel_cells.Percent(value)
    if kind == excel_cells.DATE and isinstance(value, date):
        return excel_cells.ShownDate(value, code)
    return value


def column_letter(index: int) -> str:
    """The letter of a 0-based column index: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def as_text_cell(cell) -> None:
    """Keep a cell the text it is: openpyxl writes "=..." as a formula, and Excel would read
    "Dec 2016" as a date and "34.8%" as 0.348."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type, cell.quotePrefix = "s", True
    cell.number_format = "@"
