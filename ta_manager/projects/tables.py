"""Projects and programmes, with their donors, priority areas, States and sectors.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import M2M, Date, Numeric, Text
from piccolo.columns.base import OnDelete
from piccolo.columns.reference import LazyTableReference
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.database.columns import Archivable, Char, Identity, Stamped, foreign_key
from ta_manager.database.engine import DB
from ta_manager.reference.tables import Country, Organization, PriorityArea, Sector


def _via(table: str) -> M2M:
    return M2M(LazyTableReference(table, module_path=__name__))


class Project(Stamped, Archivable, Table, tablename="project", db=DB):
    code = Text(unique=True, default=None)
    title = Text(default=None)
    description = Text(default="")
    status = Text(default="active")  # pipeline | active | closed
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    budget = Numeric(digits=(18, 2), null=True, default=None)
    currency = Char(3, default="USD")
    implementing_office_id = foreign_key(Organization, null=True)

    donors = _via("ProjectDonor")
    priority_areas = _via("ProjectPriorityArea")
    countries = _via("ProjectCountry")
    sectors = _via("ProjectSector")


def _owner() -> Any:
    return foreign_key(Project, on_delete=OnDelete.cascade)


class ProjectDonor(Table, tablename="project_donor", db=DB):
    id = Identity()
    project_id = _owner()
    organization_id = foreign_key(Organization)  # indexed with project_id
    project_donor_project_id_organization_id_key = Unique(["project_id", "organization_id"])


class ProjectPriorityArea(Table, tablename="project_priority_area", db=DB):
    id = Identity()
    project_id = _owner()
    priority_area_id = foreign_key(PriorityArea)  # indexed with project_id
    project_priority_area_project_id_priority_area_id_key = Unique(
        ["project_id", "priority_area_id"]
    )


class ProjectCountry(Table, tablename="project_country", db=DB):
    id = Identity()
    project_id = _owner()
    country_id = foreign_key(Country)  # indexed with project_id
    project_country_project_id_country_id_key = Unique(["project_id", "country_id"])


class ProjectSector(Table, tablename="project_sector", db=DB):
    id = Identity()
    project_id = _owner()
    sector_id = foreign_key(Sector)
    project_sector_project_id_sector_id_key = Unique(["project_id", "sector_id"])
