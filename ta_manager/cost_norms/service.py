from __future__ import annotations

from dataclasses import dataclass

from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes, split_values
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
        await add_codes(where, "t.item = ANY({})", f.item, None, "item")
        if f.year is not None:
            where.add("t.year = {}", f.year)
        currencies = [c.upper() for c in split_values(f.currency)]
        await add_codes(where, "t.currency = ANY({})", currencies, None, "currency")
        await add_codes(
            where,
            "(t.region_id = ANY({0}) OR t.venue_region_id = ANY({0}))",
            f.region,
            R.REGION,
            "region",
        )
