"""Benchmark: other users' latency while big exports run as jobs; job throughput; memory.

    python -m bench.jobs [--scale 100000] [--seconds 30] [--clients 32] [--processes 2]

Data: `ta-manager demo --scale N` into a database of its own (DATABASE_URL's server, or an
embedded server in TA_BENCH_DATA_DIR, default /tmp/ta-bench-jobs), loaded once and reused.
Then, against `ta-manager serve --no-init --processes P --workers W` on 127.0.0.1:TA_PORT
(default 8199):
1. `--clients` clients call list and get endpoints for `--seconds` (no exports);
2. the same while the full matrix and the all-donor funding export run as jobs (each
   started again as soon as it ends, so exports run for the whole window);
3. job throughput: 2 full matrix + 2 all-donor jobs at once, with 1 worker, then 2;
4. memory (RSS, peak RSS) of every process of the server, read from /proc.
Prints the markdown table for docs/benchmarks.md, with the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).parents[1]
EXPORTS = [{"kind": "matrix", "params": {}}, {"kind": "funding", "params": {}}]


def ensure_data(scale: int, seed: int) -> str:
    from ta_manager.database import embedded

    server = os.environ.get("DATABASE_URL")
    if server is None:
        data_dir = Path(os.environ.get("TA_BENCH_DATA_DIR") or "/tmp/ta-bench-jobs")
        server = embedded.start_server(data_dir)
    dsn = embedded.with_database(server, f"ta_bench_jobs_s{scale}_{seed}")
    asyncio.run(embedded.ensure_database(server, urlsplit(dsn).path.lstrip("/")))
    env = {**os.environ, "DATABASE_URL": dsn}
    subprocess.run([sys.executable, "-m", "ta_manager.cli.main", "seed"], env=env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    if asyncio.run(_count(dsn, "SELECT count(*) FROM activity")) < scale:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ta_manager.cli.main", "demo", "--scale", str(scale),
             "--seed", str(seed), "--reset"],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        print(f"data ready in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return dsn


async def _count(dsn: str, query: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(query))
    finally:
        await conn.close()


async def _token(dsn: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """A bench administrator's API token, and the id range of each record kind."""
    from ta_manager.accounts import api_tokens, users
    from ta_manager.database import engine, sql

    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=2)
    try:
        email = "bench-jobs@example.org"
        row = await sql.fetchrow("SELECT id FROM app_user WHERE email = $1", email)
        user_id = row["id"] if row else (await users.create_user(email, "admin"))["id"]
        _, secret = await api_tokens.create_token(user_id, f"bench {time.time():.0f}")
        ranges = {}
        for path, table in (("activities", "activity"), ("needs", "assistance_request")):
            r = await sql.fetchrow(f"SELECT min(id), max(id) FROM {table}")
            assert r is not None
            ranges[path] = (r[0], r[1])
        await sql.execute("DELETE FROM job")  # earlier runs' jobs and files
        await sql.execute("DELETE FROM stored_file")
        return secret, ranges
    finally:
        await engine.close_pool()


def start_server(dsn: str, port: int, processes: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "TA_PORT": str(port),
        "TA_SECRET_KEY": "bench-only-key-" + "x" * 32,
        "TA_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ta_manager.cli.main", "serve", "--no-init",
         "--processes", str(processes), "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


async def wait_ready(base: str, headers: dict[str, str], workers: int) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers) as c:
        for _ in range(600):
            try:
                if (await c.get("/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
    await asyncio.sleep(3 + workers)  # let every API process and worker come up


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def load(
    base: str,
    headers: dict[str, str],
    ranges: dict[str, tuple[int, int]],
    clients: int,
    seconds: float,
) -> dict[str, float]:
    """`clients` users calling lists and single records; latency of each request."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def user(c: httpx.AsyncClient, rng: random.Random) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            path = rng.choice(list(ranges))
            low, high = ranges[path]
            if rng.random() < 0.5:
                url = f"/api/v1/{path}?limit=50&offset={rng.randrange(0, 2000)}"
            else:
                url = f"/api/v1/{path}/{rng.randint(low, high)}"
            started = time.perf_counter()
            r = await c.get(url)
            latencies.append(time.perf_counter() - started)
            if r.status_code != 200:
                errors += 1

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=120) as c:  # fmt: skip
        await asyncio.gather(*(user(c, random.Random(i)) for i in range(clients)))
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": errors,
    }


async def run_job(c: httpx.AsyncClient, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    r = await c.post("/api/v1/jobs", json=body)
    r.raise_for_status()
    url = r.json()["url"]
    while True:
        await asyncio.sleep(0.5)
        state = (await c.get(url)).json()["state"]
        if state in ("done", "failed", "cancelled"):
            if state != "done":
                raise RuntimeError(f"job {body} ended {state}")
            return time.perf_counter() - started


async def load_with_exports(
    base: str,
    headers: dict[str, str],
    ranges: dict[str, tuple[int, int]],
    clients: int,
    seconds: float,
) -> tuple[dict[str, float], int]:
    """The load while the exports run again and again as jobs."""
    finished = 0
    stop = asyncio.Event()

    async def exporter(body: dict[str, Any]) -> None:
        nonlocal finished
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as c:
            while not stop.is_set():
                await run_job(c, body)
                finished += 1

    exporters = [asyncio.create_task(exporter(b)) for b in EXPORTS]
    await asyncio.sleep(2)  # the jobs have started
    result = await load(base, headers, ranges, clients, seconds)
    stop.set()
    await asyncio.gather(*exporters)
    return result, finished


async def throughput(base: str, headers: dict[str, str]) -> tuple[float, float]:
    """Seconds for 2 full matrix + 2 all-donor jobs started together; jobs per minute."""
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as c:
        started = time.perf_counter()
        await asyncio.gather(*(run_job(c, b) for b in EXPORTS * 2))
        took = time.perf_counter() - started
    return took, 4 / took * 60


def memory(root_pid: int) -> list[tuple[str, float, float]]:
    """(process, RSS MB, peak RSS MB) of the server and its children."""
    import psutil

    out = []
    root = psutil.Process(root_pid)
    for p in [root, *root.children(recursive=True)]:
        try:
            status = Path(f"/proc/{p.pid}/status").read_text()
            cmd = " ".join(p.cmdline())
        except (OSError, psutil.Error):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss = int(fields["VmRSS"].split()[0]) / 1024
        peak = int(fields["VmHWM"].split()[0]) / 1024
        if "resource_tracker" in cmd:
            continue
        name = (
            "job worker"
            if "worker" in cmd.split()[-1:]
            else "serve (parent)"
            if p.pid == root_pid
            else "API process"
        )
        out.append((name, rss, peak))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=int(os.environ.get("TA_PORT") or 8199))
    a = parser.parse_args()
    dsn = ensure_data(a.scale, a.seed)
    token, ranges = asyncio.run(_token(dsn))
    base, headers = f"http://127.0.0.1:{a.port}", {"Authorization": f"Bearer {token}"}
    load_before = os.getloadavg()
    rows: list[str] = []
    mem: list[tuple[str, float, float]] = []
    runs: dict[int, tuple[float, float]] = {}
    for workers in (1, 2):
        server = start_server(dsn, a.port, a.processes, workers)
        try:
            asyncio.run(wait_ready(base, headers, workers))
            if workers == 1:
                quiet = asyncio.run(load(base, headers, ranges, a.clients, a.seconds))
                busy, exports = asyncio.run(
                    load_with_exports(base, headers, ranges, a.clients, a.seconds)
                )
                mem = memory(server.pid)
                for label, r in (
                    ("no exports", quiet),
                    (f"exports as jobs ({exports} done)", busy),
                ):
                    rows.append(
                        f"| {a.clients} clients, {label} | {r['rps']:.0f} | {r['p50'] * 1000:.0f}"
                        f" | {r['p95'] * 1000:.0f} | {r['p99'] * 1000:.0f} | {r['errors']:.0f} |"
                    )
                ratio = busy["p99"] / quiet["p99"]
            runs[workers] = asyncio.run(throughput(base, headers))
        finally:
            stop_server(server)
    load_after = os.getloadavg()
    print(f"scale {a.scale:,}, {a.processes} API processes, {a.clients} clients,"
          f" {a.seconds:.0f} s each; load average before {load_before[0]:.2f}"
          f" {load_before[1]:.2f} {load_before[2]:.2f}, after {load_after[0]:.2f}"
          f" {load_after[1]:.2f} {load_after[2]:.2f} ({os.cpu_count()} cores)")  # fmt: skip
    print()
    print("| list/get requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\np99 with exports / without: {ratio:.2f} (target ≤ 1.5)\n")
    print("| job throughput (2 full matrix + 2 all-donor jobs) | wall s | jobs/min |")
    print("|---|---|---|")
    for workers, (took, per_minute) in runs.items():
        print(f"| {workers} worker{'s' if workers > 1 else ''} | {took:.0f} | {per_minute:.1f} |")
    print("\n| process (1 worker, after the export window) | RSS MB | peak RSS MB |")
    print("|---|---|---|")
    for name, rss, peak in mem:
        print(f"| {name} | {rss:.0f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
