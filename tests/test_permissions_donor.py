"""A donor sees its own money and what it bought, in full, and nothing of other donors.
A viewer reads activities, needs and reference data, and no funding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from ta_manager.api.query import query_keys
from tests.factories import activity_body, create, need_body

# Other donors' codes and names must never reach the donor user.
SECRETS = ("SWEDONOR", "Swedish Secret Agency", "EUDONOR", "European Secret Fund")


async def funding_world(admin: httpx.AsyncClient) -> dict[str, Any]:
    """Norway and Sweden co-fund P-JOINT; Sweden alone funds P-SWE; Norway funds A-NOR directly;
    the EU (a donor that is also a partner) partners A-JOINT."""
    orgs = [
        ("NORDONOR", "Norwegian Open Donor", ["donor"]),
        ("SWEDONOR", "Swedish Secret Agency", ["donor"]),
        ("EUDONOR", "European Secret Fund", ["donor", "partner"]),
        ("OAS", "Organization of American States", ["partner"]),
    ]
    for code, name, roles in orgs:
        await create(admin, "organizations", {"code": code, "name": name, "roles": roles})
    await create(
        admin, "projects", {"code": "P-JOINT", "title": "Joint", "donors": ["NORDONOR", "SWEDONOR"]}
    )
    await create(admin, "projects", {"code": "P-SWE", "title": "Swedish", "donors": ["SWEDONOR"]})
    ids = {}
    for code, project, partners in (
        ("A-JOINT", "P-JOINT", ["OAS", "EUDONOR"]),
        ("A-SWE", "P-SWE", []),
        ("A-NOR", None, []),
    ):
        body = activity_body(code, project=project, partners=partners)
        ids[code] = (await create(admin, "activities", body))["id"]

    def contribution(code: str, donor: str, amount: str, **kw: Any) -> dict[str, Any]:
        return {
            "code": code,
            "donor": donor,
            "amount": amount,
            "currency": "USD",
            "pledged_on": "2009-01-15",
            **kw,
        }

    c_nor1 = await create(
        admin,
        "contributions",
        contribution(
            "C-NOR-1",
            "NORDONOR",
            "100000.00",
            status="received",
            received_on="2009-02-01",
            earmarking="project",
            earmarked_project="P-JOINT",
        ),
    )
    c_nor2 = await create(admin, "contributions", contribution("C-NOR-2", "NORDONOR", "50000.00"))
    c_swe = await create(admin, "contributions", contribution("C-SWE-1", "SWEDONOR", "70000.00"))
    allocations = [
        ("C-NOR-1", "60000.00", {"project": "P-JOINT"}),
        ("C-NOR-2", "20000.00", {"activity": "A-NOR"}),
        ("C-SWE-1", "30000.00", {"project": "P-SWE"}),
        ("C-SWE-1", "10000.00", {"activity": "A-JOINT"}),
    ]
    alloc_ids = []
    for contribution_code, amount, target in allocations:
        body = {
            "contribution": contribution_code,
            "amount": amount,
            "allocated_on": "2009-03-01",
            **target,
        }
        alloc_ids.append((await create(admin, "allocations", body))["id"])
    spending = [
        (alloc_ids[0], "25000.00", "A-JOINT"),
        (alloc_ids[1], "5000.00", None),
        (alloc_ids[2], "7000.00", "A-SWE"),
        (alloc_ids[3], "3000.00", None),
    ]
    exp_ids = []
    for allocation_id, amount, activity in spending:
        body = {
            "allocation_id": allocation_id,
            "amount": amount,
            "spent_on": "2009-05-01",
            **({"activity": activity} if activity else {}),
        }
        exp_ids.append((await create(admin, "expenditures", body))["id"])
    await create(admin, "needs", need_body("N-1"))
    return {
        "activities": ids,
        "contributions": [c_nor1["id"], c_nor2["id"], c_swe["id"]],
        "allocations": alloc_ids,
        "expenditures": exp_ids,
    }


async def all_items(c: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    r = await c.get(f"/api/v1/{path}", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def text_of(r: httpx.Response) -> str:
    """The response as text; spreadsheets (zip) are unpacked so their cells are searched too."""
    if r.content[:2] != b"PK":
        return r.text
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(r.content)) as book:
        return "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())


def total(items: list[dict[str, Any]], field: str) -> Decimal:
    return sum((Decimal(str(i[field])) for i in items if i[field] is not None), Decimal(0))


@pytest.fixture
async def world(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return await funding_world(client)


async def test_donor_sees_only_its_own_money(client_as, world) -> None:  # type: ignore[no-untyped-def]
    donor = await client_as("donor", donor="NORDONOR")
    assert {c["code"] for c in await all_items(donor, "contributions")} == {"C-NOR-1", "C-NOR-2"}
    allocations = await all_items(donor, "allocations")
    assert {a["id"] for a in allocations} == set(world["allocations"][:2])
    expenditures = await all_items(donor, "expenditures")
    assert {e["id"] for e in expenditures} == set(world["expenditures"][:2])
    assert {p["code"] for p in await all_items(donor, "projects")} == {"P-JOINT"}
    assert {a["code"] for a in await all_items(donor, "activities")} == {"A-JOINT", "A-NOR"}


async def test_donor_totals_equal_the_secretariats_for_its_money(client_as, world) -> None:  # type: ignore[no-untyped-def]
    donor = await client_as("donor", donor="NORDONOR")
    secretariat = await client_as("secretariat")
    mine = await all_items(donor, "contributions")
    theirs = await all_items(secretariat, "contributions", donor="NORDONOR")
    everything = await all_items(secretariat, "contributions")
    for field in ("amount", "allocated", "spent", "unallocated", "amount_usd"):
        assert total(mine, field) == total(theirs, field), field
    assert total(mine, "amount") == Decimal("150000.00")
    assert total(mine, "spent") == Decimal("30000.00")
    assert total(everything, "amount") == Decimal("220000.00")  # the filter is real
    for path in ("allocations", "expenditures"):
        assert total(await all_items(donor, path), "amount") == total(
            await all_items(secretariat, path, donor="NORDONOR"), "amount"
        )


async def test_other_donors_records_are_404_by_id(client_as, world) -> None:  # type: ignore[no-untyped-def]
    donor = await client_as("donor", donor="NORDONOR")
    swe_contribution = world["contributions"][2]
    for path in (
        f"contributions/{swe_contribution}",
        f"allocations/{world['allocations'][2]}",
        f"expenditures/{world['expenditures'][2]}",
        f"activities/{world['activities']['A-SWE']}",
        "contributions/999999",
    ):
        r = await donor.get(f"/api/v1/{path}")
        assert r.status_code == 404, path
        assert "SWEDONOR" not in r.text
    organizations = await all_items(donor, "organizations")
    assert {o["code"] for o in organizations} >= {"NORDONOR", "OAS"}
    swe_org = (await all_items(await client_as("secretariat"), "organizations", q="SWEDONOR"))[0]
    assert (await donor.get(f"/api/v1/organizations/{swe_org['id']}")).status_code == 404
    assert await all_items(donor, "contributions", donor="SWEDONOR") == []
    me = (await donor.get("/api/v1/auth/me")).json()
    assert (me["role"], me["donor"]) == ("donor", "NORDONOR")
    own = await donor.get(f"/api/v1/contributions/{world['contributions'][0]}")
    assert own.status_code == 200 and own.json()["donor"] == "NORDONOR"
    assert (
        await donor.get(f"/api/v1/activities/{world['activities']['A-JOINT']}")
    ).status_code == 200


async def test_no_other_donor_name_in_any_response(app, client_as, world) -> None:  # type: ignore[no-untyped-def]
    donor = await client_as("donor", donor="NORDONOR")
    secretariat = await client_as("secretariat")
    seen_by_staff = ""
    seen_by_donor = ""
    for route in app.routes:
        path = route.path
        if not path.startswith("/api/v1/") or "{" in path:
            continue
        if "GET" not in route.methods:
            continue
        handler = route.route_handler_map["GET"][0]
        paged = {"limit": 1000} if "limit" in query_keys(handler).values() else {}
        r = await donor.get(path, params=paged)
        if r.status_code != 200:
            assert r.status_code in (403, 404, 422), (path, r.status_code)
            continue
        seen_by_donor += text_of(r)
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        for item in body.get("items", []) if isinstance(body, dict) else []:
            if isinstance(item, dict) and "id" in item:
                one = await donor.get(f"{path}/{item['id']}")
                assert one.status_code == 200, (path, item["id"])
                seen_by_donor += one.text
        seen_by_staff += text_of(await secretariat.get(path, params=paged))
    for secret in SECRETS:
        assert secret in seen_by_staff  # the crawl does reach the other donors' data
        assert secret not in seen_by_donor, secret
    assert "NORDONOR" in seen_by_donor and "Norwegian Open Donor" in seen_by_donor
    joint = await donor.get(f"/api/v1/activities/{world['activities']['A-JOINT']}")
    assert joint.json()["partners"] == ["OAS"]
    assert joint.json()["beneficiary_countries"] == ["BEN", "MLI", "SEN"]  # in full
    assert joint.json()["participants_total"] == 40


async def test_donor_user_cannot_write_or_read_needs_users_or_audit(client_as, world) -> None:  # type: ignore[no-untyped-def]
    donor = await client_as("donor", donor="NORDONOR")
    r = await donor.post(
        "/api/v1/contributions",
        json={
            "code": "C-X",
            "donor": "NORDONOR",
            "amount": "1",
            "currency": "USD",
            "pledged_on": "2009-01-01",
        },
    )
    assert r.status_code == 403
    for path in ("needs", "users", "audit", "cost-norms"):
        assert (await donor.get(f"/api/v1/{path}")).status_code == 403, path


async def test_viewer_reads_activities_needs_and_reference_but_no_funding(client_as, world) -> None:  # type: ignore[no-untyped-def]
    viewer = await client_as("viewer")
    for path in ("activities", "needs", "countries", "priority-areas", "organizations"):
        assert (await viewer.get(f"/api/v1/{path}")).status_code == 200, path
    assert len(await all_items(viewer, "activities")) == 3
    for path in (
        "contributions",
        "allocations",
        "expenditures",
        "projects",
        "exchange-rates",
        "cost-norms",
        f"contributions/{world['contributions'][0]}",
    ):
        assert (await viewer.get(f"/api/v1/{path}")).status_code == 403, path
    r = await viewer.post("/api/v1/needs", json=need_body("N-VIEW"))
    assert r.status_code == 403
    r = await viewer.patch(
        f"/api/v1/activities/{world['activities']['A-NOR']}", json={"title": "x", "version": 1}
    )
    assert r.status_code == 403
    assert len(await all_items(viewer, "needs")) == 1  # nothing written


async def test_hard_delete_and_restore_are_for_administrators(client_as, client) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer")
    record = await create(officer, "activities", activity_body("A-HARD"))
    path = f"/api/v1/activities/{record['id']}"
    assert (await officer.delete(path, params={"hard": "true"})).status_code == 403
    assert (await officer.get(path)).json()["archived_at"] is None
    assert (await officer.delete(path)).status_code == 204  # archiving is an officer's right
    assert (await officer.post(f"{path}/restore")).status_code == 403
    assert (await client.post(f"{path}/restore")).status_code == 200
    assert (await client.delete(path, params={"hard": "true"})).status_code == 204
    assert (await client.get(path)).status_code == 404
