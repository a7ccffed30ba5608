"""/admin/states: the UN names, statuses and notes of the States and areas; edited by
administrators only, through the API's checks."""

from __future__ import annotations

from typing import Any

import httpx

from tests.ui_session import browser


async def test_states_page_and_edit(app: Any, client: httpx.AsyncClient) -> None:
    viewer = await browser(app, "viewer")
    page = await viewer.get("/admin/states?status=former_name")
    assert page.status_code == 200
    assert "Southern Sudan (former name)" in page.text and "South Sudan became a State" in page.text
    assert 'href="/admin/states/' not in page.text  # no editing for a viewer
    bolivia = await viewer.get("/admin/states?q=BOL", headers={"HX-Request": "true"})
    assert "<html" not in bolivia.text
    assert "Bolivia (Plurinational State of)" in bolivia.text
    assert "Plurinational State of Bolivia" in bolivia.text  # formal name
    assert "Bolivie (État plurinational de)" in bolivia.text and "Member State" in bolivia.text
    assert "observer State" in (await viewer.get("/admin/states?q=Holy See")).text
    await viewer.aclose()

    secretariat = await browser(app, "secretariat")
    (ben,) = [
        c
        for c in (await client.get("/api/v1/countries", params={"q": "BEN"})).json()["items"]
        if c["iso3"] == "BEN"
    ]
    assert (await secretariat.get(f"/admin/states/{ben['id']}")).status_code == 403
    await secretariat.aclose()

    admin = await browser(app, "admin")
    assert 'href="/admin/states"' in (await admin.get("/admin")).text
    form = await admin.get(f"/admin/states/{ben['id']}")
    assert form.status_code == 200 and 'name="official_name_fr"' in form.text
    assert 'value="member_state" selected' in form.text
    values = {
        "iso3": "BEN",
        "iso2": "BJ",
        "m49_code": ben["m49_code"],
        "status": "member_state",
        "name": "Benin",
        "official_name": ben["official_name"],
        "name_fr": ben["name_fr"],
        "official_name_fr": ben["official_name_fr"],
        "name_es": ben["name_es"],
        "official_name_es": ben["official_name_es"],
        "region": ben["region"] or "",
        "sub_region": ben["sub_region"] or "",
        "note": "Checked against UNTERM",
        "version": str(ben["version"]),
    }
    bad = await admin.post(f"/admin/states/{ben['id']}", {**values, "iso2": ""})
    assert bad.status_code == 422 and "only former-name entries have none" in bad.text
    r = await admin.post(f"/admin/states/{ben['id']}", values)
    assert r.status_code == 303 and r.headers["location"] == "/admin/states?done=saved"
    again = (await client.get(f"/api/v1/countries/{ben['id']}")).json()
    assert again["note"] == "Checked against UNTERM"
    await admin.aclose()
