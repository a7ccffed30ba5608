"""The needs a proposal could answer: unmet (optionally partly met) needs, by programming region.

Coverage (met / partly / unmet) comes from the one shared rule in `reports.coverage`.
The programming region of a State is the smallest regional grouping it belongs to (e.g.
WCA, West and Central Africa; Serbia: BALKANS rather than OSCE), else its M49 sub-region.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from reports.coverage import need_coverage
from ta_manager.database import sql
from ta_manager.needs.service import NeedFilters

PROGRAMMING_REGION_SQL = """
SELECT DISTINCT ON (m.country_id) m.country_id, g.code, g.name
  FROM region_member m
  JOIN region g ON g.id = m.region_id AND g.kind = 'grouping'
  JOIN (SELECT region_id, count(*) AS size FROM region_member GROUP BY region_id) s
    ON s.region_id = g.id
 ORDER BY m.country_id, s.size, g.code
"""


def need_filters(drafted_with: Mapping[str, Any]) -> NeedFilters:
    return NeedFilters(
        priority_area=list(drafted_with.get("priority_areas") or []) or None,
        region=list(drafted_with.get("regions") or []) or None,
        instrument=list(drafted_with.get("instruments") or []) or None,
    )


async def open_needs(drafted_with: Mapping[str, Any]) -> pl.DataFrame:
    """Needs matching the draft's filters that no activity meets yet, with columns
    programming_region / programming_region_name added."""
    coverage = await need_coverage(need_filters(drafted_with))
    wanted = ["unmet", "partly"] if drafted_with.get("include_partly_met") else ["unmet"]
    needs = coverage.filter(pl.col("status").is_in(wanted))
    rows = await sql.fetch(PROGRAMMING_REGION_SQL)
    groupings = pl.DataFrame(
        {
            "country_id": [r["country_id"] for r in rows],
            "grouping_code": [r["code"] for r in rows],
            "grouping_name": [r["name"] for r in rows],
        },
        schema={"country_id": pl.Int64, "grouping_code": pl.String, "grouping_name": pl.String},
    )
    return needs.join(groupings, on="country_id", how="left").with_columns(
        pl.coalesce("grouping_code", "region_code").alias("programming_region"),
        pl.coalesce("grouping_name", "region_name").alias("programming_region_name"),
    )


async def needs_without_proposal(
    proposal: Mapping[str, Any], activities: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]] | None:
    """For a drafted proposal: the open needs (by its filters) no proposed activity answers.

    None for proposals not drafted from needs (there is no set of needs to compare with).
    """
    drafted_with = proposal.get("drafted_with")
    if not drafted_with:
        return None
    answered = {code for a in activities for code in a["needs"]}
    needs = await open_needs(drafted_with)
    remaining = needs.filter(~pl.col("code").is_in(list(answered)))
    return remaining.select(
        "code",
        "iso3",
        "country_name",
        "programming_region",
        "priority_area",
        "assistance_type",
        "status",
    ).to_dicts()
