from __future__ import annotations

from piccolo.columns import BigInt, BigSerial, Date, Numeric, Text, Varchar
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Stamped
from ta_manager.database.engine import DB


class Project(Stamped, Archivable, Table, tablename="project", db=DB):
    code = Text(unique=True)
    title = Text()
    description = Text(default="")
    status = Text(default="active")
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    budget = Numeric(digits=(18, 2), null=True, default=None)
    currency = Varchar(length=3, default="USD")
    implementing_office_id = BigInt(null=True)


class ProjectDonor(Table, tablename="project_donor", db=DB):
    id = BigSerial(primary_key=True)
    project_id = BigInt()
    organization_id = BigInt()


class ProjectPriorityArea(Table, tablename="project_priority_area", db=DB):
    id = BigSerial(primary_key=True)
    project_id = BigInt()
    priority_area_id = BigInt()


class ProjectCountry(Table, tablename="project_country", db=DB):
    id = BigSerial(primary_key=True)
    project_id = BigInt()
    country_id = BigInt()


class ProjectSector(Table, tablename="project_sector", db=DB):
    id = BigSerial(primary_key=True)
    project_id = BigInt()
    sector_id = BigInt()
