"""The one workbook style of every output: reports, the costed proposal, import templates
and marked-up import files.

- `style`: colours, fonts, number and date formats (per language), page setup (orientation,
  fit to width, print titles, header and footer);
- `widths`: column widths from content, wrapping the long text;
- `sheet_names`: sheet names that fit Excel's 31 characters at a word boundary and stay
  distinct;
- `openpyxl_sheets`: the same style applied by openpyxl (the proposal, whose formulas are
  tested with openpyxl; the import templates; the marked-up import file, edited in place).
  The reports apply it with xlsxwriter in reports/workbook.py.

User text always goes through ta_manager.spreadsheet_text (never a formula).
"""
