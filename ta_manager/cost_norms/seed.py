"""Load the EXAMPLE cost norms of defaults.toml (to be replaced by an organization's own)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from ta_manager.database import sql
from ta_manager.records import references as R

DEFAULTS = Path(__file__).parent / "defaults.toml"
EXAMPLE_MARK = "EXAMPLE norm, replace with approved figures: "


def example_norms() -> dict[str, Any]:
    with DEFAULTS.open("rb") as fh:
        return tomllib.load(fh)


async def seed_example_norms(year: int | None = None) -> int:
    """Insert the example norms (for `year`, default the file's); existing ones are kept.

    Returns how many norms were added.
    """
    data = example_norms()
    norm_year = year or int(data["year"])
    added = 0
    async with sql.transaction():
        for n in data["norm"]:
            region = await R.REGION.id(n["region"], "region") if n.get("region") else None
            venue = (
                await R.REGION.id(n["venue_region"], "venue_region")
                if n.get("venue_region")
                else None
            )
            status = await sql.execute(
                "INSERT INTO cost_norm (item, unit, unit_cost, currency, year, region_id,"
                " venue_region_id, place, grade, description)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                n["item"],
                n["unit"],
                Decimal(n["unit_cost"]),
                n.get("currency", data["currency"]),
                norm_year,
                region,
                venue,
                n.get("place", ""),
                n.get("grade", ""),
                EXAMPLE_MARK + n.get("description", ""),
            )
            added += int(status.rsplit(" ", 1)[-1])
    return added
