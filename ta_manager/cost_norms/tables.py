"""Unit costs by year, currency and place, for costing proposals.

The schema of record is the SQL in migrations/; this table describes it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import Integer, Numeric, Text
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.database.columns import Char, Stamped, foreign_key
from ta_manager.database.engine import DB
from ta_manager.reference.tables import Region


class CostNorm(Stamped, Table, tablename="cost_norm", db=DB):
    item = Text(default=None)
    unit = Text(default=None)
    unit_cost = Numeric(digits=(18, 4), default=None)
    currency = Char(3, default=None)
    year = Integer(default=None)
    region_id = foreign_key(Region, null=True)
    venue_region_id = foreign_key(Region, null=True)
    place = Text(default="")
    grade = Text(default="")
    description = Text(default="")
    cost_norm_item_year_currency_region_id_venue_region_id_plac_key = Unique(
        ["item", "year", "currency", "region_id", "venue_region_id", "place", "grade"],
        nulls_distinct=False,
    )
