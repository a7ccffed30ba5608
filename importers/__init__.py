"""Spreadsheet importers: bring officers' existing workbooks in, all-or-nothing.

The path of a file (docs/importers.md tells the officer's side):

- `reading`   bytes -> the sheet's cells and its header row (xlsx via calamine, csv), size
              limit, refusals of what is not a spreadsheet, formula cells located;
- `kinds`     what can be imported: each kind's columns, from the API's Create structs;
- `cells`, `countries`   what officers type -> typed values (dates, numbers, State names);
- `rows`      the sheet parsed column by column, each distinct value once, with the
              structs' own field rules and in-file duplicate keys;
- `checks`    the services' cross-field rules, row by row (set-based for needs);
- `staging`   COPY into temp tables, key matching, field-by-field comparison, merge;
- `service`   `import_file`: the above in one transaction, the summary or `ImportRejected`;
- `error_workbook`, `templates`   the files handed back to officers;
- `cli`, `api`   `ta-manager import|template` and /api/v1/imports.
"""
