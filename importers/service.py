"""Import a file of one kind, all-or-nothing: read, parse, resolve codes, check, merge.

Everything between staging and merge runs in one transaction; any problem rolls it back,
so a rejected file leaves the database exactly as it was. A dry run does all of it and
rolls back too, reporting what would have happened.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from importers import staging
from importers.checks import check_rows
from importers.countries import CountryMatcher
from importers.kinds import Column, kind_named
from importers.problems import ImportFailed, Problems
from importers.reading import Table, read_table
from importers.rows import Parsed, Progress, parse_rows
from ta_manager.database import sql
from ta_manager.errors import DomainError
from ta_manager.records.service import translate_database_error

MAX_LISTED_CHANGES = 1000


@dataclass
class ImportSummary:
    kind: str
    sheet: str
    rows: int
    new: int
    updated: int
    unchanged: int
    dry_run: bool
    warnings: list[str] = field(default_factory=list)
    # One entry per new or updated row (capped): row number, key, action, changed fields.
    changes: list[dict[str, Any]] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)


class _DryRunDone(Exception):
    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


class ImportRejected(ImportFailed):
    """ImportFailed carrying the parsed table, so that an error workbook can be written."""

    def __init__(self, failure: ImportFailed, table: Table | None) -> None:
        super().__init__(failure.problems, failure.dropped)
        self.table = table


async def import_file(
    kind_name: str,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import `data` (the bytes of an .xlsx or .csv file) as records of `kind_name`."""
    kind = kind_named(kind_name)
    table: Table | None = None
    try:
        table = await asyncio.to_thread(read_table, data, filename, kind.columns.keys())
        if progress:
            progress("read", len(table.rows), len(table.rows))
        matcher = await CountryMatcher.load()
        problems = Problems(sheet=table.sheet)
        parsed = await asyncio.to_thread(parse_rows, kind, table, matcher, problems, progress)
        if problems and not parsed.rows:
            raise ImportFailed(problems.items, problems.dropped)
        try:
            return await _write(parsed, problems, dry_run, progress)
        except _DryRunDone as done:
            return done.summary
    except ImportFailed as exc:
        raise ImportRejected(exc, table) from exc


async def _write(
    parsed: Parsed, problems: Problems, dry_run: bool, progress: Progress | None
) -> ImportSummary:
    """Resolve codes (reporting unknown ones along with the cell problems), stage, check,
    and merge, in one transaction."""
    kind = parsed.kind
    async with sql.transaction():
        ids = await resolve_references(parsed, problems)
        if problems:
            raise ImportFailed(problems.items, problems.dropped)
        columns = staging.staged_columns(kind, parsed.columns)
        links = [c for c in parsed.columns if c.link is not None]
        rows, link_rows = _records(parsed, columns, links, ids)
        if progress:
            progress("stage", 0, len(rows))
        try:
            await staging.stage(kind, columns, links, rows, link_rows)
            existing = await staging.existing_ids()
            await check_rows(parsed, ids, existing, problems)
            if problems:
                raise ImportFailed(problems.items, problems.dropped)
            changed = await staging.changes(kind, columns, links)
            summary = _summary(parsed, changed, dry_run)
            if dry_run:
                raise _DryRunDone(summary)
            if progress:
                progress("merge", 0, len(rows))
            written = await staging.merge(kind, columns, links, changed)
            # Audit trail (issue 3): the bulk audit call for written["created"] and
            # written["updated"] belongs here, inside this transaction.
        except asyncpg.PostgresError as exc:
            raise _database_problem(parsed, exc) from exc
        summary.created_ids = written["created"]
        summary.updated_ids = written["updated"]
        if progress:
            progress("merge", len(rows), len(rows))
        return summary


async def resolve_references(parsed: Parsed, problems: Problems) -> dict[str, dict[str, int]]:
    """Codes -> ids per referencing column, looked up once per distinct code (set-based)."""
    resolved: dict[str, dict[str, int]] = {}
    for column in parsed.columns:
        ref = column.reference
        if ref is None:
            continue
        wanted: set[str] = set()
        for row in parsed.rows:
            value = row.values.get(column.name)
            if value is None:
                continue
            wanted.update(value if isinstance(value, list) else [value])
        found = await ref.lookup(sorted(wanted)) if wanted else {}
        resolved[column.name] = found
        missing = wanted - found.keys()
        if not missing:
            continue
        for row in parsed.rows:
            value = row.values.get(column.name)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v in missing:
                    problems.add(row.number, column.name, v, _unknown(ref.label, ref.table))
    return resolved


def _unknown(label: str, table: str) -> str:
    if table in ("assistance_request", "project", "organization", "contribution", "activity"):
        return f"no {label} with this code exists (import or create it first)"
    return f"unknown {label}"


def _records(
    parsed: Parsed,
    columns: list[Column],
    links: list[Column],
    ids: dict[str, dict[str, int]],
) -> tuple[list[tuple[Any, ...]], list[tuple[int, str, int]]]:
    rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[int, str, int]] = []
    for row in parsed.rows:
        record: list[Any] = [row.number]
        for c in columns:
            value = row.values.get(c.name, c.default)
            if c.ref is not None:
                value = None if value is None else ids[c.name][value]
            record.append(value)
        rows.append(tuple(record))
        for c in links:
            mapping = ids[c.name]
            for code in row.values.get(c.name) or []:
                link_rows.append((row.number, c.name, mapping[code]))
    return rows, link_rows


def _summary(parsed: Parsed, changed: list[staging.RowChange], dry_run: bool) -> ImportSummary:
    by_number = {r.number: r for r in parsed.rows}
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    listed: list[dict[str, Any]] = []
    for change in changed:
        counts[change.action] += 1
        if change.action != "unchanged" and len(listed) < MAX_LISTED_CHANGES:
            values = by_number[change.number].values
            listed.append(
                {
                    "row": change.number,
                    "key": {k: _plain(values.get(k)) for k in parsed.kind.key if k in values},
                    "action": change.action,
                    "fields": change.fields if change.action == "updated" else [],
                }
            )
    return ImportSummary(
        kind=parsed.kind.name,
        sheet=parsed.table.sheet,
        rows=len(parsed.rows),
        dry_run=dry_run,
        warnings=parsed.warnings,
        changes=listed,
        new=counts["new"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
    )


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | type(None)) else str(value)


def _database_problem(parsed: Parsed, exc: asyncpg.PostgresError) -> ImportFailed:
    translated = translate_database_error(parsed.kind.name, exc)
    problems = Problems(sheet=parsed.table.sheet)
    if isinstance(translated, DomainError):
        for e in translated.errors or []:
            problems.add(None, e.field, e.value, f"{translated.detail} ({e.reason})")
        if not translated.errors:
            problems.add(None, None, None, translated.detail)
    else:
        problems.add(None, None, None, f"the database refused the rows: {exc}")
    return ImportFailed(problems.items, problems.dropped)
