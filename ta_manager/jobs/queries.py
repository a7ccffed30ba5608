"""The SQL of jobs: claiming, heartbeats, finishing, and recovering jobs whose worker died.

Every write a worker makes is fenced by the attempt it claimed (`attempts = $n`): when a
job was given to another worker after this one was thought lost, this one's writes miss.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import asyncpg

from ta_manager.database import sql

COLUMNS = (
    "j.id, j.kind, j.params, j.user_id, j.state, j.step, j.done, j.total, j.attempts,"
    " j.max_attempts, j.note, j.error, j.result, j.input_file_id, j.file_id,"
    " j.errors_file_id, j.queue_id, j.heartbeat_at, j.created_at, j.started_at,"
    " j.finished_at, f.filename, f.media_type, f.size, f.expires_at AS file_expires_at,"
    " (f.id IS NOT NULL AND f.expires_at > now()) AS file_ready,"
    " (e.id IS NOT NULL AND e.expires_at > now()) AS errors_ready"
)
FROM = (
    " FROM job j LEFT JOIN stored_file f ON f.id = j.file_id"
    " LEFT JOIN stored_file e ON e.id = j.errors_file_id"
)
FINISHED = ("done", "failed", "cancelled")


async def insert(
    kind: str, params: dict[str, Any], user_id: int, max_attempts: int, input_file_id: Any
) -> uuid.UUID:
    job_id: uuid.UUID = await sql.fetchval(
        "INSERT INTO job (kind, params, user_id, max_attempts, input_file_id)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
        kind,
        params,
        user_id,
        max_attempts,
        input_file_id,
    )
    return job_id


async def set_queue_id(job_id: uuid.UUID, queue_id: int) -> None:
    await sql.execute("UPDATE job SET queue_id = $2 WHERE id = $1", job_id, queue_id)


async def get(job_id: uuid.UUID, user_id: int | None = None) -> asyncpg.Record | None:
    """One job; with `user_id`, only if that user started it."""
    return await sql.fetchrow(
        f"SELECT {COLUMNS}{FROM} WHERE j.id = $1 AND ($2::bigint IS NULL OR j.user_id = $2)",
        job_id,
        user_id,
    )


async def of_user(user_id: int, limit: int) -> list[asyncpg.Record]:
    return await sql.fetch(
        f"SELECT {COLUMNS}{FROM} WHERE j.user_id = $1 ORDER BY j.created_at DESC LIMIT $2",
        user_id,
        limit,
    )


async def cancel(job_id: uuid.UUID) -> asyncpg.Record | None:
    """Mark a queued or running job cancelled; None when it had already finished."""
    return await sql.fetchrow(
        "UPDATE job SET state = 'cancelled', finished_at = now(), note = 'cancelled by its user'"
        " WHERE id = $1 AND state IN ('queued', 'running') RETURNING id, queue_id, state",
        job_id,
    )


# ------------------------------------------------------------------ worker side


async def claim(job_id: uuid.UUID) -> asyncpg.Record | None:
    """Start an attempt: a queued job, or a running one whose worker was lost (the queue
    only hands those out again once their heartbeat is stale)."""
    return await sql.fetchrow(
        "UPDATE job SET state = 'running', attempts = attempts + 1, heartbeat_at = now(),"
        " started_at = coalesce(started_at, now()), step = NULL, done = NULL, total = NULL,"
        " note = CASE WHEN attempts > 0 THEN"
        "   format('attempt %s of %s (an earlier worker stopped)', attempts + 1, max_attempts)"
        "   ELSE note END"
        " WHERE id = $1 AND state IN ('queued', 'running') AND attempts < max_attempts"
        " RETURNING id, kind, params, user_id, attempts, max_attempts, input_file_id",
        job_id,
    )


async def fail_exhausted(job_id: uuid.UUID, problem: dict[str, Any]) -> None:
    """A running job handed out again with no attempts left: it fails with the reason."""
    await sql.execute(
        "UPDATE job SET state = 'failed', error = $2, finished_at = now()"
        " WHERE id = $1 AND state = 'running' AND attempts >= max_attempts",
        job_id,
        problem,
    )


async def beat(
    job_id: uuid.UUID, attempt: int, step: str | None, done: int | None, total: int | None
) -> str | None:
    """Report progress and that the worker lives; returns the job's state (None when the job
    is no longer this attempt's). A job recovery thought lost is running again."""
    state: str | None = await sql.fetchval(
        "UPDATE job SET heartbeat_at = now(), step = $3, done = $4, total = $5,"
        " state = CASE WHEN state = 'queued' THEN 'running' ELSE state END"
        " WHERE id = $1 AND attempts = $2 RETURNING state",
        job_id,
        attempt,
        step,
        done,
        total,
    )
    return state


async def finish(
    job_id: uuid.UUID,
    attempt: int,
    state: str,
    *,
    file_id: uuid.UUID | None = None,
    errors_file_id: uuid.UUID | None = None,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    progress: tuple[str | None, int | None, int | None] | None = None,
) -> bool:
    """Record the outcome of this attempt (not over a cancellation by the user)."""
    step, done, total = progress or (None, None, None)
    status = await sql.execute(
        "UPDATE job SET state = $3, file_id = $4, errors_file_id = $5, result = $6, error = $7,"
        " finished_at = now(), heartbeat_at = now(), step = coalesce($8, step),"
        " done = coalesce($9, done), total = coalesce($10, total)"
        " WHERE id = $1 AND attempts = $2 AND state NOT IN ('cancelled', 'done')",
        job_id,
        attempt,
        state,
        file_id,
        errors_file_id,
        result,
        error,
        step,
        done,
        total,
    )
    return status.endswith(" 1")


async def give_back(job_id: uuid.UUID, attempt: int, note: str) -> None:
    """The worker is stopping: the attempt does not count and the job waits again."""
    await sql.execute(
        "UPDATE job SET state = 'queued', attempts = attempts - 1, note = $3"
        " WHERE id = $1 AND attempts = $2 AND state = 'running'",
        job_id,
        attempt,
        note,
    )


def lost_problem(attempts: int, max_attempts: int, retried: bool) -> dict[str, Any]:
    after = (
        "it will run again on a free worker"
        if retried
        else "nothing it was writing was kept (imports are all-or-nothing); start it again"
    )
    return {
        "type": "about:blank",
        "title": "Worker stopped",
        "status": 500,
        "detail": f"the worker running this job stopped (killed or crashed) during attempt"
        f" {attempts} of {max_attempts}; {after}",
    }


async def recover_stalled(stale: dt.timedelta, job_id: uuid.UUID | None = None) -> int:
    """Running jobs whose heartbeat is older than `stale` lost their worker: they wait for
    another attempt, or fail with the reason when none is left. Returns how many."""
    rows = await sql.fetch(
        "UPDATE job SET"
        " state = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,"
        " note = CASE WHEN attempts < max_attempts THEN format("
        "   'the worker running attempt %s of %s stopped; it will run again', attempts,"
        "   max_attempts) ELSE note END,"
        " finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END"
        " WHERE state = 'running' AND heartbeat_at < now() - $1::interval"
        " AND ($2::uuid IS NULL OR id = $2)"
        " RETURNING id, state, attempts, max_attempts",
        stale,
        job_id,
    )
    for r in rows:
        if r["state"] == "failed":
            await sql.execute(
                "UPDATE job SET error = $2 WHERE id = $1",
                r["id"],
                lost_problem(r["attempts"], r["max_attempts"], retried=False),
            )
    return len(rows)


async def orphans(older_than: dt.timedelta) -> list[uuid.UUID]:
    """Queued jobs with no queue entry any more (a queue entry lost with its worker),
    locked for the caller's transaction so one worker alone queues each again."""
    rows = await sql.fetch(
        "SELECT j.id FROM job j WHERE j.state = 'queued' AND j.created_at < now() - $1::interval"
        " AND NOT EXISTS (SELECT 1 FROM pgqueuer q WHERE q.id = j.queue_id)"
        " FOR UPDATE OF j SKIP LOCKED",
        older_than,
    )
    return [r["id"] for r in rows]


async def forget_finished(older_than: dt.timedelta) -> int:
    """Finished jobs are kept as long as their files; then they go, with the queue's log."""
    status = await sql.execute(
        "DELETE FROM job WHERE finished_at < now() - $1::interval", older_than
    )
    await sql.execute("DELETE FROM pgqueuer_log WHERE created < now() - $1::interval", older_than)
    await sql.execute(
        "DELETE FROM pgqueuer_statistics WHERE created < now() - $1::interval", older_than
    )
    return int(status.split()[-1])


async def worker_alive(worker_id: uuid.UUID, host: str, pid: int) -> None:
    await sql.execute(
        "INSERT INTO job_worker (id, host, pid) VALUES ($1, $2, $3)"
        " ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
        worker_id,
        host,
        pid,
    )


async def worker_gone(worker_id: uuid.UUID, stale: dt.timedelta) -> None:
    await sql.execute(
        "DELETE FROM job_worker WHERE id = $1 OR heartbeat_at < now() - $2::interval",
        worker_id,
        stale,
    )


async def workers_alive(stale: dt.timedelta) -> int:
    count: int = await sql.fetchval(
        "SELECT count(*) FROM job_worker WHERE heartbeat_at > now() - $1::interval", stale
    )
    return count


def as_json(value: Any) -> Any:
    """jsonb columns arrive decoded; a value from elsewhere may still be text."""
    return json.loads(value) if isinstance(value, str) else value
