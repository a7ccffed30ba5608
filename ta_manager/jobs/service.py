"""Starting, reading, cancelling and waiting for jobs: what the API and the UI pages call.

Every function takes the acting `Account`: a job belongs to the user who started it, and
anyone else asking for it gets NotFound (404), exactly as for a job that does not exist.

    job = await service.start(account, "matrix", {"region": "WCA"})
    job = await service.status(account, job["id"])   # state, progress, download_url
    file = await service.result_file(account, job["id"])
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from ta_manager.accounts.users import Account
from ta_manager.database import sql
from ta_manager.errors import Conflict, DomainError, InvalidInput, NotFound
from ta_manager.files import service as files
from ta_manager.files.service import StoredFile, as_uuid
from ta_manager.jobs import queries, queue
from ta_manager.jobs.kinds import Forbidden, JobKind, Upload, kind_named
from ta_manager.jobs.params import prefixed
from ta_manager.settings import Settings, get_settings

API = "/api/v1/jobs"
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


def _settings(settings: Settings | None) -> Settings:
    return settings or get_settings()


def keep_files(settings: Settings) -> dt.timedelta:
    return dt.timedelta(hours=settings.files_keep_hours)


def stale_after(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.job_heartbeat_seconds)


def view(row: Mapping[str, Any]) -> dict[str, Any]:
    """The job as the API shows it."""
    url = f"{API}/{row['id']}"
    error = queries.as_json(row["error"])
    if error is not None and row["errors_ready"]:
        error = {**error, "errors_workbook": f"{url}/errors.xlsx"}
    doc: dict[str, Any] = {
        "id": str(row["id"]),
        "url": url,
        "kind": row["kind"],
        "params": queries.as_json(row["params"]),
        "state": row["state"],
        "progress": {"step": row["step"], "done": row["done"], "total": row["total"]},
        "attempts": row["attempts"],
        "max_attempts": row["max_attempts"],
        "note": row["note"],
        "created_at": row["created_at"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "download_url": f"{url}/download" if row["file_ready"] else None,
        "file": None,
        "result": queries.as_json(row["result"]),
        "error": error,
    }
    if row["file_ready"]:
        doc["file"] = {
            "filename": row["filename"],
            "media_type": row["media_type"],
            "size": row["size"],
            "expires_at": row["file_expires_at"],
        }
    elif row["state"] == "done" and row["file_id"] is None and row["result"] is None:
        doc["note"] = row["note"] or "the result file has expired"
    return doc


async def start(
    account: Account,
    kind: str,
    params: Mapping[str, Any] | None = None,
    upload: Upload | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Check `params` and the user's right to run `kind`, then queue the job.

    Raises InvalidInput (422, naming `kind` or `params.<field>`), Forbidden (403) or
    NotFound (a donor asking for another donor's money)."""
    settings = _settings(settings)
    job_kind = kind_named(kind)
    if params is not None and not isinstance(params, Mapping):
        raise InvalidInput.of("params", "must be an object of the report's filters", params)
    checked = await check(account, job_kind, dict(params or {}), upload)
    async with sql.transaction():
        input_file = None
        if upload is not None and job_kind.needs_upload:
            input_file = await files.store_bytes(
                upload.content,
                filename=upload.filename,
                media_type="application/octet-stream",
                purpose="import_upload",
                owner_id=account.id,
                keep=keep_files(settings),
            )
        attempts = settings.job_max_attempts if job_kind.retry_when_lost else 1
        job_id = await queries.insert(
            job_kind.name, checked, account.id, attempts, input_file.id if input_file else None
        )
        await queries.set_queue_id(job_id, await queue.enqueue(job_id))
    return await status(account, job_id, settings)


async def check(
    account: Account, job_kind: JobKind, params: dict[str, Any], upload: Upload | None
) -> dict[str, Any]:
    """The kind's own checks, as `account`; returns the params to store."""
    if account.role not in job_kind.roles:
        raise Forbidden(
            f"the {account.role} role may not start {job_kind.name} jobs"
            f" (allowed: {', '.join(job_kind.roles)})"
        )
    try:
        return await job_kind.prepare(account, params, upload)
    except DomainError as exc:
        raise prefixed(exc) from exc


async def _row(account: Account, job_id: object) -> Any:
    key = as_uuid(job_id)
    row = await queries.get(key, account.id) if key else None
    if row is None:
        raise NotFound("job", job_id)
    return row


async def status(
    account: Account, job_id: object, settings: Settings | None = None
) -> dict[str, Any]:
    row = await _row(account, job_id)
    if row["state"] == "running" and await queries.recover_stalled(
        stale_after(_settings(settings)), row["id"]
    ):
        row = await _row(account, job_id)
    return view(row)


async def listing(account: Account, limit: int = 50) -> list[dict[str, Any]]:
    return [view(r) for r in await queries.of_user(account.id, limit)]


async def cancel(account: Account, job_id: object) -> dict[str, Any]:
    """Cancel a queued or running job (a running import rolls back: nothing is written).
    Conflict (409) when it has already finished."""
    row = await _row(account, job_id)
    cancelled = await queries.cancel(row["id"])
    if cancelled is None:
        raise Conflict(f"job {row['id']} has already finished ({row['state']})")
    await queue.withdraw(cancelled["queue_id"])
    return view(await _row(account, job_id))


async def result_file(account: Account, job_id: object) -> StoredFile:
    row = await _row(account, job_id)
    found = await files.find(row["file_id"], account.id) if row["file_id"] else None
    if found is None:
        raise NotFound("result file of job", f"{job_id} (not finished, or expired)")
    return found


async def errors_file(account: Account, job_id: object) -> StoredFile:
    row = await _row(account, job_id)
    found = await files.find(row["errors_file_id"], account.id) if row["errors_file_id"] else None
    if found is None:
        raise NotFound("marked-up file of job", job_id)
    return found


async def wait(
    account: Account,
    job_id: object,
    seconds: float | None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Poll until the job has finished or `seconds` passed (None: no limit); returns its
    latest view either way."""
    loop = asyncio.get_running_loop()
    deadline = None if seconds is None else loop.time() + seconds
    pause = 0.05
    while True:
        doc = await status(account, job_id, settings)
        if doc["state"] in queries.FINISHED:
            return doc
        if deadline is not None and loop.time() >= deadline:
            return doc
        delay = pause if deadline is None else min(pause, max(0.0, deadline - loop.time()))
        await asyncio.sleep(delay)
        pause = min(pause * 1.5, 1.0)


async def workers_alive(settings: Settings | None = None) -> int:
    """How many workers reported in within the heartbeat period."""
    return await queries.workers_alive(stale_after(_settings(settings)) * 2)


def job_uuid(job_id: object) -> uuid.UUID | None:
    return as_uuid(job_id)
