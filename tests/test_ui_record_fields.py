"""The issue-11 fields on the activity and need forms: kind, series, proposed status, plans
delivered, same event, donors, sources (rows that work without JavaScript), partial dates
with the API's own problems, investigators; the list filters `category` and `undated`; the
State picker reading names with the one matcher."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.factories import create
from tests.ui_session import browser

PLAN = {
    "code": "A-PLAN",
    "title": "Meeting of experts on joint investigations",
    "type": "expert_group_meeting",
    "category": "intergovernmental",
    "status": "proposed",
    "scope": "global",
    "events": "3",
    "planned_start": "2008",
    "donors": "DON",
    "cost_currency": "USD",
    "participants_by_profession.investigator": "5",
    "sources.0.document": "CTOC/COP/2008/16",
    "sources.0.paragraph": "22",
    "sources.1.document": "",
    "sources.2.document": "E/CN.15/2009/8",
    "sources.2.footnote": "10",
    "sources.2.quote": "In September 2008, UNODC organized an informal expert group",
}


async def test_new_fields_through_the_forms(app: Any, client: httpx.AsyncClient) -> None:
    await create(client, "organizations", {"code": "DON", "name": "A donor", "roles": ["donor"]})
    b = await browser(app, "officer")
    form = await b.get("/activities/new")
    assert 'name="category"' in form.text and 'value="proposed"' in form.text
    assert 'name="participants_by_profession.investigator"' in form.text
    assert 'name="sources.1.document"' in form.text and 'id="add-sources"' in form.text
    assert 'id="in-planned_start"' in form.text and 'placeholder="YYYY, YYYY-MM or' in form.text

    # "Add another source" without JavaScript: the form again, one more row, nothing saved.
    more = await b.post("/activities/new", {**PLAN, "_add_row": "sources"})
    assert more.status_code == 200 and "Nothing was saved" not in more.text
    assert 'value="E/CN.15/2009/8"' in more.text and 'name="sources.4.document"' in more.text
    assert (await client.get("/api/v1/activities")).json()["total"] == 0
    # ... and with htmx: one row, numbered after those the editor has.
    row = await b.get(
        "/forms/source-row",
        params={"field": "sources", "sources.0.document": "x", "sources.3.quote": ""},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200 and 'name="sources.4.document"' in row.text
    assert "<html" not in row.text

    r = await b.post("/activities/new", PLAN)
    assert r.status_code == 303, r.text
    plan = (await client.get("/api/v1/activities", params={"q": "A-PLAN"})).json()["items"][0]
    assert (plan["category"], plan["status"], plan["events"]) == (
        "intergovernmental",
        "proposed",
        3,
    )
    assert plan["planned_start"] == "2008" and plan["donors"] == ["DON"]
    assert plan["participants_by_profession"] == {"investigator": 5}
    assert plan["sources"] == [
        {"document": "CTOC/COP/2008/16", "paragraph": "22", "footnote": "", "quote": ""},
        {
            "document": "E/CN.15/2009/8",
            "paragraph": "",
            "footnote": "10",
            "quote": "In September 2008, UNODC organized an informal expert group",
        },
    ]
    edit = await b.get(f"/activities/{plan['id']}/edit")
    assert 'name="sources.1.document" value="E/CN.15/2009/8"' in edit.text
    assert 'name="sources.3.document" value=""' in edit.text  # two blank rows after them

    held = {
        "code": "A-HELD",
        "title": "Informal expert group on joint investigations",
        "type": "expert_group_meeting",
        "status": "completed",
        "scope": "global",
        "category": "technical_assistance",
        "actual_start": "2019-13",
        "actual_end": "2008-09",
        "delivers": "A-PLAN",
        "cost_currency": "USD",
        "sources.0.paragraph": "26",
    }
    bad = await b.post("/activities/new", held)
    assert bad.status_code == 422
    assert 'id="sources-error"' in bad.text and "row 1: give the document symbol" in bad.text
    held = {**held, "sources.0.document": "E/CN.15/2009/8"}
    bad = await b.post("/activities/new", held)  # the API's own problem, next to the input
    assert bad.status_code == 422
    assert 'id="actual_start-error"' in bad.text and "there is no month 13" in bad.text
    held = {**held, "actual_start": "2008-09-22"}
    before = await b.post("/activities/new", {**held, "actual_end": "2008-08"})
    assert before.status_code == 422
    assert 'id="actual_end-error"' in before.text and "is before actual_start" in before.text
    r = await b.post("/activities/new", {**held, "actual_end": "2008-09"})
    assert r.status_code == 303, r.text
    page = await b.get(f"/activities/{plan['id']}")
    assert re.search(r'id="delivered-by"><a href="/activities/by-code/A-HELD">', page.text)
    assert "intergovernmental meeting" in page.text and "3 events" in page.text
    assert "CTOC/COP/2008/16 para 22" in page.text and "investigators: 5" in page.text
    linked = await b.get("/activities/by-code/A-HELD")
    assert linked.status_code == 303 and linked.headers["location"].startswith("/activities/")
    shown = await b.get(linked.headers["location"])
    assert 'id="dates">Sep 22, 2008 to September 2008</dd>' in shown.text

    # List filters: the kind, and records without any date.
    only = await b.get("/activities?category=intergovernmental", headers={"HX-Request": "true"})
    assert ">A-PLAN</a>" in only.text and ">A-HELD</a>" not in only.text
    assert "delivered by A-HELD" in only.text
    undated = await b.get("/activities?undated=true")
    assert ">A-PLAN</a>" not in undated.text  # planned for 2008: dated
    await create(client, "activities", {"code": "A-NODATE", "title": "T", "type": "workshop"})
    undated = await b.get("/activities?undated=true")
    assert ">A-NODATE</a>" in undated.text and ">A-HELD</a>" not in undated.text
    assert re.search(r'class="muted">undated</td>', undated.text)
    bad_filter = await b.get("/activities?undated=perhaps")
    assert "must be true or false" in bad_filter.text
    await b.aclose()


async def test_a_need_with_a_month_and_its_sources(app: Any, client: httpx.AsyncClient) -> None:
    b = await browser(app, "officer")
    r = await b.post(
        "/needs/new",
        {
            "code": "N-2008-05",
            "country": "Benin",
            "priority_area": "PA2",
            "status": "open",
            "priority": "medium",
            "source": "letter",
            "stated_on": "2008-05",
            "sources.0.document": "CTOC/COP/2008/16",
            "sources.0.paragraph": "34 (e)",
        },
    )
    assert r.status_code == 303, r.text
    need = (await client.get("/api/v1/needs", params={"q": "N-2008-05"})).json()["items"][0]
    assert need["stated_on"] == "2008-05" and need["sources"][0]["paragraph"] == "34 (e)"
    page = await b.get(r.headers["location"])
    assert "May 2008" in page.text and "CTOC/COP/2008/16 para 34 (e)" in page.text
    listed = await b.get("/needs?undated=true")
    assert "N-2008-05" not in listed.text
    await b.aclose()


async def test_pickers_read_states_with_the_matcher(app: Any, client: httpx.AsyncClient) -> None:
    await create(client, "organizations", {"code": "DON", "name": "A donor", "roles": ["donor"]})
    await create(
        client, "organizations", {"code": "PAR", "name": "A partner", "roles": ["partner"]}
    )
    await create(
        client,
        "activities",
        {"code": "A-P1", "title": "Plan", "type": "workshop", "status": "planned"},
    )
    await create(
        client,
        "activities",
        {"code": "A-P2", "title": "Held", "type": "workshop", "status": "completed"},
    )
    b = await browser(app, "officer")
    typed = "Benin; Russia; Southern Sudan; Niger and Nigeria"
    r = await b.get(
        "/pick/countries",
        params={"field": "beneficiary_countries", "beneficiary_countries": typed},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    reading = r.text.split('id="beneficiary_countries-reading"')[1]
    assert "Benin (BEN)" in reading and "Russia → Russian Federation (RUS)" in reading
    assert "South Sudan became a State on 9 July 2011" in reading
    assert "ambiguous State name" in reading
    assert '<option value="Benin; Russia; Southern Sudan; Niger (NER)' not in r.text
    last = await b.get(
        "/pick/countries",
        params={"field": "venue_country", "venue_country": "Russia"},
        headers={"HX-Request": "true"},
    )
    assert '<option value="Russian Federation">RUS · Russian Federation</option>' in last.text
    plans = await b.get("/pick/plans", params={"field": "delivers", "delivers": "A-P"})
    assert "A-P1" in plans.text and "A-P2" not in plans.text
    donors = await b.get("/pick/donors", params={"field": "donors", "donors": "A "})
    assert "DON" in donors.text and "PAR" not in donors.text
    await b.aclose()
