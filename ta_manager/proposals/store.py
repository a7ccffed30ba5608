"""SQL of proposals: reading a proposal whole, and writing its parts.

Callers own the transaction; every function joins the current one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ta_manager.database import sql
from ta_manager.proposals.parameters import plain_parameters
from ta_manager.proposals.templates import Line

PROPOSAL_COLUMNS = (
    "title",
    "description",
    "start_year",
    "end_year",
    "currency",
    "psc_rate",
    "status",
)


async def insert_proposal(values: dict[str, Any], drafted_with: dict[str, Any] | None) -> int:
    names = [c for c in PROPOSAL_COLUMNS if c in values]
    args = [values[c] for c in names]
    marks = [f"${i}" for i in range(1, len(names) + 1)] + [f"${len(names) + 1}::text::jsonb"]
    names.append("drafted_with")
    args.append(json.dumps(drafted_with) if drafted_with is not None else None)
    return int(
        await sql.fetchval(
            f"INSERT INTO proposal ({', '.join(names)}) VALUES ({', '.join(marks)}) RETURNING id",
            *args,
        )
    )


async def proposal_row(proposal_id: int, lock: bool = False) -> dict[str, Any] | None:
    row = await sql.fetchrow(
        "SELECT id, title, description, start_year, end_year, currency::text AS currency,"
        " psc_rate, status, drafted_with::text AS drafted_with, version, created_at, updated_at"
        f" FROM proposal WHERE id = $1{' FOR UPDATE' if lock else ''}",
        proposal_id,
    )
    if row is None:
        return None
    out = dict(row)
    if out["drafted_with"] is not None:
        out["drafted_with"] = json.loads(out["drafted_with"])
    return out


async def update_proposal(proposal_id: int, values: dict[str, Any]) -> None:
    names = [c for c in PROPOSAL_COLUMNS if c in values]
    sets = [f"{c} = ${i}" for i, c in enumerate(names, start=2)]
    sets.append("version = version + 1")
    await sql.execute(
        f"UPDATE proposal SET {', '.join(sets)} WHERE id = $1",
        proposal_id,
        *(values[c] for c in names),
    )


async def list_proposals(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    total = await sql.fetchval("SELECT count(*) FROM proposal")
    rows = await sql.fetch(
        "SELECT p.id, p.title, p.start_year, p.end_year, p.currency::text AS currency,"
        " p.psc_rate, p.status, p.version, p.created_at, p.updated_at,"
        " (SELECT count(*) FROM proposed_activity a WHERE a.proposal_id = p.id) AS activities"
        " FROM proposal p ORDER BY p.id DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    return [dict(r) for r in rows], int(total)


ACTIVITY_SQL = """
SELECT a.id, a.proposal_id, a.title, a.description, a.template, a.parameters::text AS parameters,
       pa.code AS priority_area, pa.name AS priority_area_name, pa.sort_order AS pa_order,
       t.code AS activity_type, vr.code AS venue_region, a.venue_place, a.sort_order,
       (SELECT r.code FROM activity r WHERE r.id = a.activity_id) AS activity,
       a.version, a.created_at, a.updated_at,
       ARRAY(SELECT c.iso3::text FROM proposed_activity_country x JOIN country c
              ON c.id = x.country_id WHERE x.proposed_activity_id = a.id ORDER BY 1) AS countries,
       ARRAY(SELECT r.code FROM proposed_activity_need x JOIN assistance_request r
              ON r.id = x.assistance_request_id WHERE x.proposed_activity_id = a.id
              ORDER BY 1) AS needs,
       ARRAY(SELECT ARRAY[y.year::numeric, y.share] FROM proposed_activity_year y
              WHERE y.proposed_activity_id = a.id ORDER BY y.year) AS phasing
  FROM proposed_activity a
  JOIN priority_area pa ON pa.id = a.priority_area_id
  JOIN activity_type t ON t.id = a.activity_type_id
  LEFT JOIN region vr ON vr.id = a.venue_region_id
"""

LINE_SQL = """
SELECT l.id, l.proposed_activity_id AS activity_id, l.category, l.item, l.description,
       l.quantity, l.quantity_high, l.unit, l.unit_cost, l.currency::text AS currency, l.amount,
       l.amount_high, l.cost_norm_id, l.norm_reference, l.missing_norm, l.template_key,
       l.overridden, l.sort_order, l.version
  FROM cost_line l
"""


def _activity(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["parameters"] = json.loads(out["parameters"])
    out["phasing"] = {int(y): share for y, share in out["phasing"]}
    out.pop("pa_order")
    return out


async def activities_of(proposal_id: int) -> list[dict[str, Any]]:
    rows = await sql.fetch(
        ACTIVITY_SQL + " WHERE a.proposal_id = $1 ORDER BY pa.sort_order, pa.code, a.sort_order,"
        " a.id",
        proposal_id,
    )
    return [_activity(r) for r in rows]


async def activity(activity_id: int, lock: bool = False) -> dict[str, Any] | None:
    if lock:
        await sql.execute("SELECT 1 FROM proposed_activity WHERE id = $1 FOR UPDATE", activity_id)
    row = await sql.fetchrow(ACTIVITY_SQL + " WHERE a.id = $1", activity_id)
    return _activity(row) if row else None


async def lines_of(activity_ids: Sequence[int]) -> list[dict[str, Any]]:
    rows = await sql.fetch(
        LINE_SQL + " WHERE l.proposed_activity_id = ANY($1::bigint[])"
        " ORDER BY l.proposed_activity_id, l.sort_order, l.id",
        list(activity_ids),
    )
    return [dict(r) for r in rows]


async def line(line_id: int, lock: bool = False) -> dict[str, Any] | None:
    row = await sql.fetchrow(LINE_SQL + f" WHERE l.id = $1{' FOR UPDATE' if lock else ''}", line_id)
    return dict(row) if row else None


async def insert_activity(proposal_id: int, v: dict[str, Any]) -> int:
    return int(
        await sql.fetchval(
            "INSERT INTO proposed_activity (proposal_id, priority_area_id, activity_type_id,"
            " template, parameters, title, description, venue_region_id, venue_place, sort_order,"
            " activity_id)"
            " VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9,"
            " (SELECT coalesce(max(sort_order), 0) + 1 FROM proposed_activity"
            "  WHERE proposal_id = $1), $10) RETURNING id",
            proposal_id,
            v["priority_area_id"],
            v["activity_type_id"],
            v["template"],
            json.dumps(plain_parameters(v["parameters"]), default=str),
            v["title"],
            v.get("description", ""),
            v.get("venue_region_id"),
            v.get("venue_place", ""),
            v.get("activity_id"),
        )
    )


async def update_activity(activity_id: int, v: dict[str, Any]) -> None:
    await sql.execute(
        "UPDATE proposed_activity SET priority_area_id = $2, activity_type_id = $3, template = $4,"
        " parameters = $5::text::jsonb, title = $6, description = $7, venue_region_id = $8,"
        " venue_place = $9, activity_id = $10, version = version + 1 WHERE id = $1",
        activity_id,
        v["priority_area_id"],
        v["activity_type_id"],
        v["template"],
        json.dumps(plain_parameters(v["parameters"]), default=str),
        v["title"],
        v.get("description", ""),
        v.get("venue_region_id"),
        v.get("venue_place", ""),
        v.get("activity_id"),
    )


async def set_links(
    activity_id: int, country_ids: list[int], need_ids: list[int], phasing: dict[int, Decimal]
) -> None:
    for table, column, ids in (
        ("proposed_activity_country", "country_id", country_ids),
        ("proposed_activity_need", "assistance_request_id", need_ids),
    ):
        await sql.execute(f"DELETE FROM {table} WHERE proposed_activity_id = $1", activity_id)
        await sql.execute(
            f"INSERT INTO {table} (proposed_activity_id, {column})"
            " SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
            activity_id,
            ids,
        )
    await sql.execute(
        "DELETE FROM proposed_activity_year WHERE proposed_activity_id = $1", activity_id
    )
    await sql.execute(
        "INSERT INTO proposed_activity_year (proposed_activity_id, year, share)"
        " SELECT $1, y, s FROM unnest($2::int[], $3::numeric[]) AS x(y, s)",
        activity_id,
        list(phasing),
        list(phasing.values()),
    )


async def replace_template_lines(activity_id: int, lines: Sequence[Line], currency: str) -> None:
    """Drop the lines the template made and write the new ones; lines overridden by hand
    stay, and the template does not make them again."""
    await sql.execute(
        "DELETE FROM cost_line WHERE proposed_activity_id = $1 AND NOT overridden", activity_id
    )
    kept = await sql.fetch(
        "SELECT template_key FROM cost_line WHERE proposed_activity_id = $1 AND overridden"
        " AND template_key <> ''",
        activity_id,
    )
    keys = {r["template_key"] for r in kept}
    fresh = [ln for ln in lines if ln.key not in keys]
    await insert_lines(activity_id, fresh, currency, overridden=False)


async def insert_lines(
    activity_id: int, lines: Sequence[Line], currency: str, overridden: bool
) -> list[int]:
    start = await sql.fetchval(
        "SELECT coalesce(max(sort_order), 0) FROM cost_line WHERE proposed_activity_id = $1",
        activity_id,
    )
    rows = await sql.fetch(
        "INSERT INTO cost_line (proposed_activity_id, category, item, description, quantity,"
        " unit, unit_cost, currency, cost_norm_id, norm_reference, overridden, sort_order,"
        " template_key, missing_norm, quantity_high)"
        " SELECT $1, c, i, d, q, u, uc, $8, n, r, $11, $12 + o, k, m, qh"
        " FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[],"
        "  $7::numeric[], $9::bigint[], $10::text[], $13::int[], $14::text[], $15::text[],"
        "  $16::numeric[])"
        "  AS x(c, i, d, q, u, uc, n, r, o, k, m, qh)"
        " RETURNING id",
        activity_id,
        [ln.category for ln in lines],
        [ln.item for ln in lines],
        [ln.description for ln in lines],
        [ln.quantity for ln in lines],
        [ln.unit for ln in lines],
        [ln.unit_cost for ln in lines],
        currency,
        [ln.norm.norm.id if ln.norm else None for ln in lines],
        [ln.norm.reference if ln.norm else "" for ln in lines],
        overridden,
        start,
        list(range(1, len(lines) + 1)),
        [ln.key for ln in lines],
        [ln.missing_norm for ln in lines],
        [ln.quantity_high for ln in lines],
    )
    return [r["id"] for r in rows]


async def update_line(line_id: int, values: dict[str, Any]) -> None:
    names = [
        c
        for c in ("category", "description", "quantity", "quantity_high", "unit", "unit_cost")
        if c in values
    ]
    sets = [f"{c} = ${i}" for i, c in enumerate(names, start=2)]
    if "unit_cost" in values and values["unit_cost"] is not None:
        sets.append("missing_norm = ''")  # a unit cost given by hand costs the line
    sets += ["overridden = true", "version = version + 1"]
    await sql.execute(
        f"UPDATE cost_line SET {', '.join(sets)} WHERE id = $1",
        line_id,
        *(values[c] for c in names),
    )


async def norms_used(proposal_id: int) -> list[dict[str, Any]]:
    rows = await sql.fetch(
        "SELECT DISTINCT n.id, n.item, n.unit, n.unit_cost, n.currency::text AS currency, n.year,"
        " r.code AS region, v.code AS venue_region, n.place, n.grade, n.description"
        " FROM cost_line l JOIN proposed_activity a ON a.id = l.proposed_activity_id"
        " JOIN cost_norm n ON n.id = l.cost_norm_id"
        " LEFT JOIN region r ON r.id = n.region_id LEFT JOIN region v ON v.id = n.venue_region_id"
        " WHERE a.proposal_id = $1 ORDER BY n.item, n.year, n.id",
        proposal_id,
    )
    return [dict(r) for r in rows]
