"""Donor isolation holds for issue 11's fields: activity donors and links, funding needs."""

from __future__ import annotations

import httpx

from tests.conftest import ClientFactory
from tests.factories import activity_body, create, organization


async def test_a_donor_sees_only_its_own_name_and_records(
    client: httpx.AsyncClient, client_as: ClientFactory
) -> None:
    await organization(client, "NOR", "donor")
    await organization(client, "SWE", "donor")
    await create(client, "projects", {"code": "P-SWE", "title": "Swedish", "donors": ["SWE"]})
    await create(client, "activities", activity_body("A-2", donors=["SWE"], project="P-SWE"))
    await create(
        client, "activities", activity_body("A-1", donors=["NOR", "SWE"], same_event_as=["A-2"])
    )
    for body in (
        {"code": "FN-PA", "title": "Area gap", "priority_area": "PA3"},
        {"code": "FN-SWE", "title": "Swedish project gap", "project": "P-SWE"},
    ):
        await create(client, "funding-needs", body)

    nor = await client_as("donor", donor="NOR")
    listed = (await nor.get("/api/v1/activities")).json()["items"]
    assert [a["code"] for a in listed] == ["A-1"]  # named on it; A-2 is Sweden's
    (a1,) = listed
    assert a1["donors"] == ["NOR"]  # never another donor's name
    assert a1["same_event_as"] == [] and a1["same_event_group"] == []  # A-2 is not its own
    staff = (await client.get(f"/api/v1/activities/{a1['id']}")).json()
    assert staff["donors"] == ["NOR", "SWE"] and staff["same_event_group"] == ["A-2"]
    a2 = (await client.get("/api/v1/activities", params={"q": "A-2"})).json()["items"][0]
    assert (await nor.get(f"/api/v1/activities/{a2['id']}")).status_code == 404
    needs = (await nor.get("/api/v1/funding-needs")).json()["items"]
    assert [n["code"] for n in needs] == ["FN-PA"]
    assert (await nor.get("/api/v1/activities/duplicates")).status_code == 403
