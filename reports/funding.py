"""Donor funding export: contributions, allocations, expenditure, balance, what it funded.

`donor` is a plain argument (an organization code or id, or None for every donor), so the
access layer can force a donor user's own organization. Money stays exact: amounts and
their USD equivalents are NUMERIC computed in SQL and read as Decimal. Every USD equivalent
of a contribution's money (allocated, spent, balance) uses that contribution's rate: the
rate of its date (received, else pledged), from SQL usd_rate(currency, date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from reports.frames import frame
from reports.snapshot import snapshot
from ta_manager.activities.service import END, START
from ta_manager.database import sql
from ta_manager.errors import NotFound
from ta_manager.records import references as R

MONEY = pl.Decimal(20, 2)
RATE = pl.Decimal(20, 10)
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


DONOR = "c.archived_at IS NULL AND ($1::bigint IS NULL OR c.donor_id = $1)"
# The rate of each contribution: usd_rate() is called once per distinct (currency, date),
# by the contributions query; the other queries get the result back as arrays ($2..$4).
RATE_OF_CONTRIBUTIONS = f"""
    dated AS (SELECT DISTINCT c.currency, coalesce(c.received_on, c.pledged_on) AS on_date
              FROM contribution c WHERE {DONOR}),
    pair AS (SELECT dated.currency, dated.on_date, u.rate, u.valid_on
             FROM dated LEFT JOIN LATERAL usd_rate(dated.currency, dated.on_date) u ON true),
    rate AS (SELECT c.id AS contribution_id, pair.rate, pair.valid_on
             FROM contribution c JOIN pair ON pair.currency = c.currency
              AND pair.on_date = coalesce(c.received_on, c.pledged_on)
             WHERE {DONOR})
"""
RATE_GIVEN = """
    rate AS (SELECT * FROM unnest($2::bigint[], $3::numeric[], $4::date[])
             AS r(contribution_id, rate, valid_on))
"""
RATED = """
    contribution c
    JOIN organization o ON o.id = c.donor_id
    LEFT JOIN rate r ON r.contribution_id = c.id
"""

CONTRIBUTIONS: tuple[str, dict[str, Any]] = (
    f"""
    WITH {RATE_OF_CONTRIBUTIONS},
         al AS (SELECT contribution_id, sum(amount) AS allocated FROM allocation GROUP BY 1),
         ex AS (SELECT a.contribution_id, sum(e.amount) AS spent FROM expenditure e
                JOIN allocation a ON a.id = e.allocation_id GROUP BY 1)
    SELECT c.id AS contribution_id, c.code, o.code AS donor, o.name AS donor_name, c.status,
           c.pledged_on, c.received_on,
           c.currency::text AS currency, c.amount AS pledged,
           CASE WHEN c.status = 'received' THEN c.amount ELSE 0 END AS received,
           coalesce(al.allocated, 0) AS allocated, coalesce(ex.spent, 0) AS spent,
           CASE WHEN c.status = 'received' THEN c.amount ELSE 0 END - coalesce(ex.spent, 0)
               AS balance,
           r.rate, r.valid_on AS rate_date,
           round(c.amount * r.rate, 2) AS pledged_usd,
           round(CASE WHEN c.status = 'received' THEN c.amount ELSE 0 END * r.rate, 2)
               AS received_usd,
           round(coalesce(al.allocated, 0) * r.rate, 2) AS allocated_usd,
           round(coalesce(ex.spent, 0) * r.rate, 2) AS spent_usd,
           round((CASE WHEN c.status = 'received' THEN c.amount ELSE 0 END
                  - coalesce(ex.spent, 0)) * r.rate, 2) AS balance_usd,
           c.earmarking, coalesce(pa.code, p.code, '') AS earmarked_to, c.description
    FROM {RATED}
    LEFT JOIN al ON al.contribution_id = c.id
    LEFT JOIN ex ON ex.contribution_id = c.id
    LEFT JOIN priority_area pa ON pa.id = c.earmarked_priority_area_id
    LEFT JOIN project p ON p.id = c.earmarked_project_id
    WHERE {DONOR}
    ORDER BY o.code, coalesce(c.received_on, c.pledged_on), c.code""",
    {
        "contribution_id": pl.Int64,
        "code": pl.String,
        "donor": pl.String,
        "donor_name": pl.String,
        "status": pl.String,
        "pledged_on": pl.Date,
        "received_on": pl.Date,
        "currency": pl.String,
        "pledged": MONEY,
        "received": MONEY,
        "allocated": MONEY,
        "spent": MONEY,
        "balance": MONEY,
        "rate": RATE,
        "rate_date": pl.Date,
        "pledged_usd": MONEY,
        "received_usd": MONEY,
        "allocated_usd": MONEY,
        "spent_usd": MONEY,
        "balance_usd": MONEY,
        "earmarking": pl.String,
        "earmarked_to": pl.String,
        "description": pl.String,
    },
)

ALLOCATIONS: tuple[str, dict[str, Any]] = (
    f"""
    WITH {RATE_GIVEN}
    SELECT al.id AS allocation_id, c.code AS contribution, o.code AS donor, al.allocated_on,
           CASE WHEN al.project_id IS NOT NULL THEN 'project' ELSE 'activity' END AS to_kind,
           coalesce(p.code, a.code) AS to_code, coalesce(p.title, a.title) AS to_title,
           c.currency::text AS currency, al.amount,
           coalesce((SELECT sum(e.amount) FROM expenditure e WHERE e.allocation_id = al.id), 0)
               AS spent,
           r.rate, r.valid_on AS rate_date, round(al.amount * r.rate, 2) AS amount_usd,
           al.notes
    FROM allocation al JOIN {RATED} ON c.id = al.contribution_id
    LEFT JOIN project p ON p.id = al.project_id
    LEFT JOIN activity a ON a.id = al.activity_id
    WHERE {DONOR}
    ORDER BY o.code, c.code, al.allocated_on, al.id""",
    {
        "allocation_id": pl.Int64,
        "contribution": pl.String,
        "donor": pl.String,
        "allocated_on": pl.Date,
        "to_kind": pl.String,
        "to_code": pl.String,
        "to_title": pl.String,
        "currency": pl.String,
        "amount": MONEY,
        "spent": MONEY,
        "rate": RATE,
        "rate_date": pl.Date,
        "amount_usd": MONEY,
        "notes": pl.String,
    },
)

EXPENDITURE: tuple[str, dict[str, Any]] = (
    f"""
    WITH {RATE_GIVEN}
    SELECT e.id AS expenditure_id, al.id AS allocation_id, c.code AS contribution,
           o.code AS donor, e.spent_on, a.code AS activity, e.category, e.description,
           c.currency::text AS currency, e.amount, r.rate, r.valid_on AS rate_date,
           round(e.amount * r.rate, 2) AS amount_usd
    FROM expenditure e JOIN allocation al ON al.id = e.allocation_id
    JOIN {RATED} ON c.id = al.contribution_id
    LEFT JOIN activity a ON a.id = e.activity_id
    WHERE {DONOR}
    ORDER BY o.code, c.code, e.spent_on, e.id""",
    {
        "expenditure_id": pl.Int64,
        "allocation_id": pl.Int64,
        "contribution": pl.String,
        "donor": pl.String,
        "spent_on": pl.Date,
        "activity": pl.String,
        "category": pl.String,
        "description": pl.String,
        "currency": pl.String,
        "amount": MONEY,
        "rate": RATE,
        "rate_date": pl.Date,
        "amount_usd": MONEY,
    },
)

_S, _E = START.replace("t.", "a."), END.replace("t.", "a.")
# Activities the donor's money reached: allocated to the activity itself, or to its project.
ACTIVITIES: tuple[str, dict[str, Any]] = (
    f"""
    WITH {RATE_GIVEN},
    direct AS (
        SELECT al.activity_id, string_agg(DISTINCT o.name, ', ') AS donors,
               sum(round(al.amount * r.rate, 2)) AS allocated_usd
        FROM allocation al JOIN {RATED} ON c.id = al.contribution_id
        WHERE al.activity_id IS NOT NULL AND {DONOR} GROUP BY al.activity_id
    ), by_project AS (
        SELECT al.project_id, string_agg(DISTINCT o.name, ', ') AS donors
        FROM allocation al JOIN {RATED} ON c.id = al.contribution_id
        WHERE al.project_id IS NOT NULL AND {DONOR} GROUP BY al.project_id
    ), states AS (
        SELECT ac.activity_id, string_agg(co.name, ', ' ORDER BY co.name) AS names
        FROM activity_country ac JOIN country co ON co.id = ac.country_id GROUP BY 1
    )
    SELECT a.code, a.title, ty.name AS type, a.status, {_S} AS starts_on, {_E} AS ends_on,
           CASE WHEN direct.activity_id IS NOT NULL THEN 'activity' ELSE 'project' END AS via,
           p.code AS project, coalesce(direct.donors, by_project.donors) AS donors,
           states.names AS beneficiary_states, a.participants_total::bigint,
           a.participants_female::bigint, a.participants_male::bigint,
           coalesce(direct.allocated_usd, 0) AS allocated_usd
    FROM activity a
    JOIN activity_type ty ON ty.id = a.activity_type_id
    LEFT JOIN project p ON p.id = a.project_id
    LEFT JOIN direct ON direct.activity_id = a.id
    LEFT JOIN by_project ON by_project.project_id = a.project_id
    LEFT JOIN states ON states.activity_id = a.id
    WHERE a.archived_at IS NULL
      AND (direct.activity_id IS NOT NULL OR by_project.project_id IS NOT NULL)
    ORDER BY starts_on NULLS LAST, a.code""",
    {
        "code": pl.String,
        "title": pl.String,
        "type": pl.String,
        "status": pl.String,
        "starts_on": pl.Date,
        "ends_on": pl.Date,
        "via": pl.String,
        "project": pl.String,
        "donors": pl.String,
        "beneficiary_states": pl.String,
        "participants_total": pl.Int64,
        "participants_female": pl.Int64,
        "participants_male": pl.Int64,
        "allocated_usd": MONEY,
    },
)


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


async def donor_scope_of(account: Any, donor: str | None) -> str | int | None:
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


def _totals(contributions: pl.DataFrame) -> pl.DataFrame:
    return (
        contributions.group_by("donor", "donor_name")
        .agg(pl.len().alias("contributions"), *[pl.col(c).sum() for c in USD_COLUMNS])
        .sort("donor")
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
    label = f"{found['code']} ({found['name']})" if found else "all donors"
    return Funding(
        filters={"donor": label},
        as_of=as_of,
        donor=found,
        contributions=contributions,
        allocations=allocations,
        expenditure=expenditure,
        activities=activities,
        totals=_totals(contributions),
    )


def grand_total(f: Funding) -> dict[str, Decimal]:
    return {c: Decimal(f.contributions[c].sum() or 0) for c in USD_COLUMNS}
