"""A worker process killed (SIGKILL) in the middle of two jobs: the report job is retried by
the next worker and finishes; the import job fails with the reason and wrote nothing.

The jobs are held mid-way by table locks this test takes: the report waits to read
`activity_need`; the import has inserted its needs (inside its transaction) and waits to
write their audit records. Then the worker is killed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from ta_manager.database import sql
from tests.fixtures.workbooks import xlsx
from tests.test_jobs_api import poll
from tests.test_report_fixture import build_fixture

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["code", "country", "priority_area", "stated_on"]
NEEDS = xlsx([HEADER, ["N-NEW-1", "Benin", "PA2", "01/07/2008"], ["N-NEW-2", "Chad", "PA3", None]])


def start_worker(dsn: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "TA_JOB_HEARTBEAT_SECONDS": "2",
        "TA_LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ta_manager.cli.main", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_for(query: str, *args: Any, seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.1)):
        if await sql.fetchval(query, *args):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {query}")


async def test_killed_worker_retries_the_report_and_fails_the_import_cleanly(
    client: httpx.AsyncClient, database: str
) -> None:
    await build_fixture()
    needs_before = await sql.fetchval("SELECT count(*) FROM assistance_request")
    audit_before = await sql.fetchval("SELECT count(*) FROM audit_record")
    blocker = await asyncpg.connect(database)
    first = start_worker(database)
    second = None
    try:
        tx = blocker.transaction()
        await tx.start()
        await blocker.execute("LOCK TABLE activity_need, audit_record IN ACCESS EXCLUSIVE MODE")
        r = await client.post("/api/v1/jobs", json={"kind": "matrix", "params": {}})
        assert r.status_code == 202, r.text
        report = r.json()["url"]
        r = await client.post(
            "/api/v1/jobs",
            data={"kind": "import", "params": '{"kind": "needs"}'},
            files={"file": ("needs.xlsx", NEEDS, "application/octet-stream")},
        )
        assert r.status_code == 202, r.text
        import_url = r.json()["url"]
        # Both are running: the report waits for its read, the import has written its rows.
        await wait_for("SELECT count(*) = 2 FROM job WHERE state = 'running'")
        await wait_for(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE c.relname = 'assistance_request' AND l.mode = 'RowExclusiveLock'"
            " AND l.granted AND l.pid <> $1)",
            blocker.get_server_pid(),
        )
        first.send_signal(signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
        await tx.rollback()  # the dead worker's transactions end unfinished

        second = start_worker(database)
        job = await poll(client, report, seconds=60)
        assert job["state"] == "done", job
        assert job["attempts"] == 2 and "earlier worker stopped" in job["note"]
        assert (await client.get(job["download_url"])).status_code == 200
        job = await poll(client, import_url, seconds=30)
        assert job["state"] == "failed", job
        assert job["error"]["title"] == "Worker stopped"
        assert "nothing it was writing was kept" in job["error"]["detail"]
        assert await sql.fetchval("SELECT count(*) FROM assistance_request") == needs_before
        assert await sql.fetchval("SELECT count(*) FROM audit_record") == audit_before

        second.send_signal(signal.SIGTERM)  # a clean stop
        assert second.wait(20) == 0, second.stderr.read().decode() if second.stderr else ""
        pid = second.pid
        assert await sql.fetchval("SELECT count(*) FROM job_worker WHERE pid = $1", pid) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
        await blocker.close()
