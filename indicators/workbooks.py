"""What every workbook import shares: refusing unsafe files before any parser sees them,
reading every sheet with python-calamine, and reporting each problem by sheet and cell.

Used by the period return (`imports.py`) and the catalogue (`catalogue.py`)."""

import io
import zipfile
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from indicators.exports import FORMULA_STARTS

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
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
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                head = archive.read(info.filename)[:4096].upper()
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ImportRefused("The workbook contains XML entity declarations.")


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
