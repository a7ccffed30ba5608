from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ta_manager.records.schemas import (
    Code,
    Count,
    CountryCode,
    Currency,
    Money,
    Name,
    PartialDateText,
    Text,
    read_struct,
)
from ta_manager.records.sources import Source

# proposed -> planned -> approved -> ongoing -> completed (or cancelled)
ActivityStatus = Literal["proposed", "planned", "approved", "ongoing", "completed", "cancelled"]
# Only technical assistance counts as "activities carried out"; the others are listed apart.
ActivityCategory = Literal[
    "technical_assistance", "intergovernmental", "participation", "coordination"
]
Events = Annotated[
    int, Meta(ge=1, le=100_000, description="How many events this record stands for (a series)")
]
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
    category: ActivityCategory = "technical_assistance"
    events: Events = 1
    planned_start: PartialDateText | None = None
    planned_end: PartialDateText | None = None
    actual_start: PartialDateText | None = None
    actual_end: PartialDateText | None = None
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
    delivers: Annotated[
        Code | None, Meta(description="Code of the proposed or planned record this one delivered")
    ] = None
    same_event_as: Annotated[
        list[Code], Meta(description="Codes of other records of this same event")
    ] = []
    donors: Annotated[
        list[Code], Meta(description="Donors a source names for it, with or without amounts")
    ] = []
    sources: list[Source] = []


ActivityRead = read_struct(
    ActivityCreate,
    "ActivityRead",
    [
        ("archived_at", dt.datetime | None, None),
        ("same_event_group", list[str], []),
        ("delivered_by", list[str], []),
    ],
)
