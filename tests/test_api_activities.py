from __future__ import annotations

import httpx
import pytest

from tests.factories import activity_body, create, need_body, organization


async def test_create_and_read_activity_with_links(client: httpx.AsyncClient) -> None:
    await organization(client, "OAS", "partner")
    need = await create(client, "needs", need_body("N-BEN-LEG"))
    body = activity_body(
        "A-DAKAR",
        partners=["OAS"],
        needs=["N-BEN-LEG"],
        participants_by_profession={"judge": 5, "prosecutor": 10},
    )
    r = await client.post("/api/v1/activities", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert r.headers["etag"] == '"1"'
    assert created["beneficiary_countries"] == ["BEN", "MLI", "SEN"]
    assert created["partners"] == ["OAS"]
    assert created["needs"] == ["N-BEN-LEG"]
    assert created["participants_by_profession"] == {"judge": 5, "prosecutor": 10}
    assert created["version"] == 1

    r = await client.get(f"/api/v1/activities/{created['id']}")
    assert r.status_code == 200
    assert r.json()["venue_country"] == "SEN"
    r = await client.get(f"/api/v1/needs/{need['id']}")
    assert r.json()["activities"] == ["A-DAKAR"]


async def test_country_given_as_iso2_or_name_is_stored_as_iso3(client: httpx.AsyncClient) -> None:
    body = activity_body("A-NAMES", beneficiary_countries=["bj", "Chad", "Venezuela"])
    created = await create(client, "activities", body)
    assert created["beneficiary_countries"] == ["BEN", "TCD", "VEN"]


async def test_filters_by_country_priority_area_region_and_dates(
    client: httpx.AsyncClient,
) -> None:
    await create(client, "activities", activity_body("A-WCA"))
    await create(
        client,
        "activities",
        activity_body(
            "A-LAC",
            beneficiary_countries=["COL", "PER"],
            priority_areas=["PA2"],
            assistance_types=["PA2-TRN"],
            actual_start="2007-09-12",
            actual_end="2007-09-14",
        ),
    )

    async def codes(**params: str) -> list[str]:
        r = await client.get("/api/v1/activities", params=params)
        assert r.status_code == 200, r.text
        return [a["code"] for a in r.json()["items"]]

    assert await codes(country="BEN", priority_area="PA3") == ["A-WCA"]
    assert await codes(country="BJ") == ["A-WCA"]
    assert await codes(country="BEN", priority_area="PA2") == []
    assert await codes(region="LAC") == ["A-LAC"]
    assert await codes(region="WCA") == ["A-WCA"]
    assert await codes(**{"from": "2008-01-01"}) == ["A-WCA"]
    assert await codes(to="2007-12-31") == ["A-LAC"]
    assert await codes(scope="regional", sort="-actual_start") == ["A-WCA", "A-LAC"]
    assert await codes(q="lac") == ["A-LAC"]


async def test_paging_and_sorting(client: httpx.AsyncClient) -> None:
    for i in range(5):
        await create(
            client,
            "activities",
            activity_body(
                f"A-{i}", participants_total=10 + i, participants_female=1, participants_male=1
            ),
        )
    r = await client.get(
        "/api/v1/activities", params={"limit": 2, "offset": 1, "sort": "-participants_total"}
    )
    page = r.json()
    assert page["total"] == 5
    assert [a["code"] for a in page["items"]] == ["A-3", "A-2"]


async def test_update_needs_current_version(client: httpx.AsyncClient) -> None:
    created = await create(client, "activities", activity_body("A-V"))
    url = f"/api/v1/activities/{created['id']}"

    r = await client.patch(url, json={"title": "No version"})
    assert r.status_code == 428

    r = await client.patch(url, json={"title": "Renamed", "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Renamed"
    assert r.json()["version"] == 2

    r = await client.patch(url, json={"title": "Stale"}, headers={"If-Match": '"1"'})
    assert r.status_code == 409
    assert r.json()["current_version"] == 2
    assert (await client.get(url)).json()["title"] == "Renamed"

    r = await client.patch(
        url, json={"beneficiary_countries": ["TGO"]}, headers={"If-Match": '"2"'}
    )
    assert r.status_code == 200
    assert r.json()["beneficiary_countries"] == ["TGO"]
    assert r.json()["title"] == "Renamed"


async def test_archive_hides_and_restore_returns(client: httpx.AsyncClient) -> None:
    created = await create(client, "activities", activity_body("A-ARCH"))
    url = f"/api/v1/activities/{created['id']}"
    assert (await client.delete(url)).status_code == 204
    assert (await client.get("/api/v1/activities")).json()["total"] == 0
    listed = await client.get("/api/v1/activities", params={"include_archived": "true"})
    assert listed.json()["total"] == 1
    r = await client.post(f"{url}/restore")
    assert r.status_code == 200
    assert r.json()["archived_at"] is None
    assert (await client.get("/api/v1/activities")).json()["total"] == 1
    assert (await client.delete(url, params={"hard": "true"})).status_code == 204
    assert (await client.get(url)).status_code == 404


BAD_ACTIVITIES = [
    ({"beneficiary_countries": ["XXX"]}, 422, "beneficiary_countries"),
    ({"venue_country": "Atlantis"}, 422, "venue_country"),
    ({"type": "picnic"}, 422, "type"),
    ({"priority_areas": ["PA9"]}, 422, "priority_areas"),
    ({"project": "NO-SUCH-PROJECT"}, 422, "project"),
    ({"needs": ["N-NOWHERE"]}, 422, "needs"),
    ({"actual_start": "2008-06-12", "actual_end": "2008-06-10"}, 422, "actual_end"),
    ({"planned_start": "2009-02-01", "planned_end": "2009-01-01"}, 422, "planned_end"),
    (
        {"participants_total": 10, "participants_female": 8, "participants_male": 5},
        422,
        "participants_female",
    ),
    (
        {
            "participants_total": 3,
            "participants_female": 1,
            "participants_male": 1,
            "participants_by_profession": {"judge": 4},
        },
        422,
        "participants_by_profession",
    ),
    ({"participants_total": -1}, 400, "participants_total"),
    ({"planned_cost": "-5"}, 422, "planned_cost"),
    ({"planned_cost": "lots"}, 400, "planned_cost"),
    ({"status": "finished"}, 400, "status"),
    ({"actual_start": "31/02/2024"}, 422, "actual_start"),
    ({"participants_by_profession": {"astronaut": 1}}, 400, "participants_by_profession"),
    ({"unknown_field": 1}, 400, "unknown_field"),
    ({"code": "has space"}, 400, "code"),
]


@pytest.mark.parametrize(("change", "status", "field"), BAD_ACTIVITIES)
async def test_bad_activity_input_is_a_problem_naming_the_field(
    client: httpx.AsyncClient, change: dict[str, object], status: int, field: str
) -> None:
    r = await client.post("/api/v1/activities", json={**activity_body("A-BAD"), **change})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == status
    assert any(field in e["field"] for e in problem["errors"]), problem
    assert (await client.get("/api/v1/activities")).json()["total"] == 0


async def test_duplicate_code_is_a_conflict_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    await create(client, "activities", activity_body("A-DUP"))
    r = await client.post("/api/v1/activities", json=activity_body("a-dup"))
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "code"
    assert (await client.get("/api/v1/activities")).json()["total"] == 1


async def test_bad_update_changes_nothing(client: httpx.AsyncClient) -> None:
    created = await create(client, "activities", activity_body("A-KEEP"))
    url = f"/api/v1/activities/{created['id']}"
    r = await client.patch(
        url, json={"version": 1, "title": "Changed", "beneficiary_countries": ["ZZZ"]}
    )
    assert r.status_code == 422
    after = (await client.get(url)).json()
    assert after["title"] == "Activity A-KEEP"
    assert after["version"] == 1


async def test_malformed_json_and_unknown_ids(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/activities", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert (await client.get("/api/v1/activities/999999")).status_code == 404
    assert (await client.get("/api/v1/activities/abc")).status_code in (400, 404)
    r = await client.patch("/api/v1/activities/999999", json={"version": 1, "title": "x"})
    assert r.status_code == 404
    r = await client.get("/api/v1/activities", params={"sort": "password"})
    assert r.status_code == 400  # not a sortable field: the documented pattern refuses it
    assert r.json()["errors"][0]["field"] == "sort"
    r = await client.get("/api/v1/activities", params={"country": "Narnia"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "country"
