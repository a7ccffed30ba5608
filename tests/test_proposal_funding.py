"""Secured funding and the gap, per priority area and year, in the proposal's currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from ta_manager.database import sql

D = Decimal
BASE = "/api/v1/proposals"


async def money_setup() -> None:
    await sql.execute(
        "INSERT INTO exchange_rate (currency, valid_on, rate_to_usd) VALUES"
        " ('EUR', '2009-01-01', 1.40), ('EUR', '2010-01-01', 1.25), ('NOK', '2009-01-01', 0.15)"
    )
    await sql.execute(
        "INSERT INTO organization (code, name, roles) VALUES ('NOR', 'Norway', '{donor}'),"
        " ('EC', 'European Commission', '{donor}')"
    )
    await sql.execute(
        "INSERT INTO project (code, title) VALUES ('GLOT59', 'Global legal advisory programme')"
    )
    await sql.execute(
        "INSERT INTO project_priority_area (project_id, priority_area_id)"
        " SELECT p.id, a.id FROM project p, priority_area a WHERE a.code IN ('PA2', 'PA3')"
    )


async def contribution(code: str, amount: str, currency: str, on: str, area: str | None) -> int:
    return int(
        await sql.fetchval(
            "INSERT INTO contribution (code, donor_id, amount, currency, pledged_on, earmarking,"
            " earmarked_priority_area_id) VALUES ($1, (SELECT id FROM organization WHERE"
            " code = 'NOR'), $2, $3, $4::text::date, $5,"
            " (SELECT id FROM priority_area WHERE code = $6)) RETURNING id",
            code,
            D(amount),
            currency,
            on,
            "priority_area" if area else "none",
            area,
        )
    )


def manual(area: str, amount: str, phasing: dict[str, int]) -> dict[str, Any]:
    return {
        "title": f"Activity in {area}",
        "priority_area": area,
        "phasing": phasing,
        "lines": [
            {"category": "consultants", "description": "Consultant", "quantity": 1,
             "unit_cost": amount},
        ],
    }  # fmt: skip


async def test_secured_and_gap_per_area_and_year(client: httpx.AsyncClient) -> None:
    await money_setup()
    # earmarked to PA2, 10,000 EUR pledged 2009-03-01: 10,000 x 1.40 = 14,000 USD in 2009
    await contribution("C1", "10000", "EUR", "2009-03-01", "PA2")
    # earmarked to PA3, 2008: before the cycle, not counted
    await contribution("C0", "99999", "USD", "2008-12-31", "PA3")
    # not earmarked, 100,000 NOK allocated in 2010 to a project in PA2 and PA3 (half each);
    # NOK has only a 2009 rate: 0.15 -> 15,000 USD, 7,500 per area in 2010
    c2 = await contribution("C2", "100000", "NOK", "2009-06-01", None)
    await sql.execute(
        "INSERT INTO allocation (contribution_id, project_id, amount, allocated_on)"
        " VALUES ($1, (SELECT id FROM project), 100000, '2010-05-01')",
        c2,
    )
    body = {
        "title": "P",
        "start_year": 2009,
        "end_year": 2011,
        "activities": [
            manual("PA2", "50000", {"2009": 50, "2010": 50}),
            manual("PA3", "20000", {"2010": 100}),
        ],
    }
    r = await client.post(BASE, json=body)
    assert r.status_code == 201, r.text
    by_area = {b["priority_area"]: b for b in r.json()["totals"]["by_priority_area"]}
    pa2, pa3 = by_area["PA2"]["years"], by_area["PA3"]["years"]
    assert D(pa2["2009"]["secured"]) == D("14000.00")
    # PA2 2009: 25,000 + 13 % = 28,250 - 14,000 = 14,250
    assert D(pa2["2009"]["gap"]) == D("14250.00")
    assert D(pa2["2010"]["secured"]) == D("7500.00")
    assert D(pa3["2010"]["secured"]) == D("7500.00")
    # PA3 2010: 20,000 + 2,600 - 7,500
    assert D(pa3["2010"]["gap"]) == D("15100.00")
    assert D(r.json()["totals"]["secured"]) == D("29000.00")
    # in EUR: the same money at the rates of its dates, e.g. 14,000 USD / 1.40 in 2009
    r = await client.post(BASE, json={**body, "currency": "EUR"})
    assert r.status_code == 201, r.text
    by_area = {b["priority_area"]: b for b in r.json()["totals"]["by_priority_area"]}
    assert D(by_area["PA2"]["years"]["2009"]["secured"]) == D("10000.00")
    assert D(by_area["PA3"]["years"]["2010"]["secured"]) == D("6000.00")  # 7,500 / 1.25


async def test_money_in_a_currency_without_rate_is_kept_apart(client: httpx.AsyncClient) -> None:
    """Money in a currency with no rate is never converted: listed, not in secured funding."""
    await money_setup()
    r = await client.post(
        BASE,
        json={"title": "P", "start_year": 2009, "end_year": 2011,
              "activities": [manual("PA2", "1000", {"2009": 100})]},
    )  # fmt: skip
    before = r.json()["totals"]["secured"]
    await contribution("C-JPY", "1000000", "JPY", "2009-02-01", "PA2")  # no JPY rate at all
    r = await client.get(f"{BASE}/{r.json()['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["totals"]["secured"] == before
    (kept,) = r.json()["unconverted_funding"]
    assert (kept["source"], kept["currency"], D(kept["amount"])) == (
        "contribution C-JPY",
        "JPY",
        D("1000000"),
    )
    assert kept["reason"] == "no exchange rate to USD is recorded for JPY"


@pytest.mark.parametrize("psc", ["0", "13", "7.5"])
async def test_psc_rate_applies_to_gap(client: httpx.AsyncClient, psc: str) -> None:
    r = await client.post(
        BASE,
        json={"title": "P", "start_year": 2009, "end_year": 2009, "psc_rate": psc,
              "activities": [manual("PA4", "1000", {"2009": 100})]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert D(r.json()["totals"]["gap"]) == D("1000") * (1 + D(psc) / 100)
