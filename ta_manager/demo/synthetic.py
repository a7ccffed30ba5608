"""Deterministic synthetic data at scale (`ta-manager demo --scale N --seed S`).

For N activities: N/10 needs, 3 beneficiary States and 2 partners per activity, N/2
contributions with one allocation and one expenditure each, N/100 projects. Rows go in
with COPY, generated lazily so memory stays flat; every table written is analysed at the
end (ta_manager.database.statistics), so the first report after a load is planned on the
new row counts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ta_manager.database import sql
from ta_manager.database.statistics import analyze, analyze_never_analysed

CURRENCIES = ("USD", "EUR", "GBP", "NOK", "CAD", "SEK")
BASE_RATE = {"EUR": 1.35, "GBP": 1.7, "NOK": 0.17, "CAD": 0.95, "SEK": 0.15}
STATUSES = ("planned", "approved", "ongoing", "completed", "completed", "completed", "cancelled")
SCOPES = ("national", "national", "regional", "interregional", "global")
NEED_STATUSES = ("open", "open", "in_progress", "met", "withdrawn")
FIRST_DAY = dt.date(2005, 1, 1)
SPAN_DAYS = 365 * 8


async def _ids(query: str) -> list[int]:
    return [r[0] for r in await sql.fetch(query)]


async def _next_id(table: str) -> int:
    return int(await sql.fetchval(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))


async def _copy(table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
    await sql.copy_records(table, columns, rows)


async def _sync_identity(tables: list[str]) -> None:
    for table in tables:
        await sql.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 1) FROM {table}))"
        )


async def generate(scale: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    prefix = f"S{seed}"
    n_needs = max(1, scale // 10)
    n_projects = max(1, scale // 100)
    n_contributions = max(1, scale // 2)

    written: list[str] = []  # every table written, analysed at the end

    async def copy(table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
        written.append(table)
        await _copy(table, columns, rows)

    async with sql.transaction():
        countries = await _ids("SELECT id FROM country WHERE un_member ORDER BY id")
        instruments = await _ids("SELECT id FROM instrument ORDER BY id")
        activity_types = await _ids("SELECT id FROM activity_type ORDER BY id")
        types_by_area: dict[int, list[int]] = {}
        for r in await sql.fetch(
            "SELECT priority_area_id, id FROM assistance_type ORDER BY priority_area_id, id"
        ):
            types_by_area.setdefault(r[0], []).append(r[1])
        areas = sorted(types_by_area)

        # Organizations: donors and partners.
        org0 = await _next_id("organization")
        donors = list(range(org0, org0 + 40))
        partners = list(range(org0 + 40, org0 + 140))
        await copy(
            "organization",
            ("id", "code", "name", "roles"),
            (
                (
                    i,
                    f"{prefix}-ORG-{i - org0}",
                    f"Synthetic organization {i - org0}",
                    ["donor"] if i - org0 < 40 else ["partner"],
                )
                for i in range(org0, org0 + 140)
            ),
        )

        # Projects.
        proj0 = await _next_id("project")
        projects = list(range(proj0, proj0 + n_projects))

        def project_rows() -> Iterator[tuple[Any, ...]]:
            for i in projects:
                start = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS - 730))
                yield (
                    i,
                    f"{prefix}-P-{i - proj0}",
                    f"Synthetic project {i - proj0}",
                    start,
                    start + dt.timedelta(days=rng.randrange(365, 1460)),
                    Decimal(rng.randrange(100_000, 5_000_000)),
                    "USD",
                )

        await copy(
            "project",
            ("id", "code", "title", "starts_on", "ends_on", "budget", "currency"),
            project_rows(),
        )

        # Needs.
        need0 = await _next_id("assistance_request")
        need_area: dict[int, tuple[int, int, int]] = {}

        def need_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(need0, need0 + n_needs):
                area = rng.choice(areas)
                atype = rng.choice(types_by_area[area])
                country = rng.choice(countries)
                need_area[i] = (area, atype, country)
                yield (
                    i,
                    f"{prefix}-N-{i - need0}",
                    country,
                    area,
                    atype,
                    FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS)),
                    rng.choice(NEED_STATUSES),
                    "Synthetic need",
                )

        await copy(
            "assistance_request",
            (
                "id",
                "code",
                "country_id",
                "priority_area_id",
                "assistance_type_id",
                "stated_on",
                "status",
                "description",
            ),
            need_rows(),
        )
        await copy(
            "assistance_request_instrument",
            ("assistance_request_id", "instrument_id"),
            ((i, rng.choice(instruments)) for i in range(need0, need0 + n_needs)),
        )

        # Activities and their links.
        act0 = await _next_id("activity")
        links: dict[str, list[tuple[int, int]]] = {
            "activity_country": [],
            "activity_partner": [],
            "activity_priority_area": [],
            "activity_assistance_type": [],
            "activity_instrument": [],
            "activity_need": [],
        }

        def activity_rows() -> Iterator[tuple[Any, ...]]:
            need_ids = list(need_area)
            for i in range(act0, act0 + scale):
                start = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
                end = start + dt.timedelta(days=rng.randrange(0, 5))
                status = rng.choice(STATUSES)
                done = status == "completed"
                total = rng.randrange(5, 80)
                female = rng.randrange(0, total + 1)
                male = total - female
                cost = Decimal(rng.randrange(2_000, 250_000))
                if rng.random() < 0.3 and need_ids:
                    need = rng.choice(need_ids)
                    area, atype, country = need_area[need]
                    links["activity_need"].append((i, need))
                    states = {country, *rng.sample(countries, 2)}
                else:
                    area = rng.choice(areas)
                    atype = rng.choice(types_by_area[area])
                    states = set(rng.sample(countries, 3))
                links["activity_country"] += [(i, c) for c in states]
                links["activity_partner"] += [(i, p) for p in rng.sample(partners, 2)]
                links["activity_priority_area"].append((i, area))
                links["activity_assistance_type"].append((i, atype))
                links["activity_instrument"].append((i, rng.choice(instruments)))
                yield (
                    i,
                    f"{prefix}-A-{i - act0}",
                    f"Synthetic activity {i - act0}",
                    rng.choice(activity_types),
                    status,
                    start,
                    end,
                    start if done else None,
                    end if done else None,
                    rng.choice(SCOPES),
                    rng.choice(projects),
                    total if done else None,
                    female if done else None,
                    male if done else None,
                    cost,
                    cost if done else None,
                )

        await copy(
            "activity",
            (
                "id",
                "code",
                "title",
                "activity_type_id",
                "status",
                "planned_start",
                "planned_end",
                "actual_start",
                "actual_end",
                "scope",
                "project_id",
                "participants_total",
                "participants_female",
                "participants_male",
                "planned_cost",
                "actual_cost",
            ),
            activity_rows(),
        )
        link_columns = {
            "activity_country": "country_id",
            "activity_partner": "organization_id",
            "activity_priority_area": "priority_area_id",
            "activity_assistance_type": "assistance_type_id",
            "activity_instrument": "instrument_id",
            "activity_need": "assistance_request_id",
        }
        for table, rows in links.items():
            await copy(table, ("activity_id", link_columns[table]), iter(rows))

        # Exchange rates (monthly), contributions, allocations, expenditure.
        await copy(
            "exchange_rate",
            ("currency", "valid_on", "rate_to_usd", "source"),
            (
                (
                    cur,
                    dt.date(y, m, 1),
                    Decimal(str(round(base * rng.uniform(0.9, 1.1), 6))),
                    "synthetic",
                )
                for cur, base in BASE_RATE.items()
                for y in range(2004, 2014)
                for m in range(1, 13)
            ),
        )
        con0, alloc0 = await _next_id("contribution"), await _next_id("allocation")
        allocations: list[tuple[Any, ...]] = []
        expenditures: list[tuple[Any, ...]] = []

        def contribution_rows() -> Iterator[tuple[Any, ...]]:
            for k in range(n_contributions):
                i = con0 + k
                pledged = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
                received = rng.random() < 0.7
                amount = Decimal(rng.randrange(10_000, 2_000_000))
                allocated = (amount * Decimal(rng.randrange(20, 100)) / 100).quantize(Decimal("1"))
                spent = (allocated * Decimal(rng.randrange(0, 100)) / 100).quantize(Decimal("1"))
                alloc_id = alloc0 + k
                allocations.append((alloc_id, i, rng.choice(projects), allocated, pledged))
                expenditures.append((alloc_id, spent, pledged + dt.timedelta(days=90), "travel"))
                yield (
                    i,
                    f"{prefix}-C-{k}",
                    rng.choice(donors),
                    amount,
                    rng.choice(CURRENCIES),
                    "received" if received else "pledged",
                    pledged,
                    pledged + dt.timedelta(days=30) if received else None,
                )

        await copy(
            "contribution",
            ("id", "code", "donor_id", "amount", "currency", "status", "pledged_on", "received_on"),
            contribution_rows(),
        )
        await copy(
            "allocation",
            ("id", "contribution_id", "project_id", "amount", "allocated_on"),
            iter(allocations),
        )
        await copy(
            "expenditure", ("allocation_id", "amount", "spent_on", "category"), iter(expenditures)
        )
        await _sync_identity(
            [
                "organization",
                "project",
                "assistance_request",
                "activity",
                "contribution",
                "allocation",
                "expenditure",
                "exchange_rate",
                *links,
            ]
        )
        await analyze(written)
        await analyze_never_analysed()
    return {
        "activities": scale,
        "needs": n_needs,
        "activity-State links": len(links["activity_country"]),
        "contributions": n_contributions,
        "projects": n_projects,
    }
