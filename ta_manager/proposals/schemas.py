"""Request bodies of the proposal API (responses are the service's documents)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta

from ta_manager.errors import InvalidInput
from ta_manager.records.schemas import Code, Currency, Name, Text

T = TypeVar("T")

Year = Annotated[int, Meta(ge=1990, le=2100)]
Category = Literal[
    "staff", "consultants", "travel", "contractual_services", "operating_costs", "equipment"
]
TemplateName = Literal[
    "regional_workshop",
    "legal_advisory_mission",
    "expert_group_meeting",
    "training_of_trainers",
    "study_tour",
    "tool_publication",
    "manual",
]
Status = Literal["draft", "submitted", "endorsed", "withdrawn"]
Phasing = Annotated[
    dict[str, Decimal],
    Meta(description='Share of the cost per year, in percent, summing to 100: {"2009": 50, ...}'),
]


class CostLineCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A cost line entered or overridden by hand (quantity x unit cost); `quantity_high`
    makes it a range, costed at both ends."""

    category: Category
    description: Name
    quantity: Decimal
    unit_cost: Decimal
    quantity_high: Decimal | None = None
    unit: str = "item"
    item: str = "other"
    currency: Currency | None = None


class CostLineUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    category: Category | msgspec.UnsetType = msgspec.UNSET
    description: Name | msgspec.UnsetType = msgspec.UNSET
    quantity: Decimal | msgspec.UnsetType = msgspec.UNSET
    quantity_high: Decimal | msgspec.UnsetType | None = msgspec.UNSET
    unit_cost: Decimal | msgspec.UnsetType = msgspec.UNSET
    unit: str | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType | None = msgspec.UNSET


class ProposedActivityCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An activity costed by a template from its parameters (plus any lines by hand).

    `activity` takes an existing activity record of status `proposed` (e.g. one of the
    proposals of CTOC/COP/2008/16): its title, priority area, type, States, needs and
    planned year fill every field left out. A parameter may be a range ("8 to 10")."""

    title: Name | None = None
    priority_area: Code | None = None
    activity: Annotated[
        Code | None, Meta(description="Code of the proposed activity record it takes")
    ] = None
    template: TemplateName = "manual"
    parameters: dict[str, Any] = msgspec.field(default_factory=dict)
    activity_type: Code | None = None
    description: Text = ""
    venue_region: Code | None = None
    venue_place: str = ""
    countries: list[str] = msgspec.field(default_factory=list)
    needs: list[Code] = msgspec.field(default_factory=list)
    phasing: Phasing | None = None
    lines: list[CostLineCreate] = msgspec.field(default_factory=list)


class ProposedActivityUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changing the template, parameters, venue or phasing re-costs the template's lines;
    lines overridden by hand are kept."""

    title: Name | msgspec.UnsetType = msgspec.UNSET
    priority_area: Code | msgspec.UnsetType = msgspec.UNSET
    activity: Code | msgspec.UnsetType | None = msgspec.UNSET
    template: TemplateName | msgspec.UnsetType = msgspec.UNSET
    parameters: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    activity_type: Code | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    venue_region: Code | msgspec.UnsetType | None = msgspec.UNSET
    venue_place: str | msgspec.UnsetType = msgspec.UNSET
    countries: list[str] | msgspec.UnsetType = msgspec.UNSET
    needs: list[Code] | msgspec.UnsetType = msgspec.UNSET
    phasing: Phasing | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType | None = msgspec.UNSET


class ProposalCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Name
    start_year: Year
    end_year: Year
    currency: Currency = "USD"
    psc_rate: Annotated[Decimal, Meta(description="Programme support cost, percent")] = Decimal(13)
    status: Status = "draft"
    description: Text = ""
    activities: list[ProposedActivityCreate] = msgspec.field(default_factory=list)


class ProposalUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Name | msgspec.UnsetType = msgspec.UNSET
    start_year: Year | msgspec.UnsetType = msgspec.UNSET
    end_year: Year | msgspec.UnsetType = msgspec.UNSET
    currency: Currency | msgspec.UnsetType = msgspec.UNSET
    psc_rate: Decimal | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType | None = msgspec.UNSET


class DraftRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Draft a proposal from the needs that no activity meets yet."""

    title: Name
    start_year: Year
    end_year: Year
    currency: Currency = "USD"
    priority_areas: list[Code] = msgspec.field(default_factory=list)
    regions: list[Code] = msgspec.field(default_factory=list)
    instruments: list[Code] = msgspec.field(default_factory=list)
    include_partly_met: bool = False
    min_states_for_workshop: Annotated[int, Meta(ge=1)] = 3
    activities: Annotated[
        list[Code],
        Meta(description="Proposed activity records to take as proposed activities"),
    ] = msgspec.field(default_factory=list)
    take_proposed: Annotated[
        bool,
        Meta(
            description="Also take every proposed activity record of the draft's priority"
            " areas that no other proposal has taken"
        ),
    ] = False


def changes_of(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


def convert(raw: Any, kind: type[T]) -> T:
    """`raw` (plain data from the CLI or a service caller) as `kind`; a bad field is an
    InvalidInput naming it, as the API's own decoding does."""
    if isinstance(raw, kind):
        return raw
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as exc:
        text = str(exc)
        at = re.search(r"at `\$\.?([^`]*)`", text)
        raise InvalidInput.of(
            (at.group(1) if at else "") or "body", text.split(" - at ")[0]
        ) from exc


def plain(data: Any) -> dict[str, Any]:
    """A struct (or mapping) as a dict of its set fields, nested structs included."""
    if not isinstance(data, msgspec.Struct):
        return dict(data)
    out: dict[str, Any] = {}
    for k, v in msgspec.structs.asdict(data).items():
        if v is msgspec.UNSET:
            continue
        if isinstance(v, list):
            v = [plain(x) if isinstance(x, msgspec.Struct) else x for x in v]
        out[k] = v
    return out
