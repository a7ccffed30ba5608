"""The IATI organisation file of the reporting organisation: budgets and expenditure by year.

- total-budget per calendar year: every project's budget spread over its years by days
  (as in the activity file), in USD at the rate of each year's first day of the project;
- recipient-country-budget per State and year: the budgets of projects that name their
  beneficiary States, shared evenly between them (the data allows no better);
- total-expenditure per year: all expenditure, in USD at its contribution's rate (the rate
  the funding reports use).
Amounts that cannot be converted (no exchange rate for the currency) are left out and
listed, like unpublishable records in the activity file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import IO, Any

from lxml import etree

from reports.snapshot import snapshot
from ta_manager.database import sql
from ta_manager.iati import mapping as M
from ta_manager.iati.exporter import ExportResult, LeftOut, Progress
from ta_manager.iati.publisher import Publisher, publisher
from ta_manager.iati.validator import schema

CURRENCY = "USD"

PROJECT_BUDGETS = """
SELECT p.code, p.budget, p.currency::text AS currency, p.starts_on, p.ends_on,
       ARRAY(SELECT co.iso2::text FROM project_country pc JOIN country co
             ON co.id = pc.country_id WHERE pc.project_id = p.id ORDER BY 1) AS countries
FROM project p
WHERE p.archived_at IS NULL AND p.budget IS NOT NULL AND p.starts_on IS NOT NULL
  AND p.ends_on IS NOT NULL
ORDER BY p.code
"""

EXPENDITURE_BY_YEAR = """
WITH rated AS (
    SELECT c.id, u.rate FROM contribution c
    LEFT JOIN LATERAL usd_rate(c.currency, c.dated_on) u ON true
)
SELECT extract(year FROM e.spent_on)::int AS year,
       sum(round(e.amount * r.rate, 2)) AS usd,
       array_agg(DISTINCT c.code) FILTER (WHERE r.rate IS NULL) AS unrated
FROM expenditure e JOIN allocation a ON a.id = e.allocation_id
JOIN contribution c ON c.id = a.contribution_id JOIN rated r ON r.id = c.id
WHERE c.archived_at IS NULL
GROUP BY 1 ORDER BY 1
"""


async def _rate(currency: str, on: dt.date, cache: dict[tuple[str, dt.date], Any]) -> Any:
    key = (currency, on)
    if key not in cache:
        cache[key] = await sql.fetchval("SELECT rate FROM usd_rate($1, $2)", currency, on)
    return cache[key]


def _period(parent: Any, start: dt.date, end: dt.date, value: Decimal) -> None:
    etree.SubElement(parent, "period-start", {"iso-date": start.isoformat()})
    etree.SubElement(parent, "period-end", {"iso-date": end.isoformat()})
    v = etree.SubElement(parent, "value", {"currency": CURRENCY, "value-date": start.isoformat()})
    v.text = f"{value.quantize(M.CENT):f}"


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


async def organisation_element(pub: Publisher, result: ExportResult, as_of: dt.datetime) -> Any:
    budgets: dict[int, Decimal] = defaultdict(Decimal)
    by_country: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    rates: dict[tuple[str, dt.date], Any] = {}
    for row in await sql.fetch(PROJECT_BUDGETS):
        parts = M.split_by_year(row["budget"], row["starts_on"], row["ends_on"])
        converted: list[tuple[int, Decimal]] = []
        for start, _, value in parts:
            rate = await _rate(row["currency"], start, rates)
            if rate is None:
                result.left_out.append(
                    LeftOut(
                        "project",
                        row["code"],
                        "",
                        "currency",
                        f"no exchange rate for {row['currency']}: budget not in the totals",
                    )
                )
                converted = []
                break
            converted.append((start.year, (value * rate).quantize(M.CENT)))
        for year, usd in converted:
            budgets[year] += usd
            for code, share in zip(
                row["countries"], M.even_shares(len(row["countries"])), strict=True
            ):
                by_country[(code, year)] += (usd * share / M.HUNDRED).quantize(M.CENT)
        result.published += bool(converted)
    attrib = {
        "last-updated-datetime": as_of.replace(microsecond=0).isoformat(),
        M.XML_LANG: pub.lang,
        "default-currency": CURRENCY,
    }
    org = etree.Element("iati-organisation", attrib)
    etree.SubElement(org, "organisation-identifier").text = pub.org.ref
    etree.SubElement(etree.SubElement(org, "name"), "narrative").text = pub.org.name
    reporting = etree.SubElement(
        org, "reporting-org", {"ref": pub.org.ref, "type": str(pub.org.type)}
    )
    etree.SubElement(reporting, "narrative").text = pub.org.name
    for year in sorted(budgets):
        _period(etree.SubElement(org, "total-budget", {"status": "1"}), *_year(year), budgets[year])
    for (code, year), value in sorted(by_country.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        budget = etree.SubElement(org, "recipient-country-budget", {"status": "1"})
        etree.SubElement(budget, "recipient-country", {"code": code})
        _period(budget, *_year(year), value)
    for row in await sql.fetch(EXPENDITURE_BY_YEAR):
        for code in row["unrated"] or []:
            result.left_out.append(
                LeftOut(
                    "contribution",
                    code,
                    "",
                    "currency",
                    "no exchange rate for its currency: its expenditure is not in the totals",
                )
            )
        if row["usd"] is not None:
            _period(etree.SubElement(org, "total-expenditure"), *_year(row["year"]), row["usd"])
    return org


async def export_organisation(out: IO[bytes], progress: Progress | None = None) -> ExportResult:
    """Write the organisation file into `out`; `published` counts the projects in the budgets."""
    pub = await publisher()
    result = ExportResult()
    if progress:
        progress("organisation", 0, 1)
    async with snapshot() as as_of:
        element = await organisation_element(pub, result, as_of)
    xsd = schema("iati-organisations")
    if not xsd.validate(element):
        raise ValueError(f"organisation file fails the schema: {xsd.error_log.last_error}")
    stamp = as_of.replace(microsecond=0).isoformat()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-organisations version="{M.VERSION}" generated-datetime="{stamp}">\n'.encode()
    )
    out.write(etree.tostring(element, encoding="UTF-8", pretty_print=True))
    out.write(b"</iati-organisations>\n")
    if progress:
        progress("organisation", 1, 1)
    return result
