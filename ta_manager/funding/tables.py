"""Donors' money: exchange rates, contributions, allocations, expenditure.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, Numeric, Text
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.activities.tables import Activity
from ta_manager.database.columns import (
    Archivable,
    Char,
    GeneratedDate,
    Jsonb,
    Stamped,
    foreign_key,
)
from ta_manager.database.engine import DB
from ta_manager.projects.tables import Project
from ta_manager.reference.tables import Organization, PriorityArea


class ExchangeRate(Stamped, Table, tablename="exchange_rate", db=DB):
    """USD value of one unit of `currency` on `valid_on` (amount_usd = amount * rate_to_usd)."""

    currency = Char(3, default=None)
    valid_on = Date(default=None)
    rate_to_usd = Numeric(digits=(20, 10), default=None)
    source = Text(default="")
    exchange_rate_currency_valid_on_key = Unique(["currency", "valid_on"])


class Contribution(Stamped, Archivable, Table, tablename="contribution", db=DB):
    """`amount` NULL: support stated, not quantified. Dates are partial; `dated_on` and
    `dated_until` are computed by PostgreSQL: the interval the money is dated in."""

    code = Text(unique=True, default=None)
    donor_id = foreign_key(Organization, index=True)
    amount = Numeric(digits=(18, 2), null=True, default=None)
    currency = Char(3, null=True, default=None)
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
    dated_on = GeneratedDate(null=True, index=True)
    dated_until = GeneratedDate(null=True)
    earmarking = Text(default="none")  # none | priority_area | project
    earmarked_priority_area_id = foreign_key(PriorityArea, null=True)
    earmarked_project_id = foreign_key(Project, null=True, index=True)
    description = Text(default="")
    sources = Jsonb(default=[])  # GIN index with jsonb_path_ops: in the migration


class Allocation(Stamped, Table, tablename="allocation", db=DB):
    """Part of a contribution assigned to a project or an activity, in its currency."""

    contribution_id = foreign_key(Contribution, index=True)
    project_id = foreign_key(Project, null=True, index=True)
    activity_id = foreign_key(Activity, null=True, index=True)
    amount = Numeric(digits=(18, 2), default=None)
    allocated_on = Date(default=None)
    notes = Text(default="")


class Expenditure(Stamped, Table, tablename="expenditure", db=DB):
    """Money spent from an allocation, in the contribution's currency."""

    allocation_id = foreign_key(Allocation, index=True)
    activity_id = foreign_key(Activity, null=True, index=True)
    amount = Numeric(digits=(18, 2), default=None)
    spent_on = Date(default=None)
    category = Text(default="operating_costs")
    description = Text(default="")
