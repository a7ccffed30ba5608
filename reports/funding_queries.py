"""The SQL of the donor funding export: flat rows per contribution, allocation,
expenditure, activity, project and funding need, read as polars frames (see funding.py).

Every query takes the donor id as $1 (NULL: every donor); the queries after the
contributions get each contribution's rate back as arrays ($2..$4), so that usd_rate() is
called once per distinct (currency, date).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ta_manager.activities.service import END, START

MONEY = pl.Decimal(20, 2)
RATE = pl.Decimal(20, 10)

DONOR = "c.archived_at IS NULL AND ($1::bigint IS NULL OR c.donor_id = $1)"
# The rate of each contribution: usd_rate() is called once per distinct (currency, date),
# by the contributions query; the other queries get the result back as arrays ($2..$4).
RATE_OF_CONTRIBUTIONS = f"""
    dated AS (SELECT DISTINCT c.currency, c.dated_on AS on_date
              FROM contribution c WHERE {DONOR} AND c.currency IS NOT NULL),
    pair AS (SELECT dated.currency, dated.on_date, u.rate, u.valid_on
             FROM dated LEFT JOIN LATERAL usd_rate(dated.currency, dated.on_date) u ON true),
    rate AS (SELECT c.id AS contribution_id, pair.rate, pair.valid_on
             FROM contribution c JOIN pair ON pair.currency = c.currency
              AND pair.on_date = c.dated_on
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
           c.earmarking, coalesce(pa.code, p.code, '') AS earmarked_to, c.description,
           concat_ws(' / ', partial_date_text(c.pledged_on, c.pledged_on_precision),
                     partial_date_text(c.received_on, c.received_on_precision)) AS dated,
           c.cumulative,
           CASE WHEN c.period_from IS NOT NULL THEN
               partial_date_text(c.period_from, c.period_from_precision) || ' to '
               || coalesce(partial_date_text(c.period_to, c.period_to_precision), 'now') END
               AS period,
           c.period_from,
           CASE WHEN c.period_to IS NOT NULL
                THEN partial_date_end(c.period_to, c.period_to_precision) END AS period_end,
           c.donor_id, c.earmarked_priority_area_id, c.earmarked_project_id,
           sources_text(c.sources) AS sources
    FROM {RATED}
    LEFT JOIN al ON al.contribution_id = c.id
    LEFT JOIN ex ON ex.contribution_id = c.id
    LEFT JOIN priority_area pa ON pa.id = c.earmarked_priority_area_id
    LEFT JOIN project p ON p.id = c.earmarked_project_id
    WHERE {DONOR}
    ORDER BY o.code, c.dated_on, c.code""",
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
        "dated": pl.String,
        "cumulative": pl.Boolean,
        "period": pl.String,
        "period_from": pl.Date,
        "period_end": pl.Date,
        "donor_id": pl.Int64,
        "earmarked_priority_area_id": pl.Int64,
        "earmarked_project_id": pl.Int64,
        "sources": pl.String,
    },
)
# Columns of the contributions frame only used to apply the rules (not shown).
RULE_ONLY = (
    "contribution_id",
    "period_from",
    "period_end",
    "donor_id",
    "earmarked_priority_area_id",
    "earmarked_project_id",
    "counted",
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
# Donors named on activities and projects: the one donor ($1), or all of them.
NAMED = "($1::bigint IS NULL OR o.id = $1)"

# Activities of the donor: allocated to (directly, or to their project), named as the
# activity's donor, or in a project that names the donor or that its money is earmarked to.
# Amounts are not needed: support stated without an amount still shows what it supported.
ACTIVITIES: tuple[str, dict[str, Any]] = (
    f"""
    WITH {RATE_GIVEN},
    direct AS (
        SELECT al.activity_id, array_agg(DISTINCT o.name) AS donors,
               array_agg(DISTINCT o.code) AS codes,
               sum(round(al.amount * r.rate, 2)) AS allocated_usd
        FROM allocation al JOIN {RATED} ON c.id = al.contribution_id
        WHERE al.activity_id IS NOT NULL AND {DONOR} GROUP BY al.activity_id
    ), by_project AS (
        SELECT al.project_id, array_agg(DISTINCT o.name) AS donors,
               array_agg(DISTINCT o.code) AS codes
        FROM allocation al JOIN {RATED} ON c.id = al.contribution_id
        WHERE al.project_id IS NOT NULL AND {DONOR} GROUP BY al.project_id
    ), named AS (
        SELECT ad.activity_id, array_agg(DISTINCT o.name) AS donors,
               array_agg(DISTINCT o.code) AS codes
        FROM activity_donor ad JOIN organization o ON o.id = ad.organization_id
        WHERE {NAMED} GROUP BY ad.activity_id
    ), named_project AS (
        SELECT x.project_id, array_agg(DISTINCT x.name) AS donors,
               array_agg(DISTINCT x.code) AS codes
        FROM (SELECT pd.project_id, o.name, o.code FROM project_donor pd
                JOIN organization o ON o.id = pd.organization_id WHERE {NAMED}
              UNION SELECT c.earmarked_project_id, o.name, o.code FROM contribution c
                JOIN organization o ON o.id = c.donor_id
               WHERE {DONOR} AND c.earmarked_project_id IS NOT NULL) x
        GROUP BY x.project_id
    ), funded AS MATERIALIZED (
        SELECT a.id FROM activity a
        LEFT JOIN direct ON direct.activity_id = a.id
        LEFT JOIN by_project ON by_project.project_id = a.project_id
        LEFT JOIN named ON named.activity_id = a.id
        LEFT JOIN named_project ON named_project.project_id = a.project_id
        WHERE a.archived_at IS NULL
          AND (direct.activity_id IS NOT NULL OR by_project.project_id IS NOT NULL
               OR named.activity_id IS NOT NULL OR named_project.project_id IS NOT NULL)
    ), states AS (
        -- the beneficiary States of the funded activities only
        SELECT ac.activity_id, string_agg(co.name, ', ' ORDER BY co.name) AS names
        FROM funded JOIN activity_country ac ON ac.activity_id = funded.id
        JOIN country co ON co.id = ac.country_id GROUP BY 1
    )
    SELECT a.code, a.title, ty.name AS type, a.status, {_S} AS starts_on, {_E} AS ends_on,
           activity_dates(a) AS dates,
           concat_ws(', ',
               CASE WHEN direct.activity_id IS NOT NULL THEN 'activity' END,
               CASE WHEN by_project.project_id IS NOT NULL THEN 'project' END,
               CASE WHEN named.activity_id IS NOT NULL THEN 'named on activity' END,
               CASE WHEN named_project.project_id IS NOT NULL THEN 'named on project' END)
               AS via,
           p.code AS project,
           array_to_string(ARRAY(SELECT DISTINCT n FROM unnest(
               coalesce(direct.donors, '{{}}') || coalesce(by_project.donors, '{{}}')
               || coalesce(named.donors, '{{}}') || coalesce(named_project.donors, '{{}}')) n
               ORDER BY n), ', ') AS donors,
           ARRAY(SELECT DISTINCT n FROM unnest(
               coalesce(direct.codes, '{{}}') || coalesce(by_project.codes, '{{}}')
               || coalesce(named.codes, '{{}}') || coalesce(named_project.codes, '{{}}')) n
               ORDER BY n)::text[] AS donor_codes,
           states.names AS beneficiary_states, a.participants_total::bigint,
           a.participants_female::bigint, a.participants_male::bigint,
           coalesce(direct.allocated_usd, 0) AS allocated_usd,
           sources_text(a.sources) AS sources
    FROM funded JOIN activity a ON a.id = funded.id
    JOIN activity_type ty ON ty.id = a.activity_type_id
    LEFT JOIN project p ON p.id = a.project_id
    LEFT JOIN direct ON direct.activity_id = a.id
    LEFT JOIN by_project ON by_project.project_id = a.project_id
    LEFT JOIN named ON named.activity_id = a.id
    LEFT JOIN named_project ON named_project.project_id = a.project_id
    LEFT JOIN states ON states.activity_id = a.id
    ORDER BY starts_on NULLS LAST, a.code""",
    {
        "code": pl.String,
        "title": pl.String,
        "type": pl.String,
        "status": pl.String,
        "starts_on": pl.Date,
        "ends_on": pl.Date,
        "dates": pl.String,
        "via": pl.String,
        "project": pl.String,
        "donors": pl.String,
        "donor_codes": pl.List(pl.String),
        "beneficiary_states": pl.String,
        "participants_total": pl.Int64,
        "participants_female": pl.Int64,
        "participants_male": pl.Int64,
        "allocated_usd": MONEY,
        "sources": pl.String,
    },
)

# Projects of the donor: naming it as a donor, earmarked by or allocated its money.
PROJECTS: tuple[str, dict[str, Any]] = (
    f"""
    WITH {RATE_GIVEN},
    reason AS (
        SELECT pd.project_id, 'named donor' AS how, o.name, o.code, NULL::numeric AS usd
          FROM project_donor pd JOIN organization o ON o.id = pd.organization_id WHERE {NAMED}
        UNION ALL
        SELECT c.earmarked_project_id, 'earmarked contribution', o.name, o.code, NULL
          FROM contribution c JOIN organization o ON o.id = c.donor_id
         WHERE {DONOR} AND c.earmarked_project_id IS NOT NULL
        UNION ALL
        SELECT al.project_id, 'allocation', o.name, o.code, round(al.amount * r.rate, 2)
          FROM allocation al JOIN {RATED} ON c.id = al.contribution_id
         WHERE {DONOR} AND al.project_id IS NOT NULL
    )
    SELECT p.code, p.title, p.status,
           p.starts_on, p.ends_on,
           string_agg(DISTINCT reason.how, ', ') AS how,
           string_agg(DISTINCT reason.name, ', ') AS donors,
           array_agg(DISTINCT reason.code)::text[] AS donor_codes,
           p.budget, p.currency::text AS currency,
           coalesce(sum(reason.usd), 0) AS allocated_usd,
           (SELECT string_agg(co.name, ', ' ORDER BY co.name) FROM project_country pc
              JOIN country co ON co.id = pc.country_id WHERE pc.project_id = p.id) AS countries,
           (SELECT count(*) FROM activity a
             WHERE a.project_id = p.id AND a.archived_at IS NULL) AS activities
    FROM reason JOIN project p ON p.id = reason.project_id
    WHERE p.archived_at IS NULL
    GROUP BY p.id ORDER BY p.code""",
    {
        "code": pl.String,
        "title": pl.String,
        "status": pl.String,
        "starts_on": pl.Date,
        "ends_on": pl.Date,
        "how": pl.String,
        "donors": pl.String,
        "donor_codes": pl.List(pl.String),
        "budget": MONEY,
        "currency": pl.String,
        "allocated_usd": MONEY,
        "countries": pl.String,
        "activities": pl.Int64,
    },
)

# Open funding needs of the export: every one for all donors; for one donor, those of its
# projects ($2) and of the priority areas its contributions are earmarked to ($3).
FUNDING_NEEDS: tuple[str, dict[str, Any]] = (
    """
    SELECT f.code, f.kind, f.title, coalesce(pa.code, '') AS priority_area,
           coalesce(p.code, '') AS project, f.proposal_id AS proposal, f.amount,
           f.currency::text AS currency,
           partial_date_text(f.stated_on, f.stated_on_precision) AS stated,
           sources_text(f.sources) AS sources, f.description
    FROM funding_need f
    LEFT JOIN priority_area pa ON pa.id = f.priority_area_id
    LEFT JOIN project p ON p.id = f.project_id
    WHERE f.archived_at IS NULL AND f.status = 'open'
      AND ($1::bigint IS NULL OR p.code = ANY($2::text[]) OR f.priority_area_id = ANY($3))
    ORDER BY f.code""",
    {
        "code": pl.String,
        "kind": pl.String,
        "title": pl.String,
        "priority_area": pl.String,
        "project": pl.String,
        "proposal": pl.Int64,
        "amount": MONEY,
        "currency": pl.String,
        "stated": pl.String,
        "sources": pl.String,
        "description": pl.String,
    },
)
