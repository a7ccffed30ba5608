"""The duplicate review list (/activities/duplicates): pairs side by side, and each answer
(same event, plan delivered, not the same, merge) through the services: CSRF-protected,
audited `via: ui`, refused when a record changed since the list was shown."""

from __future__ import annotations

import re
from typing import Any

import httpx

from ta_manager.database import sql
from tests.factories import activity_body, create
from tests.ui_session import browser


def _at(city: str, country: str, start: str, end: str, states: list[str]) -> dict[str, Any]:
    return {
        "venue_city": city,
        "venue_country": country,
        "actual_start": start,
        "actual_end": end,
        "beneficiary_countries": states,
    }


async def _pairs(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    dakar = _at("Dakar", "SEN", "2008-06-10", "2008-06-12", ["SEN", "BEN"])
    nairobi = _at("Nairobi", "KEN", "2009-03-02", "2009-03-04", ["KEN", "UGA"])
    bangkok = _at("Bangkok", "THA", "2010-01-11", "2010-01-13", ["THA", "LAO"])
    para9 = [{"document": "CTOC/COP/2008/16", "paragraph": "9"}]
    fn10 = [{"document": "E/CN.15/2009/8", "footnote": "10"}]
    bodies = [
        activity_body("A-X1", **dakar, sources=para9),
        activity_body("A-X2", **dakar, participants_total=45),
        activity_body(
            "A-P", type="expert_group_meeting", status="planned", planned_start="2008-09",
            venue_city="Vienna", venue_country="AUT", beneficiary_countries=["AUT"],
            actual_start=None, actual_end=None, participants_female=None,
            participants_male=None, participants_total=None,
        ),
        activity_body(
            "A-H", type="expert_group_meeting", **_at("Vienna", "AUT", "2008-09-22",
                                                      "2008-09-24", ["AUT"]),
        ),
        activity_body("A-M1", **nairobi, sources=para9),
        activity_body("A-M2", **nairobi, sources=fn10),
        activity_body("A-D1", **bangkok),
        activity_body("A-D2", **bangkok),
    ]  # fmt: skip
    return {b["code"]: await create(client, "activities", b) for b in bodies}


def _form(page: str, first: str) -> dict[str, str]:
    """The hidden fields of the answer form of the pair whose first record is `first`."""
    forms = re.findall(r'<form method="post" action="/activities/duplicates/decide".*?</form>',
                       page, re.S)  # fmt: skip
    for form in forms:
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        if fields.get("first") == first:
            return {k: v for k, v in fields.items() if k not in ("action", "_csrf_token")}
    raise AssertionError(f"no pair starting with {first}")


async def test_review_list_and_answers(app: Any, client: httpx.AsyncClient) -> None:
    records = await _pairs(client)
    viewer = await browser(app, "viewer")
    assert (await viewer.get("/activities/duplicates")).status_code == 403
    assert "Review possible duplicates" not in (await viewer.get("/activities")).text
    await viewer.aclose()

    b = await browser(app, "officer")
    assert 'href="/activities/duplicates"' in (await b.get("/")).text  # the dashboard links it
    page = await b.get("/activities/duplicates")
    assert page.status_code == 200
    for code in records:
        assert f">{code}</a>" in page.text
    assert "same venue" in page.text and page.text.count('class="pair"') == 4
    assert "Plan delivered" in page.text  # A-P was planned, A-H held
    fragment = await b.get("/activities/duplicates?min_score=101", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "min_score" in fragment.text and "between 0 and 100" in fragment.text

    # A cross-site post (no token) is refused and writes nothing.
    same = {**_form(page.text, "A-X1"), "action": "same_event"}
    refused = await b.post("/activities/duplicates/decide", same, token=False)
    assert refused.status_code == 403
    assert await sql.fetchval("SELECT count(*) FROM activity_same_event") == 0

    # Same event, as a plain form post: back to the list, the pair gone, audited via ui.
    r = await b.post("/activities/duplicates/decide", same)
    assert r.status_code == 303 and r.headers["location"].startswith(
        "/activities/duplicates?done=linked"
    )
    x1 = (await client.get(f"/api/v1/activities/{records['A-X1']['id']}")).json()
    assert x1["same_event_as"] == ["A-X2"] and x1["same_event_group"] == ["A-X2"]
    via = await sql.fetch(
        "SELECT via, user_email FROM audit_record WHERE record_id = $1 AND action = 'update'",
        records["A-X1"]["id"],
    )
    assert [(v["via"], v["user_email"]) for v in via] == [("ui", b.email)]
    page = await b.get("/activities/duplicates?done=linked")
    assert "one event" in page.text and page.text.count('class="pair"') == 3

    # Plan delivered, through htmx: the pair's article is replaced by what was done.
    plan = {**_form(page.text, "A-P"), "action": "delivers"}
    r = await b.post("/activities/duplicates/decide", plan, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    assert "A-H delivers the plan A-P" in r.text
    held = (await client.get(f"/api/v1/activities/{records['A-H']['id']}")).json()
    assert held["delivers"] == "A-P"
    shown = await b.get(f"/activities/{records['A-P']['id']}")
    assert re.search(r'id="delivered-by"><a href="/activities/by-code/A-H">A-H</a>', shown.text)

    # A stale answer: A-M2 changed after the list was shown; nothing is merged.
    merge = {**_form(page.text, "A-M1"), "action": "merge_first"}
    m2 = records["A-M2"]
    r = await client.patch(
        f"/api/v1/activities/{m2['id']}", json={"title": "Renamed", "version": m2["version"]}
    )
    assert r.status_code == 200
    stale = await b.post("/activities/duplicates/decide", merge, headers={"HX-Request": "true"})
    assert stale.status_code == 409 and "nothing was written" in stale.text
    assert "Renamed" in stale.text  # the pair as it is now
    assert (await client.get(f"/api/v1/activities/{m2['id']}")).json()["archived_at"] is None
    fresh = _form(stale.text, "A-M1")
    r = await b.post("/activities/duplicates/decide", {**fresh, "action": "merge_first"})
    assert r.status_code == 303
    kept = (await client.get(f"/api/v1/activities/{records['A-M1']['id']}")).json()
    assert [s["document"] for s in kept["sources"]] == ["CTOC/COP/2008/16", "E/CN.15/2009/8"]
    assert (await client.get(f"/api/v1/activities/{m2['id']}")).json()["archived_at"]

    # Not the same: recorded on both records' history; the pair is no longer offered.
    distinct = {**_form(page.text, "A-D1"), "action": "distinct"}
    r = await b.post("/activities/duplicates/decide", distinct, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "not the same event" in r.text
    changes = await sql.fetch(
        "SELECT record_code, changes FROM audit_record WHERE via = 'ui'"
        " AND changes ? 'distinct_from' ORDER BY record_code"
    )
    assert [(c["record_code"], c["changes"]["distinct_from"]["new"]) for c in changes] == [
        ("A-D1", "A-D2"),
        ("A-D2", "A-D1"),
    ]
    assert "A-D1" not in (await b.get("/activities/duplicates")).text
    await b.aclose()
