"""What every workbook import shares: refusing unsafe files before any parser sees them,
reading every sheet with python-calamine, and reporting each problem by sheet and cell.

Used by the period return (`imports.py`) and the catalogue (`catalogue.py`)."""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from python_calamine import CalamineWorkbook

from indicators.exports import FORMULA_STARTS

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


class ImportRefused(ValueError):
    """A file that is not a workbook we can safely read."""


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


def check_file(data: bytes) -> None:
    """Refuse files that are not plain xlsx workbooks before any parser sees them."""
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
            _check_members(archive)
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


def _check_members(archive: zipfile.ZipFile) -> None:
    """Read every member to its end (which checks its CRC), refusing entity declarations
    and sheets larger than any workbook Scorecard reads."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as member:  # the whole member is read below
                head = member.read(4096).upper()
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportRefused("The workbook contains XML entity declarations.")
    cells = 0
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            cells += _check_sheet(archive, info.filename, cells)
        else:
            with archive.open(info) as member:
                while member.read(1024 * 1024):
                    pass


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
    but the counts, however large the sheet."""

    def __init__(self, cells_before: int):
        self.cells, self.cells_before = 0, cells_before
        self.rows = self.columns = self.row = self.column = 0

    def start(self, tag: str, attributes: dict) -> None:
        tag = tag.rsplit(" ", 1)[-1]
        if tag == "dimension":
            last = attributes.get("ref", "").split(":")[-1]
            if last:
                self._refuse(_too_big(*_position(last)))
        elif tag == "row":
            number = attributes.get("r")
            if number is not None and not number.isdigit():
                raise ImportRefused("The workbook has a row with an unreadable number.")
            self.row, self.column = int(number) if number else self.row + 1, 0
            self.rows = max(self.rows, self.row)
            self._refuse(_too_big(self.rows, max(self.columns, 1)))
        elif tag == "c":
            self.cells += 1
            if reference := attributes.get("r"):
                self.row, self.column = _position(reference)
            else:
                self.column += 1
            self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)
            self._refuse(_too_big(self.rows, self.columns))
            if self.cells_before + self.cells > MAX_CELLS:
                self._refuse(
                    f"over {MAX_CELLS:,} cells in all; a workbook for Scorecard has far fewer"
                )

    @staticmethod
    def _refuse(problem: str) -> None:
        if problem:
            raise ImportRefused(
                f"A sheet of the workbook {problem}. Delete the cells beyond the table "
                "and upload it again."
            )


def _check_sheet(archive: zipfile.ZipFile, name: str, cells_before: int) -> int:
    """Refuse a sheet whose declared or actual extent is beyond any workbook Scorecard
    reads, before python-calamine allocates it; the number of cells it has."""
    sheet = _Sheet(cells_before)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = sheet.start
    with archive.open(name) as member:  # reading to the end checks its CRC
        while chunk := member.read(256 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return sheet.cells


def read_sheets(data: bytes) -> dict[str, list[list]]:
    """Every sheet's cells (python-calamine: fast, and reads no formulas or macros)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    except Exception as error:  # calamine raises its own error types for broken files
        raise ImportRefused(f"The workbook cannot be read: {error}") from None


def cell_text(cell) -> str:
    """A cell as the text it shows: 12.0 is "12"."""
    if type(cell) is str:  # most cells: the fast path, called for every cell of a workbook
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


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
