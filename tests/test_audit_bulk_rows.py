"""The set-based audit (ta_manager.audit.bulk) writes exactly the records the jsonb_each
version it replaced wrote: the same changes, codes and versions, for creates and updates of
every kind of column (text with quotes, backslashes, new lines and non-Latin letters, dates,
numbers, arrays, jsonb, nulls)."""

from __future__ import annotations

import json
from typing import Any

from ta_manager.audit.actor import Actor, acting_as
from ta_manager.audit.bulk import _SKIPPED, record_rows, snapshot_rows
from ta_manager.database import sql
from tests.fixtures.report_mix import build_mix

# The replaced SQL, frozen: one jsonb_each + jsonb_object_agg per row.
_DIFF = (
    "coalesce((SELECT jsonb_object_agg(e.key, jsonb_build_object("
    "'old', coalesce(o.snap -> e.key, 'null'::jsonb), 'new', e.value))"
    " FROM jsonb_each(n.row) e WHERE e.key <> ALL($2::text[])"
    " AND coalesce(o.snap -> e.key, 'null'::jsonb) IS DISTINCT FROM e.value), '{}'::jsonb)"
)


async def _before(table: str, action: str, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    joined = (
        "LEFT JOIN (SELECT NULL::bigint AS id, NULL::jsonb AS snap WHERE false) o ON false"
        if action == "create"
        else f"LEFT JOIN audit_snapshot o ON o.tbl = '{table}' AND o.id = n.id"
    )
    rows = await sql.fetch(
        f"SELECT n.id, n.row ->> 'code' AS code, (n.row ->> 'version')::integer AS version,"
        f" {_DIFF} AS changes FROM (SELECT t.id, to_jsonb(t) AS row FROM {table} t"
        f" WHERE t.id = ANY($1::bigint[])) n {joined}",
        ids,
        _SKIPPED,
    )
    return {r["id"]: (r["code"], r["version"], _json(r["changes"])) for r in rows}


async def _written(resource: str, action: str) -> dict[int, tuple[Any, ...]]:
    rows = await sql.fetch(
        "SELECT record_id, record_code, version, changes FROM audit_record"
        " WHERE resource = $1 AND action = $2",
        resource,
        action,
    )
    return {r[0]: (r[1], r[2], _json(r[3])) for r in rows}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


TRICKY = ['He said "no"', "back\\slash", "line\nbreak\ttab", "Côte d'Ivoire — Лагос 東京", "=1+1"]


async def test_bulk_audit_records_equal_the_jsonb_each_ones() -> None:
    await build_mix(needs=30, activities=60)
    await sql.execute(
        "UPDATE activity SET title = ($1::text[])[1 + id % 5],"
        " venue_city = ($1::text[])[1 + id % 3],"
        ' planned_cost = 1234.50, sources = \'[{"document": "E/CN.15/2009/8", "paragraph": 3}]\''
        " WHERE id % 2 = 0",
        TRICKY,
    )
    tables = {
        "activity": "activity",
        "need": "assistance_request",
        "contribution": "contribution",
        "organization": "organization",
    }
    with acting_as(Actor(None, "import:test", "import")):
        async with sql.transaction():
            for resource, table in tables.items():
                ids = [r[0] for r in await sql.fetch(f"SELECT id FROM {table} ORDER BY id")]
                assert ids
                expected = await _before(table, "create", ids)
                assert await record_rows(resource, table, "create", ids) == len(ids)
                assert await _written(resource, "create") == expected, table
            # Updates: nulls set and cleared, text, numbers, arrays and jsonb changed.
            ids = [r[0] for r in await sql.fetch("SELECT id FROM activity ORDER BY id")]
            await snapshot_rows("activity", ids)
            await sql.execute(
                "UPDATE activity SET title = title || ' (\"revised\")', version = version + 1,"
                " participants_total = CASE WHEN participants_total IS NULL THEN 7 END,"
                ' planned_cost = planned_cost * 2, sources = sources || \'[{"quote": "q"}]\','
                " description = E'a\\\\b\\nc' WHERE id % 3 <> 0"
            )
            await sql.execute(
                "UPDATE organization SET roles = roles || '{partner}'::text[],"
                " version = version + 1"
            )
            orgs = [r[0] for r in await sql.fetch("SELECT id FROM organization ORDER BY id")]
            await snapshot_rows("organization", orgs)
            await sql.execute("UPDATE organization SET acronym = 'X' WHERE id % 2 = 0")
            for resource, table, changed in (
                ("activity", "activity", ids),
                ("organization", "organization", orgs),
            ):
                expected = await _before(table, "update", changed)
                assert await record_rows(resource, table, "update", changed) == len(changed)
                assert await _written(resource, "update") == expected, table
    updates = await _written("activity", "update")
    assert any(c.get("participants_total", {}).get("new") is None for _, _, c in updates.values())
    assert any(c == {} for _, _, c in updates.values())  # rows with nothing changed: empty
