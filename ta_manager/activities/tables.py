from __future__ import annotations

from piccolo.columns import BigInt, BigSerial, Date, Integer, Numeric, Text, Varchar
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Stamped
from ta_manager.database.engine import DB


class Activity(Stamped, Archivable, Table, tablename="activity", db=DB):
    code = Text(unique=True)
    title = Text()
    activity_type_id = BigInt()
    status = Text(default="planned")
    planned_start = Date(null=True, default=None)
    planned_end = Date(null=True, default=None)
    actual_start = Date(null=True, default=None)
    actual_end = Date(null=True, default=None)
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
