"""Funding already secured for a proposal's priority areas within its cycle.

Counted, per priority area and year (the year of the money's date):
- contributions earmarked to the priority area, dated (received, else pledged) in the cycle;
- allocations, made in the cycle, to projects working in the priority area, from
  contributions not already counted above; a project in several priority areas counts
  an equal share of the allocation in each.
Amounts are converted to the proposal's currency through USD at the rates of their date
(`usd_rate`); an amount in a currency without any rate is a clear error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ta_manager.database import sql
from ta_manager.errors import InvalidInput

SECURED_SQL = """
WITH pa AS (SELECT id, code FROM priority_area WHERE code = ANY($1::text[])),
money AS (
    SELECT 'contribution ' || c.code AS source, pa.code AS priority_area,
           coalesce(c.received_on, c.pledged_on) AS on_date, c.amount,
           c.currency::text AS currency, 1 AS parts
      FROM contribution c JOIN pa ON pa.id = c.earmarked_priority_area_id
     WHERE c.archived_at IS NULL AND c.earmarking = 'priority_area'
       AND coalesce(c.received_on, c.pledged_on) BETWEEN $2 AND $3
    UNION ALL
    SELECT 'allocation ' || al.id || ' of contribution ' || c.code, pa.code, al.allocated_on,
           al.amount, c.currency::text,
           (SELECT count(*) FROM project_priority_area x WHERE x.project_id = al.project_id)
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
    if not priority_areas:
        return {}
    rows = await sql.fetch(
        SECURED_SQL,
        list(priority_areas),
        dt.date(proposal["start_year"], 1, 1),
        dt.date(proposal["end_year"], 12, 31),
        proposal["currency"],
    )
    out: dict[tuple[str, int], Decimal] = {}
    for r in rows:
        if r["from_rate"] is None:
            raise InvalidInput.of(
                "currency",
                f"no exchange rate to USD is recorded for {r['currency']}"
                f" ({r['source']}, dated {r['on_date']})",
                r["currency"],
            )
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
    return out
