"""Reading and writing proposals: headers and cost lines with Piccolo's query builder, the
activities (with their States, needs and phasing) and bulk line writes as SQL.

Callers own the transaction; every function joins the current one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum
from piccolo.querystring import QueryString

from ta_manager.database import sql
from ta_manager.database.prepared import Param, Prepared
from ta_manager.proposals.parameters import plain_parameters
from ta_manager.proposals.tables import CostLine, Proposal, ProposedActivity
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


HEADER = (
    Proposal.id,
    Proposal.title,
    Proposal.description,
    Proposal.start_year,
    Proposal.end_year,
    Proposal.currency,
    Proposal.psc_rate,
    Proposal.status,
    Proposal.drafted_with,
    Proposal.version,
    Proposal.created_at,
    Proposal.updated_at,
)
# A proposal in the list of proposals.
LISTED = tuple(c for c in HEADER if c._meta.name not in ("description", "drafted_with"))
_HEADER = Prepared(lambda: Proposal.select(*HEADER).where(Proposal.id == Param("id")))
_HEADER_LOCKED = Prepared(
    lambda: Proposal.select(*HEADER).where(Proposal.id == Param("id")).lock_rows("UPDATE")
)


async def insert_proposal(values: dict[str, Any], drafted_with: dict[str, Any] | None) -> int:
    given = {c: values[c] for c in PROPOSAL_COLUMNS if c in values}
    row = Proposal(**given, drafted_with=drafted_with)
    for stamp in ("created_at", "updated_at"):
        setattr(row, stamp, QueryString("now()"))
    inserted = await Proposal.insert(row).returning(Proposal.id)
    return int(inserted[0]["id"])


async def proposal_row(proposal_id: int, lock: bool = False) -> dict[str, Any] | None:
    row = await (_HEADER_LOCKED if lock else _HEADER).fetchrow(id=proposal_id)
    return None if row is None else dict(row)


async def update_proposal(proposal_id: int, values: dict[str, Any]) -> None:
    sets: dict[Any, Any] = {
        getattr(Proposal, c): values[c] for c in PROPOSAL_COLUMNS if c in values
    }
    sets[Proposal.version] = Proposal.version + 1
    await Proposal.update(sets).where(Proposal.id == proposal_id)


async def delete_proposal(proposal_id: int) -> None:
    """Its activities, their links and lines go with it (ON DELETE CASCADE)."""
    await Proposal.delete().where(Proposal.id == proposal_id)


async def list_proposals(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    total = await Proposal.count()
    rows = await (
        Proposal.select(
            *(c for c in HEADER if c not in (Proposal.description, Proposal.drafted_with))
        )
        .order_by(Proposal.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    counts = {
        r["proposal_id"]: r["activities"]
        for r in await ProposedActivity.select(
            ProposedActivity.proposal_id, Count().as_alias("activities")
        )
        .where(ProposedActivity.proposal_id.is_in([r["id"] for r in rows] or [0]))
        .group_by(ProposedActivity.proposal_id)
    }
    return [{**r, "activities": counts.get(r["id"], 0)} for r in rows], int(total)


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

LINE = (
    CostLine.id,
    CostLine.proposed_activity_id.as_alias("activity_id"),
    CostLine.category,
    CostLine.item,
    CostLine.description,
    CostLine.quantity,
    CostLine.quantity_high,
    CostLine.unit,
    CostLine.unit_cost,
    CostLine.currency,
    CostLine.amount,
    CostLine.amount_high,
    CostLine.cost_norm_id,
    CostLine.norm_reference,
    CostLine.missing_norm,
    CostLine.template_key,
    CostLine.overridden,
    CostLine.sort_order,
    CostLine.version,
)


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


async def delete_activity(activity_id: int) -> None:
    await ProposedActivity.delete().where(ProposedActivity.id == activity_id)


async def lines_of(activity_ids: Sequence[int]) -> list[dict[str, Any]]:
    if not activity_ids:
        return []
    rows = await (
        CostLine.select(*LINE)
        .where(CostLine.proposed_activity_id.is_in(list(activity_ids)))
        .order_by(CostLine.proposed_activity_id, CostLine.sort_order, CostLine.id)
    )
    return [dict(r) for r in rows]


async def line(line_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = CostLine.select(*LINE).where(CostLine.id == line_id)
    row = await (query.lock_rows("UPDATE") if lock else query).first()
    return dict(row) if row else None


async def direct_totals(proposal_id: int) -> dict[int, dict[str, Any]]:
    """Per activity of the proposal: its direct cost (costed lines), costed at the high end
    of ranges, and whether it has ranges. One aggregate, not every line."""
    rows = await (
        CostLine.select(
            CostLine.proposed_activity_id.as_alias("activity_id"),
            Sum(CostLine.amount).as_alias("direct"),
            Sum(CostLine.amount_high).as_alias("high"),
            Count(CostLine.quantity_high).as_alias("ranged"),
        )
        .where(CostLine.proposed_activity_id.proposal_id == proposal_id)
        .group_by(CostLine.proposed_activity_id)
    )
    return {
        r["activity_id"]: {
            "direct": Decimal(r["direct"] or 0),
            "high": Decimal(r["high"] or 0),
            "ranged": r["ranged"] > 0,
        }
        for r in rows
    }


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
    sets: dict[Any, Any] = {getattr(CostLine, c): values[c] for c in names}
    if "unit_cost" in values and values["unit_cost"] is not None:
        sets[CostLine.missing_norm] = ""  # a unit cost given by hand costs the line
    sets[CostLine.overridden] = True
    sets[CostLine.version] = CostLine.version + 1
    await CostLine.update(sets).where(CostLine.id == line_id)


async def delete_line(line_id: int) -> None:
    await CostLine.delete().where(CostLine.id == line_id)


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
