from __future__ import annotations

from piccolo.columns import BigInt, Integer, Numeric, Text, Varchar
from piccolo.table import Table

from ta_manager.database.columns import Stamped
from ta_manager.database.engine import DB


class CostNorm(Stamped, Table, tablename="cost_norm", db=DB):
    item = Text()
    unit = Text()
    unit_cost = Numeric(digits=(18, 4))
    currency = Varchar(length=3)
    year = Integer()
    region_id = BigInt(null=True)
    venue_region_id = BigInt(null=True)
    place = Text(default="")
    grade = Text(default="")
    description = Text(default="")
