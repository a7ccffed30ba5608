"""The database dies or is slow to come back (issue 10, item 5): the embedded start waits for
crash recovery (bounded, logged), a CLI command whose database dies exits within seconds
with one line, and a running server answers 503 and starts the embedded database again.

These tests kill PostgreSQL servers: each runs its own in a temporary data directory."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from ta_manager.database import embedded
from tests.live_server import live_server

ROOT = Path(__file__).parents[1]
ADMIN = {"TA_ADMIN_EMAIL": "admin@example.org", "TA_ADMIN_PASSWORD": "a long admin password"}


def _kill_postmaster(data_dir: Path) -> None:
    """Kill the server this test started, all its processes at once, as a crash would."""
    import psutil

    postmaster = psutil.Process(
        int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    )
    for process in [postmaster, *postmaster.children(recursive=True)]:
        process.send_signal(signal.SIGKILL)


@pytest.fixture(scope="module")
def crash_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory with an embedded server of its own (initialised once)."""
    data_dir = tmp_path_factory.mktemp("crash")
    dsn = embedded.start_server(data_dir)
    asyncio.run(embedded.ensure_database(dsn, embedded.APP_DATABASE))
    yield data_dir


class SlowRecovery:
    """pgserver as it behaves while PostgreSQL replays its log after a crash: pg_ctl gives up
    after 10 s, the postmaster reports 'starting' for a while, then 'ready'."""

    def __init__(self, starting_polls: int) -> None:
        self.calls = 0
        self.polls = starting_polls

    def server(self, pgdata: Path, **_: object) -> object:
        self.calls += 1
        if self.calls == 1:
            raise subprocess.TimeoutExpired(["pg_ctl", "start"], 10)

        class Ready:
            def get_uri(self) -> str:
                return "postgresql://postgres:@/postgres?host=/nowhere"

        return Ready()

    def status(self, pgdata: Path) -> str | None:
        if self.calls == 0:
            return None  # not running yet: the first start begins the recovery
        self.polls -= 1
        return "starting" if self.polls >= 0 else "ready"


def test_start_waits_for_crash_recovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import pgserver

    slow = SlowRecovery(starting_polls=3)
    monkeypatch.setattr(pgserver, "PostgresServer", slow.server)
    monkeypatch.setattr(pgserver, "get_server", slow.server)
    monkeypatch.setattr(embedded, "server_status", slow.status)
    with caplog.at_level(logging.WARNING, logger="ta_manager.database.embedded"):
        uri = embedded.start_server(tmp_path, wait_seconds=30)
    assert uri.startswith("postgresql://") and slow.calls == 2
    assert "crash recovery?" in caplog.text and "of at most 30 s" in caplog.text


def test_the_wait_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pgserver

    slow = SlowRecovery(starting_polls=10**6)
    monkeypatch.setattr(pgserver, "PostgresServer", slow.server)
    monkeypatch.setattr(embedded, "server_status", slow.status)
    started = time.monotonic()
    with pytest.raises(embedded.EmbeddedDatabaseError, match="TA_DB_START_SECONDS"):
        embedded.start_server(tmp_path, wait_seconds=1)
    assert time.monotonic() - started < 10


async def test_a_cli_command_whose_database_dies_exits_at_once(crash_dir: Path) -> None:
    env = {**os.environ, "TA_DATA_DIR": str(crash_dir)}
    env.pop("DATABASE_URL", None)
    proc = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "ta_manager.cli.main", "demo", "--scale", "60000", "--reset"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        await asyncio.sleep(5)  # migrated, seeded, generating
        assert proc.poll() is None, "the command ended before the database could die"
        _kill_postmaster(crash_dir)
        killed = time.monotonic()
        _, stderr = await asyncio.to_thread(proc.communicate, timeout=60)
        took = time.monotonic() - killed
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert took < 15, f"took {took:.0f} s to exit"
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "database" in lines[0], stderr


async def test_the_server_answers_503_and_brings_the_database_back(crash_dir: Path) -> None:
    env = {"TA_DATA_DIR": str(crash_dir), "DATABASE_URL": "", **ADMIN}
    async with (
        live_server(env, "--no-demo") as (url, _),
        httpx.AsyncClient(base_url=url, timeout=30) as c,
    ):
        assert (await c.get("/health")).status_code == 200
        login = await c.post(
            "/api/v1/auth/login",
            json={"email": ADMIN["TA_ADMIN_EMAIL"], "password": ADMIN["TA_ADMIN_PASSWORD"]},
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        _kill_postmaster(crash_dir)
        await asyncio.sleep(0.5)
        down = await c.get("/api/v1/countries", headers=auth)
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith("application/problem+json")
        assert "retry-after" in down.headers
        deadline = time.monotonic() + 60
        while (await c.get("/health")).status_code != 200:
            assert time.monotonic() < deadline, "the embedded database did not come back"
            await asyncio.sleep(1)
        back = await c.get("/api/v1/countries", headers=auth)
        assert back.status_code == 200, back.text
    # the data survived the crash
    conn = await asyncpg.connect(
        embedded.with_database(embedded.start_server(crash_dir), "ta_manager")
    )
    try:
        assert await conn.fetchval("SELECT count(*) FROM country") > 190
    finally:
        await conn.close()
