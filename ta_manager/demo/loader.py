"""Load the demo data set (data/*.toml) through the same services the API uses."""

from __future__ import annotations

import datetime as dt
import tomllib
import typing
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from ta_manager.activities.schemas import ActivityCreate
from ta_manager.activities.service import ActivityService
from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql
from ta_manager.database.statistics import analyze_all
from ta_manager.funding.schemas import (
    AllocationCreate,
    ContributionCreate,
    ExchangeRateCreate,
    ExpenditureCreate,
)
from ta_manager.funding.service import (
    AllocationService,
    ContributionService,
    ExchangeRateService,
    ExpenditureService,
)
from ta_manager.funding_needs.schemas import FundingNeedCreate
from ta_manager.funding_needs.service import FundingNeedService
from ta_manager.needs.schemas import NeedCreate
from ta_manager.needs.service import NeedService
from ta_manager.projects.schemas import ProjectCreate
from ta_manager.projects.service import ProjectService
from ta_manager.records.schemas import PartialDateText
from ta_manager.reference.instrument_status import InstrumentStatusService
from ta_manager.reference.schemas import (
    InstrumentStatusCreate,
    OrganizationCreate,
    RatificationCreate,
)
from ta_manager.reference.services import OrganizationService, RatificationService

DATA = Path(__file__).parent / "data"


@cache
def demo_file(name: str) -> dict[str, Any]:
    with (DATA / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _convert(item: dict[str, Any], struct: type[msgspec.Struct]) -> Any:
    """A TOML item as the struct; TOML dates (1 June 2008) fill partial-date fields, which
    also take "2008-06" or "2008" as text."""
    partial = {f.name for f in msgspec.structs.fields(struct) if _is_partial(f.type)}
    given = {
        k: v.isoformat() if k in partial and isinstance(v, dt.date) else v for k, v in item.items()
    }
    return msgspec.convert(given, struct, strict=False)


def _is_partial(tp: Any) -> bool:
    return tp == PartialDateText or PartialDateText in typing.get_args(tp)


async def demo_loaded() -> bool:
    first = demo_file("activities")["activity"][0]["code"]
    return bool(await sql.fetchval("SELECT 1 FROM activity WHERE upper(code) = upper($1)", first))


async def load_demo() -> dict[str, int]:
    """Create every demo record in one transaction; returns counts per kind (empty when the
    demo data set is already there)."""
    counts: dict[str, int] = {}
    if await demo_loaded():
        return counts

    async def create_all(kind: str, items: list[dict[str, Any]], service: Any, struct: Any) -> None:
        for item in items:
            await service.create(_convert(item, struct))
        counts[kind] = len(items)

    async with sql.transaction():
        await create_all(
            "organizations",
            demo_file("organizations")["organization"],
            OrganizationService(),
            OrganizationCreate,
        )
        await create_all(
            "projects", demo_file("projects")["project"], ProjectService(), ProjectCreate
        )
        await create_all("needs", demo_file("needs")["need"], NeedService(), NeedCreate)
        # Records that link to others (delivers, same_event_as) come after them.
        activities = sorted(
            demo_file("activities")["activity"],
            key=lambda a: bool(a.get("delivers") or a.get("same_event_as")),
        )
        await create_all("activities", activities, ActivityService(), ActivityCreate)
        funding = demo_file("funding")
        await create_all(
            "exchange_rates",
            funding.get("exchange_rate", []),
            ExchangeRateService(),
            ExchangeRateCreate,
        )
        await _load_contributions(funding.get("contribution", []), counts)
        await create_all(
            "funding_needs",
            funding.get("funding_need", []),
            FundingNeedService(),
            FundingNeedCreate,
        )
        await create_all(
            "ratifications",
            demo_file("ratifications")["ratification"],
            RatificationService(),
            RatificationCreate,
        )
        # The EXAMPLE cost norms, so that a new user can draft a costed proposal at once.
        counts["cost_norms"] = await seed_example_norms()
        await create_all(
            "instrument_status",
            demo_file("instrument_status")["status"],
            InstrumentStatusService(),
            InstrumentStatusCreate,
        )
        await analyze_all()  # the first report is planned on the new row counts
    return counts


async def _load_contributions(items: list[dict[str, Any]], counts: dict[str, int]) -> None:
    contributions, allocations, expenditures = (
        ContributionService(),
        AllocationService(),
        ExpenditureService(),
    )
    n_alloc = n_exp = 0
    for item in items:  # the parsed files are cached: read them, never change them
        contribution = {k: v for k, v in item.items() if k != "allocation"}
        await contributions.create(_convert(contribution, ContributionCreate))
        for alloc in item.get("allocation", []):
            allocation = {k: v for k, v in alloc.items() if k != "expenditure"}
            created = await allocations.create(
                _convert({**allocation, "contribution": item["code"]}, AllocationCreate)
            )
            n_alloc += 1
            for exp in alloc.get("expenditure", []):
                await expenditures.create(
                    _convert({**exp, "allocation_id": created["id"]}, ExpenditureCreate)
                )
                n_exp += 1
    counts |= {"contributions": len(items), "allocations": n_alloc, "expenditures": n_exp}
