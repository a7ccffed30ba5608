"""A throw-away database for a benchmark run (embedded server, or the one in DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import platformdirs

from ta_manager.database import embedded, engine
from ta_manager.database.migrate import migrate
from ta_manager.reference.seed import seed_reference


@asynccontextmanager
async def bench_database(keep: bool = False) -> AsyncIterator[str]:
    data_dir = Path(
        os.environ.get("TA_BENCH_DATA_DIR")
        or Path(platformdirs.user_cache_dir("ta-manager")) / "bench-postgres"
    )
    server = os.environ.get("DATABASE_URL") or await asyncio.to_thread(
        embedded.start_server, data_dir
    )
    name = f"ta_bench_{uuid.uuid4().hex[:8]}"
    await embedded.ensure_database(server, name)
    dsn = embedded.with_database(server, name)
    engine.configure(dsn)
    await migrate()
    await engine.open_pool(min_size=1, max_size=4)
    await seed_reference()
    try:
        yield dsn
    finally:
        await engine.close_pool()
        if not keep:
            await embedded.drop_database(server, name)
