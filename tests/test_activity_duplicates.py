"""Records of one event: the duplicate finder, linking, merging, "not the same event"."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import os
import subprocess
import sys

import httpx

from importers.service import import_file
from ta_manager.activities.duplicates import DuplicateFilters, find_duplicates
from ta_manager.activities.merging import merge_activities
from ta_manager.activities.service import ActivityService
from ta_manager.database import sql
from ta_manager.funding.service import AllocationService, ContributionService
from tests.fixtures import seed_documents as seeds
from tests.fixtures.workbooks import csv_bytes, xlsx

LINKS = (seeds.ACTIVITY_HEADER.index("same_event_as"), seeds.ACTIVITY_HEADER.index("delivers"))


async def _import_unlinked() -> None:
    """Both documents imported, before anyone linked their records."""
    report = copy.deepcopy(seeds.REPORT_2009)
    for row in report[1:]:
        for i in LINKS:
            row[i] = ""
    for kind, rows in (
        ("organizations", seeds.ORGANIZATIONS),
        ("projects", seeds.PROJECTS),
        ("activities", seeds.PAPER_2008),
        ("activities", report),
    ):
        await import_file(kind, xlsx(rows), f"{kind}.xlsx")


def _pairs(found: list[dict]) -> dict[frozenset[str], dict]:
    return {frozenset(a["code"] for a in p["activities"]): p for p in found}


async def test_the_finder_offers_the_dakar_records_and_the_held_firearms_meeting() -> None:
    await _import_unlinked()
    found = _pairs(await find_duplicates())
    dakar = {
        frozenset({"A-0816-FN17-DKR", "A-0908-FN10-DKR"}),
        frozenset({"A-0816-P9-SEN", "A-0908-FN10-DKR"}),
        frozenset({"A-0816-P9-SEN", "A-0816-FN17-DKR"}),
    }
    firearms = frozenset({"A-0816-P71-FA", "A-0908-P21-FA"})
    assert set(found) == dakar | {firearms}
    same_city = found[frozenset({"A-0816-FN17-DKR", "A-0908-FN10-DKR"})]
    assert same_city["suggestion"] == "same_event_as"
    assert "same venue" in same_city["reasons"]
    assert same_city["score"] > found[frozenset({"A-0816-P9-SEN", "A-0816-FN17-DKR"})]["score"]
    assert found[firearms]["suggestion"] == "delivers"  # planned, then held
    assert [p["score"] for p in await find_duplicates()] == sorted(
        (p["score"] for p in found.values()), reverse=True
    )
    # nothing was changed: the finder only reads
    assert await sql.fetchval("SELECT count(*) FROM activity_same_event") == 0
    # filters: a type, a period
    assert await find_duplicates(DuplicateFilters(type=["expert_group_meeting"])) == [
        p for p in await find_duplicates() if p["activities"][0]["type"] == "expert_group_meeting"
    ]
    assert await find_duplicates(DuplicateFilters(date_from=dt.date(2009, 1, 1))) == []


async def test_linked_and_dismissed_pairs_are_no_longer_offered(client: httpx.AsyncClient) -> None:
    await _import_unlinked()
    r = await client.get("/api/v1/activities/duplicates")
    assert r.status_code == 200 and len(r.json()) == 4
    held = (await client.get("/api/v1/activities", params={"q": "A-0908-FN10-DKR"})).json()
    (record,) = held["items"]
    r = await client.patch(
        f"/api/v1/activities/{record['id']}",
        json={"same_event_as": ["A-0816-FN17-DKR", "A-0816-P9-SEN"], "version": record["version"]},
    )
    assert r.status_code == 200, r.text
    left = (await client.get("/api/v1/activities/duplicates")).json()
    assert [frozenset(a["code"] for a in p["activities"]) for p in left] == [
        frozenset({"A-0816-P71-FA", "A-0908-P21-FA"})
    ]
    r = await client.post(
        "/api/v1/activities/duplicates/distinct",
        json={"activities": ["A-0816-P71-FA", "A-0908-P21-FA"]},
    )
    assert r.status_code == 204
    assert (await client.get("/api/v1/activities/duplicates")).json() == []
    linked = await client.get("/api/v1/activities/duplicates", params={"include_linked": True})
    assert len(linked.json()) == 3
    r = await client.post(
        "/api/v1/activities/duplicates/distinct", json={"activities": ["A-0816-P71-FA"] * 2}
    )
    assert r.status_code == 422


async def test_merge_keeps_both_sources_moves_money_and_archives_the_other(
    client: httpx.AsyncClient,
) -> None:
    await _import_unlinked()
    await import_file(
        "organizations",
        csv_bytes([["code", "name", "roles"], ["NOR", "Norway", "donor"]]),
        "o.csv",
    )
    service = ActivityService()
    kept = (await service.page(q="A-0816-FN17-DKR")).items[0]
    other = (await service.page(q="A-0908-FN10-DKR")).items[0]
    contribution = await ContributionService().create(
        {"code": "C-1", "donor": "NOR", "amount": "1000", "currency": "USD",
         "pledged_on": "2008-05"}
    )  # fmt: skip
    await AllocationService().create(
        {"contribution": contribution["code"], "amount": "400", "allocated_on": dt.date(2008, 5, 2),
         "activity": other["code"]}
    )  # fmt: skip
    r = await client.post(
        f"/api/v1/activities/{kept['id']}/merge",
        json={"other": other["code"], "version": kept["version"]},
    )
    assert r.status_code == 200, r.text
    merged = r.json()
    assert [s["document"] for s in merged["sources"]] == ["CTOC/COP/2008/16", "E/CN.15/2009/8"]
    assert set(merged["donors"]) == {"CAN", "FRA", "USA", "OSCE"}  # from the other record
    assert merged["same_event_group"] == [other["code"]]
    gone = await service.get(other["id"])
    assert gone["archived_at"] is not None and gone["same_event_as"] == [kept["code"]]
    assert gone["sources"] == other["sources"]  # the other record keeps its own citation
    moved = await sql.fetchval("SELECT count(*) FROM allocation WHERE activity_id = $1", kept["id"])
    assert moved == 1
    # audited: the kept record's update and the other's archiving
    actions = await sql.fetch(
        "SELECT action FROM audit_record WHERE resource = 'activity' AND record_id = $1"
        " ORDER BY id",
        other["id"],
    )
    assert [a["action"] for a in actions][-1] == "archive"
    r = await client.post(f"/api/v1/activities/{kept['id']}/merge", json={"other": kept["code"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "other"
    r = await client.post(f"/api/v1/activities/{kept['id']}/merge", json={"other": other["code"]})
    assert r.status_code == 422 and "archived" in r.text


async def test_cli_lists_pairs(database: str) -> None:
    """`ta-manager activities duplicates`, run as a user runs it, on this test's data."""
    await _import_unlinked()
    env = {**os.environ, "DATABASE_URL": database}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "ta_manager.cli.main", "activities", "duplicates",
         "--min-score", "60"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "A-0816-FN17-DKR  <->  A-0908-FN10-DKR  (same_event_as)" in done.stdout
    assert "A-0816-P9-SEN  <->" not in done.stdout  # below 60
    kept = await merge_activities(
        (await ActivityService().page(q="A-0816-FN17-DKR")).items[0]["id"], "A-0908-FN10-DKR"
    )
    assert kept["same_event_group"] == ["A-0908-FN10-DKR"]
