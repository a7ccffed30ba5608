"""Proposal writes answer with what changed and the proposal's totals, without recomputing
the whole document (need coverage is computed only when the document is asked for)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.proposals import service
from tests.test_proposal_api import BASE, WORKSHOP, create


@pytest.fixture(autouse=True)
async def norms(clean_database: None) -> None:
    await seed_example_norms()


async def test_activity_and_line_writes_return_the_activity_and_exact_totals(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = await create(client, activities=[WORKSHOP])

    async def no_coverage(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a write computed the needs without a proposal")

    monkeypatch.setattr(service, "needs_without_proposal", no_coverage)
    second = {**WORKSHOP, "title": "Second workshop", "parameters": {"states": 8}}
    r = await client.post(f"{BASE}/{doc['id']}/activities", json=second)
    assert r.status_code == 201, r.text
    added = r.json()
    assert "needs_without_proposal" not in added and added["title"] == "Second workshop"
    line = added["lines"][0]
    path = f"{BASE}/{doc['id']}/activities/{added['id']}/lines/{line['id']}"
    r = await client.patch(path, json={"quantity": "3", "version": line["version"]})
    assert r.status_code == 200, r.text
    changed = r.json()
    monkeypatch.undo()

    # The same figures as the whole document computes from every line.
    full = (await client.get(f"{BASE}/{doc['id']}")).json()
    (again,) = [a for a in full["activities"] if a["id"] == added["id"]]
    assert changed["total"] == again["total"] and changed["by_year"] == again["by_year"]
    assert changed["lines"] == again["lines"]
    assert changed["proposal_totals"] == full["totals"]
    assert changed["total"] != added["total"]  # the line's new quantity counts
