"""Reference tables: States, regions, instruments, priority areas, codelists.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import Array, Boolean, Date, Integer, Text
from piccolo.columns.base import OnDelete
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.database.columns import (
    Char,
    GeneratedBoolean,
    Identity,
    Stamped,
    foreign_key,
)
from ta_manager.database.engine import DB


class Region(Stamped, Table, tablename="region", db=DB):
    """An M49 region or sub-region, or an ad hoc grouping of States (e.g. WCA)."""

    code = Text(unique=True, default=None)
    name = Text(default=None)
    kind = Text(default=None)  # m49_region | m49_sub_region | grouping
    m49_code = Text(null=True, default=None)
    description = Text(default="")


class Country(Stamped, Table, tablename="country", db=DB):
    """A country or area of the UN M49 list, or a former-name entry (status former_name)."""

    iso2 = Char(2, unique=True, null=True, default=None)  # null only for former-name entries
    iso3 = Char(3, unique=True, default=None)
    m49_code = Text(null=True, unique=True, default=None)
    name = Text(unique=True, default=None)
    official_name = Text(default="")
    name_fr = Text(default="")
    name_es = Text(default="")
    official_name_fr = Text(default="")
    official_name_es = Text(default="")
    # member_state | observer_state | non_member_state | territory | former_name
    status = Text(default="territory", index=True)
    note = Text(default="")
    region_id = foreign_key(Region, null=True, index=True)
    sub_region_id = foreign_key(Region, null=True, index=True)
    un_member = GeneratedBoolean(null=True)  # status = 'member_state'


class RegionMember(Table, tablename="region_member", db=DB):
    """Every membership, M49 or ad hoc grouping, so that "region=X" is one lookup."""

    id = Identity()
    region_id = foreign_key(Region, on_delete=OnDelete.cascade)
    country_id = foreign_key(Country, on_delete=OnDelete.cascade, index=True)
    region_member_region_id_country_id_key = Unique(["region_id", "country_id"])


class Instrument(Stamped, Table, tablename="instrument", db=DB):
    code = Text(unique=True, default=None)
    short_name = Text(default=None)
    name = Text(default=None)
    parent_id = foreign_key("self", null=True)
    adopted_on = Date(null=True, default=None)
    entry_into_force = Date(null=True, default=None)


class Ratification(Stamped, Table, tablename="ratification", db=DB):
    country_id = foreign_key(Country)
    instrument_id = foreign_key(Instrument)
    kind = Text(default="ratification")
    deposited_on = Date(default=None)
    notes = Text(default="")
    ratification_country_id_instrument_id_key = Unique(["country_id", "instrument_id"])


class InstrumentStatus(Stamped, Table, tablename="instrument_status", db=DB):
    """The published number of parties of an instrument on a date, with its source."""

    instrument_id = foreign_key(Instrument)
    as_of = Date(default=None)
    parties = Integer(default=None)
    document = Text(default=None)
    paragraph = Text(default="")
    footnote = Text(default="")
    quote = Text(default="")
    notes = Text(default="")
    instrument_status_instrument_id_as_of_document_key = Unique(
        ["instrument_id", "as_of", "document"]
    )


class PriorityArea(Stamped, Table, tablename="priority_area", db=DB):
    code = Text(unique=True, default=None)
    name = Text(default=None)
    name_fr = Text(default="")  # blank: outputs in French show the English name
    name_es = Text(default="")
    description = Text(default="")
    mandate = Text(default="")
    instrument_id = foreign_key(Instrument, null=True)
    sort_order = Integer(default=0)
    active = Boolean(default=True)


class AssistanceType(Stamped, Table, tablename="assistance_type", db=DB):
    code = Text(unique=True, default=None)
    priority_area_id = foreign_key(PriorityArea, index=True)
    name = Text(default=None)
    name_fr = Text(default="")  # blank: outputs in French show the English name
    name_es = Text(default="")
    description = Text(default="")
    sort_order = Integer(default=0)
    active = Boolean(default=True)
    # Lets needs reference (type, area) together, so a type cannot sit under the wrong area.
    assistance_type_id_priority_area_id_key = Unique(["id", "priority_area_id"])


class ActivityType(Stamped, Table, tablename="activity_type", db=DB):
    code = Text(unique=True, default=None)
    name = Text(default=None)
    description = Text(default="")
    sort_order = Integer(default=0)


class Sector(Stamped, Table, tablename="sector", db=DB):
    """An OECD DAC purpose code."""

    code = Text(unique=True, default=None)
    name = Text(default=None)
    description = Text(default="")


class Organization(Stamped, Table, tablename="organization", db=DB):
    code = Text(unique=True, default=None)
    name = Text(default=None)
    acronym = Text(default="")
    # donor | partner | beneficiary_institution | implementing_office
    roles = Array(base_column=Text(), default=list, index=True, index_method=IndexMethod.gin)
    country_id = foreign_key(Country, null=True, index=True)
    iati_org_type = Integer(null=True, default=None)
    iati_identifier = Text(default="")
    notes = Text(default="")
