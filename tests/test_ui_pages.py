"""Every page as every role, through the real session cookie: status, the right records,
refusals (a donor opening another donor's page gets 404), htmx and plain requests."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.factories import activity_body, create, need_body
from tests.test_permissions_donor import SECRETS, funding_world
from tests.ui_session import BASE, PASSWORD, browser, make_user

PAGES = (
    "/",
    "/activities",
    "/activities/new",
    "/needs",
    "/needs/new",
    "/matrix",
    "/reports",
    "/funding",
    "/imports",
    "/proposals",
    "/admin",
)
# Which role opens which page (the rest get 403).
ALLOWED = {
    "admin": set(PAGES),
    "officer": set(PAGES),
    "secretariat": set(PAGES) - {"/activities/new", "/needs/new"},
    "donor": {"/", "/activities", "/funding", "/admin"},
    "viewer": {"/", "/activities", "/needs", "/admin"},
}
NAV = re.compile(r'<ul class="nav">(.*?)</ul>', re.S)


async def test_anonymous_is_sent_to_the_login_page(app, anon_client) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        r = await c.get("/activities?status=completed")
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=/activities%3Fstatus%3Dcompleted"
        r = await c.get("/needs", headers={"HX-Request": "true"})
        assert r.headers["hx-redirect"].startswith("/login?next=/needs")
        page = await c.get("/login")
        assert page.status_code == 200
        assert 'name="email"' in page.text and 'name="password"' in page.text
        assert '<label for="in-email">' in page.text


async def test_wrong_password_is_said_on_the_form(app, clean_database) -> None:
    user = await make_user("officer")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as c:
        r = await c.post("/login", data={"email": user["email"], "password": "nope"})
        assert r.status_code == 401
        assert "Wrong e-mail or password" in r.text
        assert "ta_session" not in r.headers.get("set-cookie", "")
        r = await c.post(
            "/login", data={"email": user["email"], "password": PASSWORD, "next": "//evil.example"}
        )
        assert r.status_code == 303 and r.headers["location"] == "/"  # never off-site


@pytest.mark.parametrize("role", sorted(ALLOWED))
async def test_every_page_for_every_role(app, client, role: str) -> None:
    await create(client, "organizations", {"code": "DON", "name": "Donor", "roles": ["donor"]})
    b = await browser(app, role, donor="DON" if role == "donor" else None)
    for path in PAGES:
        r = await b.get(path)
        expected = 200 if path in ALLOWED[role] else 403
        assert r.status_code == expected, f"{role} {path}: {r.status_code} {r.text[:300]}"
        assert r.headers["content-type"].startswith("text/html")
    home = await b.get("/")
    nav = NAV.search(home.text)
    assert nav is not None
    linked = set(re.findall(r'href="([^"]+)"', nav.group(1)))
    assert linked == {p for p in ALLOWED[role] if p.count("/") == 1}
    await b.aclose()


async def test_lists_show_the_right_records_plain_and_htmx(app, client) -> None:
    await create(client, "activities", activity_body("A-BEN", beneficiary_countries=["BEN"]))
    await create(client, "activities", activity_body("A-PER", beneficiary_countries=["PER"]))
    await create(client, "needs", need_body("N-BEN"))
    b = await browser(app, "viewer")
    plain = await b.get("/activities?country=Benin")
    assert plain.status_code == 200 and "A-BEN" in plain.text and "A-PER" not in plain.text
    assert "<html" in plain.text
    fragment = await b.get("/activities?country=PER", headers={"HX-Request": "true"})
    assert "A-PER" in fragment.text and "A-BEN" not in fragment.text
    assert "<html" not in fragment.text  # only the results
    bad = await b.get("/activities?country=Narnia")
    assert bad.status_code == 200 and "unknown State" in bad.text
    sorted_desc = await b.get("/activities?sort=-code")
    assert sorted_desc.text.index("A-PER") < sorted_desc.text.index("A-BEN")
    needs = await b.get("/needs?country=BEN")
    assert "N-BEN" in needs.text
    picker = await b.get(
        "/pick/countries?field=beneficiary_countries&beneficiary_countries=Benin;%20Tog"
    )
    assert '<option value="Benin; Togo">' in picker.text
    await b.aclose()


async def test_a_donor_sees_only_its_own(app, client) -> None:
    world = await funding_world(client)
    b = await browser(app, "donor", donor="NORDONOR")
    home = await b.get("/")
    assert "C-NOR-1" in home.text and "C-NOR-2" in home.text
    funding = await b.get("/funding")
    assert funding.status_code == 200 and "C-NOR-1" in funding.text
    for secret in SECRETS:
        assert secret not in home.text and secret not in funding.text
    assert (await b.get("/funding?donor=SWEDONOR")).status_code == 404
    assert (await b.get(f"/activities/{world['activities']['A-SWE']}")).status_code == 404
    own = await b.get(f"/activities/{world['activities']['A-NOR']}")
    assert own.status_code == 200 and "A-NOR" in own.text
    listing = await b.get("/activities")
    assert "A-NOR" in listing.text and "A-SWE" not in listing.text
    download = await b.client.get("/api/v1/reports/funding.xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    await b.aclose()
    staff = await browser(app, "secretariat")
    chosen = await staff.get("/funding?donor=SWEDONOR")
    assert chosen.status_code == 200 and "C-SWE-1" in chosen.text and "C-NOR-1" not in chosen.text
    await staff.aclose()


async def test_officer_dashboard_lists_its_regions_and_last_changes(app, client) -> None:
    await create(client, "needs", need_body("N-BEN", country="BEN"))
    await create(client, "needs", need_body("N-PER", country="PER"))
    b = await browser(app, "officer", regions=["WCA"])
    await b.post(
        "/activities/new",
        {
            "code": "A-MINE",
            "title": "Mine",
            "type": "workshop",
            "status": "planned",
            "scope": "national",
            "beneficiary_countries": "Benin",
            "cost_currency": "USD",
        },
    )
    home = await b.get("/")
    assert "N-BEN" in home.text and "N-PER" not in home.text
    assert "A-MINE" in home.text  # recent activities and what I changed last
    assert "What you changed last" in home.text
    await b.aclose()


async def test_secretariat_dashboard_shows_coverage_and_the_year(app, client) -> None:
    await create(client, "needs", need_body("N-1"))
    b = await browser(app, "secretariat")
    home = await b.get("/?year=2008")
    assert "Coverage of stated needs" in home.text and "The year so far: 2008" in home.text
    assert "PA2" in home.text
    await b.aclose()
