"""The one error for a file refused as a whole: the return workbook, the catalogue workbook
and national comparator files alike (too big, not the kind of file, unsafe, no header).
Pages and commands show its message as it is; problems with single cells or rows are
listed instead, each importer naming them its own way (sheet and cell, or line and column)."""


class ImportRefused(ValueError):
    """A file that cannot be imported at all, with the reason in words."""
