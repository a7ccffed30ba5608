"""Every resource: create, read, list, update with version, delete or archive; and
bad input that must come back as a 4xx problem naming the field, never a 500."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.factories import activity_body, create, need_body, organization


async def _prerequisites(client: httpx.AsyncClient) -> None:
    await organization(client, "DONOR-X", "donor")
    await organization(client, "OFFICE", "implementing_office")
    await create(client, "projects", {"code": "P-1", "title": "Project one"})
    await create(client, "activities", activity_body("A-PRE", project="P-1"))
    await create(
        client,
        "exchange-rates",
        {"currency": "EUR", "valid_on": "2008-01-01", "rate_to_usd": "1.47"},
    )
    contribution = {
        "code": "C-PRE",
        "donor": "DONOR-X",
        "amount": "1000",
        "currency": "EUR",
        "pledged_on": "2008-02-01",
    }
    await create(client, "contributions", contribution)
    allocation = {
        "contribution": "C-PRE",
        "activity": "A-PRE",
        "amount": "500",
        "allocated_on": "2008-03-01",
    }
    await create(client, "allocations", allocation)


# path, valid body, a field to change, its new value, archivable
CASES: list[tuple[str, dict[str, Any], str, Any, bool]] = [
    ("countries", {"iso2": "QZ", "iso3": "QZZ", "name": "Testland"}, "name", "Testland 2", False),
    (
        "regions",
        {"code": "SAHEL", "name": "Sahel", "members": ["MLI", "NER", "TCD"]},
        "members",
        ["MLI"],
        False,
    ),
    (
        "instruments",
        {"code": "TEST-I", "short_name": "Test", "name": "Test instrument"},
        "short_name",
        "Renamed",
        False,
    ),
    (
        "ratifications",
        {"country": "BEN", "instrument": "UNTOC", "deposited_on": "2004-08-30"},
        "kind",
        "accession",
        False,
    ),
    (
        "instrument-status",
        {
            "instrument": "UNTOC",
            "as_of": "2009-02-09",
            "parties": 147,
            "document": "E/CN.15/2009/8",
            "paragraph": "2",
        },
        "parties",
        148,
        False,
    ),
    (
        "priority-areas",
        {"code": "PA9", "name": "Ninth area", "instrument": "UNTOC"},
        "active",
        False,
        False,
    ),
    (
        "assistance-types",
        {"code": "PA1-NEW", "priority_area": "PA1", "name": "New type"},
        "name",
        "Renamed",
        False,
    ),
    ("activity-types", {"code": "webinar", "name": "Webinar"}, "name", "Online seminar", False),
    ("sectors", {"code": "15150", "name": "Democratic participation"}, "name", "Renamed", False),
    (
        "organizations",
        {"code": "INTERPOL", "name": "INTERPOL", "roles": ["partner"]},
        "roles",
        ["partner", "donor"],
        False,
    ),
    ("needs", need_body("N-X"), "status", "in_progress", True),
    (
        "projects",
        {
            "code": "P-X",
            "title": "X",
            "donors": ["DONOR-X"],
            "countries": ["BEN"],
            "priority_areas": ["PA2"],
            "sectors": ["15130"],
            "budget": "100000",
        },
        "status",
        "closed",
        True,
    ),
    ("activities", activity_body("A-X"), "status", "cancelled", True),
    (
        "exchange-rates",
        {"currency": "GBP", "valid_on": "2008-01-01", "rate_to_usd": "1.98"},
        "rate_to_usd",
        "2.01",
        False,
    ),
    (
        "contributions",
        {
            "code": "C-X",
            "donor": "DONOR-X",
            "amount": "250000",
            "currency": "USD",
            "status": "received",
            "pledged_on": "2008-01-10",
            "received_on": "2008-02-10",
            "earmarking": "project",
            "earmarked_project": "P-1",
        },
        "amount",
        "300000",
        True,
    ),
    (
        "allocations",
        {"contribution": "C-PRE", "project": "P-1", "amount": "100", "allocated_on": "2008-04-01"},
        "amount",
        "200",
        False,
    ),
    (
        "cost-norms",
        {
            "item": "dsa",
            "unit": "day",
            "unit_cost": "250",
            "currency": "USD",
            "year": 2009,
            "place": "Dakar",
        },
        "unit_cost",
        "260",
        False,
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "field", "value", "archivable"), CASES, ids=[c[0] for c in CASES]
)
async def test_resource_life_cycle(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    field: str,
    value: Any,
    archivable: bool,
) -> None:
    await _prerequisites(client)
    created = await create(client, path, body)
    url = f"/api/v1/{path}/{created['id']}"

    listed = (await client.get(f"/api/v1/{path}", params={"limit": 1000})).json()
    assert created["id"] in [item["id"] for item in listed["items"]]

    r = await client.patch(url, json={field: value, "version": created["version"]})
    assert r.status_code == 200, r.text
    updated = r.json()
    if isinstance(value, str) and value[:1].isdigit():  # money and rates come back as decimals
        assert Decimal(updated[field]) == Decimal(value)
    else:
        assert updated[field] == value
    assert updated["version"] == created["version"] + 1

    r = await client.delete(url)
    assert r.status_code == 204
    if archivable:
        assert (await client.get(url)).json()["archived_at"] is not None
        assert (await client.delete(url, params={"hard": "true"})).status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_expenditure_life_cycle(client: httpx.AsyncClient) -> None:
    await _prerequisites(client)
    allocation = (await client.get("/api/v1/allocations")).json()["items"][0]
    body = {
        "allocation_id": allocation["id"],
        "amount": "120.50",
        "spent_on": "2008-06-12",
        "category": "travel",
    }
    spent = await create(client, "expenditures", body)
    assert spent["activity"] == "A-PRE"  # spending from an activity's allocation
    assert spent["currency"] == "EUR"
    r = await client.patch(
        f"/api/v1/expenditures/{spent['id']}", json={"amount": "130", "version": 1}
    )
    assert r.status_code == 200
    contribution = (await client.get("/api/v1/contributions")).json()["items"][0]
    assert contribution["spent"] == "130.00"
    assert contribution["allocated"] == "500.00"
    assert contribution["unallocated"] == "500.00"
    assert contribution["amount_usd"] == "1470.00"
    assert (await client.delete(f"/api/v1/expenditures/{spent['id']}")).status_code == 204


BAD: list[tuple[str, dict[str, Any], int, str]] = [
    ("countries", {"iso2": "BJ", "iso3": "BEX", "name": "Benin again"}, 409, "iso2"),
    ("countries", {"iso2": "bj", "iso3": "BEX", "name": "x"}, 400, "iso2"),
    ("regions", {"code": "R1", "name": "R", "members": ["Atlantis"]}, 422, "members"),
    (
        "instruments",
        {
            "code": "I1",
            "short_name": "I",
            "name": "I",
            "adopted_on": "2005-01-01",
            "entry_into_force": "2004-01-01",
        },
        422,
        "entry_into_force",
    ),
    (
        "instruments",
        {"code": "I1", "short_name": "I", "name": "I", "parent": "NOPE"},
        422,
        "parent",
    ),
    (
        "ratifications",
        {"country": "XXX", "instrument": "UNTOC", "deposited_on": "2004-01-01"},
        422,
        "country",
    ),
    (
        "ratifications",
        {"country": "BEN", "instrument": "UNTOC", "deposited_on": "2004-02-30"},
        400,
        "deposited_on",
    ),
    ("priority-areas", {"code": "PA1", "name": "Duplicate"}, 409, "code"),
    (
        "assistance-types",
        {"code": "PA1-X", "priority_area": "PA0", "name": "x"},
        422,
        "priority_area",
    ),
    ("sectors", {"code": "1513", "name": "Too short"}, 400, "code"),
    ("organizations", {"code": "O1", "name": "O", "roles": ["villain"]}, 400, "roles"),
    ("organizations", {"code": "O1", "name": "O", "iati_org_type": 99}, 400, "iati_org_type"),
    ("needs", need_body(country="Narnia"), 422, "country"),
    ("needs", need_body(assistance_type="PA3-CAP"), 422, "assistance_type"),
    ("needs", need_body(source="rumour"), 400, "source"),
    ("needs", need_body(instruments=["NOPE"]), 422, "instruments"),
    (
        "projects",
        {"code": "P2", "title": "P", "starts_on": "2009-01-01", "ends_on": "2008-01-01"},
        422,
        "ends_on",
    ),
    ("projects", {"code": "P2", "title": "P", "budget": "-1"}, 422, "budget"),
    ("projects", {"code": "P2", "title": "P", "donors": ["NOBODY"]}, 422, "donors"),
    ("projects", {"code": "P2", "title": "P", "currency": "euro"}, 400, "currency"),
    (
        "exchange-rates",
        {"currency": "EUR", "valid_on": "2008-01-01", "rate_to_usd": "0"},
        422,
        "rate_to_usd",
    ),
    (
        "exchange-rates",
        {"currency": "EUR", "valid_on": "2008-01-01", "rate_to_usd": "1.5"},
        409,
        "currency",
    ),
    (
        "contributions",
        {
            "code": "C1",
            "donor": "DONOR-X",
            "amount": "-10",
            "currency": "USD",
            "pledged_on": "2008-01-01",
        },
        422,
        "amount",
    ),
    (
        "contributions",
        {
            "code": "C1",
            "donor": "DONOR-X",
            "amount": "10",
            "pledged_on": "2008-01-01",
        },
        422,
        "currency",
    ),
    (
        "contributions",
        {
            "code": "C1",
            "donor": "OFFICE",
            "amount": "10",
            "currency": "USD",
            "pledged_on": "2008-01-01",
        },
        422,
        "donor",
    ),
    (
        "contributions",
        {
            "code": "C1",
            "donor": "DONOR-X",
            "amount": "10",
            "currency": "USD",
            "status": "received",
            "pledged_on": "2008-01-01",
        },
        422,
        "received_on",
    ),
    (
        "contributions",
        {
            "code": "C1",
            "donor": "DONOR-X",
            "amount": "10",
            "currency": "USD",
            "pledged_on": "2008-01-01",
            "earmarking": "project",
        },
        422,
        "earmarked_project",
    ),
    (
        "contributions",
        {"code": "C1", "donor": "DONOR-X", "amount": "10", "currency": "USD"},
        422,
        "pledged_on",
    ),
    (
        "allocations",
        {"contribution": "C-PRE", "project": "P-1", "amount": "600", "allocated_on": "2008-04-01"},
        422,
        "amount",
    ),
    (
        "allocations",
        {"contribution": "C-PRE", "amount": "1", "allocated_on": "2008-04-01"},
        422,
        "project",
    ),
    (
        "allocations",
        {"contribution": "C-NONE", "project": "P-1", "amount": "1", "allocated_on": "2008-04-01"},
        422,
        "contribution",
    ),
    (
        "expenditures",
        {"allocation_id": 999999, "amount": "1", "spent_on": "2008-01-01"},
        422,
        "allocation_id",
    ),
    (
        "cost-norms",
        {"item": "dsa", "unit": "day", "unit_cost": "-1", "currency": "USD", "year": 2009},
        422,
        "unit_cost",
    ),
    (
        "cost-norms",
        {"item": "limousine", "unit": "day", "unit_cost": "1", "currency": "USD", "year": 2009},
        400,
        "item",
    ),
    (
        "cost-norms",
        {"item": "dsa", "unit": "day", "unit_cost": "1", "currency": "USD", "year": 1066},
        400,
        "year",
    ),
    (
        "cost-norms",
        {
            "item": "dsa",
            "unit": "day",
            "unit_cost": "1",
            "currency": "USD",
            "year": 2009,
            "region": "NOWHERE",
        },
        422,
        "region",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "status", "field"), BAD, ids=[f"{b[0]}-{b[3]}-{i}" for i, b in enumerate(BAD)]
)
async def test_bad_input_is_a_4xx_problem_naming_the_field(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], status: int, field: str
) -> None:
    await _prerequisites(client)
    before = (await client.get(f"/api/v1/{path}", params={"limit": 1})).json()["total"]
    r = await client.post(f"/api/v1/{path}", json=body)
    assert r.status_code == status, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(field in e["field"] for e in problem.get("errors", [])), problem
    after = (await client.get(f"/api/v1/{path}", params={"limit": 1})).json()["total"]
    assert after == before


async def test_oversized_body_is_refused(client: httpx.AsyncClient) -> None:
    huge = activity_body("A-HUGE", description="x" * (11 * 1024 * 1024))
    r = await client.post("/api/v1/activities", json=huge)
    assert r.status_code == 413
    assert (await client.get("/api/v1/activities")).json()["total"] == 0


async def test_referenced_record_cannot_be_hard_deleted(client: httpx.AsyncClient) -> None:
    await _prerequisites(client)
    donor = (await client.get("/api/v1/organizations", params={"q": "DONOR-X"})).json()["items"][0]
    r = await client.delete(f"/api/v1/organizations/{donor['id']}")
    assert r.status_code == 409
    assert (await client.get(f"/api/v1/organizations/{donor['id']}")).status_code == 200
