"""The create/read/update/archive/delete life cycle shared by every kind of record.

A concrete service declares its table, its plain columns, the records it references by
code (`RefField`) and its many-to-many links (`LinkField`). Rows are read and written with
Piccolo's query builder on the table's Piccolo class (ta_manager/tables.py); lists (filters,
order, keyset cursors, totals) and the links of many records at once are set-based SQL in
records/queries.py. Everything a service writes happens in one transaction, so a failure
leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar, Literal

import asyncpg
import msgspec
from piccolo.columns import Column, ForeignKey
from piccolo.columns.column_types import DEFAULT
from piccolo.query import WhereRaw
from piccolo.querystring import QueryString
from piccolo.table import Table

from ta_manager.database import sql
from ta_manager.database.columns import Identity
from ta_manager.database.prepared import Param, Prepared
from ta_manager.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    StaleVersion,
    VersionRequired,
)
from ta_manager.records import cursor as cursors
from ta_manager.records import partial_dates as dates
from ta_manager.records import queries, sources
from ta_manager.records.cursor import SortKey
from ta_manager.records.filters import Where
from ta_manager.records.references import Reference

Total = Literal["estimated", "exact"]
# Below this many estimated matches an exact count is cheap: the total is counted.
COUNT_BELOW = 2000
_BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "archived_at"})


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
    """One page of a list. `total` is exact when `total_exact`, else the planner's
    estimate (never below what the page shows); the cursors lead to the next and the
    previous page (None at either end)."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    total_exact: bool = True
    next_cursor: str | None = None
    prev_cursor: str | None = None


class RecordService:
    resource: ClassVar[str]
    table: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    refs: ClassVar[tuple[RefField, ...]] = ()
    links: ClassVar[tuple[LinkField, ...]] = ()
    archivable: ClassVar[bool] = False
    search_columns: ClassVar[tuple[str, ...]] = ()
    # The search columns have trigram indexes (migration 2026-12-01T07: the big tables).
    search_indexed: ClassVar[bool] = False
    sortable: ClassVar[tuple[str, ...]] = ("id",)
    default_sort: ClassVar[str] = "id"
    # Column that holds the record's business code, used in messages and lookups.
    code_column: ClassVar[str | None] = "code"
    # Columns holding partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): each is stored as its
    # first day plus `<name>_precision`, and read back as given (records/partial_dates.py).
    partial_dates: ClassVar[tuple[str, ...]] = ()
    # Fields of the read shape fetched with the links (`extra_links`) that are
    # code -> number mappings rather than lists of codes.
    dict_links: ClassVar[frozenset[str]] = frozenset()

    # ------------------------------------------------------------------ the table
    @cached_property
    def model(self) -> type[Table]:
        """The Piccolo table of `table` (ta_manager/tables.py)."""
        from ta_manager.tables import BY_NAME

        return BY_NAME[self.table]

    def read_columns(self) -> list[Any]:
        """Piccolo columns of the read shape: the table's, and each reference's code
        (joined through its foreign key). Override to add joined columns."""
        model = self.model
        out: list[Any] = list(model.all_columns())
        for r in self.refs:
            foreign: ForeignKey[Any] = getattr(model, r.column)
            out.append(getattr(foreign, r.ref.code_column).as_alias(r.field))
        return out

    def extra_links(self) -> dict[str, str]:
        """Further lists of the read shape, fetched with the links: field -> an SQL union
        member giving (owner, field, code, ord, n) for the records in `$1`, from the
        service's queries module (override)."""
        return {}

    async def extras(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Further computed fields of the read shape, for many records in one query
        (override)."""
        return {}

    @cached_property
    def _rows(self) -> Prepared:
        model = self.model
        return Prepared(
            lambda: model.select(*self.read_columns()).where(
                WhereRaw(f'"{self.table}"."id" = ANY({{}}::bigint[])', Param("ids"))
            )
        )

    @cached_property
    def _locked(self) -> Prepared:
        model = self.model
        return Prepared(
            lambda: (
                model.select(*model.all_columns())
                .where(model._meta.primary_key == Param("id"))
                .lock_rows("UPDATE")
            )
        )

    @cached_property
    def _links(self) -> queries.Links:
        members = [
            queries.link_member(
                lk.field, lk.table, lk.owner, lk.target, lk.ref.table, lk.ref.code_column
            )
            for lk in self.links
        ]
        return queries.Links((*members, *self.extra_links().values()), self.dict_links)

    def _list_fields(self) -> dict[str, Any]:
        """Each link field's value when a record has none."""
        fields: dict[str, Any] = {lk.field: [] for lk in self.links}
        for name in self.extra_links():
            fields[name] = {} if name in self.dict_links else []
        return fields

    # ------------------------------------------------------------------ reading
    def present(self, row: dict[str, Any]) -> dict[str, Any]:
        """A stored row in the read shape: partial dates as given (override to add more)."""
        return dates.present(row, self.partial_dates)

    async def get(self, record_id: int) -> dict[str, Any]:
        rows = await self.get_many([record_id])
        if not rows:
            raise NotFound(self.resource, record_id)
        return rows[0]

    async def get_many(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The records in the order of `ids`: their rows, then every link of all of them in
        one query, then the computed fields in one more."""
        wanted = list(ids)
        if not wanted:
            return []
        rows = {r["id"]: dict(r) for r in await self._rows.fetch(ids=wanted)}
        found = [i for i in wanted if i in rows]
        links = await queries.fetch_links(self._links, found)
        extras = await self.extras(found)
        empty = self._list_fields()
        out = []
        for i in found:
            row = rows[i]
            for name, value in empty.items():
                row[name] = links.get(i, {}).get(name, value)
            row.update(extras.get(i, {}))
            out.append(self.present(row))
        return out

    async def filter(self, where: Where, filters: Any) -> None:
        """Add the resource's own filter conditions (override)."""

    def sort_keys(self, sort: str | None) -> tuple[str, list[SortKey]]:
        """The sort as given (normalised) and its keys, the id last unless a unique key
        makes it needless."""
        model = self.model
        keys: list[SortKey] = []
        names: list[str] = []
        for raw in (sort or self.default_sort).split(","):
            key = raw.strip()
            if not key:
                continue
            descending = key.startswith("-")
            name = key.lstrip("-+")
            if name not in self.sortable and name != "id":
                raise InvalidInput.of(
                    "sort", f"cannot sort by {name!r}; choose from {', '.join(self.sortable)}", key
                )
            column: Column = getattr(model, name)
            keys.append(SortKey(name, descending, bool(column._meta.null), _sql_type(column)))
            names.append(("-" if descending else "") + name)
        last = keys[-1] if keys else None
        unique = last is not None and (last.column == "id" or _unique(getattr(model, last.column)))
        if not unique:
            keys.append(queries.ID_KEY)
        return ",".join(names), keys

    async def where_for(self, filters: Any, q: str | None, include_archived: bool) -> Where:
        where = Where()
        if self.archivable and not include_archived:
            where.add("t.archived_at IS NULL")
        if q and self.search_columns:
            queries.search(where, self.search_columns, q, self.search_indexed)
        if filters is not None:
            await self.filter(where, filters)
        return where

    async def page(
        self,
        filters: Any = None,
        *,
        q: str | None = None,
        sort: str | None = None,
        limit: int = 50,
        offset: int = 0,
        include_archived: bool = False,
        cursor: str | None = None,
        total: Total = "estimated",
    ) -> Page:
        """One page of the list, by `offset` or after/before a `cursor` (keyset: the same
        cost at any depth). `total="exact"` counts the matching rows (with an offset, in the
        same pass as the page); else it is exact when the page reaches the end or few rows
        match, and otherwise the planner's estimate (`total_exact` False)."""
        if cursor and offset:
            raise InvalidInput.of("cursor", "give a cursor or an offset, not both", cursor[:80])
        spec, keys = self.sort_keys(sort)
        where = await self.where_for(filters, q, include_archived)
        page_where = where.copy()
        position = None if cursor else offset
        backward = False
        if cursor:
            at = cursors.decode(cursor, spec, [k for k in keys if k is not queries.ID_KEY])
            queries.keyset(page_where, keys, at)
            backward = at.direction == cursors.BACKWARD
        # Few matches (by the planner's estimate, which reads no row): counted exactly, with
        # an offset in the same pass as the page. Many: the estimate, unless asked.
        estimate = None if total == "exact" else await queries.estimate(self.table, where)
        exact = estimate is None or estimate < COUNT_BELOW
        found = await queries.page_ids(
            self.table,
            page_where,
            keys,
            limit,
            offset,
            backward=backward,
            with_total=exact and not cursor,
        )
        items = await self.get_many(found.ids)
        count, counted = await self._total(where, found, items, position, exact, estimate)
        user_keys = [k for k in keys if k is not queries.ID_KEY]
        # Going back, the cursor's row is after this page; going on, rows before it were
        # already shown (or skipped by the offset).
        more_after = True if backward else found.more
        more_before = found.more if backward else bool(cursor or offset)
        next_cursor = prev_cursor = None
        if items and more_after:
            next_cursor = cursors.encode(spec, cursors.FORWARD, items[-1], user_keys)
        if items and more_before:
            prev_cursor = cursors.encode(spec, cursors.BACKWARD, items[0], user_keys)
        return Page(
            items=items,
            total=count,
            limit=limit,
            offset=offset,
            total_exact=counted,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
        )

    async def _total(
        self,
        where: Where,
        found: queries.IdPage,
        items: list[dict[str, Any]],
        position: int | None,
        exact: bool,
        estimate: int | None,
    ) -> tuple[int, bool]:
        if found.total is not None:
            return found.total, True
        if position is not None and not found.more and (items or position == 0):
            return position + len(items), True  # the page reaches the end of the list
        if exact or estimate is None:
            # A cursor page, or an offset past the end: counted on its own.
            return await queries.count(self.table, where), True
        seen = (position or 0) + len(items) + (1 if found.more else 0)
        return max(estimate, seen), False

    # ------------------------------------------------------------------ writing
    async def create(self, data: msgspec.Struct | Mapping[str, Any]) -> dict[str, Any]:
        values = _as_dict(data)
        model = self.model
        async with sql.transaction():
            row, links = await self._to_row(values)
            await self._check({**self.defaults(), **row, **links}, values, None)
            # Columns not given take the database's defaults (which the Piccolo table
            # describes: tests/test_schema_drift.py).
            given: dict[str, Any] = {c._meta.name: DEFAULT for c in model._meta.columns}
            given.update(row)
            try:
                inserted = await model.insert(model(**given)).returning(model._meta.primary_key)
                record_id = int(inserted[0]["id"])
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
        model = self.model
        async with sql.transaction():
            current = await self._locked.fetchrow(id=record_id)
            if current is None:
                raise NotFound(self.resource, record_id)
            if current["version"] != version:
                raise StaleVersion(self.resource, record_id, version, current["version"])
            before = await self.get(record_id)
            row, links = await self._to_row(changes)
            merged_links = {lk.field: before[lk.field] for lk in self.links}
            merged_links.update(links)
            await self._check({**dict(current), **row, **merged_links}, changes, record_id)
            sets: dict[Any, Any] = {getattr(model, name): value for name, value in row.items()}
            version_column: Any = getattr(model, "version")  # noqa: B009 (every record has one)
            sets[version_column] = version_column + 1
            try:
                await model.update(sets).where(model._meta.primary_key == record_id)
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
        model: Any = self.model
        async with sql.transaction():
            before = await self.get(record_id)
            await model.update(
                {
                    model.archived_at: QueryString("now()") if archived else None,
                    model.version: model.version + 1,
                }
            ).where(model.id == record_id)
            after = await self.get(record_id)
            await self.on_change("archive" if archived else "restore", record_id, before, after)
            return after

    async def delete(self, record_id: int) -> None:
        model = self.model
        async with sql.transaction():
            before = await self.get(record_id)
            try:
                await model.delete().where(model._meta.primary_key == record_id)
            except asyncpg.ForeignKeyViolationError as exc:
                raise Conflict(
                    f"{self.resource} {record_id} is still referenced"
                    f" ({exc.table_name or 'another record'}); archive it or remove those first"
                ) from exc
            await self.on_change("delete", record_id, before, None)

    # ------------------------------------------------------------------ hooks
    def defaults(self) -> dict[str, Any]:
        """Column defaults, so that checks on create see the values the row will have:
        the database's, as the Piccolo table describes them."""
        out: dict[str, Any] = {}
        for column in self.model._meta.columns:
            name = column._meta.name
            if name in _BOOKKEEPING or isinstance(column, ForeignKey):
                continue
            value = column.get_default_value()
            if value is None or isinstance(value, QueryString):
                continue
            if isinstance(value, (str, int, bool, Decimal, list, dict)):
                out[name] = value
        return out

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
        from ta_manager.tables import BY_NAME

        for link in self.links:
            if link.field not in links:
                continue
            ids: list[int] = links[link.field][0]
            table: Any = BY_NAME[link.table]
            owner, target = getattr(table, link.owner), getattr(table, link.target)
            await table.delete().where(
                (owner == record_id) & WhereRaw(f'NOT ("{link.target}" = ANY({{}}::bigint[]))', ids)
            )
            if ids:
                await table.insert(
                    *(table(**{link.owner: record_id, link.target: i}) for i in ids)
                ).on_conflict(target=(owner, target), action="DO NOTHING")


ChangeListener = Any  # async (resource, action, record_id, before, after) -> None
CHANGE_LISTENERS: list[ChangeListener] = []


def _sql_type(column: Column) -> str:
    """The column's type as a cast (`$1::text::<type>`) reads it back."""
    if isinstance(column, (ForeignKey, Identity)):
        return "bigint"
    return str(column.column_type).lower()


def _unique(column: Column) -> bool:
    return bool(column._meta.unique or column._meta.primary_key) and not column._meta.null


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
