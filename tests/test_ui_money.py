"""Money as documents state it, on the pages: contributions without amounts, amounts with no
rate, cumulative figures (the superseded one left out), funding needs on /funding and on a
proposal; a proposal's uncosted lines, missing norms, ranges and proposed records taken."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.factories import create
from tests.ui_session import browser


async def _money(client: httpx.AsyncClient) -> None:
    for code in ("DON", "OTH"):
        await create(client, "organizations", {"code": code, "name": f"Donor {code}",
                                               "roles": ["donor"]})  # fmt: skip
    for body in (
        {"code": "C-NOAMOUNT", "donor": "DON", "status": "received", "received_on": "2008",
         "sources": [{"document": "E/CN.15/2009/8", "footnote": "10"}]},
        {"code": "C-EUR", "donor": "DON", "amount": "1000", "currency": "EUR",
         "pledged_on": "2009-02", "earmarking": "priority_area", "earmarked_priority_area": "PA3"},
        {"code": "C-CUM-1", "donor": "DON", "amount": "4000000", "currency": "USD",
         "cumulative": True, "period_from": "2005", "period_to": "2008"},
        {"code": "C-CUM-2", "donor": "DON", "amount": "5500000", "currency": "USD",
         "cumulative": True, "period_from": "2005"},
        {"code": "C-OTH", "donor": "OTH", "amount": "700", "currency": "USD",
         "pledged_on": "2009-01-10"},
    ):  # fmt: skip
        await create(client, "contributions", body)
    await create(
        client,
        "funding-needs",
        {"code": "FN-PA3", "title": "Workshops on cooperation lack funding",
         "kind": "funding_gap", "priority_area": "PA3", "stated_on": "2008-08",
         "sources": [{"document": "CTOC/COP/2008/16", "paragraph": "65"}]},
    )  # fmt: skip


async def test_funding_as_documents_state_it(app: Any, client: httpx.AsyncClient) -> None:
    await _money(client)
    staff = await browser(app, "secretariat")
    page = await staff.get("/funding?donor=DON")
    assert page.status_code == 200
    table = page.text.split('id="contributions"')[1].split("</table>")[0]
    row = lambda code: table.split(f"<td>{code}")[1].split("</tr>")[0]  # noqa: E731
    assert "not quantified" in row("C-NOAMOUNT") and "E/CN.15/2009/8 fn 10" in row("C-NOAMOUNT")
    assert "no rate" in row("C-EUR") and "1,000.00" in row("C-EUR")
    assert "cumulative 2005 to 2008" in row("C-CUM-1")
    assert "superseded by C-CUM-2: not in totals" in row("C-CUM-1")
    assert re.search(r'<tr class="not-counted"><td>C-CUM-1', table)
    assert "cumulative" in row("C-CUM-2") and "superseded" not in row("C-CUM-2")
    # only the counted figure is in the USD total: 5.5 million, never 9.5
    assert "<b>5,500,000.00</b><span>Pledged (USD)</span>" in page.text
    needs = page.text.split('id="funding-needs-table"')[1].split("</table>")[0]
    assert "FN-PA3" in needs and "not quantified" in needs and "CTOC/COP/2008/16 para 65" in needs
    everyone = await staff.get("/funding")
    by_donor = everyone.text.split("By donor")[1].split("</table>")[0]
    assert "EUR 1000" in by_donor  # not in USD (no rate), per donor
    await staff.aclose()

    donor = await browser(app, "donor", donor="DON")
    own = await donor.get("/funding")
    assert "C-CUM-1" in own.text and "C-OTH" not in own.text and "FN-PA3" in own.text
    dashboard = await donor.get("/")
    assert "not quantified" in dashboard.text
    await donor.aclose()
    other = await browser(app, "donor", donor="OTH")
    theirs = await other.get("/funding")
    assert "C-OTH" in theirs.text and "C-CUM-1" not in theirs.text and "FN-PA3" not in theirs.text
    assert (await other.get("/funding?donor=DON")).status_code == 404
    await other.aclose()


async def test_proposal_uncosted_ranges_and_proposed_records(
    app: Any, client: httpx.AsyncClient
) -> None:
    await _money(client)
    for code in ("A-PROP-1", "A-PROP-2"):
        await create(
            client,
            "activities",
            {"code": code, "title": f"Regional workshop {code}", "type": "workshop",
             "status": "proposed", "scope": "regional", "priority_areas": ["PA3"],
             "beneficiary_countries": ["BEN", "TGO"], "planned_start": "2009"},
        )  # fmt: skip
    await create(client, "activities", {"code": "A-HELD", "title": "Held", "type": "workshop",
                                         "status": "completed"})  # fmt: skip
    b = await browser(app, "officer")
    form = await b.get("/proposals")
    assert 'name="activities"' in form.text and 'name="take_proposed"' in form.text
    r = await b.post(
        "/proposals/draft",
        {"title": "2009-2011", "start_year": "2009", "end_year": "2011", "activities": "A-PROP-1",
         "min_states_for_workshop": "3"},
    )  # fmt: skip
    assert r.status_code == 303, r.text
    path = r.headers["location"].split("?")[0]
    page = await b.get(path)
    assert 'id="incomplete"' in page.text and "Not complete" in page.text
    assert re.search(r"no \w+ norm for 2009", page.text)  # the missing norms are named
    assert "takes the proposed record" in page.text and "A-PROP-1" in page.text
    assert page.text.count('class="tag uncosted"') > 1 and "<em>uncosted</em>" in page.text
    needs = page.text.split('id="funding-needs-table"')[1].split("</table>")[0]
    assert "FN-PA3" in needs
    assert 'id="unconverted"' in page.text and "1,000.00 EUR" in page.text

    # Take a second proposed record; a held one is refused with the service's reason.
    refused = await b.post(f"{path}/activities", {"activity": "A-HELD"})
    assert refused.status_code == 422 and "not proposed" in refused.text
    r = await b.post(f"{path}/activities", {"activity": "A-PROP-2"})
    assert r.status_code == 303, r.text
    page = await b.get(path)
    assert "Regional workshop A-PROP-2" in page.text

    # A line with a range: costed at both ends, the totals too.
    add = re.search(r'action="(/proposals/\d+/activities/\d+/lines)"', page.text)
    assert add
    r = await b.post(
        add.group(1),
        {"category": "travel", "description": "Tickets", "quantity": "8", "quantity_high": "10",
         "unit": "ticket", "unit_cost": "100"},
    )  # fmt: skip
    assert r.status_code == 303, r.text
    page = await b.get(path)
    assert "800.00 \u2013 1,000.00" in page.text
    assert "Total (low \u2013 high end of the ranges)" in page.text
    await b.aclose()
