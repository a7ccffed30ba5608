"""Cross-site request forgery: a browser session (the cookie) cannot be used by another
site, on the UI's forms or the JSON API; Bearer and API-token requests are unaffected."""

from __future__ import annotations

import json

from tests.factories import activity_body
from tests.ui_session import BASE, browser

EVIL = "https://evil.example"


async def _count(client, path: str) -> int:  # type: ignore[no-untyped-def]
    r = await client.get(f"/api/v1/{path}")
    assert r.status_code == 200, r.text
    total: int = r.json()["total"]
    return total


async def test_cross_site_text_plain_post_to_the_api_is_refused(app, client) -> None:
    b = await browser(app, "officer")
    body = json.dumps(activity_body("A-CSRF"))
    r = await b.client.post(
        "/api/v1/activities",
        content=body,
        headers={"Origin": EVIL, "Content-Type": "text/plain"},
    )
    assert r.status_code == 403, r.text
    assert "cross-site" in r.json()["detail"]
    # Without any Origin and without the token: refused too.
    r = await b.client.post(
        "/api/v1/activities", content=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 403
    assert await _count(client, "activities") == 0
    # The page's token, or our own Origin, lets the browser session through.
    r = await b.client.post(
        "/api/v1/activities",
        content=body,
        headers={"Content-Type": "application/json", "X-CSRF-Token": b.csrf},
    )
    assert r.status_code == 201, r.text
    r = await b.client.post(
        "/api/v1/activities",
        content=json.dumps(activity_body("A-SAME")),
        headers={"Content-Type": "application/json", "Origin": BASE},
    )
    assert r.status_code == 201, r.text
    # A token from another session is worthless.
    other = await browser(app, "officer")
    r = await b.client.post(
        "/api/v1/activities",
        content=json.dumps(activity_body("A-OTHER")),
        headers={"Content-Type": "application/json", "X-CSRF-Token": other.csrf},
    )
    assert r.status_code == 403
    assert await _count(client, "activities") == 2
    await b.aclose()
    await other.aclose()


async def test_cookie_only_multipart_import_is_refused(app, client) -> None:
    b = await browser(app, "officer")
    csv = b"code,title,type\nA-IMP,Imported,workshop\n"
    for headers in ({}, {"Origin": EVIL}):
        r = await b.client.post(
            "/api/v1/imports/activities",
            files={"file": ("a.csv", csv, "text/csv")},
            headers=headers,
        )
        assert r.status_code == 403, r.text
    assert await _count(client, "activities") == 0
    await b.aclose()


async def test_bearer_requests_are_unaffected(client) -> None:
    r = await client.post(
        "/api/v1/activities",
        json=activity_body("A-BEARER"),
        headers={"Origin": EVIL},
    )
    assert r.status_code == 201, r.text


async def test_cross_site_form_post_to_the_ui_is_refused(app, client) -> None:
    b = await browser(app, "officer")
    form = {
        "code": "A-FORM",
        "title": "Form",
        "type": "workshop",
        "status": "planned",
        "scope": "national",
        "cost_currency": "USD",
    }
    # Cross-site: refused even with a (stolen) token.
    r = await b.post("/activities/new", form, headers={"Origin": EVIL})
    assert r.status_code == 403 and "cross-site" in r.text
    # A Referer from elsewhere (no Origin) is cross-site too.
    r = await b.client.post(
        "/activities/new", data={**form, "_csrf_token": b.csrf}, headers={"Referer": EVIL + "/x"}
    )
    assert r.status_code == 403
    # Same site but no token: refused.
    r = await b.post("/activities/new", form, token=False)
    assert r.status_code == 403 and "security token" in r.text
    assert await _count(client, "activities") == 0
    # The token in the htmx header works like the form field.
    r = await b.client.post(
        "/activities/new",
        data=form,
        headers={"Origin": BASE, "X-CSRF-Token": b.csrf, "HX-Request": "true"},
    )
    assert r.status_code == 200 and r.headers["hx-redirect"].startswith("/activities/")
    assert await _count(client, "activities") == 1
    # Logging in from another site is refused as well (login CSRF).
    r = await b.client.post(
        "/login", data={"email": "x@y.z", "password": "p"}, headers={"Origin": EVIL}
    )
    assert r.status_code == 403
    await b.aclose()


async def test_the_token_changes_with_each_login(app, clean_database) -> None:
    first = await browser(app, "viewer")
    second = await browser(app, "viewer")
    assert first.csrf and second.csrf and first.csrf != second.csrf
    await first.aclose()
    await second.aclose()
