"""Jobs through the API with a real worker (in this process, on the test database)."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openpyxl
import pytest

from ta_manager.database import sql
from ta_manager.jobs import service as jobs
from ta_manager.jobs.worker import Worker
from ta_manager.settings import Settings
from tests.conftest import ClientFactory
from tests.fixtures.workbooks import row_counts, xlsx
from tests.test_report_fixture import build_fixture


def job_settings(dsn: str, **changes: Any) -> Settings:
    return dataclasses.replace(
        Settings.from_env(), database_url=dsn, job_heartbeat_seconds=2, **changes
    )


@pytest.fixture
async def worker(database: str, clean_database: None) -> AsyncIterator[Worker]:
    w = Worker(job_settings(database), manage_pool=False)
    task = asyncio.create_task(w.run())
    for _ in range(100):
        if await jobs.workers_alive(w.settings):
            break
        await asyncio.sleep(0.05)
    yield w
    w.stop()
    await asyncio.wait_for(task, 20)


async def poll(client: httpx.AsyncClient, url: str, seconds: float = 30) -> dict[str, Any]:
    for _ in range(int(seconds / 0.1)):
        r = await client.get(url)
        assert r.status_code == 200, r.text
        if r.json()["state"] in ("done", "failed", "cancelled"):
            return dict(r.json())
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {url} did not finish: {r.json()}")


def cells(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's values, without the times the About sheet gives (when it was made)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    out = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        out[sheet.title] = [r for r in rows if r and r[0] not in ("Generated at", "Data as of")]
    return out


async def test_report_job_equals_the_synchronous_file(
    client: httpx.AsyncClient, database: str, clean_database: None
) -> None:
    await build_fixture()
    sync = await client.get("/api/v1/reports/matrix.xlsx", params={"region": "WCA"})
    assert sync.status_code == 200, sync.text  # no worker alive: built in the web process
    w = Worker(job_settings(database), manage_pool=False)
    task = asyncio.create_task(w.run())
    try:
        r = await client.post(
            "/api/v1/jobs", json={"kind": "matrix", "params": {"region": ["WCA"]}}
        )
        assert r.status_code == 202, r.text
        started = r.json()
        assert started["url"] == f"/api/v1/jobs/{started['id']}"
        assert r.headers["location"] == started["url"]
        assert started["state"] in ("queued", "running", "done")
        job = await poll(client, started["url"])
        assert job["state"] == "done", job
        assert job["attempts"] == 1 and job["error"] is None
        assert job["progress"]["step"] is not None
        assert job["file"]["filename"].startswith("needs-matrix-")
        got = await client.get(job["download_url"])
        assert got.status_code == 200
        assert got.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert "attachment" in got.headers["content-disposition"]
        assert cells(got.content) == cells(sync.content)
        # With a worker alive the download URL hands its work to it and still answers the file.
        via_job = await client.get("/api/v1/reports/matrix.xlsx", params={"region": "WCA"})
        assert via_job.status_code == 200, via_job.text
        assert cells(via_job.content) == cells(sync.content)
        listed = (await client.get("/api/v1/jobs")).json()["items"]
        assert len(listed) == 2 and listed[-1]["id"] == started["id"]
        # A finished job cannot be cancelled.
        r = await client.delete(started["url"])
        assert r.status_code == 409, r.text
    finally:
        w.stop()
        await asyncio.wait_for(task, 20)


async def test_a_slow_download_redirects_to_its_job(
    client: httpx.AsyncClient, database: str, worker: Worker, app: Any
) -> None:
    await build_fixture()
    settings = app.state.settings
    app.state.settings = dataclasses.replace(settings, sync_wait_seconds=0)
    try:
        r = await client.get("/api/v1/reports/annual.xlsx", params={"year": 2008})
        assert r.status_code == 303, r.text
        job = await poll(client, r.headers["location"])
        assert job["state"] == "done" and job["kind"] == "annual"
        assert job["params"] == {"year": 2008, "lang": "en"}  # the language is fixed at start
        r = await client.get("/api/v1/reports/annual.xlsx", params={"year": 2008, "wait": True})
        assert r.status_code == 200
        browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        r = await client.get("/api/v1/reports/annual.xlsx", params={"year": 2008}, headers=browser)
        assert r.status_code == 200, r.text
        assert openpyxl.load_workbook(io.BytesIO(r.content))["Summary"] is not None
    finally:
        app.state.settings = settings


async def test_a_donor_never_reads_another_users_job(
    client: httpx.AsyncClient, client_as: ClientFactory, worker: Worker
) -> None:
    await build_fixture()
    eu = await client_as("donor", donor="EU")
    nor = await client_as("donor", donor="NOR")
    r = await nor.post("/api/v1/jobs", json={"kind": "funding", "params": {}})
    assert r.status_code == 202, r.text
    job = await poll(nor, r.json()["url"])
    assert job["state"] == "done", job
    book = openpyxl.load_workbook(io.BytesIO((await nor.get(job["download_url"])).content))
    donors = {row[1] for row in book["Contributions"].iter_rows(min_row=2, values_only=True)}
    assert donors == {"NOR"}
    for other in (eu, client):  # another donor, and even an administrator
        for url in (job["url"], job["download_url"]):
            assert (await other.get(url)).status_code == 404
        assert (await other.delete(job["url"])).status_code == 404
    # Asking for another donor's money is refused at start, as if it did not exist.
    r = await eu.post("/api/v1/jobs", json={"kind": "funding", "params": {"donor": "NOR"}})
    assert r.status_code == 404, r.text
    r = await eu.post("/api/v1/jobs", json={"kind": "matrix", "params": {}})
    assert r.status_code == 403, r.text


async def test_bad_jobs_are_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    for body, field in [
        ({"kind": "nonsense"}, "kind"),
        ({"params": {}}, "kind"),
        ({"kind": "matrix", "params": {"regoin": "WCA"}}, "params.regoin"),
        ({"kind": "matrix", "params": {"region": "NOWHERE"}}, "params.region"),
        ({"kind": "annual", "params": {"year": "soon"}}, "params.year"),
        ({"kind": "annual", "params": {"from": "2009-01-01", "to": "2008-01-01"}}, "params.from"),
        ({"kind": "funding", "params": {"format": "pdf"}}, "params.format"),
        ({"kind": "proposal", "params": {"id": 424242}}, "params.id"),
        ({"kind": "import", "params": {"kind": "activities"}}, "file"),
        ({"kind": "matrix", "params": [1]}, "params"),
    ]:
        r = await client.post("/api/v1/jobs", json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in [e["field"] for e in r.json()["errors"]], (body, r.json())
    # IATI publishing without its settings is refused at once, naming the setting.
    r = await client.post("/api/v1/jobs", json={"kind": "iati", "params": {}})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "TA_IATI_REPORTING_ORG"
    for url in ("/api/v1/jobs/not-a-job", "/api/v1/jobs/00000000-0000-0000-0000-000000000000"):
        assert (await client.get(url)).status_code == 404
        assert (await client.delete(url)).status_code == 404
    assert await sql.fetchval("SELECT count(*) FROM job") == 0


HEADER = ["code", "country", "priority_area", "stated_on"]
BAD = xlsx([HEADER, ["N-1", "Benin", "PA2", "31/02/2008"]])
GOOD = xlsx([HEADER, ["N-1", "Benin", "PA2", "01/07/2008"], ["N-2", "Chad", "PA3", None]])


async def test_import_jobs_dry_run_real_and_rejected(
    client: httpx.AsyncClient, worker: Worker
) -> None:
    before = await row_counts()

    async def start(data: bytes, dry_run: bool) -> dict[str, Any]:
        r = await client.post(
            "/api/v1/jobs",
            data={
                "kind": "import",
                "params": f'{{"kind": "needs", "dry_run": {str(dry_run).lower()}}}',
            },
            files={"file": ("needs.xlsx", data, "application/octet-stream")},
        )
        assert r.status_code == 202, r.text
        return await poll(client, r.json()["url"])

    job = await start(BAD, dry_run=False)
    assert job["state"] == "failed" and job["error"]["title"] == "Import rejected"
    assert job["error"]["errors"][0]["column"] == "stated_on"
    marked = await client.get(job["error"]["errors_workbook"])
    assert marked.status_code == 200
    assert (
        "not a real date"
        in openpyxl.load_workbook(io.BytesIO(marked.content))["Data"]["D2"].comment.text
    )
    job = await start(GOOD, dry_run=True)
    assert job["state"] == "done" and job["result"]["new"] == 2 and job["result"]["dry_run"]
    assert await row_counts() == before
    job = await start(GOOD, dry_run=False)
    assert job["state"] == "done" and job["result"]["new"] == 2
    assert await sql.fetchval("SELECT count(*) FROM assistance_request") == 2
    # The upload is not kept once the job is over.
    assert (
        await sql.fetchval("SELECT count(*) FROM stored_file WHERE purpose = 'import_upload'") == 0
    )


async def test_iati_export_job(
    client: httpx.AsyncClient, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_fixture()
    monkeypatch.setenv("TA_IATI_REPORTING_ORG", "XM-DAC-41121")
    monkeypatch.setenv("TA_IATI_REPORTING_ORG_NAME", "Technical assistance secretariat")
    monkeypatch.setenv("TA_IATI_DEFAULT_SECTOR", "15130")
    r = await client.post("/api/v1/jobs", json={"kind": "iati", "params": {"to": "2008-12-31"}})
    assert r.status_code == 202, r.text
    job = await poll(client, r.json()["url"])
    assert job["state"] == "done", job
    assert job["result"]["published"] >= 1 and "left_out" in job["result"]
    got = await client.get(job["download_url"])
    assert got.headers["content-type"].startswith("application/xml")
    assert b"<iati-activities" in got.content and b"XM-DAC-41121" in got.content
