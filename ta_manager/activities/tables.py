"""Activities and their links (beneficiary States, priority areas, needs answered, ...).

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py. Each link table joins an activity to one kind of record; the
`M2M` columns on `Activity` name them by the API's field names.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import M2M, Date, Integer, Numeric, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.database.columns import (
    Archivable,
    Char,
    GeneratedDate,
    Identity,
    Jsonb,
    Stamped,
    foreign_key,
)
from ta_manager.database.engine import DB
from ta_manager.needs.tables import AssistanceRequest
from ta_manager.projects.tables import Project
from ta_manager.reference.tables import (
    ActivityType,
    AssistanceType,
    Country,
    Instrument,
    Organization,
    PriorityArea,
    Sector,
)


def _via(table: str) -> M2M:
    return M2M(LazyTableReference(table, module_path=__name__))


class Activity(Stamped, Archivable, Table, tablename="activity", db=DB):
    """Dates are partial (first day + precision); `starts_on`/`ends_on` are computed by
    PostgreSQL: the interval the activity occupies, `ends_on` NULL when ongoing with no end."""

    code = Text(unique=True, default=None)
    title = Text(default=None)
    activity_type_id = foreign_key(ActivityType, index=True)
    status = Text(default="planned", index=True)
    category = Text(default="technical_assistance", index=True)
    events = Integer(default=1)
    delivers_id = foreign_key("self", null=True, index=True)
    planned_start = Date(null=True, default=None)
    planned_start_precision = Text(default="day")
    planned_end = Date(null=True, default=None)
    planned_end_precision = Text(default="day")
    actual_start = Date(null=True, default=None)
    actual_start_precision = Text(default="day")
    actual_end = Date(null=True, default=None)
    actual_end_precision = Text(default="day")
    starts_on = GeneratedDate(null=True, index=True)
    ends_on = GeneratedDate(null=True, index=True)
    venue_city = Text(default="")
    venue_country_id = foreign_key(Country, null=True, index=True)
    scope = Text(default="national")
    project_id = foreign_key(Project, null=True, index=True)
    description = Text(default="")
    outputs = Text(default="")
    participants_total = Integer(null=True, default=None)
    participants_female = Integer(null=True, default=None)
    participants_male = Integer(null=True, default=None)
    planned_cost = Numeric(digits=(18, 2), null=True, default=None)
    actual_cost = Numeric(digits=(18, 2), null=True, default=None)
    cost_currency = Char(3, default="USD")
    sources = Jsonb(default=[])  # GIN index with jsonb_path_ops: in the migration

    priority_areas = _via("ActivityPriorityArea")
    assistance_types = _via("ActivityAssistanceType")
    instruments = _via("ActivityInstrument")
    beneficiary_countries = _via("ActivityCountry")
    beneficiary_institutions = _via("ActivityInstitution")
    partners = _via("ActivityPartner")
    sectors = _via("ActivitySector")
    needs = _via("ActivityNeed")
    donors = _via("ActivityDonor")


def _owner() -> Any:
    return foreign_key(Activity, on_delete=OnDelete.cascade)


class ActivityPriorityArea(Table, tablename="activity_priority_area", db=DB):
    id = Identity()
    activity_id = _owner()
    priority_area_id = foreign_key(PriorityArea)  # indexed with activity_id
    activity_priority_area_activity_id_priority_area_id_key = Unique(
        ["activity_id", "priority_area_id"]
    )


class ActivityAssistanceType(Table, tablename="activity_assistance_type", db=DB):
    id = Identity()
    activity_id = _owner()
    assistance_type_id = foreign_key(AssistanceType)  # indexed with activity_id
    activity_assistance_type_activity_id_assistance_type_id_key = Unique(
        ["activity_id", "assistance_type_id"]
    )


class ActivityInstrument(Table, tablename="activity_instrument", db=DB):
    id = Identity()
    activity_id = _owner()
    instrument_id = foreign_key(Instrument)  # indexed with activity_id
    activity_instrument_activity_id_instrument_id_key = Unique(["activity_id", "instrument_id"])


class ActivityCountry(Table, tablename="activity_country", db=DB):
    """A beneficiary State of an activity."""

    id = Identity()
    activity_id = _owner()
    country_id = foreign_key(Country)  # indexed with activity_id
    activity_country_activity_id_country_id_key = Unique(["activity_id", "country_id"])


class ActivityInstitution(Table, tablename="activity_institution", db=DB):
    """A beneficiary institution of an activity."""

    id = Identity()
    activity_id = _owner()
    organization_id = foreign_key(Organization, index=True)  # institution: not a filter
    activity_institution_activity_id_organization_id_key = Unique(
        ["activity_id", "organization_id"]
    )


class ActivityPartner(Table, tablename="activity_partner", db=DB):
    id = Identity()
    activity_id = _owner()
    organization_id = foreign_key(Organization)  # indexed with activity_id
    activity_partner_activity_id_organization_id_key = Unique(["activity_id", "organization_id"])


class ActivitySector(Table, tablename="activity_sector", db=DB):
    id = Identity()
    activity_id = _owner()
    sector_id = foreign_key(Sector)
    activity_sector_activity_id_sector_id_key = Unique(["activity_id", "sector_id"])


class ActivityNeed(Table, tablename="activity_need", db=DB):
    """An assistance request that an activity answers."""

    id = Identity()
    activity_id = _owner()
    # Indexed with activity_id.
    assistance_request_id = foreign_key(AssistanceRequest, on_delete=OnDelete.cascade)
    activity_need_activity_id_assistance_request_id_key = Unique(
        ["activity_id", "assistance_request_id"]
    )


class ActivityParticipantGroup(Table, tablename="activity_participant_group", db=DB):
    """Participants of one profession (judges, prosecutors, police, ...)."""

    id = Identity()
    activity_id = _owner()
    profession = Text(default=None)
    participants = Integer(default=None)
    activity_participant_group_activity_id_profession_key = Unique(["activity_id", "profession"])


class ActivitySameEvent(Table, tablename="activity_same_event", db=DB):
    """The same event as reported by another record (`same_event_as`)."""

    id = Identity()
    activity_id = _owner()
    other_id = foreign_key(Activity, index=True)
    activity_same_event_activity_id_other_id_key = Unique(["activity_id", "other_id"])


class ActivityDonor(Table, tablename="activity_donor", db=DB):
    """A donor a source names for the activity (with or without an amount)."""

    id = Identity()
    activity_id = _owner()
    organization_id = foreign_key(Organization)  # indexed with activity_id
    activity_donor_activity_id_organization_id_key = Unique(["activity_id", "organization_id"])


class ActivityDistinct(Table, tablename="activity_distinct", db=DB):
    """Two records a reviewer said are not the same event (activity_id < other_id)."""

    id = Identity()
    activity_id = _owner()
    other_id = foreign_key(Activity, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    activity_distinct_activity_id_other_id_key = Unique(["activity_id", "other_id"])
