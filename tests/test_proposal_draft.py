"""Drafting a proposal from the demo needs (CTOC/COP/2008/16 paras 25 and 31).

The expected States are copied from the working paper, not computed:
- para 31 training needs in West and Central Africa (WCA = M49 Western + Middle Africa):
  Benin, Burkina Faso, Cameroon, Chad, Congo, Gabon, Guinea, Mali, Niger;
- para 25 legislative assistance: 23 States, of which the demo activities meet Mauritius and
  Mongolia (completed missions) and partly meet Benin and Senegal (planned missions).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql
from ta_manager.demo.loader import load_demo

WCA_TRAINING = {"BEN", "BFA", "CMR", "TCD", "COG", "GAB", "GIN", "MLI", "NER"}
PARA_25 = {
    "DZA", "BEN", "CMR", "TCD", "CHN", "CRI", "CZE", "COM", "DOM", "ECU", "SLV", "GIN",
    "JAM", "MDG", "MYS", "MDV", "MUS", "MNG", "NGA", "PHL", "SEN", "ZAF", "ZWE",
}  # fmt: skip
MET = {"MUS", "MNG"}
PARTLY = {"BEN", "SEN"}


@pytest.fixture(autouse=True)
async def demo(clean_database: None) -> None:
    await load_demo()
    await seed_example_norms()


async def draft(client: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {"title": "Proposals 2009-2011", "start_year": 2009, "end_year": 2011, **extra}
    r = await client.post("/api/v1/proposals/draft", json=body)
    assert r.status_code == 201, r.text
    doc = dict(r.json())
    assert isinstance(doc["id"], int)
    return doc


def missions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = [a for a in doc["activities"] if a["template"] == "legal_advisory_mission"]
    assert all(len(a["countries"]) == 1 for a in found)
    return {a["countries"][0]: a for a in found}


async def test_draft_proposes_wca_training_workshop_and_para_25_missions(
    client: httpx.AsyncClient,
) -> None:
    doc = await draft(client)
    workshops = [a for a in doc["activities"] if a["template"] == "regional_workshop"]
    wca = [a for a in workshops if a["venue_region"] == "WCA" and a["priority_area"] == "PA2"]
    assert len(wca) == 1, [a["title"] for a in workshops]
    (wca_workshop,) = wca
    assert set(wca_workshop["countries"]) == WCA_TRAINING
    assert wca_workshop["parameters"]["states"] == 9
    assert sorted(wca_workshop["needs"]) == sorted(f"N-2008-{c}-PA2-TRN" for c in WCA_TRAINING)
    assert "West and Central Africa" in wca_workshop["title"]
    assert float(wca_workshop["total"]) > 0 and len(wca_workshop["lines"]) == 7

    by_state = missions(doc)
    assert set(by_state) >= PARA_25 - MET - PARTLY
    assert not (MET | PARTLY) & set(by_state)
    assert "N-2008-DZA-PA2-LEG" in by_state["DZA"]["needs"]
    assert by_state["DZA"]["title"] == "Legislative assistance mission to Algeria"
    # every workshop gathers three or more States
    assert all(len(a["countries"]) >= 3 for a in workshops)

    remaining = {n["code"] for n in doc["needs_without_proposal"]}
    answered = {code for a in doc["activities"] for code in a["needs"]}
    assert not remaining & answered
    # Serbia's training need: no other Balkan State asked, so no workshop
    assert "N-2008-SRB-PA2-TRN" in remaining
    # the met needs are neither proposed for nor listed as remaining
    assert "N-2008-MUS-PA2-LEG" not in remaining | answered

    # totals are the sum of the activities, PSC on top at the example norm's 13 %
    direct = sum(float(a["total"]) for a in doc["activities"])
    assert abs(float(doc["totals"]["direct"]) - direct) < 0.01 * len(doc["activities"])
    assert float(doc["psc_rate"]) == 13
    stored = await sql.fetchval("SELECT count(*) FROM proposed_activity_need")
    assert stored == len([c for a in doc["activities"] for c in a["needs"]])


async def test_draft_with_partly_met_and_filters(client: httpx.AsyncClient) -> None:
    doc = await draft(client, include_partly_met=True)
    assert set(missions(doc)) >= PARA_25 - MET
    only = await draft(client, priority_areas=["PA2"], regions=["WCA"])
    assert {a["priority_area"] for a in only["activities"]} == {"PA2"}
    countries = {c for a in only["activities"] for c in a["countries"]}
    assert countries <= set(
        await sql.fetchval(
            "SELECT array_agg(c.iso3::text) FROM country c JOIN region_member m"
            " ON m.country_id = c.id JOIN region r ON r.id = m.region_id WHERE r.code = 'WCA'"
        )
    )
    assert all(n["priority_area"] == "PA2" for n in only["needs_without_proposal"])


async def test_draft_rejects_a_cycle_ending_before_it_starts(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/proposals/draft", json={"title": "T", "start_year": 2011, "end_year": 2009}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end_year"
    assert await sql.fetchval("SELECT count(*) FROM proposal") == 0


async def test_draft_with_unknown_region_is_a_clear_error(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/proposals/draft",
        json={"title": "T", "start_year": 2009, "end_year": 2011, "regions": ["ATLANTIS"]},
    )
    assert r.status_code == 422 and "ATLANTIS" in r.json()["detail"]


def run_cli(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ta_manager.cli.main", *args],
        env={**os.environ, "DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_cli_draft_and_seed_example(database: str) -> None:
    seeded = await asyncio.to_thread(run_cli, database, "cost-norms", "seed-example")
    assert seeded.returncode == 0, seeded.stderr
    assert "added 0 example cost norms" in seeded.stdout  # already loaded: kept as they are
    done = await asyncio.to_thread(
        run_cli,
        database,
        *("proposal", "draft", "--title", "Cycle 2009-2011", "--start-year", "2009"),
        *("--end-year", "2011", "--priority-area", "PA2"),
    )
    assert done.returncode == 0, done.stderr
    assert "Legislative assistance mission to Algeria" in done.stdout
    assert "West and Central Africa" in done.stdout
    assert "needs remain without a proposed activity" in done.stdout
    assert await sql.fetchval("SELECT count(*) FROM proposal") == 1
    bad = await asyncio.to_thread(
        run_cli, database, "proposal", "draft", "--title", "T", "--start-year", "2011",
        "--end-year", "2009",
    )  # fmt: skip
    assert bad.returncode != 0 and "before it starts" in bad.stderr
