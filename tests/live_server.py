"""`ta-manager serve` run as a user runs it, in a child process, for tests that need the real
HTTP server (uvicorn's own header handling, lost databases, restarts)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def live_server(
    env: dict[str, str], *args: str, ready_within: float = 60.0
) -> AsyncIterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start `ta-manager serve [args]` with `env` on a free port; yield its URL and process
    once /health answers at all (200 or 503); stop it afterwards."""
    port = free_port()
    full_env = {
        **os.environ,
        "TA_HOST": "127.0.0.1",
        "TA_PORT": str(port),
        "TA_SECRET_KEY": "live-server-tests-" + "x" * 32,
        "TA_LOG_LEVEL": "WARNING",
        **env,
    }
    log = (Path(env.get("TA_DATA_DIR") or tempfile.gettempdir()) / f"serve-{port}.log").open("wb")
    proc = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "ta_manager.cli.main", "serve", *args],
        env=full_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        async with httpx.AsyncClient(base_url=url, timeout=5) as c:
            while True:
                if proc.poll() is not None:
                    raise AssertionError(f"serve exited with {proc.returncode}: {log.name}")
                try:
                    await c.get("/health")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.2)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                await asyncio.to_thread(proc.wait, 15)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        log.close()
