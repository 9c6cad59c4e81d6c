"""A council's own catalogue and years of history, from a workbook: check, preview, import
all or nothing, and export it back."""
