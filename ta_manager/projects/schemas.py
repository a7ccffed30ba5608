from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from ta_manager.records.schemas import Code, CountryCode, Currency, Money, Name, Text, read_struct

ProjectStatus = Literal["pipeline", "active", "closed"]


class ProjectCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    title: Name
    description: Text = ""
    status: ProjectStatus = "active"
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget: Money | None = None
    currency: Currency = "USD"
    implementing_office: Code | None = None
    donors: list[Code] = []
    priority_areas: list[Code] = []
    countries: list[CountryCode] = []
    sectors: list[str] = []


ProjectRead = read_struct(ProjectCreate, "ProjectRead", [("archived_at", dt.datetime | None, None)])
