"""An imported file's transactions as contributions, allocations and expenditure."""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any

import msgspec

from importers.problems import ImportFailed, Problem
from ta_manager.database import sql
from ta_manager.errors import DomainError
from ta_manager.funding.schemas import (
    AllocationCreate,
    BudgetCategory,
    ContributionCreate,
    ExpenditureCreate,
)
from ta_manager.funding.service import CONTRIBUTION_DATES as DATES
from ta_manager.funding.service import AllocationService, ContributionService, ExpenditureService
from ta_manager.iati import mapping as M
from ta_manager.iati.import_organisations import Organisations, create_organisations
from ta_manager.iati.import_reading import Item, as_code


async def record_exists(table: str, code: str) -> bool:
    return bool(await sql.fetchval(f"SELECT 1 FROM {table} WHERE upper(code) = upper($1)", code))


async def import_money(
    items: list[Item], orgs: Organisations, name: str, warnings: list[str]
) -> tuple[int, int, int]:
    """Contributions, allocations and expenditure from the records' transactions."""
    contributions: dict[str, dict[str, Any]] = {}
    for item in items:
        for n, t in enumerate(item.pub.transactions, start=1):
            if t.type not in (M.INCOMING_FUNDS, M.INCOMING_COMMITMENT):
                continue
            code = as_code(t.ref) if t.ref else f"{item.code}-C{n}"[:64]
            donor = orgs.code_of(t.provider, "donor") if t.provider else None
            if donor is None:
                warnings.append(
                    f"{item.pub.identifier}: incoming funds {code} without a"
                    " provider organisation: not imported"
                )
                continue
            c = contributions.setdefault(
                code,
                {
                    "code": code,
                    "donor": donor,
                    "amount": Decimal(0),
                    "currency": t.currency,
                    "status": "pledged",
                    "pledged_on": None,
                    "received_on": None,
                },
            )
            c["amount"] += t.value
            if t.type == M.INCOMING_FUNDS:
                c["status"] = "received"
                c["received_on"] = min(filter(None, [c["received_on"], t.date]))
            else:
                c["pledged_on"] = min(filter(None, [c["pledged_on"], t.date]))
            if t.earmarking == M.EARMARKING["project"] and item.pub.kind == "project":
                c.setdefault("earmarked_project", item.code)
    await create_organisations(orgs)
    service = ContributionService()
    for code, c in contributions.items():
        if c["status"] == "received" and c["pledged_on"] is None:
            c["pledged_on"] = c["received_on"]
        if c.get("earmarked_project"):
            c["earmarking"] = "project"
        existing = await sql.fetchrow(
            "SELECT id, version FROM contribution WHERE upper(code) = upper($1)", code
        )
        try:
            dated = {k: v.isoformat() if k in DATES and v is not None else v for k, v in c.items()}
            data = msgspec.convert(dated, ContributionCreate, strict=False)
            if existing is None:
                await service.create(data)
            else:
                changes = {k: v for k, v in c.items() if k != "code"}
                await service.update(existing["id"], changes, existing["version"])
        except (DomainError, msgspec.ValidationError) as exc:
            reason = exc.detail if isinstance(exc, DomainError) else str(exc)
            raise ImportFailed(
                [
                    Problem(
                        name,
                        None,
                        f"transaction[@ref='{code}']",
                        code,
                        f"cannot be stored as a contribution: {reason}",
                    )
                ]
            ) from exc
    allocations = expenditures = 0
    for item in items:
        a, e = await _record_money(item, set(contributions), name, warnings)
        allocations += a
        expenditures += e
    return len(contributions), allocations, expenditures


async def _record_money(
    item: Item, known: set[str], name: str, warnings: list[str]
) -> tuple[int, int]:
    owner = "project" if item.pub.kind == "project" else "activity"
    record_id = await sql.fetchval(
        f"SELECT id FROM {owner} WHERE upper(code) = upper($1)", item.code
    )
    refs = {as_code(t.ref) for t in item.pub.transactions if t.ref}
    # The file's money replaces what the same contributions had on this record.
    old = await sql.fetch(
        f"SELECT a.id FROM allocation a JOIN contribution c ON c.id = a.contribution_id"
        f" WHERE a.{owner}_id = $1 AND c.code = ANY($2::text[])",
        record_id,
        sorted(refs),
    )
    allocations, expenditures = AllocationService(), ExpenditureService()
    for row in old:
        for e in await sql.fetch("SELECT id FROM expenditure WHERE allocation_id = $1", row["id"]):
            await expenditures.delete(e["id"])
        await allocations.delete(row["id"])
    by_contribution: dict[str, int] = {}
    n_alloc = n_exp = 0
    for t in item.pub.transactions:
        ref = as_code(t.ref) if t.ref else ""
        if t.type == M.COMMITMENT:
            if ref not in known and not await record_exists("contribution", ref):
                warnings.append(
                    f"{item.pub.identifier}: commitment {ref or '(no ref)'} names no"
                    " contribution of the file or of ta-manager: not imported"
                )
                continue
            created = await allocations.create(
                msgspec.convert(
                    {
                        "contribution": ref,
                        "amount": t.value,
                        "allocated_on": t.date,
                        owner: item.code,
                    },
                    AllocationCreate,
                    strict=False,
                )
            )
            by_contribution.setdefault(ref, created["id"])
            n_alloc += 1
        elif t.type in (M.EXPENDITURE, M.DISBURSEMENT):
            allocation = by_contribution.get(ref)
            if allocation is None:
                warnings.append(
                    f"{item.pub.identifier}: transaction type {t.type}"
                    f" {ref or '(no ref)'} follows no commitment of the same"
                    " contribution on this record: not imported"
                )
                continue
            category = t.description.replace(" ", "_")
            categories = typing.get_args(BudgetCategory)
            await expenditures.create(
                msgspec.convert(
                    {
                        "allocation_id": allocation,
                        "amount": t.value,
                        "spent_on": t.date,
                        "category": category if category in categories else "operating_costs",
                    },
                    ExpenditureCreate,
                    strict=False,
                )
            )
            n_exp += 1
    return n_alloc, n_exp
