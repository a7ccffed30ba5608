"""Parse a sheet's rows into the values of a kind's fields, column by column, and check
every value against the type the API's Create struct declares (patterns, lengths, ranges).

Work is done per column and per distinct value (a State name typed 30,000 times is
matched once), so 100,000 rows parse in seconds.
"""

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

    def row(self, index: int) -> dict[str, Any]:
        return {name: column[index] for name, column in self.values.items()}


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
    rows = table.rows
    # Blank rows are skipped (calamine and csv give "" for an empty cell).
    keep = [i for i, r in enumerate(rows) if r.count("") + r.count(None) != len(r)]
    parsed.numbers = [table.row_number(i) for i in keep]
    types = {f.name: f.type for f in msgspec.structs.fields(kind.create)}
    for done, column in enumerate(present):
        if progress:
            progress("parse", done * len(keep), len(present) * len(keep))
        position = table.fields[column.name]
        raw = [rows[i][position] if position < len(rows[i]) else "" for i in keep]
        parsed.values[column.name] = _parse_column(
            column, raw, types[column.name], parsed.numbers, matcher, problems
        )
    if progress:
        progress("parse", len(present) * len(keep), len(present) * len(keep))
    _find_duplicates(parsed, problems)
    return parsed


def _parse_column(
    column: Column,
    raw: list[Any],
    declared: Any,
    numbers: list[int],
    matcher: CountryMatcher,
    problems: Problems,
) -> list[Any]:
    failed: set[Any] = set()
    parse = _memoised(_cell_parser(column, matcher), failed)
    values = list(map(parse, raw))
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


def _memoised(parse: Callable[[Any], Any], failed: set[Any]) -> Callable[[Any], Any]:
    """Parse each distinct cell value once. Blank cells give BLANK and errors come back as
    CellError values; both are noted in `failed` so that clean columns need no second pass."""
    memo: dict[Any, Any] = {}
    typed: dict[tuple[type, Any], Any] = {}

    def parse_one(value: Any) -> Any:
        if cells.is_blank(value):
            return BLANK
        try:
            return parse(value)
        except CellError as exc:
            return exc

    def run(value: Any) -> Any:
        if value.__class__ is str:  # most cells: keyed by the text itself
            try:
                result = memo[value]
            except KeyError:
                result = memo[value] = parse_one(value)
        else:  # 1, 1.0 and True are equal as keys: keep their types apart
            key = (value.__class__, value)
            try:
                result = typed[key]
            except KeyError:
                result = typed[key] = parse_one(value)
        if result is BLANK:
            failed.add(BLANK)
        elif result.__class__ is CellError:
            failed.add(True)
        return result

    return run


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value


def _key_part(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _find_duplicates(parsed: Parsed, problems: Problems) -> None:
    kind = parsed.kind
    keys = [parsed.values.get(k) for k in kind.key]
    columns = [
        k if k is not None else [kind.columns[n].default] * len(parsed)
        for k, n in zip(keys, kind.key, strict=True)
    ]
    seen: dict[tuple[Any, ...], int] = {}
    label = ", ".join(kind.key)
    for i, key in enumerate(zip(*columns, strict=True)):
        norm = tuple(map(_key_part, key))
        first = seen.setdefault(norm, parsed.numbers[i])
        if first != parsed.numbers[i]:
            problems.add(
                parsed.numbers[i],
                kind.key[0],
                _shown(key[0]),
                f"duplicate {label} within the file (also on row {first})",
            )
