"""Imports (dry run, problems, confirm), proposals (draft, edit, totals) and administration
(users, tokens, reference data) through the pages."""

from __future__ import annotations

import re

from tests.factories import create, need_body
from tests.ui_session import browser

BAD = (
    b"code,title,type,beneficiary_countries,actual_start\nA-1,One,workshop,Benin,2008-06-10\n"
    b"A-2,Two,workshop,Narnia,2008-13-45\n"
)
GOOD = (
    b"code,title,type,beneficiary_countries,actual_start\nA-1,One,workshop,Benin,2008-06-10\n"
    b"A-2,Two,workshop,Togo,2008-06-11\n"
)


async def test_import_dry_run_problems_fix_and_confirm(app, client) -> None:
    b = await browser(app, "officer")
    page = await b.get("/imports")
    assert "/api/v1/imports/activities/template" in page.text
    r = await b.client.post(
        "/imports",
        data={"kind": "activities", "_csrf_token": b.csrf},
        files={"file": ("mine.csv", BAD, "text/csv")},
        headers={"Origin": "https://testserver"},
    )
    assert r.status_code == 422
    table = r.text.split('id="problems"')[1].split("</table>")[0]
    assert "beneficiary_countries" in table and "Narnia" in table and "actual_start" in table
    assert re.search(r"<td>3</td><td>beneficiary_countries</td>", table)
    link = re.search(r'href="(/api/v1/imports/errors/[^"]+)"', r.text)
    assert link
    marked = await b.client.get(link.group(1))
    assert marked.status_code == 200 and marked.content[:2] == b"PK"
    assert (await client.get("/api/v1/activities")).json()["total"] == 0
    r = await b.client.post(
        "/imports",
        data={"kind": "activities", "_csrf_token": b.csrf},
        files={"file": ("mine.csv", GOOD, "text/csv")},
        headers={"Origin": "https://testserver", "HX-Request": "true"},
    )
    assert r.status_code == 200 and "<html" not in r.text
    assert "Dry run of mine.csv" in r.text
    assert (await client.get("/api/v1/activities")).json()["total"] == 0  # nothing yet
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', r.text)
    assert upload_id
    r = await b.post("/imports/confirm", {"upload_id": upload_id.group(1)})
    assert r.status_code == 200 and "Imported mine.csv" in r.text
    assert (await client.get("/api/v1/activities")).json()["total"] == 2
    again = await b.post("/imports/confirm", {"upload_id": upload_id.group(1)})
    assert again.status_code == 404  # confirmed once only
    await b.aclose()


async def test_imports_offer_only_the_kinds_the_role_may_write(app, client) -> None:
    b = await browser(app, "secretariat")
    page = await b.get("/imports")
    assert 'value="cost-norms"' in page.text and 'value="activities"' not in page.text
    r = await b.client.post(
        "/imports",
        data={"kind": "activities", "_csrf_token": b.csrf},
        files={"file": ("x.csv", GOOD, "text/csv")},
        headers={"Origin": "https://testserver"},
    )
    assert r.status_code == 403
    await b.aclose()


async def test_draft_edit_and_export_a_proposal(app, client) -> None:
    from ta_manager.cost_norms.seed import seed_example_norms

    await seed_example_norms()
    for code, country in (("N-BEN", "BEN"), ("N-TGO", "TGO"), ("N-SEN", "SEN")):
        await create(
            client,
            "needs",
            need_body(code, country=country, priority_area="PA3", assistance_type="PA3-CAP"),
        )
    b = await browser(app, "officer")
    r = await b.post(
        "/proposals/draft",
        {
            "title": "TA 2009-2011",
            "start_year": "2009",
            "end_year": "2011",
            "min_states_for_workshop": "3",
        },
    )
    assert r.status_code == 303, r.text
    page = await b.get(r.headers["location"])
    assert "TA 2009-2011" in page.text and "Gap" in page.text
    line = re.search(
        r'action="(/proposals/\d+/activities/\d+/lines/\d+)".*?name="version" value="(\d+)"'
        r'.*?name="quantity" value="([^"]+)"',
        page.text,
        re.S,
    )
    assert line
    path, version, _ = line.groups()
    r = await b.post(path, {"version": version, "quantity": "7", "unit_cost": "1000"})
    assert r.status_code == 303
    page = await b.get(r.headers["location"].split("#")[0])
    assert "7,000.00" in page.text
    stale = await b.post(path, {"version": version, "quantity": "8", "unit_cost": "1000"})
    assert stale.status_code == 409 and "version" in stale.text
    # Export: a job button; with no worker running it sends the browser to the file itself.
    export = re.search(
        r'name="kind" value="proposal">\s*<input type="hidden" name="params" value=\'([^\']+)\'',
        page.text,
    )
    assert export
    r = await b.post("/jobs", {"kind": "proposal", "params": export.group(1)})
    assert r.status_code == 303 and re.fullmatch(
        r"/api/v1/proposals/\d+\.xlsx\?lang=en", r.headers["location"]
    )
    assert (await b.client.get(r.headers["location"])).content[:2] == b"PK"
    await b.aclose()


async def test_admin_users_tokens_and_reference_data(app, client) -> None:
    await create(client, "organizations", {"code": "DON", "name": "Donor", "roles": ["donor"]})
    admin = await browser(app, "admin")
    r = await admin.post("/admin/users", {"email": "d@example.org", "role": "donor"})
    assert r.status_code == 422 and "a donor user needs a donor organization" in r.text
    r = await admin.post(
        "/admin/users", {"email": "d@example.org", "role": "donor", "donor": "DON"}
    )
    assert r.status_code == 303
    r = await admin.post(
        "/admin/users",
        {"email": "o@example.org", "role": "officer", "regions": "WCA", "password": "long pass 1"},
    )
    assert r.status_code == 303
    page = await admin.get("/admin")
    assert "d@example.org" in page.text and "WCA" in page.text
    made = await admin.post("/admin/tokens", {"name": "script"})
    token = re.search(r'<code id="new-token">(tam_[^<]+)</code>', made.text)
    assert token and made.headers["cache-control"] == "no-store"
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.json()["email"] == admin.email
    assert token.group(1) not in (await admin.get("/admin")).text  # shown once
    await admin.aclose()

    secretariat = await browser(app, "secretariat")
    areas = (await client.get("/api/v1/priority-areas", params={"q": "PA1"})).json()["items"]
    pa1 = next(a for a in areas if a["code"] == "PA1")
    form = await secretariat.get(f"/admin/priority-areas/{pa1['id']}")
    assert form.status_code == 200
    r = await secretariat.post(
        f"/admin/priority-areas/{pa1['id']}",
        {
            "code": "PA1",
            "name": "Renamed by the secretariat",
            "version": str(pa1["version"]),
            "active": "on",
            "sort_order": "1",
        },
    )
    assert r.status_code == 303, r.text
    again = (await client.get(f"/api/v1/priority-areas/{pa1['id']}")).json()
    assert again["name"] == "Renamed by the secretariat"
    assert (await secretariat.get("/admin/assistance-types/new")).status_code == 403
    assert "Add a user" not in (await secretariat.get("/admin")).text  # reads users only
    await secretariat.aclose()
