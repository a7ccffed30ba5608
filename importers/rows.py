"""Parse a sheet's rows into the values of a kind's fields, cell by cell, and check each
row against the same struct the API validates with."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from importers import cells
from importers.cells import CellError
from importers.countries import CountryMatcher
from importers.kinds import NON_NEGATIVE, Column, Kind
from importers.problems import Problems
from importers.reading import Table

Progress = Callable[[str, int, int], None]


@dataclass
class ParsedRow:
    number: int  # spreadsheet row number
    values: dict[str, Any]


@dataclass
class Parsed:
    kind: Kind
    table: Table
    columns: list[Column]  # the kind's columns present in the file
    rows: list[ParsedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
    missing = [c.name for c in kind.columns.values() if c.required and c.name not in table.fields]
    for name in missing:
        problems.add(table.header_row, name, None, "required column is missing from the header")
    if missing:
        return parsed
    parsers = [(c, table.fields[c.name], _memoised(_cell_parser(c, matcher))) for c in present]
    total = len(table.rows)
    for index, raw in enumerate(table.rows):
        if progress and index % 5000 == 0:
            progress("parse", index, total)
        if all(cells.is_blank(v) for v in raw):
            continue
        number = table.row_number(index)
        values: dict[str, Any] = {}
        ok = True
        for column, position, parse in parsers:
            value = raw[position] if position < len(raw) else ""
            if cells.is_blank(value):
                if column.required:
                    problems.add(number, column.name, None, "is required")
                    ok = False
                values[column.name] = column.default
                continue
            result = parse(value)
            if isinstance(result, CellError):
                problems.add(number, column.name, cells.text(value), str(result))
                ok = False
            else:
                values[column.name] = result
        if ok:
            _validate(kind, number, values, problems)
        parsed.rows.append(ParsedRow(number, values))
    if progress:
        progress("parse", total, total)
    _find_duplicates(parsed, problems)
    return parsed


def _cell_parser(column: Column, matcher: CountryMatcher) -> Callable[[Any], Any]:
    ref = column.reference

    def one(value: Any) -> Any:
        if column.parse == "country":
            return matcher.iso3(cells.text(value))
        if column.parse == "choice":
            return cells.choice(value, column.choices)
        if column.parse == "date":
            return cells.date(value)
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
        return lambda value: [one(part) for part in cells.split_multi(value)]
    return one


def _memoised(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Parse each distinct cell value once; errors are remembered as values."""
    memo: dict[tuple[type, Any], Any] = {}

    def run(value: Any) -> Any:
        key = (type(value), value)
        try:
            return memo[key]
        except KeyError:
            pass
        try:
            result = parse(value)
        except CellError as exc:
            result = exc
        memo[key] = result
        return result

    return run


_LOCATION = re.compile(r"^(.*?)(?: - at `\$\.([A-Za-z_]+)(?:\[\d+\])?.*`)?$")


def _validate(kind: Kind, number: int, values: dict[str, Any], problems: Problems) -> None:
    """The API's own struct rules (patterns, lengths, ranges), applied to the row."""
    try:
        msgspec.convert(values, kind.create)
    except msgspec.ValidationError as exc:
        match = _LOCATION.match(str(exc))
        reason, column = (match.group(1), match.group(2)) if match else (str(exc), None)
        value = values.get(column) if column else None
        problems.add(number, column, _shown(value), reason)


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value


def key_of(kind: Kind, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(_key_part(values.get(k)) for k in kind.key)


def _key_part(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _find_duplicates(parsed: Parsed, problems: Problems) -> None:
    kind = parsed.kind
    if not all(k in parsed.table.fields for k in kind.key if kind.columns[k].required):
        return
    seen: dict[tuple[Any, ...], int] = {}
    label = ", ".join(parsed.kind.key)
    for row in parsed.rows:
        key = key_of(parsed.kind, row.values)
        if key in seen:
            problems.add(
                row.number,
                parsed.kind.key[0],
                _shown(row.values.get(parsed.kind.key[0])),
                f"duplicate {label} within the file (also on row {seen[key]})",
            )
        else:
            seen[key] = row.number
