"""Reference tables. The schema of record is the SQL in migrations/; these mirror it."""

from __future__ import annotations

from piccolo.columns import (
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Date,
    Integer,
    Text,
    Varchar,
)
from piccolo.table import Table

from ta_manager.database.columns import Stamped
from ta_manager.database.engine import DB


class Region(Stamped, Table, tablename="region", db=DB):
    code = Text(unique=True)
    name = Text()
    kind = Text()  # m49_region | m49_sub_region | grouping
    m49_code = Text(null=True)
    description = Text(default="")


class Country(Stamped, Table, tablename="country", db=DB):
    """A country or area of the UN M49 list, or a former-name entry (status former_name)."""

    iso2 = Varchar(length=2, unique=True, null=True)  # null only for former-name entries
    iso3 = Varchar(length=3, unique=True)
    m49_code = Text(null=True)
    name = Text()
    official_name = Text(default="")
    name_fr = Text(default="")
    name_es = Text(default="")
    official_name_fr = Text(default="")
    official_name_es = Text(default="")
    # member_state | observer_state | non_member_state | territory | former_name
    status = Text(default="territory")
    note = Text(default="")
    region_id = BigInt(null=True)
    sub_region_id = BigInt(null=True)
    un_member = Boolean(default=False)  # GENERATED ALWAYS AS (status = 'member_state')


class RegionMember(Table, tablename="region_member", db=DB):
    id = BigSerial(primary_key=True)
    region_id = BigInt()
    country_id = BigInt()


class Instrument(Stamped, Table, tablename="instrument", db=DB):
    code = Text(unique=True)
    short_name = Text()
    name = Text()
    parent_id = BigInt(null=True)
    adopted_on = Date(null=True, default=None)
    entry_into_force = Date(null=True, default=None)


class Ratification(Stamped, Table, tablename="ratification", db=DB):
    country_id = BigInt()
    instrument_id = BigInt()
    kind = Text(default="ratification")
    deposited_on = Date()
    notes = Text(default="")


class InstrumentStatus(Stamped, Table, tablename="instrument_status", db=DB):
    """The published number of parties of an instrument on a date, with its source."""

    instrument_id = BigInt()
    as_of = Date()
    parties = Integer()
    document = Text()
    paragraph = Text(default="")
    footnote = Text(default="")
    quote = Text(default="")
    notes = Text(default="")


class PriorityArea(Stamped, Table, tablename="priority_area", db=DB):
    code = Text(unique=True)
    name = Text()
    name_fr = Text(default="")  # blank: outputs in French show the English name
    name_es = Text(default="")
    description = Text(default="")
    mandate = Text(default="")
    instrument_id = BigInt(null=True)
    sort_order = Integer(default=0)
    active = Boolean(default=True)


class AssistanceType(Stamped, Table, tablename="assistance_type", db=DB):
    code = Text(unique=True)
    priority_area_id = BigInt()
    name = Text()
    name_fr = Text(default="")
    name_es = Text(default="")
    description = Text(default="")
    sort_order = Integer(default=0)
    active = Boolean(default=True)


class ActivityType(Stamped, Table, tablename="activity_type", db=DB):
    code = Text(unique=True)
    name = Text()
    description = Text(default="")
    sort_order = Integer(default=0)


class Sector(Stamped, Table, tablename="sector", db=DB):
    code = Text(unique=True)
    name = Text()
    description = Text(default="")


class Organization(Stamped, Table, tablename="organization", db=DB):
    code = Text(unique=True)
    name = Text()
    acronym = Text(default="")
    roles = Array(base_column=Text())
    country_id = BigInt(null=True)
    iati_org_type = Integer(null=True, default=None)
    iati_identifier = Text(default="")
    notes = Text(default="")
