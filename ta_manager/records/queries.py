"""The set-based SQL of record lists: a page of ids in order (by offset or keyset cursor),
the total (counted, or the planner's estimate), free-text search, and one fetch of every
link of the page's records.

Rows themselves are read with the Piccolo query builder (records/service.py); this module
holds what Piccolo cannot say: filters built from the services' declarations, keyset
conditions over nullable sort keys, EXPLAIN estimates, and the links of many records in
one statement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ta_manager.database import sql
from ta_manager.records.cursor import BACKWARD, Cursor, SortKey
from ta_manager.records.filters import Where

ID_KEY = SortKey("id", descending=False, nullable=False, sql_type="bigint")


def search(where: Where, columns: Sequence[str], q: str, indexed: bool) -> None:
    """Free text: any of the columns contains `q`, case-insensitively. On `indexed` tables
    each column has a trigram index (migration 2026-12-01T07): a text containing `q` has all
    of `q`'s trigrams, so the index finds the candidates and ILIKE keeps the matches."""
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if indexed and len(q) >= 3:
        where.add(
            "("
            + " OR ".join(
                f"(ta_trigrams(t.{c}) @> ta_trigrams({{}}) AND t.{c} ILIKE {{}})" for c in columns
            )
            + ")",
            *([q, pattern] * len(columns)),
        )
        return
    where.add(
        "(" + " OR ".join(f"t.{c} ILIKE {{}}" for c in columns) + ")",
        *([pattern] * len(columns)),
    )


def order_sql(keys: Sequence[SortKey], backward: bool = False) -> str:
    """ORDER BY for the keys (the id last, unless a unique key made it needless); backward
    is the same order read from the other end."""
    parts = []
    for key in keys:
        descending = key.descending != backward
        nulls = "FIRST" if backward else "LAST"
        parts.append(f"t.{key.column} {'DESC' if descending else 'ASC'} NULLS {nulls}")
    return ", ".join(parts)


def keyset(where: Where, keys: Sequence[SortKey], cursor: Cursor) -> None:
    """Rows after (or, for a `prev` cursor, before) the cursor's row in the keys' order."""
    # The cursor holds the sort keys and the id; the id is a key unless a unique key made
    # it needless. Values are text, read back as the column's type.
    values = cursor.values if keys[-1] is ID_KEY else cursor.values[:-1]
    forward = cursor.direction != BACKWARD
    if all(not k.nullable for k in keys) and len({k.descending for k in keys}) == 1:
        # Same direction, no NULLs: a row comparison, which a (multi-column) index serves.
        ascending = not keys[0].descending
        op = ">" if ascending == forward else "<"
        columns = ", ".join(f"t.{k.column}" for k in keys)
        places = ", ".join(f"{{}}::text::{k.sql_type}" for k in keys)
        where.add(f"({columns}) {op} ({places})", *values)
        return
    terms: list[tuple[str, list[Any]]] = []
    for i, key in enumerate(keys):
        parts: list[str] = []
        args: list[Any] = []
        for k, v in zip(keys[:i], values[:i], strict=True):
            if v is None:
                parts.append(f"t.{k.column} IS NULL")
            else:
                parts.append(f"t.{k.column} = {{}}::text::{k.sql_type}")
                args.append(v)
        strict = _beyond(key, values[i], forward)
        if strict is None:
            continue
        parts.append(strict[0])
        args += strict[1]
        terms.append((" AND ".join(parts), args))
    if not terms:
        where.add("false")
        return
    where.add(
        "(" + " OR ".join(f"({t})" for t, _ in terms) + ")", *(a for _, args in terms for a in args)
    )


def _beyond(key: SortKey, value: Any, forward: bool) -> tuple[str, list[Any]] | None:
    """Rows strictly after (forward) or before `value` in the key's order, NULLS LAST."""
    column = f"t.{key.column}"
    if value is None:
        if forward:
            return None  # nothing sorts after NULL
        return (f"{column} IS NOT NULL", [])
    after = forward != key.descending
    condition = f"{column} {'>' if after else '<'} {{}}::text::{key.sql_type}"
    if forward and key.nullable:
        condition = f"({condition} OR {column} IS NULL)"
    return (condition, [value])


@dataclass(frozen=True)
class IdPage:
    ids: list[int]
    more: bool  # rows beyond the page in its direction
    total: int | None  # when counted in the same pass


async def page_ids(
    table: str,
    where: Where,
    keys: Sequence[SortKey],
    limit: int,
    offset: int,
    *,
    backward: bool = False,
    with_total: bool = False,
) -> IdPage:
    """One page of ids in order; with `with_total`, the matching rows are counted in the
    same pass (a window count over the filtered rows)."""
    order = order_sql(keys, backward)
    if with_total:
        # The matching rows first (however the planner finds them best), then counted and
        # sorted: read in index order instead, a window count would probe every row.
        columns = ", ".join(dict.fromkeys(["t.id", *(f"t.{k.column}" for k in keys)]))
        query = (
            f"WITH m AS MATERIALIZED (SELECT {columns} FROM {table} t {where.sql()})"
            f" SELECT t.id, count(*) OVER () AS _total FROM m t"
        )
    else:
        query = f"SELECT t.id FROM {table} t {where.sql()}"
    rows = await sql.fetch(
        f"{query} ORDER BY {order} LIMIT {int(limit) + 1} OFFSET {int(offset)}", *where.args
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if backward:
        rows = rows[::-1]
    counted = rows[0]["_total"] if with_total and rows else None
    return IdPage([r["id"] for r in rows], more, counted)


async def count(table: str, where: Where) -> int:
    return int(await sql.fetchval(f"SELECT count(*) FROM {table} t {where.sql()}", *where.args))


async def estimate(table: str, where: Where) -> int:
    """The planner's estimate of the matching rows (no row is read)."""
    plan = await sql.fetchval(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} t {where.sql()}", *where.args
    )
    document = json.loads(plan) if isinstance(plan, str) else plan
    return int(document[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True)
class Links:
    """Union members that give (owner, field, code, ord, n) for the owners in `$1`."""

    members: tuple[str, ...]
    dict_fields: frozenset[str] = frozenset()

    def sql(self) -> str:
        union = "\n UNION ALL ".join(self.members)
        return (
            "SELECT owner, field, array_agg(code ORDER BY ord, code) AS codes,"
            " array_agg(n ORDER BY ord, code) AS numbers"
            f" FROM ({union}) u GROUP BY owner, field"
        )


def link_member(field: str, table: str, owner: str, target: str, ref_table: str, code: str) -> str:
    """A many-to-many link by codes, e.g. an activity's beneficiary States."""
    return (
        f"SELECT l.{owner} AS owner, '{field}' AS field, x.{code}::text AS code,"
        f" 0::bigint AS ord, NULL::bigint AS n FROM {table} l"
        f" JOIN {ref_table} x ON x.id = l.{target} WHERE l.{owner} = ANY($1::bigint[])"
    )


async def fetch_links(links: Links, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """owner id -> field -> codes (or code -> number for the dict fields)."""
    if not links.members or not ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for r in await sql.fetch(links.sql(), list(ids)):
        value: Any = r["codes"]
        if r["field"] in links.dict_fields:
            value = dict(zip(r["codes"], r["numbers"], strict=True))
        out.setdefault(r["owner"], {})[r["field"]] = value
    return out
