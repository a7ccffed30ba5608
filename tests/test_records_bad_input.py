"""Bad partial dates, links and funding: a 4xx naming the field, and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from importers.service import ImportRejected, import_file
from tests.factories import activity_body, create, organization
from tests.fixtures.workbooks import row_counts, xlsx

ACTIVITIES = "/api/v1/activities"


async def _two(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        await create(client, "activities", activity_body("A-1")),
        await create(client, "activities", activity_body("A-2")),
    )


@pytest.mark.parametrize(
    ("body", "status", "field", "reason"),
    [
        ({"actual_start": "2019-13"}, 422, "actual_start", "no month 13"),
        ({"actual_start": "2019-02-30", "actual_end": None}, 422, "actual_start", "day"),
        ({"planned_start": "May 2008"}, 422, "planned_start", "use YYYY, YYYY-MM or YYYY-MM-DD"),
        (
            {"actual_start": "2008-06", "actual_end": "2008-05-31"},
            422,
            "actual_end",
            "is before actual_start (2008-06)",
        ),
        (
            {"planned_start": "2009", "planned_end": "2008-12"},
            422,
            "planned_end",
            "is before planned_start (2009)",
        ),
        ({"delivers": "A-404"}, 422, "delivers", "unknown activity"),
        ({"same_event_as": ["A-404"]}, 422, "same_event_as", "unknown activity"),
        ({"category": "workshop"}, 400, "category", ""),
        ({"events": 0}, 400, "events", ""),
        ({"sources": [{"paragraph": "9"}]}, 400, "sources", "document"),
    ],
)
async def test_bad_activity_fields(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, field: str, reason: str
) -> None:
    before = await row_counts()
    r = await client.post(ACTIVITIES, json=activity_body("A-BAD", **body))
    assert r.status_code == status, r.text
    problem = r.json()
    named = [e.get("field", "") for e in problem.get("errors", [])] + [problem.get("detail", "")]
    assert any(field in n for n in named), problem
    assert reason in r.text
    assert await row_counts() == before


async def test_an_end_within_the_month_of_its_start_is_fine(client: httpx.AsyncClient) -> None:
    r = await client.post(
        ACTIVITIES, json=activity_body("A-OK", actual_start="2008-06-10", actual_end="2008-06")
    )
    assert r.status_code == 201, r.text
    assert (r.json()["actual_start"], r.json()["actual_end"]) == ("2008-06-10", "2008-06")


async def test_links_to_the_record_itself_and_cycles(client: httpx.AsyncClient) -> None:
    a1, a2 = await _two(client)
    a3 = await create(client, "activities", activity_body("A-3"))

    async def patch(record: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        current = (await client.get(f"{ACTIVITIES}/{record['id']}")).json()
        return await client.patch(
            f"{ACTIVITIES}/{record['id']}", json={**body, "version": current["version"]}
        )

    r = await patch(a1, {"delivers": "A-1"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "delivers"
    assert "itself" in r.text
    r = await patch(a1, {"same_event_as": ["A-1"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "same_event_as"
    # a chain is fine; closing it is a cycle, and nothing of the refused write remains
    assert (await patch(a1, {"same_event_as": ["A-2"]})).status_code == 200
    assert (await patch(a2, {"same_event_as": ["A-3"]})).status_code == 200
    before = await row_counts()
    r = await patch(a3, {"same_event_as": ["A-1"]})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "same_event_as" and "cycle" in r.text
    r = await patch(a2, {"same_event_as": ["A-3", "A-1"]})  # A-1 -> A-2 exists: a 2-cycle
    assert r.status_code == 422 and "cycle" in r.text
    assert await row_counts() == before
    group = (await client.get(f"{ACTIVITIES}/{a3['id']}")).json()["same_event_group"]
    assert group == ["A-1", "A-2"]
    # deliveries: A-2 delivers A-1; A-1 delivering A-2 would be a cycle
    assert (await patch(a2, {"delivers": "A-1"})).status_code == 200
    r = await patch(a1, {"delivers": "A-2"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "delivers"
    assert "cycle" in r.text


async def test_activity_donors_must_be_donors(client: httpx.AsyncClient) -> None:
    await organization(client, "OAS", "partner")
    await organization(client, "CAN", "donor")
    r = await client.post(ACTIVITIES, json=activity_body("A-D", donors=["OAS"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "donors"
    r = await client.post(ACTIVITIES, json=activity_body("A-D", donors=["CAN"]))
    assert r.status_code == 201 and r.json()["donors"] == ["CAN"]


HEADER = ["code", "title", "type", "actual_start", "actual_end", "same_event_as", "delivers"]


async def test_import_names_the_row_and_keeps_nothing() -> None:
    rows = [
        HEADER,
        ["A-1", "One", "workshop", "May 2008", "", "", ""],
        ["A-2", "Two", "workshop", "2019-13", "", "", ""],
        ["A-3", "Three", "workshop", "June 2008", "31/05/2008", "", ""],
        ["A-4", "Four", "workshop", "mayo de 2008", "", "", "A-4"],
    ]
    before = await row_counts()
    with pytest.raises(ImportRejected) as err:
        await import_file("activities", xlsx(rows), "a.xlsx")
    # cells and codes first (a record delivering itself is not there yet: unknown)
    problems = [(p.row, p.column, p.value) for p in err.value.problems]
    assert problems == [(3, "actual_start", "2019-13"), (5, "delivers", "A-4")]
    assert err.value.problems[0].reason == "is not a date: there is no month 13"
    rows[2][3], rows[4][6] = "2019-12", ""
    with pytest.raises(ImportRejected) as err:
        await import_file("activities", xlsx(rows), "a.xlsx")
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (4, "actual_end")
    assert problem.reason == "is before actual_start (2008-06)"
    assert await row_counts() == before


async def test_import_refuses_a_cycle_closed_by_two_rows() -> None:
    rows = [HEADER] + [[f"A-{n}", f"Event {n}", "workshop", "2008", "", "", ""] for n in (1, 2)]
    await import_file("activities", xlsx(rows), "a.xlsx")
    linked = [
        HEADER,
        ["A-1", "Event 1", "workshop", "2008", "", "A-2", ""],
        ["A-2", "Event 2", "workshop", "2008", "", "A-1", ""],
    ]
    before = await row_counts()
    with pytest.raises(ImportRejected) as err:
        await import_file("activities", xlsx(linked), "b.xlsx")
    assert {(p.row, p.column) for p in err.value.problems} == {
        (2, "same_event_as"),
        (3, "same_event_as"),
    }
    assert await row_counts() == before


async def test_bad_contributions_and_funding_needs(client: httpx.AsyncClient) -> None:
    await organization(client, "NOR", "donor")
    base = {"code": "C-1", "donor": "NOR"}
    for body, field in (
        ({"amount": "10", "currency": "USD"}, "pledged_on"),  # no date at all
        ({"pledged_on": "2008", "cumulative": True}, "period_from"),
        ({"period_from": "2008", "period_to": "2007"}, "period_to"),
        ({"pledged_on": "2008-13"}, "pledged_on"),
        ({"pledged_on": "2008", "amount": "5"}, "currency"),
    ):
        r = await client.post("/api/v1/contributions", json={**base, **body})
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"][0]["field"] == field, (body, r.text)
    r = await client.post(
        "/api/v1/funding-needs", json={"code": "FN-1", "title": "Resources", "kind": "funding_gap"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "priority_area"
    r = await client.post(
        "/api/v1/funding-needs",
        json={"code": "FN-1", "title": "Resources", "proposal": 999},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "proposal"
