"""The queue: pgqueuer on the application's own PostgreSQL (docs/jobs.md says why).

The queue row carries only the job's id; everything a user sees is in the `job` table.
Enqueueing happens in the transaction that creates the job, so there is never a job
without its queue entry, nor a queue entry without its job.
"""

from __future__ import annotations

import uuid

import asyncpg
from pgqueuer.adapters.drivers.asyncpg import AsyncpgDriver
from pgqueuer.adapters.persistence.queries import Queries
from pgqueuer.domain import types

from ta_manager.database import engine, sql

ENTRYPOINT = "ta_job"


def queries(conn: asyncpg.Connection) -> Queries:
    return Queries(AsyncpgDriver(conn))


async def enqueue(job_id: uuid.UUID) -> int:
    """Queue the job on the current transaction's connection; returns the queue row's id."""
    async with sql.connection() as conn:
        # pgqueuer encodes its own jsonb values; the application's jsonb codec would
        # encode them twice, so it steps aside for this one statement.
        await conn.reset_type_codec("jsonb", schema="pg_catalog")
        try:
            ids = await queries(conn).enqueue(ENTRYPOINT, job_id.bytes)
        finally:
            await engine.init_connection(conn)
    return int(ids[0])


async def withdraw(queue_id: int | None) -> None:
    """Take a job that has not started off the queue (a worker that picks it anyway sees
    it cancelled and skips it)."""
    if queue_id is None:
        return
    async with sql.connection() as conn:
        await queries(conn).mark_job_as_cancelled([types.JobId(queue_id)])
