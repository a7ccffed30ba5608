"""The create/read/update/archive/delete life cycle shared by every kind of record.

A concrete service declares its table, its plain columns, the records it references by
code (`RefField`) and its many-to-many links (`LinkField`); this base turns those into SQL.
Everything a service writes happens in one transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

import asyncpg
import msgspec

from ta_manager.database import sql
from ta_manager.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    StaleVersion,
    VersionRequired,
)
from ta_manager.records import partial_dates as dates
from ta_manager.records import sources
from ta_manager.records.filters import Where
from ta_manager.records.references import Reference


@dataclass(frozen=True)
class RefField:
    """A single reference by code, e.g. an activity's `project`."""

    field: str
    column: str
    ref: Reference


@dataclass(frozen=True)
class LinkField:
    """A many-to-many link by codes, e.g. an activity's `beneficiary_countries`."""

    field: str
    table: str
    owner: str
    target: str
    ref: Reference


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class RecordService:
    resource: ClassVar[str]
    table: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    refs: ClassVar[tuple[RefField, ...]] = ()
    links: ClassVar[tuple[LinkField, ...]] = ()
    archivable: ClassVar[bool] = False
    search_columns: ClassVar[tuple[str, ...]] = ()
    sortable: ClassVar[tuple[str, ...]] = ("id",)
    default_sort: ClassVar[str] = "id"
    # Column that holds the record's business code, used in messages and lookups.
    code_column: ClassVar[str | None] = "code"
    # Columns holding partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): each is stored as its
    # first day plus `<name>_precision`, and read back as given (records/partial_dates.py).
    partial_dates: ClassVar[tuple[str, ...]] = ()

    # ------------------------------------------------------------------ reading
    def select_sql(self) -> str:
        parts = ["t.*"]
        parts += [f"{r.ref.code_sql('t.' + r.column)} AS {r.field}" for r in self.refs]
        for link in self.links:
            parts.append(
                f"ARRAY(SELECT x.{link.ref.code_column}::text FROM {link.table} l"
                f" JOIN {link.ref.table} x ON x.id = l.{link.target}"
                f" WHERE l.{link.owner} = t.id ORDER BY 1) AS {link.field}"
            )
        parts += self.extra_select()
        return f"SELECT {', '.join(parts)} FROM {self.table} t"

    def extra_select(self) -> list[str]:
        """Further computed columns of the read shape (override)."""
        return []

    def present(self, row: dict[str, Any]) -> dict[str, Any]:
        """A stored row in the read shape: partial dates as given (override to add more)."""
        return dates.present(row, self.partial_dates)

    async def get(self, record_id: int) -> dict[str, Any]:
        row = await sql.fetchrow(f"{self.select_sql()} WHERE t.id = $1", record_id)
        if row is None:
            raise NotFound(self.resource, record_id)
        return self.present(dict(row))

    async def get_many(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        rows = await sql.fetch(
            f"{self.select_sql()} WHERE t.id = ANY($1::bigint[])"
            " ORDER BY array_position($1::bigint[], t.id)",
            list(ids),
        )
        return [self.present(dict(r)) for r in rows]

    async def filter(self, where: Where, filters: Any) -> None:
        """Add the resource's own filter conditions (override)."""

    def order_by(self, sort: str | None) -> str:
        keys = []
        for raw in (sort or self.default_sort).split(","):
            key = raw.strip()
            if not key:
                continue
            desc = key.startswith("-")
            name = key.lstrip("-+")
            if name not in self.sortable and name != "id":
                raise InvalidInput.of(
                    "sort", f"cannot sort by {name!r}; choose from {', '.join(self.sortable)}", key
                )
            keys.append(f"t.{name} {'DESC' if desc else 'ASC'} NULLS LAST")
        keys.append("t.id ASC")
        return ", ".join(keys)

    async def page(
        self,
        filters: Any = None,
        *,
        q: str | None = None,
        sort: str | None = None,
        limit: int = 50,
        offset: int = 0,
        include_archived: bool = False,
    ) -> Page:
        where = Where()
        if self.archivable and not include_archived:
            where.add("t.archived_at IS NULL")
        if q and self.search_columns:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.add(
                "(" + " OR ".join(f"t.{c} ILIKE {{}}" for c in self.search_columns) + ")",
                *([pattern] * len(self.search_columns)),
            )
        if filters is not None:
            await self.filter(where, filters)
        cond = where.sql()
        total = await sql.fetchval(f"SELECT count(*) FROM {self.table} t {cond}", *where.args)
        ids = await sql.fetch(
            f"SELECT t.id FROM {self.table} t {cond} ORDER BY {self.order_by(sort)}"
            f" LIMIT {int(limit)} OFFSET {int(offset)}",
            *where.args,
        )
        items = await self.get_many([r["id"] for r in ids])
        return Page(items=items, total=total, limit=limit, offset=offset)

    # ------------------------------------------------------------------ writing
    async def create(self, data: msgspec.Struct | Mapping[str, Any]) -> dict[str, Any]:
        values = _as_dict(data)
        async with sql.transaction():
            row, links = await self._to_row(values)
            await self._check({**self.defaults(), **row, **links}, values, None)
            names = list(row)
            placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
            try:
                record_id = await sql.fetchval(
                    f"INSERT INTO {self.table} ({', '.join(names)}) VALUES ({placeholders})"
                    " RETURNING id",
                    *row.values(),
                )
                await self._write_links(record_id, links)
                await self.after_write(record_id, values)
            except asyncpg.PostgresError as exc:
                raise self.translate(exc) from exc
            record = await self.get(record_id)
            await self.on_change("create", record_id, None, record)
            return record

    async def update(
        self, record_id: int, changes: Mapping[str, Any], version: int | None
    ) -> dict[str, Any]:
        changes = {k: v for k, v in changes.items() if k != "version"}
        if version is None:
            raise VersionRequired()
        async with sql.transaction():
            current = await sql.fetchrow(
                f"SELECT * FROM {self.table} WHERE id = $1 FOR UPDATE", record_id
            )
            if current is None:
                raise NotFound(self.resource, record_id)
            if current["version"] != version:
                raise StaleVersion(self.resource, record_id, version, current["version"])
            before = await self.get(record_id)
            row, links = await self._to_row(changes)
            merged_links = {lk.field: before[lk.field] for lk in self.links}
            merged_links.update(links)
            await self._check({**dict(current), **row, **merged_links}, changes, record_id)
            sets = [f"{name} = ${i}" for i, name in enumerate(row, start=2)]
            sets.append("version = version + 1")
            try:
                await sql.execute(
                    f"UPDATE {self.table} SET {', '.join(sets)} WHERE id = $1",
                    record_id,
                    *row.values(),
                )
                await self._write_links(record_id, links)
                await self.after_write(record_id, changes)
            except asyncpg.PostgresError as exc:
                raise self.translate(exc) from exc
            after = await self.get(record_id)
            await self.on_change("update", record_id, before, after)
            return after

    async def archive(self, record_id: int, archived: bool = True) -> dict[str, Any]:
        if not self.archivable:
            raise InvalidInput.of("id", f"{self.resource} records cannot be archived")
        async with sql.transaction():
            before = await self.get(record_id)
            await sql.execute(
                f"UPDATE {self.table} SET archived_at = {'now()' if archived else 'NULL'},"
                " version = version + 1 WHERE id = $1",
                record_id,
            )
            after = await self.get(record_id)
            await self.on_change("archive" if archived else "restore", record_id, before, after)
            return after

    async def delete(self, record_id: int) -> None:
        async with sql.transaction():
            before = await self.get(record_id)
            try:
                await sql.execute(f"DELETE FROM {self.table} WHERE id = $1", record_id)
            except asyncpg.ForeignKeyViolationError as exc:
                raise Conflict(
                    f"{self.resource} {record_id} is still referenced"
                    f" ({exc.table_name or 'another record'}); archive it or remove those first"
                ) from exc
            await self.on_change("delete", record_id, before, None)

    # ------------------------------------------------------------------ hooks
    def defaults(self) -> dict[str, Any]:
        """Column defaults, so that checks on create see the values the row will have."""
        return {}

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        """Rules across fields, on the record as it would be after the write (override)."""
        return []

    async def after_write(self, record_id: int, values: Mapping[str, Any]) -> None:
        """Write parts of the record that are not plain columns or links (override)."""

    async def on_change(
        self,
        action: str,
        record_id: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Called inside the write's transaction once per changed record (audit hooks here)."""
        for listener in CHANGE_LISTENERS:
            await listener(self.resource, action, record_id, before, after)

    def translate(self, exc: asyncpg.PostgresError) -> Exception:
        return translate_database_error(self.resource, exc)

    # ------------------------------------------------------------------ internals
    async def _to_row(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        row: dict[str, Any] = {}
        links: dict[str, Any] = {}
        errors: list[FieldError] = []
        ref_by_field = {r.field: r for r in self.refs}
        link_by_field = {lk.field: lk for lk in self.links}
        for key, value in values.items():
            try:
                if key in self.partial_dates:
                    row[key], row[key + dates.SUFFIX] = dates.columns(dates.of(value, key))
                elif key == "sources" and key in self.columns:
                    row[key] = sources.as_dicts(value)
                elif key in self.columns:
                    if isinstance(value, Decimal) and value < 0:
                        errors.append(FieldError(key, "must not be negative", str(value)))
                    row[key] = value
                elif key in ref_by_field:
                    r = ref_by_field[key]
                    row[r.column] = None if value is None else await r.ref.id(value, key)
                elif key in link_by_field:
                    link = link_by_field[key]
                    codes = list(dict.fromkeys(value or []))
                    links[key] = (await link.ref.ids(codes, key), codes)
            except InvalidInput as exc:
                errors.extend(exc.errors)
        if errors:
            raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
        return row, links

    async def _check(
        self, record: dict[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> None:
        # Links arrive as (ids, codes); checks see codes, and the submitted values that are
        # neither columns nor links (e.g. participants by profession).
        view = {**values, **{k: (v[1] if isinstance(v, tuple) else v) for k, v in record.items()}}
        errors = await self.check(view, record_id)
        if errors:
            raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)

    async def _write_links(self, record_id: int, links: Mapping[str, Any]) -> None:
        for link in self.links:
            if link.field not in links:
                continue
            ids = links[link.field][0]
            await sql.execute(
                f"DELETE FROM {link.table} WHERE {link.owner} = $1"
                f" AND NOT ({link.target} = ANY($2::bigint[]))",
                record_id,
                ids,
            )
            await sql.execute(
                f"INSERT INTO {link.table} ({link.owner}, {link.target})"
                " SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
                record_id,
                ids,
            )


ChangeListener = Any  # async (resource, action, record_id, before, after) -> None
CHANGE_LISTENERS: list[ChangeListener] = []


def _as_dict(data: msgspec.Struct | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, msgspec.Struct):
        return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    return dict(data)


def translate_database_error(resource: str, exc: asyncpg.PostgresError) -> Exception:
    """Turn a constraint violation into an error that names the field, never a 500."""
    constraint = getattr(exc, "constraint_name", None) or ""
    column = getattr(exc, "column_name", None)
    table = getattr(exc, "table_name", None) or resource
    if isinstance(exc, asyncpg.UniqueViolationError):
        field = _field_of_constraint(constraint, table) or "code"
        return Conflict(
            f"{resource}: another record already has this {field}",
            [FieldError(field, "already exists")],
        )
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        field = _field_of_constraint(constraint, table) or "reference"
        return InvalidInput(
            f"{resource}: {field} refers to a record that does not exist or does not fit",
            [FieldError(field, "unknown or mismatched reference")],
        )
    if isinstance(exc, asyncpg.NotNullViolationError):
        return InvalidInput.of(column or "field", "is required")
    if isinstance(exc, asyncpg.CheckViolationError):
        field = _field_of_constraint(constraint, table) or constraint
        return InvalidInput.of(field, f"breaks the rule {constraint}")
    if isinstance(exc, asyncpg.DataError):
        return InvalidInput.of(column or "field", str(exc).splitlines()[0])
    return exc


def _field_of_constraint(constraint: str, table: str) -> str | None:
    for suffix in ("_ci_key", "_key", "_fkey", "_check"):
        if constraint.endswith(suffix):
            middle = constraint[: -len(suffix)]
            if middle.startswith(table + "_"):
                middle = middle[len(table) + 1 :]
            middle = middle.removesuffix("_code")
            return middle.removesuffix("_id") if middle not in ("", "check") else None
    return None
