"""Excel and CSV files as people make them: reading a workbook safely (size, zip bombs,
formulas), cells by their number format, figures written back as Excel numbers, and the
guard against text a spreadsheet would run as a formula. Plain Python and openpyxl."""
