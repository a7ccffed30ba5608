"""The set-based SQL of the funding records' read shapes: a contribution's USD value at its
dated rate and what is allocated and spent of it, and what is spent of an allocation, for
a page of records in one query each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ta_manager.database import sql

# The money's date (received, else pledged, else the period's start) picks the rate.
CONTRIBUTION_MONEY = """
SELECT c.id, r.rate AS rate_to_usd, r.valid_on AS rate_date,
       round(c.amount * r.rate, 2) AS amount_usd,
       (c.amount IS NOT NULL AND r.rate IS NULL) AS no_rate,
       coalesce(al.allocated, 0) AS allocated, coalesce(sp.spent, 0) AS spent,
       c.amount - coalesce(al.allocated, 0) AS unallocated
  FROM contribution c
  LEFT JOIN LATERAL usd_rate(c.currency, c.dated_on) r ON true
  LEFT JOIN (SELECT contribution_id, sum(amount) AS allocated FROM allocation
              WHERE contribution_id = ANY($1::bigint[]) GROUP BY contribution_id) al
         ON al.contribution_id = c.id
  LEFT JOIN (SELECT a.contribution_id, sum(e.amount) AS spent
               FROM expenditure e JOIN allocation a ON a.id = e.allocation_id
              WHERE a.contribution_id = ANY($1::bigint[]) GROUP BY a.contribution_id) sp
         ON sp.contribution_id = c.id
 WHERE c.id = ANY($1::bigint[])
"""

ALLOCATION_SPENT = """
SELECT a.id, coalesce(sum(e.amount), 0) AS spent
  FROM allocation a LEFT JOIN expenditure e ON e.allocation_id = a.id
 WHERE a.id = ANY($1::bigint[]) GROUP BY a.id
"""


async def by_id(query: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The query's row of each record in `ids` (its first column is the id)."""
    if not ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for record in await sql.fetch(query, list(ids)):
        row = dict(record)
        out[row.pop("id")] = row
    return out


async def spent_on_activity(expenditure_id: int) -> None:
    """Spending from an activity's allocation is spending on that activity."""
    await sql.execute(
        "UPDATE expenditure e SET activity_id = a.activity_id FROM allocation a"
        " WHERE e.id = $1 AND a.id = e.allocation_id AND e.activity_id IS NULL"
        " AND a.activity_id IS NOT NULL",
        expenditure_id,
    )
