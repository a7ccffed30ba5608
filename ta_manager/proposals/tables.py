"""Costed proposals: a cycle of proposed activities, their cost lines, phasing and needs.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from piccolo.columns import M2M, Boolean, Integer, Numeric, Text
from piccolo.columns.base import OnDelete
from piccolo.columns.reference import LazyTableReference
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.activities.tables import Activity
from ta_manager.cost_norms.tables import CostNorm
from ta_manager.database.columns import (
    Char,
    GeneratedNumeric,
    Identity,
    Jsonb,
    Stamped,
    foreign_key,
)
from ta_manager.database.engine import DB
from ta_manager.needs.tables import AssistanceRequest
from ta_manager.reference.tables import ActivityType, Country, PriorityArea, Region


class Proposal(Stamped, Table, tablename="proposal", db=DB):
    title = Text(default=None)
    description = Text(default="")
    start_year = Integer(default=None)
    end_year = Integer(default=None)
    currency = Char(3, default="USD")
    psc_rate = Numeric(digits=(5, 2), default=Decimal(13))
    status = Text(default="draft")  # draft | submitted | endorsed | withdrawn
    # The filters a draft was made with, so that it can be explained and redone.
    drafted_with = Jsonb(null=True, default=None)


class ProposedActivity(Stamped, Table, tablename="proposed_activity", db=DB):
    proposal_id = foreign_key(Proposal, on_delete=OnDelete.cascade, index=True)
    priority_area_id = foreign_key(PriorityArea)
    activity_type_id = foreign_key(ActivityType)
    template = Text(default=None)
    parameters = Jsonb(default={})
    title = Text(default=None)
    description = Text(default="")
    venue_region_id = foreign_key(Region, null=True)
    venue_place = Text(default="")
    sort_order = Integer(default=0)
    # The `proposed` activity record the proposal takes, if any.
    activity_id = foreign_key(Activity, null=True, index=True, on_delete=OnDelete.set_null)

    needs = M2M(LazyTableReference("ProposedActivityNeed", module_path=__name__))
    countries = M2M(LazyTableReference("ProposedActivityCountry", module_path=__name__))


def _owner() -> Any:
    return foreign_key(ProposedActivity, on_delete=OnDelete.cascade)


class ProposedActivityNeed(Table, tablename="proposed_activity_need", db=DB):
    """A need a proposed activity answers."""

    id = Identity()
    proposed_activity_id = _owner()
    assistance_request_id = foreign_key(AssistanceRequest, on_delete=OnDelete.cascade, index=True)
    proposed_activity_need_proposed_activity_id_assistance_requ_key = Unique(
        ["proposed_activity_id", "assistance_request_id"]
    )


class ProposedActivityCountry(Table, tablename="proposed_activity_country", db=DB):
    """A State a proposed activity is for."""

    id = Identity()
    proposed_activity_id = _owner()
    country_id = foreign_key(Country)
    proposed_activity_country_proposed_activity_id_country_id_key = Unique(
        ["proposed_activity_id", "country_id"]
    )


class ProposedActivityYear(Table, tablename="proposed_activity_year", db=DB):
    """Share of the activity's cost falling in a year (an activity's shares sum to 100)."""

    id = Identity()
    proposed_activity_id = _owner()
    year = Integer(default=None)
    share = Numeric(digits=(5, 2), default=None)
    proposed_activity_year_proposed_activity_id_year_key = Unique(["proposed_activity_id", "year"])


class CostLine(Stamped, Table, tablename="cost_line", db=DB):
    """quantity x unit cost; `amount` (and `amount_high`, at the high end of a range) are
    computed by PostgreSQL. An uncosted line has no unit cost and names its missing norm."""

    proposed_activity_id = foreign_key(ProposedActivity, on_delete=OnDelete.cascade, index=True)
    category = Text(default=None)
    item = Text(default="other")
    template_key = Text(default="")  # the template's name for the line ('' if added by hand)
    description = Text(default=None)
    quantity = Numeric(digits=(18, 4), default=None)
    quantity_high = Numeric(digits=(18, 4), null=True, default=None)
    unit = Text(default="item")
    unit_cost = Numeric(digits=(18, 4), null=True, default=None)
    currency = Char(3, default=None)
    amount = GeneratedNumeric(digits=(36, 8), null=True)
    amount_high = GeneratedNumeric(digits=(36, 8), null=True)
    cost_norm_id = foreign_key(CostNorm, null=True, on_delete=OnDelete.set_null)
    norm_reference = Text(default="")
    missing_norm = Text(default="")
    overridden = Boolean(default=False)
    sort_order = Integer(default=0)
