"""A job worker in the test process (on the test database and its pool), for page tests
of jobs: `from tests.job_worker import job_worker` and use the fixture."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest

from ta_manager.jobs import service as jobs
from ta_manager.jobs.worker import Worker
from ta_manager.settings import Settings


@pytest.fixture
async def job_worker(database: str, clean_database: None) -> AsyncIterator[Worker]:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=database, job_heartbeat_seconds=2
    )
    worker = Worker(settings, manage_pool=False)
    task = asyncio.create_task(worker.run())
    for _ in range(200):
        if await jobs.workers_alive(settings):
            break
        await asyncio.sleep(0.05)
    yield worker
    worker.stop()
    await asyncio.wait_for(task, 20)
