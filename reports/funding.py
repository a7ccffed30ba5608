"""Donor funding export: contributions, allocations, expenditure, balance, what it funded.

`donor` is a plain argument (an organization code or id, or None for every donor), so the
access layer can force a donor user's own organization. Money stays exact: amounts and
their USD equivalents are NUMERIC computed in SQL and read as Decimal. Every USD equivalent
of a contribution's money (allocated, spent, balance) uses that contribution's rate: the
rate of its date (received, else pledged, else the start of its period), from SQL
usd_rate(currency, date).

Funding as documents state it: a contribution with no amount ("with financial support
from Canada") is listed, "not quantified", and adds nothing; an amount in a currency with
no exchange rate is listed unconverted, "no rate", and never summed into USD; of
overlapping cumulative figures only one is counted (ta_manager/funding/cumulative.py).
The donor's projects and activities are listed even when no amount reached them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from reports.frames import frame
from reports.funding_queries import (
    ACTIVITIES,
    ALLOCATIONS,
    CONTRIBUTIONS,
    EXPENDITURE,
    FUNDING_NEEDS,
    PROJECTS,
    RULE_ONLY,
)
from reports.snapshot import snapshot
from ta_manager.database import sql
from ta_manager.errors import NotFound
from ta_manager.funding.cumulative import Figure, superseded
from ta_manager.records import references as R

USD_COLUMNS = ("pledged_usd", "received_usd", "allocated_usd", "spent_usd", "balance_usd")


@dataclass
class Funding:
    filters: dict[str, str]
    as_of: dt.datetime
    donor: dict[str, Any] | None
    contributions: pl.DataFrame
    allocations: pl.DataFrame
    expenditure: pl.DataFrame
    activities: pl.DataFrame
    totals: pl.DataFrame  # one row per donor
    projects: pl.DataFrame = field(default_factory=pl.DataFrame)
    funding_needs: pl.DataFrame = field(default_factory=pl.DataFrame)


async def find_donor(donor: str | int) -> dict[str, Any]:
    """The organization a donor code or id names; NotFound (404) when there is none."""
    text = str(donor).strip()
    if text.isdigit():
        row = await sql.fetchrow("SELECT id, code, name FROM organization WHERE id = $1", int(text))
    else:
        found = await R.ORGANIZATION.lookup([R.ORGANIZATION.normalise(text)])
        row = (
            await sql.fetchrow(
                "SELECT id, code, name FROM organization WHERE id = $1", next(iter(found.values()))
            )
            if found
            else None
        )
    if row is None:
        raise NotFound("donor", repr(text))
    return dict(row)


async def donor_scope_of(account: Any, donor: str | int | None) -> str | int | None:
    """The donor whose money `account` may see: a donor user always gets its own
    organization (asking for another answers 404, as if it did not exist); staff get the
    donor asked for, or every donor (None)."""
    if getattr(account, "role", None) != "donor":
        return donor
    own: int | None = getattr(account, "donor_id", None)
    if own is None:
        raise NotFound("donor", "of this account")
    if donor is not None and (await find_donor(donor))["id"] != own:
        raise NotFound("donor", repr(donor))
    return own


def _with_rules(contributions: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Each contribution's `counted` flag and `note`: not quantified, no rate, cumulative,
    superseded by another cumulative figure."""
    figures = [
        Figure(
            r["contribution_id"],
            r["code"],
            (
                r["donor_id"],
                r["earmarking"],
                r["earmarked_priority_area_id"],
                r["earmarked_project_id"],
            ),
            r["period_from"],
            r["period_end"],
            r["pledged"],
        )
        for r in contributions.filter(pl.col("cumulative")).iter_rows(named=True)
    ]
    gone = superseded(figures, today)
    ids = list(gone)
    by = pl.DataFrame(
        {"contribution_id": ids, "superseded_by": [gone[i] for i in ids]},
        schema={"contribution_id": pl.Int64, "superseded_by": pl.String},
    )
    marked = contributions.join(by, on="contribution_id", how="left", maintain_order="left")
    note = pl.concat_str(
        pl.when(pl.col("pledged").is_null()).then(pl.lit("not quantified")),
        pl.when(pl.col("pledged").is_not_null() & pl.col("rate").is_null()).then(pl.lit("no rate")),
        pl.when(pl.col("cumulative")).then(pl.lit("cumulative ") + pl.col("period")),
        pl.when(pl.col("superseded_by").is_not_null()).then(
            pl.lit("superseded by ") + pl.col("superseded_by") + pl.lit(": not in totals")
        ),
        separator="; ",
        ignore_nulls=True,
    )
    return marked.with_columns(
        pl.col("superseded_by").is_null().alias("counted"), note.fill_null("").alias("note")
    ).drop("superseded_by")


UNCONVERTED = pl.format("{} {}", "currency", pl.col("pledged").cast(pl.String))


def _totals(
    contributions: pl.DataFrame,
    projects: pl.DataFrame,
    activities: pl.DataFrame,
    donors: pl.DataFrame,
) -> pl.DataFrame:
    """Per donor: contributions, USD figures of the counted ones (never unconverted
    amounts or superseded cumulative figures), what stayed out, projects and activities."""
    counted = contributions.filter(pl.col("counted"))
    money = counted.group_by("donor").agg(*[pl.col(c).sum() for c in USD_COLUMNS])
    listed = contributions.group_by("donor").agg(
        pl.len().alias("contributions"),
        pl.col("pledged").is_null().sum().alias("not_quantified"),
        (~pl.col("counted")).sum().alias("superseded"),
    )
    unconverted = (
        counted.filter(pl.col("pledged").is_not_null() & pl.col("rate").is_null())
        .group_by("donor")
        .agg(UNCONVERTED.sort().str.join(", ").alias("no_rate"))
    )

    def per_donor(df: pl.DataFrame, name: str) -> pl.DataFrame:
        exploded = df.select(pl.col("donor_codes").alias("donor")).explode("donor")
        return exploded.drop_nulls().group_by("donor").agg(pl.len().alias(name))

    out = donors
    for part in (
        listed,
        money,
        unconverted,
        per_donor(projects, "projects"),
        per_donor(activities, "activities"),
    ):
        out = out.join(part, on="donor", how="left")
    out = out.with_columns(
        pl.col("contributions", "not_quantified", "superseded", "projects", "activities")
        .fill_null(0)
        .cast(pl.Int64),
        pl.col("no_rate").fill_null(""),
    )
    has_any = pl.sum_horizontal("contributions", "projects", "activities") > 0
    return (
        out.filter(has_any)
        .select(
            "donor",
            "donor_name",
            "contributions",
            *USD_COLUMNS,
            "not_quantified",
            "no_rate",
            "superseded",
            "projects",
            "activities",
        )
        .sort("donor")
    )


async def _donors(donor_id: int | None) -> pl.DataFrame:
    return await frame(
        "SELECT code AS donor, name AS donor_name FROM organization"
        " WHERE ($1::bigint IS NULL AND 'donor' = ANY(roles)) OR id = $1 ORDER BY code",
        [donor_id],
        {"donor": pl.String, "donor_name": pl.String},
    )


async def build_funding(donor: str | int | None, with_activities: bool = True) -> Funding:
    """The export for one donor (code or id), or for every donor when `donor` is None.

    `with_activities=False` skips the activities funded (the CSV ledger has none)."""
    async with snapshot() as as_of:
        found = await find_donor(donor) if donor is not None else None
        donor_id = found["id"] if found else None
        contributions = await frame(CONTRIBUTIONS[0], [donor_id], CONTRIBUTIONS[1])
        rates = [
            donor_id,
            contributions["contribution_id"].to_list(),
            contributions["rate"].to_list(),
            contributions["rate_date"].to_list(),
        ]
        allocations = await frame(ALLOCATIONS[0], rates, ALLOCATIONS[1])
        expenditure = await frame(EXPENDITURE[0], rates, EXPENDITURE[1])
        activities = (
            await frame(ACTIVITIES[0], rates, ACTIVITIES[1])
            if with_activities
            else pl.DataFrame(schema=ACTIVITIES[1])
        )
        projects = await frame(PROJECTS[0], rates, PROJECTS[1])
        areas = contributions["earmarked_priority_area_id"].drop_nulls().unique().to_list()
        needs = await frame(
            FUNDING_NEEDS[0], [donor_id, projects["code"].to_list(), areas], FUNDING_NEEDS[1]
        )
        donors = await _donors(donor_id)
        today = await sql.fetchval("SELECT current_date")
    contributions = _with_rules(contributions, today)
    label = f"{found['code']} ({found['name']})" if found else "all donors"
    return Funding(
        filters={"donor": label},
        as_of=as_of,
        donor=found,
        contributions=contributions,
        allocations=allocations,
        expenditure=expenditure,
        activities=activities,
        totals=_totals(contributions, projects, activities, donors),
        projects=projects,
        funding_needs=needs,
    )


def grand_total(f: Funding) -> dict[str, Decimal]:
    """USD totals of every counted contribution (see _totals)."""
    counted = f.contributions.filter(pl.col("counted"))
    return {c: Decimal(counted[c].sum() or 0) for c in USD_COLUMNS}


__all__ = ["RULE_ONLY", "Funding", "build_funding", "find_donor", "grand_total"]
