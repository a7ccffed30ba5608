"""Spreadsheet importers: bring officers' existing workbooks in, all-or-nothing."""
