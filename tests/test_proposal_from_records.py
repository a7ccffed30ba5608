"""Proposals as CTOC/COP/2008/16 is written: its proposed activities taken as they are, a
range of countries costed at both ends, and a draft made even when norms are missing."""

from __future__ import annotations

from decimal import Decimal

import httpx

from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql
from tests.fixtures.seed_documents import import_seed_documents

BASE = "/api/v1/proposals"
D = Decimal


async def test_draft_without_norms_is_made_with_uncosted_lines(client: httpx.AsyncClient) -> None:
    """The lead's report: `make run`, then POST /proposals/draft answered 422 for a norm."""
    await import_seed_documents()
    assert await sql.fetchval("SELECT count(*) FROM cost_norm") == 0
    r = await client.post(
        f"{BASE}/draft",
        json={"title": "2009-2011", "start_year": 2009, "end_year": 2011,
              "take_proposed": True},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    doc = r.json()
    taken = {a["activity"] for a in doc["activities"]}
    assert taken == {"A-0816-P43-SAS", "A-0816-P43-AFR", "A-0816-P80-FA"}
    assert doc["complete"] is False
    missing = {m["norm"] for m in doc["missing_norms"]}
    assert "no air_ticket norm for 2009 from region EUR" in missing
    assert all(ln["uncosted"] for a in doc["activities"] for ln in a["lines"])
    assert D(doc["totals"]["total"]) == 0
    # the proposed records' own words
    workshops = next(a for a in doc["activities"] if a["activity"] == "A-0816-P43-AFR")
    assert workshops["title"].startswith("Regional workshops for central authorities")
    assert (workshops["priority_area"], workshops["template"]) == ("PA3", "regional_workshop")
    # a second draft does not take them again
    again = await client.post(
        f"{BASE}/draft",
        json={"title": "again", "start_year": 2009, "end_year": 2011, "take_proposed": True},
    )
    assert not [a for a in again.json()["activities"] if a["activity"]]
    # funding needs stated for the priority areas are listed with the proposal
    assert {f["code"] for f in doc["funding_needs"]} == {"FN-0816-P65"}  # PA5


async def test_a_range_of_countries_is_costed_at_both_ends(client: httpx.AsyncClient) -> None:
    await import_seed_documents()
    await seed_example_norms()
    r = await client.post(
        BASE,
        json={
            "title": "Firearms programme",
            "start_year": 2009,
            "end_year": 2011,
            "activities": [
                {
                    "activity": "A-0816-P80-FA",
                    "template": "regional_workshop",
                    "parameters": {"states": "8 to 10"},
                    "venue_region": "AFR",
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    (activity,) = doc["activities"]
    assert activity["parameters"]["states"] == {"low": 8, "high": 10}
    assert activity["title"].startswith("Programme for the ratification")  # from the record
    tickets = next(
        ln for ln in activity["lines"] if ln["template_key"] == "participants:air_ticket"
    )
    assert (D(tickets["quantity"]), D(tickets["quantity_high"])) == (16, 20)  # 2 per State
    assert D(activity["total_high"]) > D(activity["total"]) > 0
    assert D(doc["totals_high"]["total"]) > D(doc["totals"]["total"])
    # lines that do not depend on the number of States are the same at both ends
    venue = next(ln for ln in activity["lines"] if ln["item"] == "venue")
    assert venue["quantity_high"] is None
    # only proposed records are taken
    r = await client.post(f"{BASE}/{doc['id']}/activities", json={"activity": "A-0908-P42-BOL"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "activity.activity"
    assert "is completed, not proposed" in r.text
