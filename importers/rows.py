"""Parse a sheet's rows into the values of a kind's fields, column by column, and check
every value against the type the API's Create struct declares (patterns, lengths, ranges).

Work is done per column and per distinct value (a State name typed 30,000 times is
matched once), so 100,000 rows parse in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import msgspec

from importers import cells
from importers.cells import CellError
from importers.countries import CountryMatcher
from importers.kinds import NON_NEGATIVE, Column, Kind
from importers.problems import Problems
from importers.reading import Table, column_index
from ta_manager.records import sources
from ta_manager.records.partial_dates import SUFFIX as PRECISION_SUFFIX
from ta_manager.records.references import StateReference

Progress = Callable[[str, int, int], None]


class _Blank:
    """Marks a blank cell until it is replaced by the column's default."""


BLANK = _Blank()


@dataclass
class Parsed:
    """The file's data rows, column-wise: values[name][i] belongs to row numbers[i]."""

    kind: Kind
    table: Table
    columns: list[Column]  # the kind's columns present in the file
    numbers: list[int] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.numbers)


def parse_rows(
    kind: Kind,
    table: Table,
    matcher: CountryMatcher,
    problems: Problems,
    progress: Progress | None = None,
) -> Parsed:
    problems.sheet = table.sheet
    present = [kind.columns[name] for name in table.fields]
    parsed = Parsed(kind, table, present)
    if table.unknown:
        parsed.warnings.append(
            "ignored columns that are not fields of "
            f"{kind.name}: {', '.join(repr(u) for u in table.unknown)}"
        )
    _formulas(table, parsed, problems)
    missing = [c.name for c in kind.columns.values() if c.required and c.name not in table.fields]
    for name in missing:
        problems.add(table.header_row, name, None, "required column is missing from the header")
    if missing:
        return parsed
    rows = table.rows
    # Blank rows are skipped (calamine and csv give "" for an empty cell).
    keep = [i for i, r in enumerate(rows) if r.count("") + r.count(None) != len(r)]
    parsed.numbers = [table.row_number(i) for i in keep]
    width = max(table.fields.values()) + 1
    kept = [rows[i] if len(rows[i]) >= width else _padded(rows[i], width) for i in keep]
    for done, column in enumerate(present):
        if progress:
            progress("parse", done * len(keep), len(present) * len(keep))
        raw = list(map(itemgetter(table.fields[column.name]), kept))
        parsed.values[column.name] = _parse_column(
            column, raw, kind.declared_type(column.name), parsed.numbers, matcher, problems
        )
        if column.parse == "country" and (matcher.close or matcher.former):
            parsed.warnings.extend(_state_readings(column, raw, parsed.numbers, matcher))
    if progress:
        progress("parse", len(present) * len(keep), len(present) * len(keep))
    _split_partial_dates(parsed)
    _find_duplicates(parsed, problems)
    return parsed


def _split_partial_dates(parsed: Parsed) -> None:
    """A partial date is stored as its first day and its precision (two columns)."""
    for column in list(parsed.columns):
        if column.parse != "partial_date":
            continue
        values = parsed.values[column.name]
        parsed.values[column.name] = [v.first if v is not None else None for v in values]
        companion = parsed.kind.columns[column.name + PRECISION_SUFFIX]
        parsed.values[companion.name] = [v.precision if v is not None else "day" for v in values]
        parsed.columns.append(companion)


def _state_readings(
    column: Column, raw: list[Any], numbers: list[int], matcher: CountryMatcher
) -> list[str]:
    """One warning per close match accepted or former-name entry used, with its rows."""
    rows_of: dict[str, list[int]] = {}
    for i, value in enumerate(raw):
        if cells.is_blank(value):
            continue
        parts = cells.split_multi(value) if column.multi else [cells.text(value)]
        for part in parts:
            if part in matcher.close or part in matcher.former:
                rows_of.setdefault(part, []).append(numbers[i])
    warnings = []
    for typed, rows in rows_of.items():
        shown = ", ".join(map(str, rows[:10])) + (", ..." if len(rows) > 10 else "")
        where = f"row {shown}" if len(rows) == 1 else f"rows {shown}"
        warnings.append(f"{column.name}, {where}: {matcher.readings(typed)}")
    return warnings


def _formulas(table: Table, parsed: Parsed, problems: Problems) -> None:
    """Formula cells in imported columns are refused (their cached value may be stale or
    missing, and formulas are never evaluated); elsewhere they are ignored with a warning."""
    by_index = {index: name for name, index in table.fields.items()}
    ignored = 0
    for row, letter in table.formulas:
        name = by_index.get(column_index(letter))
        if row > table.header_row and name is not None:
            problems.add(
                row,
                name,
                None,
                f"cell {letter}{row} holds a formula; formulas are never evaluated:"
                " copy the cells and paste them back as values",
            )
        else:
            ignored += 1
    if ignored:
        parsed.warnings.append(f"{ignored} formula cells outside the imported columns ignored")


def _padded(row: list[Any], width: int) -> list[Any]:
    return [*row, *([""] * (width - len(row)))]


def _parse_column(
    column: Column,
    raw: list[Any],
    declared: Any,
    numbers: list[int],
    matcher: CountryMatcher,
    problems: Problems,
) -> list[Any]:
    values, failed = _parse_distinct(_cell_parser(column, matcher), raw)
    reported: set[int] = set()
    if True in failed:
        for i, value in enumerate(values):
            if isinstance(value, CellError):
                problems.add(numbers[i], column.name, cells.text(raw[i]), str(value))
                values[i] = column.default
                reported.add(i)
    if BLANK in failed:
        for i, value in enumerate(values):
            if value is BLANK:
                if column.required:
                    problems.add(numbers[i], column.name, None, "is required")
                    reported.add(i)
                values[i] = column.default
    if column.parse not in PARSED_TO_TYPE:
        _check_type(column, values, declared, numbers, reported, problems)
    return values


def _check_type(
    column: Column,
    values: list[Any],
    declared: Any,
    numbers: list[int],
    reported: set[int],
    problems: Problems,
) -> None:
    """The API's own field rules, checked for the whole column in one call; cells already
    reported are left out."""
    checked = [v for i, v in enumerate(values) if i not in reported] if reported else values
    try:
        msgspec.convert(checked, list[declared])
        return
    except msgspec.ValidationError:
        pass
    for i, value in enumerate(values):
        if i in reported:
            continue
        try:
            msgspec.convert(value, declared)
        except msgspec.ValidationError as exc:
            reason = _LOCATION.sub("", str(exc))
            problems.add(numbers[i], column.name, _shown(value), reason)


_LOCATION = re.compile(r" - at `\$.*`$")


def _cell_parser(column: Column, matcher: CountryMatcher) -> Callable[[Any], Any]:
    ref = column.reference

    current_only = isinstance(ref, StateReference) and ref.current_only

    def one(value: Any) -> Any:
        if column.parse == "country":
            return matcher.iso3(cells.text(value), current_only=current_only)
        if column.parse == "choice":
            return cells.choice(value, column.choices)
        if column.parse == "date":
            return cells.date(value)
        if column.parse == "partial_date":
            return cells.partial_date(value)
        if column.parse == "sources":
            try:
                return sources.parse(cells.text(value))
            except sources.NotACitation as exc:
                raise CellError(str(exc)) from exc
        if column.parse == "number":
            number = cells.number(value)
            if column.name in NON_NEGATIVE and number < 0:
                raise CellError("must not be negative")
            return number
        if column.parse == "integer":
            return cells.integer(value)
        if column.parse == "boolean":
            return cells.boolean(value)
        if column.name == "currency" or column.name.endswith("_currency"):
            return cells.text(value).upper()
        text = cells.text(value)
        return ref.normalise(text) if ref is not None else text

    if column.multi:
        return lambda value: [_naming_part(one, part) for part in cells.split_multi(value)]
    return one


def _naming_part(parse: Callable[[Any], Any], part: str) -> Any:
    """Parse one value of a multi-valued cell; an error names the value at fault."""
    try:
        return parse(part)
    except CellError as exc:
        raise CellError(f"{part!r}: {exc}") from exc


NUMERIC = {bool, int, float}
# Parsers whose results always satisfy the struct's type (codelists, dates, States).
PARSED_TO_TYPE = {"choice", "date", "partial_date", "boolean", "country", "sources", "precision"}


def _parse_distinct(parse: Callable[[Any], Any], raw: list[Any]) -> tuple[list[Any], set[Any]]:
    """Parse each distinct cell value once (a State typed 30,000 times is matched once).
    Blank cells give BLANK, errors come back as CellError values; `failed` notes which of
    the two occur so that clean columns need no second pass."""

    def parse_one(value: Any) -> Any:
        if cells.is_blank(value):
            return BLANK
        try:
            return parse(value)
        except CellError as exc:
            return exc

    if len(set(map(type, raw)) & NUMERIC) <= 1:
        results = {value: parse_one(value) for value in dict.fromkeys(raw)}
        values = list(map(results.__getitem__, raw))
        outcomes: Any = results.values()
    else:  # 1, 1.0 and True are equal as keys: keep their types apart
        typed = {(v.__class__, v): None for v in raw}
        by_type = {key: parse_one(key[1]) for key in typed}
        values = [by_type[(v.__class__, v)] for v in raw]
        outcomes = by_type.values()
    failed: set[Any] = set()
    for outcome in outcomes:
        if outcome is BLANK:
            failed.add(BLANK)
        elif outcome.__class__ is CellError:
            failed.add(True)
    return values, failed


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value


def _find_duplicates(parsed: Parsed, problems: Problems) -> None:
    kind = parsed.kind
    columns = [
        [v.upper() if v.__class__ is str else v for v in parsed.values[name]]
        if name in parsed.values
        else [kind.columns[name].default] * len(parsed)
        for name in kind.key
    ]
    keys = list(zip(*columns, strict=True))
    if len(set(keys)) == len(keys):
        return
    seen: dict[tuple[Any, ...], int] = {}
    label = ", ".join(kind.key)
    for i, key in enumerate(keys):
        first = seen.setdefault(key, parsed.numbers[i])
        if first != parsed.numbers[i]:
            problems.add(
                parsed.numbers[i],
                kind.key[0],
                _shown(parsed.values.get(kind.key[0], [None] * len(parsed))[i]),
                f"duplicate {label} within the file (also on row {first})",
            )
