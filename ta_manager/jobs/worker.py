"""The worker process (`ta-manager worker`): takes jobs off the queue and runs them.

- Jobs come from pgqueuer (LISTEN/NOTIFY, so a new job starts within milliseconds);
  each worker runs at most TA_WORKER_JOBS at once. Run as many workers as you like, on
  as many machines: they share nothing but PostgreSQL.
- Housekeeping on every tick: say this worker is alive, recover jobs whose worker died
  (their heartbeat is older than TA_JOB_HEARTBEAT_SECONDS), queue again jobs whose queue
  entry was lost, delete expired files and forgotten jobs.
- No database: log it and retry with back-off (1 s doubling to 60 s), never spin.
- SIGINT/SIGTERM: running jobs are interrupted and handed back to the queue (the attempt
  does not count); a second signal exits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from datetime import timedelta

import asyncpg
from pgqueuer.core.qm import QueueManager
from pgqueuer.domain.models import Job as QueueJob

from ta_manager.database import engine, sql
from ta_manager.database.embedded import resolve_dsn_async
from ta_manager.files import service as files
from ta_manager.jobs import queries, queue
from ta_manager.jobs.runner import run_safely
from ta_manager.settings import Settings

log = logging.getLogger("ta_manager.worker")

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
CONNECTION_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)


class Worker:
    def __init__(self, settings: Settings, *, manage_pool: bool = True) -> None:
        self.settings = settings
        self.manage_pool = manage_pool  # tests share their pool instead
        self.id = uuid.uuid4()
        self.stopping = asyncio.Event()
        self.heartbeat = timedelta(seconds=settings.job_heartbeat_seconds)
        self.tick = max(0.5, settings.job_heartbeat_seconds / 3)

    def stop(self) -> None:
        self.stopping.set()

    async def run(self) -> None:
        """Serve until stopped, reconnecting with back-off whenever the database is lost."""
        delay = FIRST_RETRY_SECONDS
        while not self.stopping.is_set():
            try:
                await self._cycle()
                delay = FIRST_RETRY_SECONDS
            except CONNECTION_ERRORS as exc:
                if self.stopping.is_set():
                    break
                log.warning(
                    "worker: cannot reach the database (%s); retrying in %.2f s",
                    exc or type(exc).__name__,
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
        log.info("worker %s stopped", self.id)

    async def _cycle(self) -> None:
        dsn = await resolve_dsn_async(self.settings.database_url, self.settings.data_dir)
        listener: asyncpg.Connection | None = None
        try:
            if self.manage_pool:
                engine.configure(dsn)
                await engine.open_pool(min_size=1, max_size=2 + self.settings.worker_jobs * 2)
            listener = await asyncpg.connect(dsn)  # pgqueuer's own, with plain jsonb
            await self._serve(listener)
        finally:
            with contextlib.suppress(Exception):
                await queries.worker_gone(self.id, self.heartbeat * 2)
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close(timeout=5)
            if self.manage_pool:
                await engine.close_pool()

    async def _serve(self, listener: asyncpg.Connection) -> None:
        manager = QueueManager(queue.queries(listener))
        settings, stopping = self.settings, self.stopping

        @manager.entrypoint(queue.ENTRYPOINT)
        async def ta_job(job: QueueJob) -> None:
            assert job.payload is not None
            await run_safely(uuid.UUID(bytes=job.payload), settings, stopping)

        await self._housekeeping()
        log.info(
            "worker %s ready (pid %d, %d jobs at once)",
            self.id,
            os.getpid(),
            settings.worker_jobs,
        )
        serving = asyncio.create_task(
            manager.run(
                dequeue_timeout=self.heartbeat,
                batch_size=1,
                max_concurrent_tasks=settings.worker_jobs,
                shutdown_on_listener_failure=True,
                heartbeat_timeout=self.heartbeat,
            )
        )
        keeping = asyncio.create_task(self._keep_house())
        stop_wait = asyncio.create_task(self.stopping.wait())
        done, _ = await asyncio.wait(
            {serving, keeping, stop_wait}, return_when=asyncio.FIRST_COMPLETED
        )
        manager.shutdown.set()
        keeping.cancel()
        stop_wait.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeping
        await serving  # waits for running jobs to hand themselves back
        for task in done:
            if task is not stop_wait and not task.cancelled() and task.exception():
                raise task.exception()  # type: ignore[misc]
        if not self.stopping.is_set():
            raise ConnectionError("the queue's listener connection failed")

    async def _keep_house(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            await self._housekeeping()

    async def _housekeeping(self) -> None:
        await queries.worker_alive(self.id, socket.gethostname(), os.getpid())
        if lost := await queries.recover_stalled(self.heartbeat):
            log.warning("worker: %d job(s) had lost their worker; recovered", lost)
        async with sql.transaction():
            for job_id in await queries.orphans(self.heartbeat):
                await queries.set_queue_id(job_id, await queue.enqueue(job_id))
                log.warning("worker: job %s had lost its queue entry; queued again", job_id)
        keep = timedelta(hours=self.settings.files_keep_hours)
        await files.expire()
        await queries.forget_finished(keep)


def run_worker(settings: Settings) -> None:
    """Run a worker in this process until SIGINT/SIGTERM (`ta-manager worker`).

    It runs at a lower CPU priority (TA_WORKER_NICE): on a machine it shares with API
    processes, users' requests get the processor first and exports take what is left."""
    if settings.worker_nice:
        os.nice(settings.worker_nice)

    async def main() -> None:
        worker = Worker(settings)
        loop = asyncio.get_running_loop()
        signals = 0

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            if signals > 1:
                log.warning("worker: second signal, exiting now")
                os._exit(1)
            log.info("worker: stopping (running jobs go back to the queue)")
            worker.stop()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        await worker.run()

    asyncio.run(main())
