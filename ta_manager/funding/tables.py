from __future__ import annotations

from piccolo.columns import JSONB, BigInt, Boolean, Date, Numeric, Text, Varchar
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Stamped
from ta_manager.database.engine import DB


class ExchangeRate(Stamped, Table, tablename="exchange_rate", db=DB):
    """USD value of one unit of `currency` on `valid_on` (amount_usd = amount * rate_to_usd)."""

    currency = Varchar(length=3)
    valid_on = Date()
    rate_to_usd = Numeric(digits=(20, 10))
    source = Text(default="")


class Contribution(Stamped, Archivable, Table, tablename="contribution", db=DB):
    """`amount` NULL: support stated, not quantified. Dates are partial; `dated_on` and
    `dated_until` are computed by PostgreSQL (GENERATED ALWAYS, never written)."""

    code = Text(unique=True)
    donor_id = BigInt()
    amount = Numeric(digits=(18, 2), null=True, default=None)
    currency = Varchar(length=3, null=True, default=None)
    status = Text(default="pledged")
    pledged_on = Date(null=True, default=None)
    pledged_on_precision = Text(default="day")
    received_on = Date(null=True, default=None)
    received_on_precision = Text(default="day")
    cumulative = Boolean(default=False)
    period_from = Date(null=True, default=None)
    period_from_precision = Text(default="day")
    period_to = Date(null=True, default=None)
    period_to_precision = Text(default="day")
    dated_on = Date(null=True, default=None)
    dated_until = Date(null=True, default=None)
    earmarking = Text(default="none")
    earmarked_priority_area_id = BigInt(null=True)
    earmarked_project_id = BigInt(null=True)
    description = Text(default="")
    sources = JSONB(default=[])


class Allocation(Stamped, Table, tablename="allocation", db=DB):
    """Part of a contribution assigned to a project or an activity, in its currency."""

    contribution_id = BigInt()
    project_id = BigInt(null=True)
    activity_id = BigInt(null=True)
    amount = Numeric(digits=(18, 2))
    allocated_on = Date()
    notes = Text(default="")


class Expenditure(Stamped, Table, tablename="expenditure", db=DB):
    """Money spent from an allocation, in the contribution's currency."""

    allocation_id = BigInt()
    activity_id = BigInt(null=True)
    amount = Numeric(digits=(18, 2))
    spent_on = Date()
    category = Text(default="operating_costs")
    description = Text(default="")
