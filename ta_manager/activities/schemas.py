from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from ta_manager.records.schemas import (
    Code,
    Count,
    CountryCode,
    Currency,
    Money,
    Name,
    Text,
    read_struct,
)

ActivityStatus = Literal["planned", "approved", "ongoing", "completed", "cancelled"]
Scope = Literal["national", "regional", "interregional", "global"]
Profession = Literal[
    "judge",
    "prosecutor",
    "investigator",
    "police",
    "central_authority",
    "legislative_drafter",
    "border_guard",
    "customs",
    "policymaker",
    "civil_society",
    "other",
]


class ActivityCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    title: Name
    type: Code
    status: ActivityStatus = "planned"
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    venue_city: str = ""
    venue_country: CountryCode | None = None
    scope: Scope = "national"
    project: Code | None = None
    description: Text = ""
    outputs: Text = ""
    priority_areas: list[Code] = []
    assistance_types: list[Code] = []
    instruments: list[Code] = []
    beneficiary_countries: list[CountryCode] = []
    beneficiary_institutions: list[Code] = []
    partners: list[Code] = []
    sectors: list[str] = []
    needs: list[Code] = []
    participants_total: Count | None = None
    participants_female: Count | None = None
    participants_male: Count | None = None
    participants_by_profession: dict[Profession, Count] = {}
    planned_cost: Money | None = None
    actual_cost: Money | None = None
    cost_currency: Currency = "USD"


ActivityRead = read_struct(
    ActivityCreate, "ActivityRead", [("archived_at", dt.datetime | None, None)]
)
