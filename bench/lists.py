"""Lists and get-by-id over HTTP at scale S, one client and 32 clients (issues 13 and 16).

    python -m bench.lists [--scale 100000] [--seed 1] [--rounds 30] [--clients 32]
                          [--seconds 20] [--processes 1,N]

Data: `ta-manager demo --scale N` into a database of its own (DATABASE_URL's server, or the
embedded server in TA_BENCH_DATA_DIR, default ~/.cache/ta-manager/bench-postgres), loaded
once and reused; `ta-manager migrate` runs first, so the data follows the code, then VACUUM
ANALYZE (what autovacuum does to a table some time after a load).
The server is `ta-manager serve --no-init --workers 0 --processes P` on TA_BENCH_PORT
(default 8107), called with a personal API token of a bench administrator.

One client: every case once per round, in turn (so the machine's load spreads over all
cases alike), after a warm-up round; median, p95 and the ratio of the median to the
get-by-id median of the same run; a case the code measured does not know (a 400, such as
`total=exact` before it existed) is "n/a". 32 clients: each loops over the list cases for the given
seconds; p50/p95/p99 of every request and requests per second, with 1 and N API
processes. Prints markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).parents[1]

# (name, path). `{id}` is replaced by a different activity id each round.
CASES: list[tuple[str, str]] = [
    ("get by id", "/api/v1/activities/{id}"),
    ("first page", "/api/v1/activities"),
    ("free text (q=activity 4242)", "/api/v1/activities?q=activity%204242"),
    ("free text, no match (q=zzzq)", "/api/v1/activities?q=zzzq"),
    ("country+area (BEN, PA3)", "/api/v1/activities?country=BEN&priority_area=PA3"),
    ("country (BEN)", "/api/v1/activities?country=BEN"),
    ("region (WCA)", "/api/v1/activities?region=WCA"),
    ("period (2008)", "/api/v1/activities?from=2008-01-01&to=2008-12-31"),
    ("sorted (-actual_start)", "/api/v1/activities?sort=-actual_start"),
    ("deep page (offset=90000)", "/api/v1/activities?offset=90000"),
    ("deep page (cursor)", "{cursor}"),
    ("needs (PA2-LEG, WCA)", "/api/v1/needs?assistance_type=PA2-LEG&region=WCA"),
    ("exact total (country+area)", "/api/v1/activities?country=BEN&priority_area=PA3&total=exact"),
]
LIST_CASES = [c for c in CASES if c[0] != "get by id"]


async def _prepare(dsn: str) -> tuple[str, list[int]]:
    """A bench administrator's API token, and activity ids to get."""
    from ta_manager.accounts import api_tokens, users
    from ta_manager.audit.actor import acting_as, command_line_actor
    from ta_manager.database import engine, sql

    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=2)
    try:
        with acting_as(command_line_actor()):
            user_id = await sql.fetchval(
                "SELECT id FROM app_user WHERE email = 'bench@example.org'"
            )
            if user_id is None:
                user_id = (await users.create_user("bench@example.org", "admin"))["id"]
            _, secret = await api_tokens.create_token(user_id, "bench")
        ids = [
            r["id"]
            for r in await sql.fetch(
                "SELECT id FROM activity WHERE archived_at IS NULL ORDER BY id LIMIT 1000"
            )
        ]
        return secret, ids
    finally:
        await engine.close_pool()


async def _activities(dsn: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("SELECT to_regclass('activity') IS NOT NULL"):
            return 0
        return int(await conn.fetchval("SELECT count(*) FROM activity"))
    finally:
        await conn.close()


async def _analyze(dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        # As autovacuum leaves a table some time after a load: statistics, and the
        # visibility map that lets an index-only scan skip the table.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _cli(dsn: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "ta_manager.cli.main", *args],
        env={**os.environ, "DATABASE_URL": dsn},
        cwd=ROOT,
        check=True,
    )


def ensure_data(scale: int, seed: int) -> str:
    from ta_manager.database import embedded

    server = os.environ.get("DATABASE_URL")
    if server is None:
        data_dir = Path(
            os.environ.get("TA_BENCH_DATA_DIR")
            or Path.home() / ".cache" / "ta-manager" / "bench-postgres"
        )
        server = embedded.start_server(data_dir)
    dsn = embedded.with_database(server, f"ta_bench_lists_s{scale}_{seed}")
    asyncio.run(embedded.ensure_database(server, urlsplit(dsn).path.lstrip("/")))
    if asyncio.run(_activities(dsn)) < scale:
        started = time.perf_counter()
        _cli(dsn, "demo", "--scale", str(scale), "--seed", str(seed))
        print(f"data ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    _cli(dsn, "migrate")
    asyncio.run(_analyze(dsn))
    return dsn


class Server:
    """`ta-manager serve` with P API processes on the bench database."""

    def __init__(self, dsn: str, processes: int, port: int) -> None:
        self.dsn, self.processes, self.port = dsn, processes, port
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "DATABASE_URL": self.dsn,
            "TA_PORT": str(self.port),
            "TA_HOST": "127.0.0.1",
            "TA_LOG_LEVEL": "WARNING",
            "TA_SECRET_KEY": os.environ.get("TA_SECRET_KEY", "bench-secret-key-" + "x" * 32),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ta_manager.cli.main", "serve", "--no-init", "--workers",
             "0", "--processes", str(self.processes)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)


def _cursor_path(client: httpx.Client) -> str:
    """A keyset URL deep in the list (about the position offset=90000 reaches), when the
    API has cursors; else the case is skipped."""
    first = client.get("/api/v1/activities?offset=89950&limit=50")
    first.raise_for_status()
    cursor = first.json().get("next_cursor")
    return f"/api/v1/activities?cursor={cursor}" if cursor else ""


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def one_client(server: Server, token: str, ids: list[int], rounds: int) -> list[list[str]]:
    headers = {"Authorization": f"Bearer {token}"}
    times: dict[str, list[float]] = {name: [] for name, _ in CASES}
    with httpx.Client(base_url=server.base, headers=headers, timeout=120) as client:
        cursor = _cursor_path(client)
        paths = {name: path.replace("{cursor}", cursor) for name, path in CASES}
        for name in paths:  # code from before a parameter existed answers 400: n/a
            if (
                paths[name]
                and client.get(paths[name].replace("{id}", str(ids[0]))).status_code == 400
            ):
                paths[name] = ""
        for n in range(rounds + 1):
            for name, _ in CASES:
                if not paths[name]:
                    continue
                url = paths[name].replace("{id}", str(ids[n % len(ids)]))
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                if n:  # round 0 warms up
                    times[name].append(elapsed * 1000)
    base = statistics.median(times["get by id"])
    rows = []
    for name, _ in CASES:
        if not times[name]:
            rows.append([name, "n/a", "n/a", "n/a"])
            continue
        median = statistics.median(times[name])
        rows.append(
            [
                name,
                f"{median:.1f}",
                f"{_percentile(times[name], 95):.1f}",
                f"{median / base:.1f}",
            ]
        )
    return rows


async def many_clients(
    server: Server, token: str, clients: int, seconds: float
) -> tuple[list[float], int, float]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=server.base, headers=headers, timeout=120, limits=limits
    ) as client:
        paths = [p for name, p in LIST_CASES if "{cursor}" not in p]
        paths = [p for p in paths if (await client.get(p)).status_code != 400]
        deadline = time.perf_counter() + seconds

        async def loop(k: int) -> None:
            nonlocal errors
            i = k
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(paths[i % len(paths)])
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(loop(k) for k in range(clients)))
        wall = time.perf_counter() - started
    return latencies, errors, wall


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", default=f"1,{os.cpu_count() or 1}")
    parser.add_argument("--skip-concurrent", action="store_true")
    a = parser.parse_args()
    port = int(os.environ.get("TA_BENCH_PORT", "8107"))
    dsn = ensure_data(a.scale, a.seed)
    token, ids = asyncio.run(_prepare(dsn))
    load_before = os.getloadavg()
    with Server(dsn, 1, port) as server:
        rows = one_client(server, token, ids, a.rounds)
    print(f"\nOne client, scale {a.scale:,}, {a.rounds} rounds, 1 API process")
    print(_table(["case", "median ms", "p95 ms", "x get by id"], rows))
    if not a.skip_concurrent:
        out = []
        for processes in dict.fromkeys(int(p) for p in a.processes.split(",")):
            with Server(dsn, processes, port) as server:
                asyncio.run(many_clients(server, token, a.clients, 2))  # warm up
                latencies, errors, wall = asyncio.run(
                    many_clients(server, token, a.clients, a.seconds)
                )
            out.append(
                [
                    str(processes),
                    f"{len(latencies):,}",
                    f"{_percentile(latencies, 50):.0f}",
                    f"{_percentile(latencies, 95):.0f}",
                    f"{_percentile(latencies, 99):.0f}",
                    f"{len(latencies) / wall:.0f}",
                    str(errors),
                ]
            )
        print(f"\n{a.clients} clients over the list cases, {a.seconds:.0f} s each")
        print(
            _table(
                ["API processes", "requests", "p50 ms", "p95 ms", "p99 ms", "req/s", "errors"],
                out,
            )
        )
    load_after = os.getloadavg()
    print(
        f"\nload average before {load_before[0]:.1f}/{load_before[1]:.1f},"
        f" after {load_after[0]:.1f}/{load_after[1]:.1f} (1/5 min), {os.cpu_count()} cores,"
        f" {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


if __name__ == "__main__":
    main()
