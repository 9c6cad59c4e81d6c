"""Text that a spreadsheet would take for a formula ("CSV injection"), guarded in every
file the service writes: exports, the return workbook, the catalogue."""

import re

# A spreadsheet reads a cell starting with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIGURE = re.compile(r"[-+]?£?\d[\d,]*(\.\d+)?(%|m|k| days?)?( \(revised\))?")


def spreadsheet_text(value: object) -> object:
    """A cell for a CSV or Excel export: text that a spreadsheet would take for a formula
    gets a leading apostrophe, as OWASP advises, so a title such as "=HYPERLINK(...)" is
    shown as the words it is. Figures ("-3.2%") and the "-" of no figure are left alone."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value != "-"
        and not _FIGURE.fullmatch(value)
    ):
        return "'" + value
    return value
