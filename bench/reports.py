"""Benchmark of the reports at scale S against their floor.

    python -m bench.reports [--scale 100000] [--seed 1]

Data: `ta-manager demo --scale N` into a database of its own (DATABASE_URL's server, or the
embedded server in TA_BENCH_DATA_DIR, default ~/.cache/ta-manager/bench-postgres); loaded
once and reused. Each measurement runs in a fresh process so its peak memory (ru_maxrss)
is its own.

For each report:
- report: the whole export (queries, polars, writing the file), wall time and peak RSS;
- floor: COPY-out of exactly the queries the report ran (captured while it ran) plus a raw
  write of exactly the cells of the report's file (read back untimed with calamine) with
  the fastest writer measured (bench/writers.py: rvgsrust-xlsxwriter when installed,
  `--floor-writer xlsxwriter` for the old floor), or a plain csv.writer write for CSV.

`--scale 100000 --scale 300000` runs the cases at both sizes and prints how each case's
time grows against its output (cells written): the matrix for one region must grow no
faster than its output (time ratio <= 1.2 x the output ratio). Prints markdown tables for
docs/benchmarks.md, with the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).parents[1]
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "matrix (all needs)": ("matrix", {}),
    "matrix (region WCA)": ("matrix", {"region": ["WCA"]}),
    "annual (year 2008)": ("annual", {"year": 2008}),
    "annual (2005-2012, all)": (
        "annual",
        {"date_from": dt.date(2005, 1, 1), "date_to": dt.date(2012, 12, 31)},
    ),
    "funding (one donor)": ("funding", {"donor": "S1-ORG-0"}),
    "funding (all donors)": ("funding", {"donor": None}),
    "funding CSV (all donors)": ("funding_csv", {"donor": None}),
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _connect(dsn: str) -> None:
    from ta_manager.database import engine

    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=4)


async def _export(kind: str, args: dict[str, Any], target: Path) -> None:
    from reports import exports
    from reports.annual import AnnualFilters
    from reports.matrix import MatrixFilters

    if kind == "matrix":
        await exports.matrix_xlsx(MatrixFilters(**args), target)
    elif kind == "annual":
        await exports.annual_xlsx(AnnualFilters(**args), target)
    elif kind == "funding":
        await exports.funding_xlsx(args["donor"], target)
    else:
        await exports.funding_csv(args["donor"], target)


async def run_report(
    dsn: str, case: str, target: Path
) -> tuple[dict[str, Any], list[tuple[str, tuple[Any, ...]]]]:
    """Time one report; record the queries it ran (for the floor's COPY-out)."""
    from ta_manager.database import sql

    await _connect(dsn)
    captured: list[tuple[str, tuple[Any, ...]]] = []
    fetch, copy_csv = sql.fetch, sql.copy_csv

    async def recording_fetch(query: str, *args: Any) -> Any:
        captured.append((query, args))
        return await fetch(query, *args)

    async def recording_copy(query: str, *args: Any) -> bytes:
        captured.append((query, args))
        return await copy_csv(query, *args)

    # Reports read rows (sql.fetch) and frames (sql.copy_csv, reports/frames.py).
    sql.fetch = recording_fetch
    sql.copy_csv = recording_copy
    kind, args = CASES[case]
    import reports.exports  # noqa: F401  (a server has its modules loaded: not timed)

    started = time.perf_counter()
    await _export(kind, args, target)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb()}, captured


async def _copy_out(dsn: str, queries: list[tuple[str, tuple[Any, ...]]]) -> tuple[float, int]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    size = 0

    async def sink(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)

    try:
        started = time.perf_counter()
        for query, args in queries:
            await conn.copy_from_query(query, *args, output=sink)
        return time.perf_counter() - started, size
    finally:
        await conn.close()


def _raw_xlsx(sheets: list[tuple[str, list[list[Any]]]], target: Path, writer: str) -> float:
    if writer == "rvgsrust-xlsxwriter":
        return _raw_rvgsrust(sheets, target)
    import xlsxwriter

    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets:
        ws = book.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                if v is None or v == "":
                    continue
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, v, date_format)
                else:
                    ws.write_number(r, c, v)
    book.close()
    return time.perf_counter() - started


def _raw_rvgsrust(sheets: list[tuple[str, list[list[Any]]]], target: Path) -> float:
    import rvgsrust_xlsxwriter as rx

    started = time.perf_counter()
    book = rx.Workbook(str(target))
    date_format = book.add_format().set_num_format("yyyy-mm-dd")
    for name, rows in sheets:
        ws = book.add_worksheet(name, constant_memory=True)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                if v is None or v == "":
                    continue
                if isinstance(v, dt.date):
                    ws.write(r, c, v, date_format)
                else:
                    ws.write(r, c, v)
    book.close()
    return time.perf_counter() - started


def floor_writer(asked: str | None) -> str:
    """The writer of the floor: the one asked for, else the fastest measured if installed."""
    import importlib.util

    if asked:
        return asked
    fastest = importlib.util.find_spec("rvgsrust_xlsxwriter") is not None
    return "rvgsrust-xlsxwriter" if fastest else "xlsxwriter"


def _raw_csv(lines: list[list[str]], target: Path) -> float:
    started = time.perf_counter()
    with target.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        for line in lines:
            out.writerow(line)
    return time.perf_counter() - started


def run_floor(dsn: str, report_file: Path, queries_file: Path, writer: str) -> dict[str, Any]:
    queries = pickle.loads(queries_file.read_bytes())
    copy_seconds, copied = asyncio.run(_copy_out(dsn, queries))
    target = report_file.with_name("floor" + report_file.suffix)
    if report_file.suffix == ".csv":
        with report_file.open(encoding="utf-8", newline="") as fh:
            lines = list(csv.reader(fh))
        write_seconds = _raw_csv(lines, target)
        cells = sum(len(line) for line in lines)
    else:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(report_file))
        sheets = [(n, book.get_sheet_by_name(n).to_python()) for n in book.sheet_names]
        write_seconds = _raw_xlsx(sheets, target, writer)
        cells = sum(1 for _, rows in sheets for row in rows for v in row if v not in (None, ""))
    return {
        "cells": cells,
        "seconds": copy_seconds + write_seconds,
        "copy_seconds": copy_seconds,
        "write_seconds": write_seconds,
        "copied_mb": copied / 1e6,
        "queries": len(queries),
    }


def _writer_cells(n: int) -> list[tuple[Any, ...]]:
    day = dt.date(2008, 1, 1)
    return [
        (i, f"S1-A-{i}", f"Synthetic activity {i} title", day + dt.timedelta(days=i % 365),
         "workshop", 12.5 * i, "Benin, Chad, Mali", 40)
        for i in range(n)
    ]  # fmt: skip


def compare_writer(writer: str, n: int, target: Path) -> dict[str, Any]:
    """The same n rows x 8 typed cells with openpyxl write-only or xlsxwriter constant-memory."""
    rows = _writer_cells(n)
    started = time.perf_counter()
    if writer == "openpyxl":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        ws = book.create_sheet("rows")
        for row in rows:
            ws.append(row)
        book.save(target)
    else:
        _raw_xlsx([("rows", [list(r) for r in rows])], target, "xlsxwriter")
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _child(
    mode: str, dsn: str, case: str, workdir: Path, writer: str = "xlsxwriter"
) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--child", mode, "--case", case,
         "--dsn", dsn, "--workdir", str(workdir), "--floor-writer", writer],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{mode} {case} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def _activities(dsn: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("SELECT to_regclass('activity') IS NOT NULL"):
            return 0
        return int(await conn.fetchval("SELECT count(*) FROM activity"))
    finally:
        await conn.close()


def _ensure_data(scale: int, seed: int) -> str:
    from ta_manager.database import embedded

    server = os.environ.get("DATABASE_URL")
    if server is None:
        data_dir = Path(
            os.environ.get("TA_BENCH_DATA_DIR")
            or Path.home() / ".cache" / "ta-manager" / "bench-postgres"
        )
        server = embedded.start_server(data_dir)
    dsn = embedded.with_database(server, f"ta_bench_reports_s{scale}_{seed}")
    asyncio.run(embedded.ensure_database(server, urlsplit(dsn).path.lstrip("/")))
    if asyncio.run(_activities(dsn)) >= scale:  # loaded by an earlier run: migrate only
        subprocess.run(
            [sys.executable, "-m", "ta_manager.cli.main", "migrate"],
            env={**os.environ, "DATABASE_URL": dsn}, cwd=ROOT, check=True,
        )  # fmt: skip
        return dsn
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ta_manager.cli.main", "demo", "--scale", str(scale),
         "--seed", str(seed)],
        env={**os.environ, "DATABASE_URL": dsn}, cwd=ROOT, check=True,
    )  # fmt: skip
    print(f"data ready in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return dsn


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.1f}" for x in values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, action="append", help="100000 unless given")
    parser.add_argument("--floor-writer", choices=["xlsxwriter", "rvgsrust-xlsxwriter"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", action="append", help="case name(s) to run")
    parser.add_argument("--child", choices=["report", "floor", "openpyxl", "xlsxwriter"])
    parser.add_argument("--writers", type=int, help="only compare the two writers on N rows")
    parser.add_argument("--case")
    parser.add_argument("--dsn")
    parser.add_argument("--workdir", type=Path)
    a = parser.parse_args()
    if a.child in ("openpyxl", "xlsxwriter"):
        print(json.dumps(compare_writer(a.child, int(a.case), a.workdir / "w.xlsx")))
        return
    if a.writers:
        with tempfile.TemporaryDirectory(prefix="ta-bench-") as tmp:
            for writer in ("openpyxl", "xlsxwriter"):
                r = _child(writer, "", str(a.writers), Path(tmp))
                print(f"| {writer} | {a.writers:,} rows x 8 cells | {r['seconds']:.1f} s "
                      f"| {r['peak_mb']:.0f} MB |")  # fmt: skip
        return
    if a.child:
        kind = CASES[a.case][0]
        suffix = ".csv" if kind == "funding_csv" else ".xlsx"
        slug = "".join(ch if ch.isalnum() else "_" for ch in a.case)
        report_file, queries = a.workdir / f"{slug}{suffix}", a.workdir / f"{slug}.queries"
        if a.child == "report":
            result, captured = asyncio.run(run_report(a.dsn, a.case, report_file))
            queries.write_bytes(pickle.dumps(captured))
            result["bytes"] = report_file.stat().st_size
        else:
            result = run_floor(a.dsn, report_file, queries, a.floor_writer or "xlsxwriter")
        print(json.dumps(result))
        return
    scales = a.scale or [100_000]
    writer = floor_writer(a.floor_writer)
    results: dict[tuple[int, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    for scale in scales:
        dsn = _ensure_data(scale, a.seed)
        load = os.getloadavg()
        print(f"\n| report (scale {scale:,}) | report s | floor s (COPY + raw write with"
              f" {writer}) | ratio | peak MB | file MB | cells |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        with tempfile.TemporaryDirectory(prefix="ta-bench-") as tmp:
            for case in a.only or list(CASES):
                report = _child("report", dsn, case, Path(tmp))
                floor = _child("floor", dsn, case, Path(tmp), writer)
                results[scale, case] = report, floor
                print(
                    f"| {case} | {report['seconds']:.1f} | {floor['seconds']:.1f} "
                    f"({floor['copy_seconds']:.1f} + {floor['write_seconds']:.1f}) "
                    f"| {report['seconds'] / floor['seconds']:.2f} | {report['peak_mb']:.0f} "
                    f"| {report['bytes'] / 1e6:.1f} | {floor['cells']:,} |",
                    flush=True,
                )
        print(f"\nload average (1/5/15 min): {_load(load)} before, {_load(os.getloadavg())}"
              f" after, on {os.cpu_count()} cores")  # fmt: skip
    if len(scales) > 1:
        low, high = min(scales), max(scales)
        print(f"\n| report, {low:,} -> {high:,} activities | time ratio | output ratio (cells)"
              " | time / output (target <= 1.2) |")  # fmt: skip
        print("|---|---|---|---|")
        for case in a.only or list(CASES):
            (r1, f1), (r2, f2) = results[low, case], results[high, case]
            t, o = r2["seconds"] / r1["seconds"], f2["cells"] / f1["cells"]
            print(f"| {case} | x{t:.2f} | x{o:.2f} | {t / o:.2f} |")


if __name__ == "__main__":
    main()
