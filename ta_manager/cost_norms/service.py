from __future__ import annotations

from dataclasses import dataclass

from ta_manager.records import references as R
from ta_manager.records.filters import Where, split_values
from ta_manager.records.service import RecordService, RefField


@dataclass(frozen=True)
class CostNormFilters:
    item: list[str] | None = None
    year: int | None = None
    currency: list[str] | None = None
    region: list[str] | None = None


class CostNormService(RecordService):
    resource = "cost norm"
    table = "cost_norm"
    columns = ("item", "unit", "unit_cost", "currency", "year", "place", "grade", "description")
    refs = (
        RefField("region", "region_id", R.REGION),
        RefField("venue_region", "venue_region_id", R.REGION),
    )
    search_columns = ("place", "description", "grade")
    sortable = ("item", "year", "unit_cost", "place")
    default_sort = "year,item"
    code_column = None

    async def filter(self, where: Where, f: CostNormFilters) -> None:
        if v := split_values(f.item):
            where.add("t.item = ANY({})", v)
        if f.year is not None:
            where.add("t.year = {}", f.year)
        if v := split_values(f.currency):
            where.add("t.currency = ANY({})", [c.upper() for c in v])
        if v := split_values(f.region):
            ids = await R.REGION.ids(v, "region")
            where.add(
                "(t.region_id = ANY({0}) OR t.venue_region_id = ANY({0}))".replace("{0}", "{}"),
                ids,
                ids,
            )
