"""Needs (assistance requests) and the candidates officers rejected.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import M2M, Date, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.accounts.tables import AppUser
from ta_manager.database.columns import (
    Archivable,
    CompositeForeignKey,
    GeneratedDate,
    Identity,
    Jsonb,
    Stamped,
    foreign_key,
)
from ta_manager.database.engine import DB
from ta_manager.reference.tables import AssistanceType, Country, Instrument, PriorityArea

# Activities reference needs (activity_need); a need's tables name activities lazily.
ACTIVITY = LazyTableReference("Activity", module_path="ta_manager.activities.tables")


class AssistanceRequest(Stamped, Archivable, Table, tablename="assistance_request", db=DB):
    """A State's need in a priority area (and type of assistance), with its source.
    `stated_until` is computed by PostgreSQL: the last day of `stated_on` at its precision."""

    code = Text(unique=True, default=None)
    country_id = foreign_key(Country, index=True)
    priority_area_id = foreign_key(PriorityArea)
    # With priority_area_id (assistance_request_assistance_type_id_priority_area_id_fkey):
    # a type of assistance of the need's own priority area.
    assistance_type_id = foreign_key(AssistanceType, null=True)
    description = Text(default="")
    source = Text(default="questionnaire")
    source_reference = Text(default="")
    stated_on = Date(null=True, default=None, index=True)
    stated_on_precision = Text(default="day")
    stated_until = GeneratedDate(null=True, index=True)
    status = Text(default="open")
    priority = Text(default="medium")
    sources = Jsonb(default=[])  # GIN index with jsonb_path_ops: in the migration
    assistance_request_assistance_type_id_priority_area_id_fkey = CompositeForeignKey(
        ["assistance_type_id", "priority_area_id"], "assistance_type", ["id", "priority_area_id"]
    )

    instruments = M2M(LazyTableReference("AssistanceRequestInstrument", module_path=__name__))


class AssistanceRequestInstrument(Table, tablename="assistance_request_instrument", db=DB):
    id = Identity()
    assistance_request_id = foreign_key(AssistanceRequest, on_delete=OnDelete.cascade)
    instrument_id = foreign_key(Instrument, index=True)
    assistance_request_instrument_assistance_request_id_instrum_key = Unique(
        ["assistance_request_id", "instrument_id"]
    )


class CandidateRejection(Table, tablename="candidate_rejection", db=DB):
    """A candidate activity an officer judged not to answer the need (no longer offered)."""

    id = Identity()
    activity_id = foreign_key(ACTIVITY, on_delete=OnDelete.cascade)
    assistance_request_id = foreign_key(AssistanceRequest, on_delete=OnDelete.cascade, index=True)
    reason = Text(default="")
    rejected_by = foreign_key(AppUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    candidate_rejection_activity_id_assistance_request_id_key = Unique(
        ["activity_id", "assistance_request_id"]
    )
