from __future__ import annotations

from piccolo.columns import (
    JSONB,
    BigInt,
    BigSerial,
    Date,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Stamped
from ta_manager.database.engine import DB


class Activity(Stamped, Archivable, Table, tablename="activity", db=DB):
    """Dates are partial (first day + precision); `starts_on`/`ends_on` are computed by
    PostgreSQL (GENERATED ALWAYS, never written): the interval the activity occupies,
    `ends_on` NULL when ongoing with no end."""

    code = Text(unique=True)
    title = Text()
    activity_type_id = BigInt()
    status = Text(default="planned")
    category = Text(default="technical_assistance")
    events = Integer(default=1)
    delivers_id = BigInt(null=True)
    planned_start = Date(null=True, default=None)
    planned_start_precision = Text(default="day")
    planned_end = Date(null=True, default=None)
    planned_end_precision = Text(default="day")
    actual_start = Date(null=True, default=None)
    actual_start_precision = Text(default="day")
    actual_end = Date(null=True, default=None)
    actual_end_precision = Text(default="day")
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    venue_city = Text(default="")
    venue_country_id = BigInt(null=True)
    scope = Text(default="national")
    project_id = BigInt(null=True)
    description = Text(default="")
    outputs = Text(default="")
    participants_total = Integer(null=True, default=None)
    participants_female = Integer(null=True, default=None)
    participants_male = Integer(null=True, default=None)
    planned_cost = Numeric(digits=(18, 2), null=True, default=None)
    actual_cost = Numeric(digits=(18, 2), null=True, default=None)
    cost_currency = Varchar(length=3, default="USD")
    sources = JSONB(default=[])


class ActivityPriorityArea(Table, tablename="activity_priority_area", db=DB):
    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    priority_area_id = BigInt()


class ActivityAssistanceType(Table, tablename="activity_assistance_type", db=DB):
    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    assistance_type_id = BigInt()


class ActivityInstrument(Table, tablename="activity_instrument", db=DB):
    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    instrument_id = BigInt()


class ActivityCountry(Table, tablename="activity_country", db=DB):
    """A beneficiary State of an activity."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    country_id = BigInt()


class ActivityInstitution(Table, tablename="activity_institution", db=DB):
    """A beneficiary institution of an activity."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    organization_id = BigInt()


class ActivityPartner(Table, tablename="activity_partner", db=DB):
    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    organization_id = BigInt()


class ActivitySector(Table, tablename="activity_sector", db=DB):
    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    sector_id = BigInt()


class ActivityNeed(Table, tablename="activity_need", db=DB):
    """An assistance request that an activity answers."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    assistance_request_id = BigInt()


class ActivityParticipantGroup(Table, tablename="activity_participant_group", db=DB):
    """Participants of one profession (judges, prosecutors, police, ...)."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    profession = Text()
    participants = Integer()


class ActivitySameEvent(Table, tablename="activity_same_event", db=DB):
    """The same event as reported by another record (`same_event_as`)."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    other_id = BigInt()


class ActivityDonor(Table, tablename="activity_donor", db=DB):
    """A donor a source names for the activity (with or without an amount)."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    organization_id = BigInt()


class ActivityDistinct(Table, tablename="activity_distinct", db=DB):
    """Two records a reviewer said are not the same event (activity_id < other_id)."""

    id = BigSerial(primary_key=True)
    activity_id = BigInt()
    other_id = BigInt()
    created_at = Timestamptz()
