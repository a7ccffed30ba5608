from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ta_manager.records.schemas import Code, Count, CountryCode, Name, Text, read_struct

# A name in French or Spanish; blank: outputs in that language show the English name.
TranslatedName = Annotated[str, Meta(max_length=500)]

OrgRole = Literal["donor", "partner", "beneficiary_institution", "implementing_office"]
RatificationKind = Literal["ratification", "accession", "acceptance", "approval", "succession"]
RegionKind = Literal["m49_region", "m49_sub_region", "grouping"]


CountryStatus = Literal[
    "member_state", "observer_state", "non_member_state", "territory", "former_name"
]


class CountryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A State or area as the UN writes it: short and formal names in English, French and
    Spanish (UN M49 / UNTERM), codes, and its status (docs/data-model.md, "States")."""

    iso2: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")] | None = None
    iso3: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")]
    name: Name
    official_name: Text = ""
    name_fr: Text = ""
    name_es: Text = ""
    official_name_fr: Text = ""
    official_name_es: Text = ""
    status: Annotated[
        CountryStatus,
        Meta(
            description="member_state, observer_state (Holy See, State of Palestine), "
            "non_member_state (Cook Islands, Niue), territory, or former_name (an entry "
            "such as 'Southern Sudan (former name)' that records may cite but that is "
            "never a current State)"
        ),
    ] = "territory"
    note: Text = ""
    m49_code: str | None = None
    region: Code | None = None
    sub_region: Code | None = None


CountryRead = read_struct(
    CountryCreate,
    "CountryRead",
    [("un_member", Annotated[bool, Meta(description="status is member_state")], False)],
)


class RegionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: RegionKind = "grouping"
    m49_code: str | None = None
    description: Text = ""
    members: list[CountryCode] = []


RegionRead = read_struct(RegionCreate, "RegionRead")


class InstrumentCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    short_name: Name
    name: Name
    parent: Code | None = None
    adopted_on: dt.date | None = None
    entry_into_force: dt.date | None = None


InstrumentRead = read_struct(InstrumentCreate, "InstrumentRead")


class InstrumentStatusCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The published number of parties of an instrument on a date, with its source."""

    instrument: Code
    as_of: Annotated[dt.date, Meta(description="The date the figure is stated for")]
    parties: Count
    document: Annotated[
        str,
        Meta(min_length=1, max_length=200, description="Document symbol, e.g. E/CN.15/2009/8"),
    ]
    paragraph: Annotated[str, Meta(max_length=50)] = ""
    footnote: Annotated[str, Meta(max_length=50)] = ""
    quote: Text = ""
    notes: Text = ""


InstrumentStatusRead = read_struct(InstrumentStatusCreate, "InstrumentStatusRead")


class PublishedStatus(msgspec.Struct, kw_only=True):
    as_of: dt.date
    parties: int
    document: str
    paragraph: str = ""
    footnote: str = ""
    quote: str = ""


class PartiesCount(msgspec.Struct, kw_only=True):
    """Parties on a date, and where the figure comes from (see docs/api.md)."""

    instrument: str
    as_of: dt.date
    parties: Annotated[int | None, Meta(description="null: no data (see `reason`)")]
    source: Annotated[
        Literal["ratifications", "published_status"] | None,
        Meta(description="per-State ratifications recorded, or a published status; null: none"),
    ]
    by_kind: dict[str, int]
    recorded_ratifications: int
    published_status: PublishedStatus | None = None
    reason: str | None = None


class RatificationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    country: CountryCode
    instrument: Code
    deposited_on: dt.date
    kind: RatificationKind = "ratification"
    notes: Text = ""


RatificationRead = read_struct(RatificationCreate, "RatificationRead")


class PriorityAreaCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    name: Name
    name_fr: TranslatedName = ""
    name_es: TranslatedName = ""
    description: Text = ""
    mandate: Text = ""
    instrument: Code | None = None
    sort_order: int = 0
    active: bool = True


PriorityAreaRead = read_struct(
    PriorityAreaCreate, "PriorityAreaRead", [("assistance_types", list[str], [])]
)


class AssistanceTypeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    priority_area: Code
    name: Name
    name_fr: TranslatedName = ""
    name_es: TranslatedName = ""
    description: Text = ""
    sort_order: int = 0
    active: bool = True


AssistanceTypeRead = read_struct(AssistanceTypeCreate, "AssistanceTypeRead")


class ActivityTypeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    name: Name
    description: Text = ""
    sort_order: int = 0


ActivityTypeRead = read_struct(ActivityTypeCreate, "ActivityTypeRead")


class SectorCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, Meta(pattern=r"^[0-9]{5}$", description="OECD DAC 5-digit purpose code")]
    name: Name
    description: Text = ""


SectorRead = read_struct(SectorCreate, "SectorRead")


class OrganizationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Code
    name: Name
    acronym: str = ""
    roles: list[OrgRole] = []
    country: CountryCode | None = None
    iati_org_type: (
        Literal[10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90] | None
    ) = None
    iati_identifier: str = ""
    notes: Text = ""


OrganizationRead = read_struct(OrganizationCreate, "OrganizationRead")
