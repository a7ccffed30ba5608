"""Running one job in a worker: claim an attempt, run the kind as its user, report progress
and heartbeats, store the result in PostgreSQL, and stop promptly on cancel or shutdown.

Progress arrives through the same callback the CLI's progress bars use, often from the
thread that writes a workbook; it is only recorded in memory there and written to the
database by the heartbeat, at most once per tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pgqueuer.domain.errors import RetryRequested

from ta_manager.accounts import users
from ta_manager.accounts.users import Account
from ta_manager.audit.actor import Actor, acting_as
from ta_manager.errors import DomainError, NotFound
from ta_manager.files import service as files
from ta_manager.jobs import queries
from ta_manager.jobs.kinds import KINDS, JobFailure, Outcome, RunContext, Upload
from ta_manager.settings import Settings

log = logging.getLogger(__name__)


class Interrupted(Exception):
    """Raised inside the job's work (from the progress callback) to stop it."""


@dataclass
class Progress:
    step: str | None = None
    done: int | None = None
    total: int | None = None
    stop: str | None = None  # "cancelled" or "shutdown" once the work must end

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.stop:
            raise Interrupted(self.stop)
        self.step, self.done, self.total = step, done, total


def problem_of(exc: DomainError) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "errors": [
            {"field": e.field, "reason": e.reason, **({"value": e.value} if e.value else {})}
            for e in exc.errors
        ],
    }


INTERNAL = {
    "type": "about:blank",
    "title": "Internal error",
    "status": 500,
    "detail": "the job failed on the server; it has been logged",
}


async def _account(user_id: int) -> Account | None:
    try:
        row = await users.get_user(user_id)
    except NotFound:
        return None
    return Account.of(row) if row["active"] else None


async def run(job_id: uuid.UUID, settings: Settings, stopping: asyncio.Event) -> None:
    """Run one attempt of the job (called by the queue for each job it hands out)."""
    claimed = await queries.claim(job_id)
    if claimed is None:
        # Cancelled, finished, or a job whose worker was lost with no attempt left.
        row = await queries.get(job_id)
        if row is not None and row["state"] == "running":
            await queries.fail_exhausted(
                job_id, queries.lost_problem(row["attempts"], row["max_attempts"], False)
            )
        return
    attempt: int = claimed["attempts"]
    kind = KINDS.get(claimed["kind"])
    account = await _account(claimed["user_id"])
    if kind is None or account is None:
        reason = "its kind is unknown" if kind is None else "its user is disabled or gone"
        await queries.finish(
            job_id,
            attempt,
            "failed",
            error={
                **INTERNAL,
                "title": "Job refused",
                "status": 403 if kind else 500,
                "detail": f"the job cannot run: {reason}",
            },
        )
        return
    log.info("job %s (%s) attempt %d started", job_id, kind.name, attempt)
    progress = Progress()
    scratch = Path(tempfile.mkdtemp(prefix="ta-job-"))
    try:
        upload = await _upload(claimed["input_file_id"])
        params = queries.as_json(claimed["params"])
        context = RunContext(account, params, progress, scratch, upload)
        work = asyncio.create_task(_work(kind.name, context))
        outcome = await _supervise(job_id, attempt, work, progress, settings, stopping)
        if progress.stop == "shutdown":
            await queries.give_back(job_id, attempt, "the worker stopped; it will run again")
            raise RetryRequested(timedelta(0), "worker shutting down")
        if progress.stop == "cancelled":
            log.info("job %s cancelled", job_id)
            return
        await _record(job_id, attempt, account, outcome, settings, progress)
    finally:
        await asyncio.to_thread(shutil.rmtree, scratch, True)


async def _upload(file_id: uuid.UUID | None) -> Upload | None:
    if file_id is None:
        return None
    stored = await files.by_id(file_id)
    if stored is None:
        return None
    return Upload(await files.read_all(file_id), stored.filename)


async def _work(kind_name: str, context: RunContext) -> Outcome | JobFailure:
    """The kind's function, as its user: their rights are checked again first (a role
    changed since the job started counts now), and audit records name them."""
    from ta_manager.jobs.service import check

    kind = KINDS[kind_name]
    actor = Actor(context.account.id, context.account.email, "api")
    with acting_as(actor):
        try:
            context.params = await check(context.account, kind, context.params, context.upload)
            return await kind.run(context)
        except JobFailure as failure:
            return failure
        except DomainError as exc:
            return JobFailure(problem_of(exc))


async def _supervise(
    job_id: uuid.UUID,
    attempt: int,
    work: asyncio.Task[Outcome | JobFailure],
    progress: Progress,
    settings: Settings,
    stopping: asyncio.Event,
) -> Outcome | JobFailure | None:
    """Beat while the work runs; interrupt it when the job is cancelled or the worker
    stops. Returns the work's outcome (None when interrupted)."""
    tick = max(0.5, settings.job_heartbeat_seconds / 6)
    stop_wait = asyncio.create_task(stopping.wait())
    try:
        while not work.done():
            await asyncio.wait({work, stop_wait}, timeout=tick, return_when="FIRST_COMPLETED")
            if work.done():
                break
            if stopping.is_set():
                progress.stop = "shutdown"
            else:
                state = await queries.beat(
                    job_id, attempt, progress.step, progress.done, progress.total
                )
                if state != "running":
                    progress.stop = "cancelled"
            if progress.stop:
                work.cancel()
                try:
                    await work
                except (asyncio.CancelledError, Exception):  # the interrupted work's end
                    log.debug("job %s interrupted (%s)", job_id, progress.stop)
                return None
        try:
            return work.result()
        except Interrupted:
            return None
    finally:
        stop_wait.cancel()


async def _record(
    job_id: uuid.UUID,
    attempt: int,
    account: Account,
    outcome: Outcome | JobFailure | None,
    settings: Settings,
    progress: Progress,
) -> None:
    keep = timedelta(hours=settings.files_keep_hours)
    last = (progress.step, progress.done, progress.total)
    if isinstance(outcome, JobFailure):
        errors_id = None
        if outcome.errors_file is not None:
            stored = await files.store_bytes(
                outcome.errors_file,
                filename=f"import-errors-{job_id}.xlsx",
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                purpose="import_errors",
                owner_id=account.id,
                keep=keep,
            )
            errors_id = stored.id
        await queries.finish(
            job_id,
            attempt,
            "failed",
            error=outcome.problem,
            errors_file_id=errors_id,
            progress=last,
        )
        log.info("job %s failed: %s", job_id, outcome.problem.get("detail"))
        return
    assert outcome is not None
    file_id = None
    if outcome.path is not None or outcome.content is not None:
        meta: dict[str, Any] = {
            "filename": outcome.filename,
            "media_type": outcome.media_type,
            "purpose": "report",
            "owner_id": account.id,
            "keep": keep,
        }
        stored = (
            await files.store_path(outcome.path, **meta)
            if outcome.path is not None
            else await files.store_bytes(outcome.content or b"", **meta)
        )
        file_id = stored.id
    done = await queries.finish(
        job_id, attempt, "done", file_id=file_id, result=outcome.result, progress=last
    )
    if not done:
        await files.delete(file_id)  # cancelled meanwhile, or taken over: keep nothing
        return
    log.info("job %s done", job_id)


async def run_safely(job_id: uuid.UUID, settings: Settings, stopping: asyncio.Event) -> None:
    """`run`, with any unexpected error recorded on the job (and logged) instead of lost."""
    try:
        await run(job_id, settings, stopping)
    except RetryRequested:
        raise
    except Exception:
        log.exception("job %s failed", job_id)
        row = await queries.get(job_id)
        if row is not None and row["state"] == "running":
            await queries.finish(job_id, row["attempts"], "failed", error=INTERNAL)
    finally:
        with contextlib.suppress(Exception):
            row = await queries.get(job_id)
            if row is not None and row["state"] in queries.FINISHED and row["input_file_id"]:
                await files.delete(row["input_file_id"])
