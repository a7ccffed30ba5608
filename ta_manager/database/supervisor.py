"""Bringing the embedded database back when it dies under a running server.

While the database is unreachable every request answers 503 (ta_manager.api.problems).
`ta-manager serve` owns the embedded server and watches it (`keep_embedded_alive`): when it
stops it is started again. An app that runs its own embedded server (create_app with no
DATABASE_URL) has a `Supervisor`: the first 503 asks it to start the server again, once at a
time and at most every few seconds. PostgreSQL recovers from its write-ahead log, and the pool's
broken connections are replaced on their next use. With DATABASE_URL the database is
someone else's to restart: the service keeps answering 503 until it is back.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

from ta_manager.database import embedded, engine

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class Supervisor:
    def __init__(self, data_dir: Path, wait_seconds: float) -> None:
        self.data_dir = data_dir
        self.wait_seconds = wait_seconds
        self._task: asyncio.Task[None] | None = None
        self._last_attempt = 0.0

    def database_lost(self) -> None:
        """Called (in the event loop) when a request found the database unreachable."""
        if self._task is not None and not self._task.done():
            return
        if time.monotonic() - self._last_attempt < RETRY_SECONDS:
            return
        self._last_attempt = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._revive())

    async def _revive(self) -> None:
        log.warning("the embedded PostgreSQL in %s is unreachable: starting it", self.data_dir)
        try:
            await asyncio.to_thread(embedded.start_server, self.data_dir, self.wait_seconds)
        except Exception:
            log.exception("could not start the embedded PostgreSQL in %s", self.data_dir)
            return
        pool = engine.DB.pool
        if pool is not None:
            pool.expire_connections()  # connections to the dead server are replaced
        log.warning("the embedded PostgreSQL in %s is back", self.data_dir)

    async def wait(self) -> None:
        """For tests and shutdown: let a running revival finish."""
        if self._task is not None:
            await self._task


def keep_embedded_alive(data_dir: Path, wait_seconds: float, every: float = 2.0) -> None:
    """Watch the embedded server from a daemon thread; start it again when it stops."""
    pgdata = data_dir.expanduser().resolve() / "pgdata"

    def watch() -> None:
        while True:
            time.sleep(every)
            if embedded.server_status(pgdata) is not None:
                continue
            log.warning("the embedded PostgreSQL in %s stopped: starting it again", data_dir)
            try:
                embedded.start_server(data_dir, wait_seconds)
                log.warning("the embedded PostgreSQL in %s is back", data_dir)
            except Exception:
                log.exception("could not start the embedded PostgreSQL in %s", data_dir)

    threading.Thread(target=watch, name="embedded-postgres-watch", daemon=True).start()
