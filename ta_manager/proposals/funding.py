"""Funding already secured for a proposal's priority areas within its cycle.

Counted, per priority area and year (the year of the money's date):
- contributions earmarked to the priority area, dated (received, else pledged) in the cycle;
- allocations, made in the cycle, to projects working in the priority area, from
  contributions not already counted above; a project in several priority areas counts
  an equal share of the allocation in each.
Amounts are converted to the proposal's currency through USD at the rates of their date
(`usd_rate`); an amount in a currency without any rate is never converted: it is left out
of the secured figures and listed as unconverted (`unconverted_funding`). Contributions
that state no amount add nothing; of overlapping cumulative figures of one donor and
earmark only one counts (ta_manager/funding/cumulative.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ta_manager.database import sql
from ta_manager.errors import InvalidInput
from ta_manager.funding.cumulative import Figure, superseded

SECURED_SQL = """
WITH pa AS (SELECT id, code FROM priority_area WHERE code = ANY($1::text[])),
money AS (
    SELECT 'contribution ' || c.code AS source, pa.code AS priority_area,
           c.dated_on AS on_date, c.amount,
           c.currency::text AS currency, 1 AS parts, c.id AS contribution_id
      FROM contribution c JOIN pa ON pa.id = c.earmarked_priority_area_id
     WHERE c.archived_at IS NULL AND c.earmarking = 'priority_area' AND c.amount IS NOT NULL
       AND c.dated_on BETWEEN $2 AND $3
    UNION ALL
    SELECT 'allocation ' || al.id || ' of contribution ' || c.code, pa.code, al.allocated_on,
           al.amount, c.currency::text,
           (SELECT count(*) FROM project_priority_area x WHERE x.project_id = al.project_id),
           NULL::bigint
      FROM allocation al
      JOIN contribution c ON c.id = al.contribution_id
      JOIN project_priority_area ppa ON ppa.project_id = al.project_id
      JOIN pa ON pa.id = ppa.priority_area_id
     WHERE c.archived_at IS NULL AND al.allocated_on BETWEEN $2 AND $3
       AND NOT (c.earmarking = 'priority_area'
                AND c.earmarked_priority_area_id IN (SELECT id FROM pa))
)
SELECT m.*, extract(year FROM m.on_date)::int AS year, f.rate AS from_rate, t.rate AS to_rate
  FROM money m
  LEFT JOIN LATERAL usd_rate(m.currency, m.on_date) f ON true
  LEFT JOIN LATERAL usd_rate($4, m.on_date) t ON true
"""


async def secured_funding(
    proposal: Mapping[str, Any], priority_areas: Sequence[str]
) -> dict[tuple[str, int], Decimal]:
    """(priority area code, year) -> amount secured, in the proposal's currency (exact)."""
    secured, _ = await _secured(proposal, priority_areas)
    return secured


async def funding_of(
    proposal: Mapping[str, Any], priority_areas: Sequence[str]
) -> tuple[dict[tuple[str, int], Decimal], list[dict[str, Any]]]:
    """The secured funding, and the money of the cycle in a currency with no rate (left out
    of it, listed in the proposal as unconverted)."""
    return await _secured(proposal, priority_areas)


async def _secured(
    proposal: Mapping[str, Any], priority_areas: Sequence[str]
) -> tuple[dict[tuple[str, int], Decimal], list[dict[str, Any]]]:
    if not priority_areas:
        return {}, []
    rows = await sql.fetch(
        SECURED_SQL,
        list(priority_areas),
        dt.date(proposal["start_year"], 1, 1),
        dt.date(proposal["end_year"], 12, 31),
        proposal["currency"],
    )
    out: dict[tuple[str, int], Decimal] = {}
    unconverted: list[dict[str, Any]] = []
    superseded = await _superseded_cumulative([r["contribution_id"] for r in rows])
    for r in rows:
        if r["contribution_id"] in superseded:
            continue
        if r["from_rate"] is None:
            unconverted.append(
                {
                    "source": r["source"],
                    "priority_area": r["priority_area"],
                    "year": r["year"],
                    "amount": r["amount"],
                    "currency": r["currency"],
                    "reason": f"no exchange rate to USD is recorded for {r['currency']}",
                }
            )
            continue
        if r["to_rate"] is None:
            raise InvalidInput.of(
                "currency",
                f"no exchange rate to USD is recorded for {proposal['currency']}"
                f" on {r['on_date']} (the proposal's currency)",
                proposal["currency"],
            )
        amount = Decimal(r["amount"]) * r["from_rate"] / r["to_rate"] / int(r["parts"])
        key = (r["priority_area"], r["year"])
        out[key] = out.get(key, Decimal(0)) + amount
    return out, unconverted


async def _superseded_cumulative(ids: list[Any]) -> set[int]:
    """Of these contributions, the cumulative figures another overlapping one supersedes."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return set()
    rows = await sql.fetch(
        "SELECT c.id, c.code, c.donor_id, c.earmarking, c.earmarked_priority_area_id,"
        " c.earmarked_project_id, c.period_from, c.amount,"
        " CASE WHEN c.period_to IS NOT NULL"
        "      THEN partial_date_end(c.period_to, c.period_to_precision) END AS period_end"
        " FROM contribution c WHERE c.cumulative AND c.archived_at IS NULL AND c.donor_id IN"
        " (SELECT donor_id FROM contribution WHERE id = ANY($1::bigint[]))",
        wanted,
    )
    figures = [
        Figure(
            r["id"],
            r["code"],
            (
                r["donor_id"],
                r["earmarking"],
                r["earmarked_priority_area_id"],
                r["earmarked_project_id"],
            ),
            r["period_from"],
            r["period_end"],
            r["amount"],
        )
        for r in rows
    ]
    return set(superseded(figures, dt.date.today()))
