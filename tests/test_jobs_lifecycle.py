"""Cancelling, a worker stopping mid-job, files expiring, and a worker with no database."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import httpx
import pytest

from ta_manager.database import sql
from ta_manager.jobs import worker as worker_module
from ta_manager.jobs.worker import Worker
from tests.conftest import ClientFactory
from tests.test_jobs_api import job_settings, poll
from tests.test_jobs_crash import wait_for
from tests.test_report_fixture import build_fixture


async def test_cancel_a_queued_and_a_running_job(client: httpx.AsyncClient, database: str) -> None:
    await build_fixture()
    r = await client.post("/api/v1/jobs", json={"kind": "annual", "params": {"year": 2008}})
    queued = r.json()["url"]
    r = await client.delete(queued)  # no worker yet: it has not started
    assert r.status_code == 200 and r.json()["state"] == "cancelled", r.text
    assert await sql.fetchval("SELECT count(*) FROM pgqueuer") == 0

    blocker = await asyncpg.connect(database)
    w = Worker(job_settings(database), manage_pool=False)
    task = asyncio.create_task(w.run())
    try:
        tx = blocker.transaction()
        await tx.start()
        await blocker.execute("LOCK TABLE activity_need IN ACCESS EXCLUSIVE MODE")
        r = await client.post("/api/v1/jobs", json={"kind": "matrix", "params": {}})
        running = r.json()["url"]
        await wait_for("SELECT count(*) = 1 FROM job WHERE state = 'running'")
        r = await client.delete(running)
        assert r.status_code == 200 and r.json()["state"] == "cancelled"
        await tx.rollback()
        await asyncio.sleep(1.5)  # the worker notices at its next beat and drops the work
        job = (await client.get(running)).json()
        assert job["state"] == "cancelled" and job["download_url"] is None
        assert await sql.fetchval("SELECT count(*) FROM stored_file") == 0
        assert (await client.delete(running)).status_code == 409
    finally:
        w.stop()
        await asyncio.wait_for(task, 20)
        await blocker.close()


async def test_a_stopping_worker_hands_its_job_back(
    client: httpx.AsyncClient, database: str
) -> None:
    await build_fixture()
    blocker = await asyncpg.connect(database)
    w = Worker(job_settings(database), manage_pool=False)
    task = asyncio.create_task(w.run())
    tx = blocker.transaction()
    await tx.start()
    await blocker.execute("LOCK TABLE activity_need IN ACCESS EXCLUSIVE MODE")
    try:
        r = await client.post("/api/v1/jobs", json={"kind": "matrix", "params": {}})
        url = r.json()["url"]
        await wait_for("SELECT count(*) = 1 FROM job WHERE state = 'running'")
        w.stop()
        await tx.rollback()
        await asyncio.wait_for(task, 20)
        job = (await client.get(url)).json()
        assert job["state"] == "queued" and job["attempts"] == 0, job
        assert await sql.fetchval("SELECT status::text FROM pgqueuer") == "queued"
        again = Worker(job_settings(database), manage_pool=False)
        task = asyncio.create_task(again.run())
        job = await poll(client, url)
        assert job["state"] == "done" and job["attempts"] == 1
        again.stop()
        await asyncio.wait_for(task, 20)
    finally:
        await blocker.close()


async def test_files_expire(client: httpx.AsyncClient, database: str) -> None:
    await build_fixture()
    w = Worker(job_settings(database), manage_pool=False)
    task = asyncio.create_task(w.run())
    try:
        r = await client.post("/api/v1/jobs", json={"kind": "proposal", "params": {"id": 1}})
        assert r.status_code == 422  # no proposal 1 in the fixture
        r = await client.post("/api/v1/jobs", json={"kind": "funding", "params": {"format": "csv"}})
        job = await poll(client, r.json()["url"])
        assert (await client.get(job["download_url"])).text.startswith("\ufeffrecord,date,donor")
        await sql.execute("UPDATE stored_file SET expires_at = now() - interval '1 second'")
        assert (await client.get(job["download_url"])).status_code == 404
        assert (await client.get(job["url"])).json()["download_url"] is None
        await w._housekeeping()
        assert await sql.fetchval("SELECT count(*) FROM stored_file") == 0
    finally:
        w.stop()
        await asyncio.wait_for(task, 20)


async def test_no_database_means_back_off_not_spin(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(worker_module, "FIRST_RETRY_SECONDS", 0.05)
    w = Worker(job_settings("postgresql://nobody@127.0.0.1:9/none"), manage_pool=False)
    with caplog.at_level(logging.WARNING, logger="ta_manager.worker"):
        task = asyncio.create_task(w.run())
        await asyncio.sleep(1.0)
        w.stop()
        await asyncio.wait_for(task, 5)
    tries = [
        r.getMessage() for r in caplog.records if "cannot reach the database" in r.getMessage()
    ]
    # 0.05 + 0.1 + 0.2 + 0.4 s of pauses fit in one second: four or five tries, not thousands.
    assert 3 <= len(tries) <= 6, tries
    pauses = [float(t.split("retrying in ")[1].split(" s")[0]) for t in tries]
    assert pauses == sorted(pauses) and pauses[1] == 2 * pauses[0], pauses


async def test_rights_are_checked_again_when_the_job_runs(
    client_as: ClientFactory, database: str
) -> None:
    await build_fixture()
    secretariat = await client_as("secretariat", email="sec-demoted@example.org")
    r = await secretariat.post("/api/v1/jobs", json={"kind": "matrix", "params": {}})
    assert r.status_code == 202
    await sql.execute("UPDATE app_user SET role = 'viewer' WHERE email = 'sec-demoted@example.org'")
    w = Worker(job_settings(database), manage_pool=False)
    task = asyncio.create_task(w.run())
    try:
        await wait_for("SELECT state = 'failed' FROM job")
        error = await sql.fetchval("SELECT error FROM job")
        assert error["status"] == 403 and "viewer role may not" in error["detail"], error
        assert await sql.fetchval("SELECT count(*) FROM stored_file") == 0
    finally:
        w.stop()
        await asyncio.wait_for(task, 20)
