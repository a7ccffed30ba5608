"""Long work from the pages as jobs (ui/jobs.py): a progress fragment htmx polls until the
file is ready, a page that refreshes itself without JavaScript, cancel, problems as the
API's problem details, imports through jobs, and a job nobody else can see."""

from __future__ import annotations

import asyncio
import html
import io
import json
import re
from typing import Any

import httpx
import openpyxl

from ta_manager.accounts import users
from ta_manager.accounts.users import Account
from ta_manager.jobs import service as jobs
from tests.factories import activity_body, create, need_body
from tests.job_worker import job_worker
from tests.ui_session import Browser, browser

__all__ = ["job_worker"]
HTMX = {"HX-Request": "true"}


async def finished(b: Browser, fragment: str, seconds: float = 30) -> str:
    """Poll a job's fragment as htmx does until it stops asking to be polled."""
    for _ in range(int(seconds / 0.1)):
        found = re.search(r'hx-get="(/jobs/[^"]+)" hx-trigger="every', fragment)
        if found is None:
            return fragment
        await asyncio.sleep(0.1)
        r = await b.get(html.unescape(found.group(1)), headers=HTMX)
        assert r.status_code == 200, r.text
        fragment = r.text
    raise AssertionError(f"the job did not finish: {fragment}")


async def test_a_matrix_job_from_the_page(
    app: Any, client: httpx.AsyncClient, job_worker: Any
) -> None:
    await create(
        client, "needs", need_body("N-BEN", priority_area="PA3", assistance_type="PA3-CAP")
    )
    await create(client, "activities", activity_body("A-WS"))
    b = await browser(app, "secretariat")
    page = await b.get("/matrix?country=BEN")
    assert 'id="job-area"' in page.text
    params = re.search(
        r'name="kind" value="matrix">\s*<input type="hidden" name="params" value=\'([^\']+)\'',
        page.text,
    )
    assert params and json.loads(params.group(1)) == {"country": "BEN"}
    started = await b.post("/jobs", {"kind": "matrix", "params": params.group(1)}, headers=HTMX)
    assert started.status_code == 200 and "<html" not in started.text
    assert "<progress" in started.text or "Download" in started.text
    done = await finished(b, started.text)
    link = re.search(r'href="(/jobs/[0-9a-f-]+/download)"', done)
    assert link and "needs-matrix-" in done
    file = await b.client.get(link.group(1))
    assert file.status_code == 200 and file.content[:2] == b"PK"
    book = openpyxl.load_workbook(io.BytesIO(file.content), read_only=True)
    assert "N-BEN" in {str(c) for r in book["Needs"].iter_rows(values_only=True) for c in r}
    # Without JavaScript: 303 to the job's page, which refreshes itself until it is done.
    plain = await b.post("/jobs", {"kind": "matrix", "params": "{}"})
    assert plain.status_code == 303 and plain.headers["location"].startswith("/jobs/")
    for _ in range(300):
        shown = await b.get(plain.headers["location"])
        if 'http-equiv="refresh"' not in shown.text:
            break
        assert "<progress" in shown.text
        await asyncio.sleep(0.1)
    assert "Download needs-matrix-" in shown.text
    assert "Needs-to-activity matrix" in (await b.get("/jobs")).text  # my jobs
    # A bad filter: the API's problem details, nothing queued.
    bad = await b.post("/jobs", {"kind": "matrix", "params": '{"region": "NOWHERE"}'}, headers=HTMX)
    assert bad.status_code == 422 and "params.region" in bad.text and "Not started" in bad.text
    refused = await b.post("/jobs", {"kind": "matrix", "params": "{}"}, token=False)
    assert refused.status_code == 403
    await b.aclose()
    viewer = await browser(app, "viewer")
    assert (await viewer.post("/jobs", {"kind": "matrix", "params": "{}"})).status_code == 403
    await viewer.aclose()


async def test_a_donor_never_sees_another_donors_job(
    app: Any, client: httpx.AsyncClient, job_worker: Any
) -> None:
    for code in ("NOR", "SWE"):
        await create(client, "organizations", {"code": code, "name": code, "roles": ["donor"]})
        await create(
            client,
            "contributions",
            {
                "code": f"C-{code}",
                "donor": code,
                "amount": "10",
                "currency": "USD",
                "pledged_on": "2009",
            },
        )
    nor = await browser(app, "donor", donor="NOR")
    swe = await browser(app, "donor", donor="SWE")
    started = await nor.post("/jobs", {"kind": "funding", "params": '{"format": "xlsx"}'})
    assert started.status_code == 303
    url = started.headers["location"]
    done = await finished(nor, (await nor.get(url, headers=HTMX)).text)
    download = f"{url}/download"
    assert f'href="{download}"' in done
    for path in (url, download):
        assert (await swe.get(path)).status_code == 404
    assert (await swe.post(f"{url}/cancel", {})).status_code == 404
    assert url.removeprefix("/jobs/") not in (await swe.get("/jobs")).text
    file = await nor.client.get(download)
    book = openpyxl.load_workbook(io.BytesIO(file.content), read_only=True)
    cells = {str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    assert "C-NOR" in cells and "C-SWE" not in cells
    other = await nor.post("/jobs", {"kind": "funding", "params": '{"donor": "SWE"}'}, headers=HTMX)
    assert other.status_code == 404
    await nor.aclose()
    await swe.aclose()


async def test_no_worker_queued_job_and_cancel(app: Any, client: httpx.AsyncClient) -> None:
    b = await browser(app, "secretariat")
    # No worker: the button sends the browser to the report's own URL (built in the request).
    r = await b.post("/jobs", {"kind": "annual", "params": '{"year": 2008}'}, headers=HTMX)
    # ... in the page's language
    assert r.headers["hx-redirect"] == "/api/v1/reports/annual.xlsx?year=2008&lang=en"
    plain = await b.post("/jobs", {"kind": "annual", "params": '{"year": 2008}'})
    assert plain.status_code == 303
    assert plain.headers["location"].endswith("annual.xlsx?year=2008&lang=en")
    # A job queued while no worker runs says so, and can be cancelled.
    me = Account.of(await users.find_user(b.email))
    job = await jobs.start(me, "matrix", {})
    page = await b.get(f"/jobs/{job['id']}")
    assert 'http-equiv="refresh"' in page.text and "No job worker is running" in page.text
    cancelled = await b.post(f"/jobs/{job['id']}/cancel", {}, headers=HTMX)
    assert cancelled.status_code == 200 and "Cancelled" in cancelled.text
    assert 'hx-trigger="every' not in cancelled.text
    again = await b.post(f"/jobs/{job['id']}/cancel", {})  # already finished: its page
    assert again.status_code == 303
    assert (await jobs.status(me, job["id"]))["state"] == "cancelled"
    await b.aclose()


BAD = b"code,title,type,beneficiary_countries\nA-1,One,workshop,Benin\nA-2,Two,workshop,Narnia\n"
GOOD = b"code,title,type,beneficiary_countries\nA-1,One,workshop,Benin\nA-2,Two,workshop,Togo\n"


async def upload(b: Browser, content: bytes) -> httpx.Response:
    return await b.client.post(
        "/imports",
        data={"kind": "activities", "_csrf_token": b.csrf},
        files={"file": ("mine.csv", content, "text/csv")},
        headers={"Origin": "https://testserver", **HTMX},
    )


async def test_imports_run_as_jobs(app: Any, client: httpx.AsyncClient, job_worker: Any) -> None:
    b = await browser(app, "officer")
    await b.get("/imports")
    r = await upload(b, BAD)
    assert r.status_code == 200 and 'class="job' in r.text
    problems = await finished(b, r.text)
    table = problems.split('id="problems"')[1].split("</table>")[0]
    assert "Narnia" in table and "beneficiary_countries" in table
    marked = re.search(r'href="(/jobs/[0-9a-f-]+/errors\.xlsx)"', problems)
    assert marked
    assert (await b.client.get(marked.group(1))).content[:2] == b"PK"
    r = await upload(b, GOOD)
    dry = await finished(b, r.text)
    assert "Dry run of mine.csv" in dry
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', dry)
    assert upload_id
    assert (await client.get("/api/v1/activities")).json()["total"] == 0
    r = await b.post("/imports/confirm", {"upload_id": upload_id.group(1)}, headers=HTMX)
    assert r.status_code == 200
    done = await finished(b, r.text)
    assert "Imported mine.csv" in done
    assert (await client.get("/api/v1/activities")).json()["total"] == 2
    again = await b.post("/imports/confirm", {"upload_id": upload_id.group(1)})
    assert again.status_code == 404  # confirmed once only
    await b.aclose()
