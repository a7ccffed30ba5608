"""/api/v1/iati: roles, donor forcing, the left-out list, settings refused as problems."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.conftest import ClientFactory


async def test_iati_routes(client_as: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from ta_manager.demo.loader import load_demo

    await load_demo()
    officer = await client_as("officer")
    unconfigured = await officer.get("/api/v1/iati/activities.xml")
    assert unconfigured.status_code == 422
    assert "TA_IATI_REPORTING_ORG" in unconfigured.json()["detail"]
    monkeypatch.setenv("TA_IATI_REPORTING_ORG", "XM-DAC-41121")
    monkeypatch.setenv("TA_IATI_REPORTING_ORG_NAME", "UNODC")

    whole = await officer.get("/api/v1/iati/activities.xml")
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("application/xml")
    assert "left-out" in whole.headers["link"]
    all_ids = {e.text for e in etree.fromstring(whole.content).iter("iati-identifier")}
    left = await officer.get("/api/v1/iati/activities/left-out")
    assert left.json()["published"] == len(all_ids) and left.json()["left_out"] == []

    donor = await client_as("donor", donor="NOR")
    own = await donor.get("/api/v1/iati/activities.xml", params={"donor": "SWE"})
    assert own.status_code == 404  # another donor's money does not exist for a donor user
    own = await donor.get("/api/v1/iati/activities.xml")
    tree = etree.fromstring(own.content)
    ids = {e.text for e in tree.iter("iati-identifier")}
    assert ids and ids < all_ids
    names = {n.text for n in tree.iter("narrative")}
    assert "Government of Norway" in names and "Government of Sweden" not in names
    refs = {t.get("ref") for t in tree.iter("transaction")}
    assert refs and all("-NOR-" in r for r in refs)  # only Norway's contributions
    assert (await donor.get("/api/v1/iati/organisation.xml")).status_code == 403
    org = await officer.get("/api/v1/iati/organisation.xml")
    assert org.status_code == 200 and b"<total-budget" in org.content
    assert (
        await officer.get("/api/v1/iati/activities.xml", params={"donor": "NOPE"})
    ).status_code == 404


async def test_former_name_state_left_out_of_recipient_country(
    client: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2008 record kept against "Southern Sudan" (no IATI code) still publishes, without it."""
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    monkeypatch.setenv("TA_IATI_REPORTING_ORG", "XM-DAC-41121")
    monkeypatch.setenv("TA_IATI_REPORTING_ORG_NAME", "UNODC")
    made = await client.post(
        "/api/v1/activities",
        json={
            "code": "A-MENTOR-2008",
            "title": "Anti-Corruption Mentor Programme placements",
            "type": "legal_advisory",
            "status": "completed",
            "actual_start": "2008-01-01",
            "actual_end": "2008-12-31",
            "beneficiary_countries": ["Kenya", "Southern Sudan (former name)"],
            "sectors": ["15113"],
        },
    )
    assert made.status_code == 201, made.text
    xml = await client.get("/api/v1/iati/activities.xml")
    assert xml.status_code == 200
    tree = etree.fromstring(xml.content)
    activity = next(
        a
        for a in tree.iter("iati-activity")
        if a.findtext("iati-identifier").endswith("MENTOR-2008")
    )
    assert [c.get("code") for c in activity.iter("recipient-country")] == ["KE"]
