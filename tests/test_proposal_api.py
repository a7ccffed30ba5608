"""Proposals over HTTP: create with activities, read totals, edit with versions, bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql

D = Decimal
BASE = "/api/v1/proposals"

WORKSHOP: dict[str, Any] = {
    "title": "Regional workshop for central authorities, Dakar",
    "priority_area": "PA3",
    "template": "regional_workshop",
    "parameters": {"states": 20, "languages": 2},
    "venue_region": "AFR-W",
    "venue_place": "Dakar",
    "countries": ["SEN", "BEN"],
    "phasing": {"2009": 60, "2010": 40},
}


@pytest.fixture(autouse=True)
async def norms(clean_database: None) -> None:
    await seed_example_norms()


async def count(table: str) -> int:
    return int(await sql.fetchval(f"SELECT count(*) FROM {table}"))


async def create(client: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {"title": "Proposals 2009-2011", "start_year": 2009, "end_year": 2011, **extra}
    r = await client.post(BASE, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_create_read_totals_phasing_and_psc(client: httpx.AsyncClient) -> None:
    doc = await create(client, activities=[WORKSHOP])
    assert doc["psc_rate"] == 13 or D(str(doc["psc_rate"])) == 13
    (a,) = doc["activities"]
    assert len(a["lines"]) == 7 and not any(ln["overridden"] for ln in a["lines"])
    # 2 x 20 participants x (950 + 260 x 4) + 1,500 x 3 + 2,500 x 2 x 3 + 3,000
    # + 2 staff x (1,400 + 260 x 4) = 106,980 (see test_proposal_norms)
    assert D(str(a["total"])) == D("106980.00")
    assert D(str(a["by_year"]["2009"])) == D("64188.00")  # 60 %
    assert D(str(a["by_year"]["2010"])) == D("42792.00")  # 40 %
    totals = doc["totals"]
    assert D(str(totals["direct"])) == D("106980.00")
    assert D(str(totals["psc"])) == D("13907.40")
    assert D(str(totals["total"])) == D("120887.40")
    assert D(str(totals["gap"])) == D("120887.40")  # nothing secured
    (pa3,) = totals["by_priority_area"]
    assert D(str(pa3["years"]["2011"]["direct"])) == 0
    got = await client.get(f"{BASE}/{doc['id']}")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json()["totals"] == totals
    listing = (await client.get(BASE)).json()
    assert listing["total"] == 1 and listing["items"][0]["activities"] == 1


async def test_edit_with_versions_override_line_and_recost(client: httpx.AsyncClient) -> None:
    doc = await create(client, activities=[WORKSHOP])
    pid = doc["id"]
    r = await client.patch(f"{BASE}/{pid}", json={"psc_rate": "7"})
    assert r.status_code == 428
    r = await client.patch(f"{BASE}/{pid}", json={"psc_rate": "7", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert D(str(r.json()["totals"]["psc"])) == D("7488.60")  # 7 % of 106,980
    stale = await client.patch(f"{BASE}/{pid}", json={"title": "x", "version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2

    a = doc["activities"][0]
    venue_line = next(ln for ln in a["lines"] if ln["item"] == "venue")
    url = f"{BASE}/{pid}/activities/{a['id']}"
    r = await client.patch(
        f"{url}/lines/{venue_line['id']}", json={"unit_cost": "1000", "version": 1}
    )
    assert r.status_code == 200, r.text
    assert D(str(r.json()["total"])) == D("106980") - D("1500")  # venue 3 x 1,000 not 1,500
    # re-costing with 3 languages keeps the hand-made venue line
    r = await client.patch(url, json={"parameters": {"languages": 3}, "version": 1})
    assert r.status_code == 200, r.text
    lines = r.json()["lines"]
    assert [ln["unit_cost"] for ln in lines if ln["item"] == "venue"] == ["1000.0000"]
    assert [ln["overridden"] for ln in lines if ln["item"] == "venue"] == [True]
    assert D(str(r.json()["total"])) == D("105480") + D("7500")  # one more language x 3 days
    r = await client.post(
        f"{url}/lines",
        json={
            "category": "equipment",
            "description": "Fax machines",
            "quantity": 5,
            "unit_cost": "400",
        },
    )
    assert r.status_code == 201 and D(str(r.json()["total"])) == D("112980") + D("2000")
    assert (await client.delete(url)).status_code == 204
    assert await count("cost_line") == 0
    assert (await client.delete(f"{BASE}/{pid}")).status_code == 204
    assert (await client.get(f"{BASE}/{pid}")).status_code == 404


async def assert_nothing_saved() -> None:
    for table in ("proposal", "proposed_activity", "cost_line"):
        assert await count(table) == 0, table


async def test_cycle_ending_before_it_starts(client: httpx.AsyncClient) -> None:
    r = await client.post(BASE, json={"title": "T", "start_year": 2011, "end_year": 2009})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "end_year"
    assert "before it starts" in r.json()["detail"]
    await assert_nothing_saved()


async def test_phasing_not_summing_to_100_names_the_activity(client: httpx.AsyncClient) -> None:
    second = {**WORKSHOP, "title": "Second workshop", "phasing": {"2009": 50, "2010": 40}}
    r = await client.post(
        BASE,
        json={"title": "T", "start_year": 2009, "end_year": 2011, "activities": [WORKSHOP, second]},
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["errors"][0]["field"] == "activities[1].phasing"
    assert '"Second workshop"' in body["detail"] and "sum to 90%" in body["detail"]
    await assert_nothing_saved()
    outside = {**WORKSHOP, "phasing": {"2012": 100}}
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "activities": [outside]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "activities[0].phasing.2012"


async def test_missing_norm_leaves_lines_uncosted_and_named(client: httpx.AsyncClient) -> None:
    """The proposal is made anyway: the DSA line is uncosted and the missing norm listed."""
    await sql.execute("DELETE FROM cost_norm WHERE item = 'dsa' AND venue_region_id IS NULL")
    await sql.execute(
        "DELETE FROM cost_norm WHERE item = 'dsa' AND venue_region_id IS NOT NULL"
        " AND venue_region_id <> (SELECT id FROM region WHERE code = 'AFR')"
    )
    study = {
        "title": "Study tour to Europe",
        "priority_area": "PA2",
        "template": "study_tour",
        "venue_region": "EUR-W",
    }
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "activities": [study]}
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["complete"] is False
    assert doc["missing_norms"] == [
        {"norm": "no dsa norm for 2009 to venue region EUR-W", "activities": [study["title"]]}
    ]
    (activity,) = doc["activities"]
    lines = {ln["item"]: ln for ln in activity["lines"]}
    assert lines["dsa"]["uncosted"] and lines["dsa"]["unit_cost"] is None
    assert lines["dsa"]["amount"] is None and lines["dsa"]["quantity"] == "35.0000"
    assert not lines["air_ticket"]["uncosted"]
    assert activity["uncosted_lines"] == 1
    # totals hold what is costed; the uncosted line adds nothing
    assert D(activity["total"]) == D(lines["air_ticket"]["amount"])
    # a unit cost typed by hand costs the line
    line = lines["dsa"]
    path = f"{BASE}/{doc['id']}/activities/{activity['id']}/lines/{line['id']}"
    r = await client.patch(path, json={"unit_cost": "300", "version": line["version"]})
    assert r.status_code == 200, r.text
    assert D(r.json()["total"]) == D(lines["air_ticket"]["amount"]) + 35 * 300
    assert r.json()["uncosted_lines"] == 0


async def test_currency_without_a_rate(client: httpx.AsyncClient) -> None:
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "currency": "XAF"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "currency"
    assert "no exchange rate to USD is recorded for XAF" in r.json()["detail"]
    await assert_nothing_saved()


async def test_negative_quantity_names_the_line(client: httpx.AsyncClient) -> None:
    manual = {
        "title": "Hand-costed seminar",
        "priority_area": "PA4",
        "lines": [
            {"category": "travel", "description": "Tickets", "quantity": 3, "unit_cost": "900"},
            {"category": "travel", "description": "DSA", "quantity": -12, "unit_cost": "250"},
        ],
    }
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "activities": [manual]}
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "activities[0].lines[1].quantity"
    assert '"DSA"' in r.json()["detail"]
    await assert_nothing_saved()
    doc = await create(client, activities=[{**manual, "lines": manual["lines"][:1]}])
    a = doc["activities"][0]
    line = a["lines"][0]
    r = await client.patch(
        f"{BASE}/{doc['id']}/activities/{a['id']}/lines/{line['id']}",
        json={"quantity": "-1", "version": 1},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "quantity"
    assert '"Tickets"' in r.json()["detail"]
    assert await sql.fetchval("SELECT quantity FROM cost_line") == 3


async def test_roles_and_audit(client: httpx.AsyncClient, client_as: Any) -> None:
    doc = await create(client, activities=[WORKSHOP])
    pid = doc["id"]
    secretariat = await client_as("secretariat")
    assert (await secretariat.get(f"{BASE}/{pid}")).status_code == 200
    assert (await secretariat.get(f"{BASE}/{pid}.xlsx")).status_code == 200
    r = await secretariat.post(BASE, json={"title": "T", "start_year": 2009, "end_year": 2009})
    assert r.status_code == 403
    officer = await client_as("officer")
    r = await officer.patch(f"{BASE}/{pid}", json={"title": "Renamed", "version": 1})
    assert r.status_code == 200
    # a proposal shows every donor's secured money: no donor or viewer reads it
    await sql.execute("INSERT INTO organization (code, name, roles) VALUES ('NOR', 'N', '{donor}')")
    for other in (await client_as("viewer"), await client_as("donor", donor="NOR")):
        assert (await other.get(f"{BASE}/{pid}")).status_code == 403
        assert (await other.get(BASE)).status_code == 403
    trail = await sql.fetch(
        "SELECT resource, action, user_email, changes::text AS changes FROM audit_record"
        " WHERE resource IN ('proposal', 'proposed activity') ORDER BY id"
    )
    assert [(t["resource"], t["action"]) for t in trail] == [
        ("proposal", "create"),
        ("proposed activity", "create"),
        ("proposal", "update"),
    ]
    assert trail[2]["user_email"].startswith("officer") and "Renamed" in trail[2]["changes"]


async def test_more_bad_input_is_named_and_nothing_saved(client: httpx.AsyncClient) -> None:
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "psc_rate": "150"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "psc_rate"
    bad = {**WORKSHOP, "priority_area": "PA9", "parameters": {"states": 3, "dayz": 2}}
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "activities": [bad]}
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"activities[0].priority_area", "activities[0].parameters.dayz"}
    await assert_nothing_saved()


async def test_proposal_countries_must_be_current_states(client: httpx.AsyncClient) -> None:
    """A proposal plans future work: a former-name entry (Southern Sudan, XSS) is refused for
    its countries, with the entry's explanation, while a current State is taken."""
    former = {**WORKSHOP, "countries": ["SEN", "XSS"]}
    r = await client.post(
        BASE, json={"title": "T", "start_year": 2009, "end_year": 2011, "activities": [former]}
    )
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    assert error["field"] == "activities[0].countries" and error["value"] == "XSS"
    assert "former-name entry, not a current State" in error["reason"]
    await assert_nothing_saved()
    doc = await create(client, activities=[{**WORKSHOP, "countries": ["SEN", "SSD"]}])
    assert doc["activities"][0]["countries"] == ["SEN", "SSD"]


async def test_service_callers_get_named_errors_too() -> None:
    from ta_manager.errors import InvalidInput
    from ta_manager.proposals import drafting, service

    with pytest.raises(InvalidInput) as err:
        await drafting.draft({"title": "T", "start_year": "2009", "end_year": 2011})
    assert err.value.errors[0].field == "start_year"
    line = {"category": "bogus", "description": "x", "quantity": 1, "unit_cost": "1"}
    with pytest.raises(InvalidInput) as err:
        await service.create(
            {
                "title": "T",
                "start_year": 2009,
                "end_year": 2009,
                "activities": [{"title": "A", "priority_area": "PA1", "lines": [line]}],
            }
        )
    assert err.value.errors[0].field == "activities[0].lines[0].category"
    await assert_nothing_saved()


async def test_stale_line_and_activity_versions(client: httpx.AsyncClient) -> None:
    doc = await create(client, activities=[WORKSHOP])
    a = doc["activities"][0]
    url = f"{BASE}/{doc['id']}/activities/{a['id']}"
    line = a["lines"][0]
    ok = await client.patch(f"{url}/lines/{line['id']}", json={"quantity": 41, "version": 1})
    assert ok.status_code == 200
    stale = await client.patch(f"{url}/lines/{line['id']}", json={"quantity": 42, "version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    r = await client.patch(url, json={"title": "New"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2
    stale = await client.patch(url, json={"title": "Newer"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    other = await create(client)
    r = await client.patch(f"{BASE}/{other['id']}/activities/{a['id']}", json={"version": 2})
    assert r.status_code == 404


async def test_changing_the_cycle_or_currency_under_activities(client: httpx.AsyncClient) -> None:
    await sql.execute(
        "INSERT INTO exchange_rate (currency, valid_on, rate_to_usd)"
        " VALUES ('EUR', '2009-01-01', 1.4)"
    )
    doc = await create(client, activities=[WORKSHOP])  # phased 2009-2010
    url = f"{BASE}/{doc['id']}"
    r = await client.patch(url, json={"end_year": 2009, "version": 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end_year"
    assert "phased in 2010" in r.json()["detail"]
    r = await client.patch(url, json={"currency": "EUR", "version": 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "currency"
    r = await client.patch(url, json={"start_year": 2012, "version": 1})
    assert r.status_code == 422 and "before it starts" in r.json()["detail"]
    r = await client.patch(url, json={"start_year": 2008, "version": 1})
    assert r.status_code == 200 and r.json()["years"] == [2008, 2009, 2010, 2011]
    assert (await client.get(f"{BASE}/nonsense")).status_code == 422
