"""Activity and need forms: the API's field names and checks, inline problems, stale edits,
the officer's assignments, and candidate links confirmed or rejected on a need's page."""

from __future__ import annotations

import re

from tests.factories import activity_body, create, need_body
from tests.ui_session import browser

FORM = {
    "code": "A-UI-1",
    "title": "Regional workshop typed in the browser",
    "type": "workshop",
    "status": "completed",
    "scope": "regional",
    "actual_start": "2008-06-10",
    "actual_end": "2008-06-12",
    "beneficiary_countries": "Benin, Togo",
    "priority_areas": ["PA3"],
    "assistance_types": ["PA3-CAP"],
    "participants_total": "40",
    "participants_female": "15",
    "participants_male": "25",
    "participants_by_profession.judge": "10",
    "cost_currency": "USD",
    "planned_cost": "12,500.50",
}


async def test_create_an_activity_through_the_form(app, client) -> None:
    b = await browser(app, "officer")
    r = await b.post("/activities/new", FORM)
    assert r.status_code == 303, r.text
    page = await b.get(r.headers["location"])
    assert "Regional workshop typed in the browser" in page.text and "Saved" in page.text
    found = (await client.get("/api/v1/activities", params={"q": "A-UI-1"})).json()["items"]
    assert len(found) == 1
    a = found[0]
    assert a["beneficiary_countries"] == ["BEN", "TGO"]
    assert a["participants_by_profession"] == {"judge": 10}
    assert a["planned_cost"] == "12500.50"
    audit = (await client.get("/api/v1/audit", params={"record": "A-UI-1"})).json()["items"]
    assert [(x["action"], x["via"], x["user_email"]) for x in audit] == [("create", "ui", b.email)]
    await b.aclose()


async def test_problems_are_shown_next_to_their_inputs(app, client) -> None:
    b = await browser(app, "officer")
    bad = {
        **FORM,
        "title": "",
        "participants_female": "30",
        "beneficiary_countries": "Narnia",
        "participants_total": "many",
    }
    r = await b.post("/activities/new", bad)
    assert r.status_code == 422
    assert re.search(r'id="in-title"[^>]*aria-invalid="true"', r.text)
    assert 'id="participants_total-error"' in r.text and "whole number" in r.text
    fixed = {**bad, "title": "T", "participants_total": "40"}
    r = await b.post("/activities/new", fixed, headers={"HX-Request": "true"})
    assert r.status_code == 422
    assert "<html" not in r.text  # the form fragment only
    assert (
        'id="beneficiary_countries-error"' in r.text
        and "unknown State" in r.text
        and "(Narnia)" in r.text
    )
    assert 'value="Narnia"' in r.text  # what was typed stays
    r = await b.post("/activities/new", {**fixed, "beneficiary_countries": "Benin"})
    assert r.status_code == 422
    assert 'id="participants_female-error"' in r.text
    assert "female (30) + male (25) exceeds participants_total (40)" in r.text
    assert (await client.get("/api/v1/activities")).json()["total"] == 0
    await b.aclose()


async def test_a_stale_edit_shows_what_changed_and_can_be_reapplied(app, client) -> None:
    created = await create(client, "activities", activity_body("A-STALE", title="First"))
    b = await browser(app, "officer")
    form_page = await b.get(f"/activities/{created['id']}/edit")
    assert 'name="version" value="1"' in form_page.text
    r = await client.patch(
        f"/api/v1/activities/{created['id']}", json={"title": "Theirs", "version": 1}
    )
    assert r.status_code == 200
    mine = {**FORM, "code": "A-STALE", "title": "Mine", "version": "1"}
    r = await b.post(f"/activities/{created['id']}/edit", mine)
    assert r.status_code == 409
    assert "Someone else changed this record" in r.text
    assert "Theirs" in r.text and 'value="Mine"' in r.text
    assert 'name="version" value="2"' in r.text
    stored = (await client.get(f"/api/v1/activities/{created['id']}")).json()
    assert stored["title"] == "Theirs"  # nothing overwritten
    r = await b.post(f"/activities/{created['id']}/edit", {**mine, "version": "2"})
    assert r.status_code == 303
    assert (await client.get(f"/api/v1/activities/{created['id']}")).json()["title"] == "Mine"
    await b.aclose()


async def test_an_assigned_officer_is_held_to_its_regions(app, client) -> None:
    b = await browser(app, "officer", regions=["WCA"])
    r = await b.post("/activities/new", {**FORM, "beneficiary_countries": "Peru"})
    assert r.status_code == 403
    assert (await client.get("/api/v1/activities")).json()["total"] == 0
    r = await b.post("/activities/new", FORM)
    assert r.status_code == 303
    await b.aclose()


async def test_need_form_and_page(app, client) -> None:
    b = await browser(app, "officer")
    r = await b.post(
        "/needs/new",
        {
            "code": "N-UI",
            "country": "Benin",
            "priority_area": "PA2",
            "assistance_type": "PA3-CAP",
            "status": "open",
            "priority": "high",
            "source": "letter",
        },
    )
    assert r.status_code == 422 and "does not belong to the need" in r.text
    r = await b.post(
        "/needs/new",
        {
            "code": "N-UI",
            "country": "Benin",
            "priority_area": "PA2",
            "assistance_type": "PA2-LEG",
            "status": "open",
            "priority": "high",
            "source": "letter",
            "instruments": ["UNTOC"],
        },
    )
    assert r.status_code == 303, r.text
    page = await b.get(r.headers["location"])
    assert "Need N-UI" in page.text and "unmet" in page.text
    await b.aclose()


async def _cell(b, query: str, country: str, key: str) -> str:  # type: ignore[no-untyped-def]
    r = await b.get(f"/matrix?{query}")
    m = re.search(rf'data-country="{country}" data-key="{key}" data-status="(\w+)"', r.text)
    assert m, r.text[:500]
    return m.group(1)


async def test_confirming_a_candidate_links_it_and_changes_the_matrix(app, client) -> None:
    need = await create(
        client, "needs", need_body("N-CAP", priority_area="PA3", assistance_type="PA3-CAP")
    )
    workshop = await create(client, "activities", activity_body("A-WS"))  # BEN, PA3-CAP, completed
    other = await create(
        client,
        "activities",
        activity_body("A-OTHER", actual_start="2008-01-05", actual_end="2008-01-06"),
    )
    b = await browser(app, "officer")
    assert await _cell(b, "region=WCA", "BEN", "PA3") == "unmet"
    page = await b.get(f"/needs/{need['id']}")
    assert "A-WS" in page.text and "A-OTHER" in page.text and "Answers this need" in page.text
    r = await b.post(
        f"/needs/{need['id']}/confirm",
        {"activity_id": str(workshop["id"])},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "<html" not in r.text
    assert 'id="matrix-cell" data-status="met"' in r.text
    assert (await client.get(f"/api/v1/activities/{workshop['id']}")).json()["needs"] == ["N-CAP"]
    assert await _cell(b, "region=WCA", "BEN", "PA3") == "met"
    audit = (await client.get("/api/v1/audit", params={"record": "A-WS"})).json()["items"]
    assert audit[0]["action"] == "update" and audit[0]["via"] == "ui"
    assert audit[0]["changes"]["needs"] == {"old": [], "new": ["N-CAP"]}
    # "It does not": stored, and the candidate is no longer offered, here or in the matrix.
    r = await b.post(f"/needs/{need['id']}/reject", {"activity_id": str(other["id"])})
    assert r.status_code == 303
    page = await b.get(f"/needs/{need['id']}")
    candidates = page.text.split('id="candidates"')[1].split("</table>")[0]
    assert "A-OTHER" not in candidates and "No candidates" in candidates
    assert "Rejected candidates (1)" in page.text
    matrix = (await client.get("/api/v1/reports/matrix", params={"country": "BEN"})).json()
    row = next(n for n in matrix["needs"] if n["code"] == "N-CAP")
    assert row["candidates"] is None and row["answered_by"] == "A-WS"
    trail = (await client.get("/api/v1/audit", params={"resource": "candidate rejection"})).json()
    assert trail["total"] == 1 and trail["items"][0]["user_email"] == b.email
    # ...and can be offered again.
    r = await b.post(f"/needs/{need['id']}/restore-candidate", {"activity_id": str(other["id"])})
    page = await b.get(f"/needs/{need['id']}")
    assert "A-OTHER" in page.text.split('id="candidates"')[1].split("</table>")[0]
    await b.aclose()


async def test_viewers_see_candidates_but_cannot_decide(app, client) -> None:
    need = await create(
        client, "needs", need_body("N-CAP", priority_area="PA3", assistance_type="PA3-CAP")
    )
    workshop = await create(client, "activities", activity_body("A-WS"))
    b = await browser(app, "viewer")
    page = await b.get(f"/needs/{need['id']}")
    assert "A-WS" in page.text and "Answers this need" not in page.text
    r = await b.post(f"/needs/{need['id']}/confirm", {"activity_id": str(workshop["id"])})
    assert r.status_code == 403
    await b.aclose()


async def test_matrix_cell_opens_its_needs_and_activities(app, client) -> None:
    await create(
        client, "needs", need_body("N-CAP", priority_area="PA3", assistance_type="PA3-CAP")
    )
    await create(client, "activities", activity_body("A-WS"))
    b = await browser(app, "secretariat")
    page = await b.get("/matrix?view=types&country=BEN")
    assert 'data-key="PA3-CAP" data-status="unmet"' in page.text
    assert "✗" in page.text  # a symbol as well as a colour
    cell = await b.get("/matrix/cell?country=BEN&priority_area=PA3")
    assert "N-CAP" in cell.text and "A-WS" in cell.text and "candidate" in cell.text
    download = await b.client.get("/api/v1/reports/matrix.xlsx?country=BEN")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    await b.aclose()
