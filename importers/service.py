"""Import a file of one kind, all-or-nothing: read, parse, resolve codes, check, merge.

Everything between staging and merge runs in one transaction; any problem rolls it back,
so a rejected file leaves the database exactly as it was. A dry run does all of it and
rolls back too, reporting what would have happened.
"""

from __future__ import annotations

import asyncio
import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import asyncpg

from importers import staging
from importers.checks import check_rows, row_checks
from importers.countries import CountryMatcher
from importers.kinds import Column, kind_named
from importers.problems import ImportFailed, Problems, reject
from importers.reading import Table, read_table
from importers.rows import Parsed, Progress, parse_rows
from ta_manager.activities.links import delivery_cycles, same_event_cycles
from ta_manager.audit.actor import SYSTEM, Actor, acting_as, command_line_actor, current_actor
from ta_manager.audit.bulk import record_rows
from ta_manager.database import sql
from ta_manager.database.statistics import analyze_if_large
from ta_manager.errors import DomainError
from ta_manager.records.references import Reference, StateReference
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


def _import_actor() -> Actor:
    """The importing user (from the API's login) or the OS user (CLI), recorded via `import`."""
    actor = current_actor.get()
    if actor == SYSTEM:
        return command_line_actor("import")
    return Actor(actor.user_id, actor.email, "import")


async def import_file(
    kind_name: str,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    accept_close_matches: bool = False,
) -> ImportSummary:
    """Import `data` (the bytes of an .xlsx or .csv file) as records of `kind_name`.
    `accept_close_matches`: take a misspelt State name ("Benim") as the one State clearly
    closest to it, listing each such reading as a warning, instead of refusing the row."""
    kind = kind_named(kind_name)
    table: Table | None = None
    try:
        if progress:
            progress("read", 0, len(data))
        table = await asyncio.to_thread(read_table, data, filename, kind.file_columns.keys())
        if progress:
            progress("read", len(table.rows), len(table.rows))
        matcher = await CountryMatcher.load(accept_close=accept_close_matches)
        problems = Problems(sheet=table.sheet)
        parsed = await asyncio.to_thread(parse_rows, kind, table, matcher, problems, progress)
        if table.source == "xlsx":
            table.rows = []  # the parsed columns hold what is needed; free the raw cells
        if problems and not len(parsed):
            raise ImportFailed(problems.items, problems.dropped)
        if not len(parsed):
            raise reject(
                f"no data rows below the header (row {table.header_row})", sheet=table.sheet
            )
        try:
            with acting_as(_import_actor()):
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
            row_checks(parsed, problems)  # every problem of a row in this one pass
            raise ImportFailed(problems.items, problems.dropped)
        columns = staging.staged_columns(kind, parsed.columns)
        links = [c for c in parsed.columns if c.link is not None]
        groups = [c for c in parsed.columns if c.group is not None]
        if progress:
            progress("stage", 0, len(parsed))
        try:
            matched = await staging.stage(
                kind,
                columns,
                links,
                _records(parsed, columns, ids),
                _links(parsed, links, ids),
                _groups(parsed, groups),
            )
            if matched and (archived := await staging.archived_matches(kind)):
                shown = ", ".join(map(str, archived[:10])) + (", ..." if len(archived) > 10 else "")
                parsed.warnings.append(
                    f"{len(archived)} rows match archived records (rows {shown}): they are"
                    " updated like the others and stay archived"
                )
            existing = await staging.existing_ids() if kind.name == "contributions" else {}
            await check_rows(parsed, ids, existing, problems)
            if problems:
                raise ImportFailed(problems.items, problems.dropped)
            changed = await staging.mark_changes(kind, columns, links, matched, groups)
            summary = _summary(parsed, changed, dry_run)
            if dry_run:
                raise _DryRunDone(summary)
            if progress:
                progress("merge", 0, len(parsed))
            written = await staging.merge(kind, columns, links, groups)
            if kind.name == "activities":
                await _check_activity_links(parsed, written, problems)
            # One audit record per written row, in this transaction (merge took the snapshot).
            for action, ids_written in (("update", written.updated), ("create", written.created)):
                await record_rows(kind.service.resource, kind.service.table, action, ids_written)
        except asyncpg.PostgresError as exc:
            raise _database_problem(parsed, exc) from exc
        # A large import changes the row counts the planner works from: analyse what it wrote
        # (not the audit trail: append-only, read by its indexes, left to autovacuum).
        await analyze_if_large(sum(written.rows.values()), written.tables())
        summary.created_ids = written.created
        summary.updated_ids = written.updated
        if progress:
            progress("merge", len(parsed), len(parsed))
        return summary


async def resolve_references(parsed: Parsed, problems: Problems) -> dict[str, dict[str, int]]:
    """Codes -> ids per referencing column, looked up once per distinct code (set-based)."""
    resolved: dict[str, dict[str, int]] = {}
    for column in parsed.columns:
        ref = column.reference
        if ref is None:
            continue
        values = parsed.values[column.name]
        wanted: set[str] = set()
        if column.multi:
            wanted.update(chain.from_iterable(v for v in values if v))
        else:
            wanted.update(v for v in values if v is not None)
        found = await ref.lookup(sorted(wanted)) if wanted else {}
        resolved[column.name] = found
        missing = wanted - found.keys()
        if not missing:
            continue
        reasons = await _unknown(ref, sorted(missing))
        for number, value in zip(parsed.numbers, values, strict=True):
            for v in (value or []) if column.multi else [value]:
                if v in missing:
                    problems.add(number, column.name, v, reasons[v])
    return resolved


# Records officers create themselves; other references are codelists of reference data.
OWN_RECORDS = ("assistance_request", "project", "organization", "contribution", "activity")
LISTED_CODES = 12


async def _unknown(ref: Reference, missing: list[str]) -> dict[str, str]:
    """The reason for each unknown code, with the closest existing codes (or all of them
    when the codelist is short)."""
    if isinstance(ref, StateReference):
        return await ref.reasons(missing)
    if ref.table in OWN_RECORDS:
        base = f"no {ref.label} with this code exists (import or create it first)"
    else:
        base = f"unknown {ref.label}"
    codes = [r[0] for r in await sql.fetch(f"SELECT {ref.code_column}::text FROM {ref.table}")]
    if ref.table not in OWN_RECORDS and len(codes) <= LISTED_CODES:
        return {m: f"{base}; choose from {', '.join(sorted(codes))}" for m in missing}
    by_upper = {c.upper(): c for c in codes}
    reasons = {}
    for m in missing:
        close = difflib.get_close_matches(m.upper(), list(by_upper), n=3, cutoff=0.7)
        hint = f"; closest: {', '.join(by_upper[c] for c in close)}" if close else ""
        reasons[m] = base + hint
    return reasons


async def _check_activity_links(
    parsed: Parsed, written: staging.Written, problems: Problems
) -> None:
    """Same-event links and deliveries that now form a cycle (rows of the file may close one
    together): the rows are named and the whole import rolls back."""
    fields = {c.name for c in parsed.columns}
    ids = written.created + written.updated
    if not ids or not fields & {"same_event_as", "delivers"}:
        return
    rows = await staging.existing_ids()
    number_of = {record_id: number for number, record_id in rows.items()}
    if "same_event_as" in fields:
        for record_id, codes in (await same_event_cycles(ids)).items():
            problems.add(
                number_of.get(record_id),
                "same_event_as",
                None,
                f"links records that are already the same event (a cycle among"
                f" {', '.join(codes)}); link each record of an event once",
            )
    if "delivers" in fields:
        for record_id in await delivery_cycles(ids):
            problems.add(
                number_of.get(record_id),
                "delivers",
                None,
                "forms a cycle: the record it delivers (in)directly delivers it",
            )
    if problems:
        raise ImportFailed(problems.items, problems.dropped)


def _records(
    parsed: Parsed, columns: list[Column], ids: dict[str, dict[str, int]]
) -> Iterator[tuple[Any, ...]]:
    """Staging rows (row number, then the columns' values, references as ids), lazily."""
    count = len(parsed)
    lists: list[list[Any]] = []
    for c in columns:
        values = parsed.values.get(c.name) or [c.default] * count
        if c.ref is not None:
            mapping = ids.get(c.name, {})
            values = [None if v is None else mapping[v] for v in values]
        elif c.parse == "sources":
            values = [json.dumps(v or []) for v in values]
        lists.append(values)
    return zip(parsed.numbers, *lists, strict=True)


def _links(
    parsed: Parsed, links: list[Column], ids: dict[str, dict[str, int]]
) -> Iterator[tuple[int, str, int]]:
    for c in links:
        mapping = ids[c.name]
        for number, codes in zip(parsed.numbers, parsed.values[c.name], strict=True):
            # Two spellings of one State in a cell are one link.
            for target in dict.fromkeys(mapping[code] for code in codes or ()):
                yield number, c.name, target


def _groups(parsed: Parsed, groups: list[Column]) -> Iterator[tuple[int, str, str, int]]:
    for c in groups:
        assert c.group is not None
        for number, count in zip(parsed.numbers, parsed.values[c.name], strict=True):
            if count is not None:
                yield number, c.name, c.group.key, count


def _summary(parsed: Parsed, changed: list[staging.RowChange], dry_run: bool) -> ImportSummary:
    index = {number: i for i, number in enumerate(parsed.numbers)}
    new = sum(1 for c in changed if c.action == "new")
    listed: list[dict[str, Any]] = []
    keys = [k for k in parsed.kind.key if k in parsed.values]
    for change in changed[:MAX_LISTED_CHANGES]:
        i = index[change.number]
        listed.append(
            {
                "row": change.number,
                "key": {k: _plain(parsed.values[k][i]) for k in keys},
                "action": change.action,
                "fields": change.fields,
            }
        )
    return ImportSummary(
        kind=parsed.kind.name,
        sheet=parsed.table.sheet,
        rows=len(parsed),
        dry_run=dry_run,
        warnings=parsed.warnings,
        changes=listed,
        new=new,
        updated=len(changed) - new,
        unchanged=len(parsed) - len(changed),
    )


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | type(None)) else str(value)


def _database_problem(parsed: Parsed, exc: asyncpg.PostgresError) -> ImportFailed:
    """A constraint the checks above did not foresee. Rows are checked on the values the
    file gives, so this happens when a row breaks a rule together with a value stored in a
    column the file leaves out, or when another import wrote the same key meanwhile."""
    translated = translate_database_error(parsed.kind.name, exc)
    problems = Problems(sheet=parsed.table.sheet)
    if isinstance(exc, asyncpg.CheckViolationError):
        hint = (
            "; some row breaks it together with a value already stored in a column this file"
            " leaves out: add that column to the file"
        )
    elif isinstance(exc, asyncpg.UniqueViolationError):
        hint = " (written by another import or user meanwhile): import the file again"
    else:
        hint = ""
    if isinstance(translated, DomainError):
        field = translated.errors[0].field if translated.errors else None
        column = field if field in parsed.kind.columns else None
        reason = translated.detail.split(": ", 1)[-1]  # without the record or field name
        problems.add(None, column, None, f"the database refused the rows: {reason}{hint}")
    else:
        problems.add(None, None, None, f"the database refused the rows: {exc}")
    return ImportFailed(problems.items, problems.dropped)
