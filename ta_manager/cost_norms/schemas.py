from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ta_manager.records.schemas import Code, Currency, Text, read_struct

CostItem = Literal[
    "air_ticket",
    "dsa",
    "venue",
    "interpretation",
    "translation",
    "consultant",
    "staff_post",
    "expert",
    "equipment",
    "documentation",
    "psc_rate",
    "other",
]
CostUnit = Literal[
    "trip",
    "day",
    "page",
    "month",
    "year",
    "item",
    "percent",
    "language_day",
    "person",
]


class CostNormCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A unit cost valid for a year, optionally for a region of origin, venue region or place."""

    item: CostItem
    unit: CostUnit
    unit_cost: Decimal
    currency: Currency
    year: Annotated[int, Meta(ge=1990, le=2100)]
    region: Code | None = None
    venue_region: Code | None = None
    place: str = ""
    grade: str = ""
    description: Text = ""


CostNormRead = read_struct(CostNormCreate, "CostNormRead")
