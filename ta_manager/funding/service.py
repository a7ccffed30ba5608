"""Contributions, exchange rates, allocations and expenditure, with their money rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.query.functions.aggregate import Sum

from ta_manager.activities.tables import Activity
from ta_manager.errors import FieldError
from ta_manager.funding import queries
from ta_manager.funding.schemas import ContributionStatus
from ta_manager.funding.tables import Allocation, Contribution, ExchangeRate, Expenditure
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes, split_values
from ta_manager.records.partial_dates import end_before_start
from ta_manager.records.service import RecordService, RefField
from ta_manager.reference.tables import Organization

CONTRIBUTION_DATES = ("pledged_on", "received_on", "period_from", "period_to")


@dataclass(frozen=True)
class ExchangeRateFilters:
    currency: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class ContributionFilters:
    donor: list[str] | None = None
    currency: list[str] | None = None
    status: list[ContributionStatus] | None = None
    project: list[str] | None = None
    priority_area: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AllocationFilters:
    contribution: list[str] | None = None
    donor: list[str] | None = None
    project: list[str] | None = None
    activity: list[str] | None = None


@dataclass(frozen=True)
class ExpenditureFilters:
    allocation: int | None = None
    activity: list[str] | None = None
    donor: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


async def rate_exists(currency: str) -> bool:
    if currency == "USD":
        return True
    return bool(await ExchangeRate.exists().where(ExchangeRate.currency == currency))


async def _sum(column: Any, *conditions: Any) -> Decimal:
    """coalesce(sum(column), 0) over the rows meeting every condition."""
    query = column._meta.table.select(Sum(column).as_alias("total"))
    for condition in conditions:
        query = query.where(condition)
    row = await query.first()
    return Decimal(row["total"] or 0) if row else Decimal(0)


class ExchangeRateService(RecordService):
    resource = "exchange rate"
    table = "exchange_rate"
    columns = ("currency", "valid_on", "rate_to_usd", "source")
    sortable = ("currency", "valid_on")
    default_sort = "currency,valid_on"
    code_column = None

    async def filter(self, where: Where, f: ExchangeRateFilters) -> None:
        currencies = [c.upper() for c in split_values(f.currency)]
        await add_codes(where, "t.currency = ANY({})", currencies, None, "currency")
        where.period("t.valid_on", "t.valid_on", f.date_from, f.date_to)


class ContributionService(RecordService):
    resource = "contribution"
    table = "contribution"
    columns = (
        "code",
        "amount",
        "currency",
        "status",
        "pledged_on",
        "received_on",
        "period_from",
        "period_to",
        "cumulative",
        "earmarking",
        "description",
        "sources",
    )
    partial_dates = CONTRIBUTION_DATES
    refs = (
        RefField("donor", "donor_id", R.ORGANIZATION),
        RefField("earmarked_priority_area", "earmarked_priority_area_id", R.PRIORITY_AREA),
        RefField("earmarked_project", "earmarked_project_id", R.PROJECT),
    )
    archivable = True
    search_columns = ("code", "description")
    search_indexed = True
    sortable = ("code", "amount", "pledged_on", "received_on", "dated_on", "status", "currency")
    default_sort = "code"

    async def extras(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        return await queries.by_id(queries.CONTRIBUTION_MONEY, ids)

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        errors: list[FieldError] = []
        if all(record.get(k) is None for k in ("pledged_on", "received_on", "period_from")):
            errors.append(
                FieldError("pledged_on", "give pledged_on, received_on or a period (period_from)")
            )
        if (
            record.get("status") == "received"
            and record.get("received_on") is None
            and record.get("period_from") is None
        ):
            errors.append(
                FieldError("received_on", "is required when status is 'received' (or a period)")
            )
        errors += end_before_start(record, "pledged_on", "received_on")
        errors += end_before_start(record, "period_from", "period_to")
        if record.get("period_to") is not None and record.get("period_from") is None:
            errors.append(FieldError("period_from", "is required with period_to"))
        if record.get("cumulative") and record.get("period_from") is None:
            errors.append(
                FieldError("period_from", "a cumulative figure needs the period it covers")
            )
        if record.get("amount") is not None and not record.get("currency"):
            errors.append(FieldError("currency", "is required with an amount"))
        earmark = record.get("earmarking")
        area, project = record.get("earmarked_priority_area_id"), record.get("earmarked_project_id")
        if earmark == "priority_area" and area is None:
            errors.append(FieldError("earmarked_priority_area", "is required for this earmarking"))
        if earmark == "project" and project is None:
            errors.append(FieldError("earmarked_project", "is required for this earmarking"))
        if earmark != "priority_area" and area is not None:
            errors.append(
                FieldError("earmarked_priority_area", "set earmarking to 'priority_area'")
            )
        if earmark != "project" and project is not None:
            errors.append(FieldError("earmarked_project", "set earmarking to 'project'"))
        donor = record.get("donor_id")
        if donor is not None:
            found = await (
                Organization.select(Organization.roles).where(Organization.id == donor).first()
            )
            if found is not None and "donor" not in found["roles"]:
                errors.append(FieldError("donor", "organization does not have the 'donor' role"))
        # A currency without any exchange rate is accepted: the amount is kept and shown
        # unconverted ("no rate"), and never summed into USD.
        if record_id is not None:
            allocated = await _sum(Allocation.amount, Allocation.contribution_id == record_id)
            amount = record.get("amount")
            if amount is None and allocated > 0:
                errors.append(
                    FieldError("amount", f"cannot be removed: {allocated} is already allocated")
                )
            elif amount is not None and Decimal(amount) < allocated:
                errors.append(
                    FieldError("amount", f"is below the {allocated} already allocated", amount)
                )
        return errors

    async def filter(self, where: Where, f: ContributionFilters) -> None:
        await add_codes(where, "t.donor_id = ANY({})", f.donor, R.ORGANIZATION, "donor")
        currencies = [c.upper() for c in split_values(f.currency)]
        await add_codes(where, "t.currency = ANY({})", currencies, None, "currency")
        await add_codes(where, "t.status = ANY({})", f.status, None, "status")
        await add_codes(where, "t.earmarked_project_id = ANY({})", f.project, R.PROJECT, "project")
        await add_codes(
            where,
            "t.earmarked_priority_area_id = ANY({})",
            f.priority_area,
            R.PRIORITY_AREA,
            "priority_area",
        )
        # Dated by the money's interval: a year or month, or a period ("since 2005": open).
        where.period("t.dated_on", "t.dated_until", f.date_from, f.date_to)


class AllocationService(RecordService):
    resource = "allocation"
    table = "allocation"
    columns = ("amount", "allocated_on", "notes")
    refs = (
        RefField("contribution", "contribution_id", R.CONTRIBUTION),
        RefField("project", "project_id", R.PROJECT),
        RefField("activity", "activity_id", R.ACTIVITY),
    )
    sortable = ("allocated_on", "amount", "id")
    default_sort = "allocated_on"
    code_column = None

    def read_columns(self) -> list[Any]:
        return [*super().read_columns(), Allocation.contribution_id.currency.as_alias("currency")]

    async def extras(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        return await queries.by_id(queries.ALLOCATION_SPENT, ids)

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        errors: list[FieldError] = []
        if (record.get("project_id") is None) == (record.get("activity_id") is None):
            errors.append(FieldError("project", "give exactly one of project or activity"))
        contribution_id = record.get("contribution_id")
        if contribution_id is None or record.get("amount") is None:
            return errors
        # Lock the contribution so that concurrent allocations cannot together exceed it.
        row = await (
            Contribution.select(Contribution.amount)
            .where(Contribution.id == contribution_id)
            .lock_rows("UPDATE")
            .first()
        )
        if row is not None and row["amount"] is None:
            errors.append(
                FieldError(
                    "contribution",
                    "states no amount (support not quantified): give it an amount first",
                )
            )
            return errors
        others = await _sum(
            Allocation.amount,
            Allocation.contribution_id == contribution_id,
            *([Allocation.id != record_id] if record_id is not None else []),
        )
        if row is not None and others + Decimal(record["amount"]) > row["amount"]:
            errors.append(
                FieldError(
                    "amount",
                    f"allocations would total {others + Decimal(record['amount'])},"
                    f" above the contribution's {row['amount']}",
                    str(record["amount"]),
                )
            )
        if record_id is not None:
            spent = await _sum(Expenditure.amount, Expenditure.allocation_id == record_id)
            if Decimal(record["amount"]) < spent:
                errors.append(FieldError("amount", f"is below the {spent} already spent"))
        return errors

    async def filter(self, where: Where, f: AllocationFilters) -> None:
        await add_codes(
            where,
            "t.contribution_id = ANY({})",
            f.contribution,
            R.CONTRIBUTION,
            "contribution",
        )
        await add_codes(
            where,
            "t.contribution_id IN (SELECT id FROM contribution WHERE donor_id = ANY({}))",
            f.donor,
            R.ORGANIZATION,
            "donor",
        )
        await add_codes(where, "t.project_id = ANY({})", f.project, R.PROJECT, "project")
        await add_codes(where, "t.activity_id = ANY({})", f.activity, R.ACTIVITY, "activity")


class ExpenditureService(RecordService):
    resource = "expenditure"
    table = "expenditure"
    columns = ("allocation_id", "amount", "spent_on", "category", "description")
    refs = (RefField("activity", "activity_id", R.ACTIVITY),)
    sortable = ("spent_on", "amount", "id")
    default_sort = "spent_on"
    code_column = None

    def read_columns(self) -> list[Any]:
        currency = Expenditure.allocation_id.contribution_id.currency
        return [*super().read_columns(), currency.as_alias("currency")]

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        allocation_id = record.get("allocation_id")
        allocation = await (
            Allocation.select(Allocation.amount, Allocation.project_id, Allocation.activity_id)
            .where(Allocation.id == allocation_id)
            .lock_rows("UPDATE")
            .first()
        )
        if allocation is None:
            return [FieldError("allocation_id", "unknown allocation", allocation_id)]
        errors: list[FieldError] = []
        others = await _sum(
            Expenditure.amount,
            Expenditure.allocation_id == allocation_id,
            *([Expenditure.id != record_id] if record_id is not None else []),
        )
        amount = Decimal(record.get("amount") or 0)
        if others + amount > allocation["amount"]:
            errors.append(
                FieldError(
                    "amount",
                    f"spending would total {others + amount}, above the allocation's"
                    f" {allocation['amount']}",
                    str(amount),
                )
            )
        activity_id = record.get("activity_id")
        if activity_id is not None:
            if allocation["activity_id"] is not None and activity_id != allocation["activity_id"]:
                errors.append(FieldError("activity", "is not the activity of the allocation"))
            if allocation["project_id"] is not None:
                found = await (
                    Activity.select(Activity.project_id).where(Activity.id == activity_id).first()
                )
                project = found["project_id"] if found else None
                if project != allocation["project_id"]:
                    errors.append(
                        FieldError("activity", "does not belong to the allocation's project")
                    )
        return errors

    async def after_write(self, record_id: int, values: Mapping[str, Any]) -> None:
        # Spending from an activity's allocation is spending on that activity.
        await queries.spent_on_activity(record_id)

    async def filter(self, where: Where, f: ExpenditureFilters) -> None:
        if f.allocation is not None:
            where.add("t.allocation_id = {}", f.allocation)
        await add_codes(where, "t.activity_id = ANY({})", f.activity, R.ACTIVITY, "activity")
        await add_codes(
            where,
            "t.allocation_id IN (SELECT a.id FROM allocation a JOIN contribution c"
            " ON c.id = a.contribution_id WHERE c.donor_id = ANY({}))",
            f.donor,
            R.ORGANIZATION,
            "donor",
        )
        where.period("t.spent_on", "t.spent_on", f.date_from, f.date_to)
