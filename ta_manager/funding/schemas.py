from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ta_manager.records.schemas import Code, Currency, Money, PartialDateText, Text, read_struct
from ta_manager.records.sources import Source

ContributionStatus = Literal["pledged", "received"]
Earmarking = Literal["none", "priority_area", "project"]
BudgetCategory = Literal[
    "staff",
    "consultants",
    "travel",
    "contractual_services",
    "operating_costs",
    "equipment",
    "programme_support",
]


class ExchangeRateCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """USD per one unit of `currency` on `valid_on`: amount_usd = amount * rate_to_usd."""

    currency: Currency
    valid_on: dt.date
    rate_to_usd: Annotated[Decimal, Meta(description="USD per unit; must be > 0")]
    source: Text = ""


ExchangeRateRead = read_struct(ExchangeRateCreate, "ExchangeRateRead")


class ContributionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Money (or support) from a donor as a document states it: `amount` may be null (support
    stated, not quantified), dates may be a year or a month, or the contribution may cover a
    period (`period_from`/`period_to`); `cumulative` marks a total over that period."""

    code: Code
    donor: Code
    amount: Annotated[Money | None, Meta(description="Null: support stated but not quantified")] = (
        None
    )
    currency: Annotated[
        Currency | None,
        Meta(
            description="Required with an amount; a currency with no exchange"
            " rate is kept and shown unconverted ('no rate'), never summed into USD"
        ),
    ] = None
    status: ContributionStatus = "pledged"
    pledged_on: PartialDateText | None = None
    received_on: PartialDateText | None = None
    period_from: PartialDateText | None = None
    period_to: Annotated[
        PartialDateText | None, Meta(description="Null with period_from: 'since', still open")
    ] = None
    cumulative: Annotated[
        bool, Meta(description="The amount is a total over period_from..period_to")
    ] = False
    earmarking: Earmarking = "none"
    earmarked_priority_area: Code | None = None
    earmarked_project: Code | None = None
    description: Text = ""
    sources: list[Source] = []


ContributionRead = read_struct(
    ContributionCreate,
    "ContributionRead",
    [
        ("archived_at", dt.datetime | None, None),
        ("allocated", Decimal, Decimal(0)),
        ("spent", Decimal, Decimal(0)),
        ("unallocated", Decimal | None, None),
        ("rate_to_usd", Decimal | None, None),
        ("rate_date", dt.date | None, None),
        ("amount_usd", Decimal | None, None),
        ("no_rate", bool, False),
    ],
)


class AllocationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Part of a contribution (in its currency) assigned to one project or one activity."""

    contribution: Code
    amount: Money
    allocated_on: dt.date
    project: Code | None = None
    activity: Code | None = None
    notes: Text = ""


AllocationRead = read_struct(
    AllocationCreate, "AllocationRead", [("spent", Decimal, Decimal(0)), ("currency", str, "")]
)


class ExpenditureCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Money spent from an allocation, in the contribution's currency."""

    allocation_id: int
    amount: Money
    spent_on: dt.date
    category: BudgetCategory = "operating_costs"
    activity: Code | None = None
    description: Text = ""


ExpenditureRead = read_struct(ExpenditureCreate, "ExpenditureRead", [("currency", str, "")])
