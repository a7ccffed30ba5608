"""Import of 100,000 generated activity rows (3 States and 2 partners each) from .xlsx,
against the floor: reading the same file with the same reader + COPY of the same rows.

Run: .venv/bin/python -m bench.import_activities [N]   (default 100000)

Each measurement runs in its own process so that its peak memory (getrusage maxrss) is
its own: `floor` (calamine read + COPY of the raw cells into a temp table), `import`
(ta-manager import into an empty database) and `reimport` (the same file again: every
row unchanged). Prints the rows for docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HEADER = [
    "code", "title", "type", "status", "actual_start", "actual_end", "venue_city",
    "venue_country", "scope", "beneficiary_countries", "partners", "priority_areas",
    "participants_total", "participants_female", "participants_male", "actual_cost",
    "cost_currency",
]  # fmt: skip
TYPES = ("workshop", "training", "legal_advisory", "expert_group_meeting", "assessment")
STATES = (
    "Benin", "CMR", "Chad", "GAB", "Mali", "Niger", "Senegal", "TGO", "Colombia", "PER",
    "Venezuela (Bolivarian Republic of)", "Iran (Islamic Republic of)", "Czech Republic",
    "Algeria", "Egypt", "KEN", "UGA", "Nigeria", "Ghana", "Côte d'Ivoire", "Mexico", "BRA",
)  # fmt: skip
PARTNERS = 100


def generate(path: Path, n: int, bad_row: int | None = None) -> None:
    """n activity rows with real date cells, written with xlsxwriter in constant memory;
    `bad_row` (0-based) gets the impossible date 31/02/2024 as its start."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("activities")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    first = dt.date(2005, 1, 1)
    for i in range(n):
        start = first + dt.timedelta(days=(i * 7) % 2900)
        states = "; ".join(STATES[(i + k * 5) % len(STATES)] for k in range(3))
        partners = f"P-{i % PARTNERS:03d}; P-{(i + 37) % PARTNERS:03d}"
        total = 20 + i % 30
        row: list[Any] = [
            f"A-{i:06d}", f"Activity {i}", TYPES[i % len(TYPES)], "completed", None, None,
            "Vienna", "AUT", "regional", states, partners, f"PA{1 + i % 5}",
            total, total // 2, total - total // 2, f"{10000 + i % 5000:,}.50", "USD",
        ]  # fmt: skip
        r = i + 1
        sheet.write_row(r, 0, row)
        if i == bad_row:
            sheet.write_string(r, 4, "31/02/2024")
        else:
            sheet.write_datetime(r, 4, dt.datetime.combine(start, dt.time()), date)
        end = dt.datetime.combine(start + dt.timedelta(days=2), dt.time())
        sheet.write_datetime(r, 5, end, date)
    book.close()


async def _connect(dsn: str) -> None:
    from ta_manager.database import engine

    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=2)


async def measure_floor(dsn: str, path: Path) -> dict[str, Any]:
    import python_calamine

    from ta_manager.database import sql

    await _connect(dsn)
    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    read = time.perf_counter() - started
    columns = [f"c{i}" for i in range(len(HEADER))]
    types = ["text"] * len(HEADER)
    for i in (4, 5):
        types[i] = "date"
    for i in (12, 13, 14):
        types[i] = "float8"
    async with sql.transaction():
        await sql.execute(
            "CREATE TEMP TABLE floor_rows ("
            + ", ".join(f"{c} {t}" for c, t in zip(columns, types, strict=True))
            + ") ON COMMIT DROP"
        )
        await sql.copy_records("floor_rows", columns, (tuple(r) for r in rows[1:]))
    return {"seconds": time.perf_counter() - started, "read_seconds": read, "rows": len(rows) - 1}


WRITTEN = ("activity", "activity_country", "activity_partner", "activity_priority_area")


async def measure_write_floor(dsn: str, path: Path) -> dict[str, Any]:
    """COPY of the rows the import wrote back into the real tables (with their keys,
    indexes and foreign keys), rolled back: what any importer of these rows must pay."""
    from ta_manager.database import sql

    await _connect(dsn)
    tables = {}
    for table in WRITTEN:
        columns = [
            r[0]
            for r in await sql.fetch(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = $1::regclass"
                " AND attnum > 0 AND NOT attisdropped AND attgenerated = ''"
                " AND atttypid <> 'jsonb'::regtype ORDER BY attnum",
                table,
            )
        ]  # generated columns (starts_on, ends_on) are computed, never copied; jsonb
        # (sources, '[]' for these rows) is left to its default: COPY has no binary jsonb
        rows = await sql.fetch(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
        tables[table] = (columns, [tuple(r) for r in rows])
    seconds = 0.0
    try:
        async with sql.transaction():
            await sql.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")
            started = time.perf_counter()
            for table, (columns, records) in tables.items():
                await sql.copy_records(table, columns, records)
            seconds = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        pass
    return {"seconds": seconds, "rows": {t: len(r) for t, (_, r) in tables.items()}}


class _RollBack(Exception):
    pass


async def measure_reject(dsn: str, path: Path) -> dict[str, Any]:
    """Import a file with one bad row (refused, nothing written), then the marked-up copy."""
    from importers.error_workbook import error_workbook
    from importers.service import ImportRejected, import_file

    await _connect(dsn)
    data = await asyncio.to_thread(path.read_bytes)
    started = time.perf_counter()
    try:
        await import_file("activities", data, path.name)
        raise RuntimeError("the bad file was accepted")
    except ImportRejected as exc:
        rejected = time.perf_counter() - started
        marked = error_workbook(data, exc.table, exc.problems)
        problems = [str(p) for p in exc.problems]
    return {
        "seconds": rejected,
        "marked_seconds": time.perf_counter() - started - rejected,
        "marked_kb": len(marked) // 1024,
        "problems": problems,
    }


async def measure_import_without_audit(dsn: str, path: Path) -> dict[str, Any]:
    """The same import with the audit trail switched off (its snapshot and records): the
    import as it was before "Imports write one audit record per created or changed row"."""
    import importers.service
    import importers.staging

    async def nothing(*args: Any) -> int:
        return 0

    importers.service.record_rows = nothing  # type: ignore[assignment]
    importers.staging.snapshot_rows = nothing  # type: ignore[assignment]
    return await measure_import(dsn, path)


async def measure_import(dsn: str, path: Path) -> dict[str, Any]:
    from importers.service import import_file

    await _connect(dsn)
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def progress(step: str, done: int, total: int) -> None:
        phases.setdefault(step, time.perf_counter() - started)

    data = await asyncio.to_thread(path.read_bytes)
    summary = await import_file("activities", data, path.name, progress=progress)
    return {
        "seconds": time.perf_counter() - started,
        "new": summary.new,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "phases": phases,
    }


def _phases(result: dict[str, Any]) -> str:
    """Seconds spent per step, from the times each step started."""
    marks = sorted(result["phases"].items(), key=lambda kv: kv[1])
    ends = [t for _, t in marks[1:]] + [result["seconds"]]
    return ", ".join(
        f"{name} {end - start:.1f} s" for (name, start), end in zip(marks, ends, strict=True)
    )


def _phase(result: dict[str, Any], name: str) -> float:
    """Seconds of one step (from its start to the next step's, or to the end)."""
    marks = sorted(result["phases"].items(), key=lambda kv: kv[1])
    ends = [t for _, t in marks[1:]] + [result["seconds"]]
    return next(end - start for (step, start), end in zip(marks, ends, strict=True) if step == name)


def _child(mode: str, dsn: str, path: Path) -> None:
    modes = {
        "floor": measure_floor,
        "write": measure_write_floor,
        "reject": measure_reject,
        "noaudit": measure_import_without_audit,
    }
    work = modes.get(mode, measure_import)
    result = asyncio.run(work(dsn, path))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run(mode: str, dsn: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.import_activities", "--child", mode, dsn, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    shown = {k: v for k, v in result.items() if k != "problems"}
    print(f"{mode}: {json.dumps(shown)}", file=sys.stderr, flush=True)
    return result


async def main(n: int) -> None:
    from bench.database import bench_database
    from ta_manager.database import sql

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"activities-{n}.xlsx"
        started = time.perf_counter()
        await asyncio.to_thread(generate, path, n)
        made = time.perf_counter() - started
        size_mb = path.stat().st_size / 1024 / 1024
        bad = Path(tmp) / f"activities-{n}-one-bad.xlsx"
        await asyncio.to_thread(generate, bad, n, n * 54 // 100)
        async with bench_database() as dsn:
            await sql.copy_records(
                "organization",
                ["code", "name", "roles"],
                [(f"P-{i:03d}", f"Partner {i}", ["partner"]) for i in range(PARTNERS)],
            )
            load_before = os.getloadavg()
            floor = await asyncio.to_thread(_run, "floor", dsn, path)
            bare = await asyncio.to_thread(_run, "noaudit", dsn, path)
            await sql.execute("TRUNCATE activity CASCADE")
            first = await asyncio.to_thread(_run, "import", dsn, path)
            write = await asyncio.to_thread(_run, "write", dsn, path)
            links = await sql.fetchval("SELECT count(*) FROM activity_country")
            partners = await sql.fetchval("SELECT count(*) FROM activity_partner")
            again = await asyncio.to_thread(_run, "import", dsn, path)
            await sql.execute("TRUNCATE activity CASCADE")
            refused = await asyncio.to_thread(_run, "reject", dsn, bad)
            left = await sql.fetchval("SELECT count(*) FROM activity")
            load_after = os.getloadavg()
    ratio = first["seconds"] / floor["seconds"]
    print(f"generated {n:,} rows ({size_mb:.1f} MB) in {made:.1f} s")
    print(
        f"load average (1/5/15 min) before {'/'.join(f'{x:.1f}' for x in load_before)},"
        f" after {'/'.join(f'{x:.1f}' for x in load_after)} on {os.cpu_count()} cores"
    )
    print(f"import phases: {_phases(first)}")
    print(f"import phases without the audit trail: {_phases(bare)}")
    merge, merge_bare = _phase(first, "merge"), _phase(bare, "merge")
    print(
        f"audit trail: import {first['seconds']:.1f} s against {bare['seconds']:.1f} s without"
        f" (x{first['seconds'] / bare['seconds']:.2f}); merge phase {merge:.1f} s against"
        f" {merge_bare:.1f} s (x{merge / merge_bare:.2f}); target: within 10 % (x1.10)"
    )
    print(f"re-import phases: {_phases(again)}")
    print("| run | rows | time | vs floor | peak memory |")
    print("|---|---|---|---|---|")
    print(
        f"| floor: calamine read ({floor['read_seconds']:.1f} s) + COPY of the raw cells |"
        f" {floor['rows']:,} | {floor['seconds']:.1f} s | 1.0 | {floor['peak_mb']:.0f} MB |"
    )
    write_floor = floor["read_seconds"] + write["seconds"]
    print(
        f"| floor with real tables: calamine read + COPY of the written rows into activity"
        f" and its link tables (keys, indexes, foreign keys; {write['seconds']:.1f} s) |"
        f" {sum(write['rows'].values()):,} | {write_floor:.1f} s |"
        f" {write_floor / floor['seconds']:.1f} | {write['peak_mb']:.0f} MB |"
    )
    print(
        f"| import into an empty database | {first['new']:,} new activities, {links:,}"
        f" activity-State and {partners:,} activity-partner links | {first['seconds']:.1f} s |"
        f" {ratio:.1f} ({first['seconds'] / write_floor:.1f} x real-table floor) |"
        f" {first['peak_mb']:.0f} MB |"
    )
    print(
        f"| the same import without the audit trail (as before the per-row audit) |"
        f" {bare['new']:,} new activities | {bare['seconds']:.1f} s |"
        f" {bare['seconds'] / floor['seconds']:.1f} | {bare['peak_mb']:.0f} MB |"
    )
    print(
        f"| the same rows with one bad date, into an empty database | refused:"
        f" {'; '.join(refused['problems'])}; {left} activities written | {refused['seconds']:.1f} s"
        f" (+ {refused['marked_seconds']:.1f} s for the marked-up file,"
        f" {refused['marked_kb']:,} KB) | {refused['seconds'] / floor['seconds']:.1f} |"
        f" {refused['peak_mb']:.0f} MB |"
    )
    print(
        f"| re-import of the same file | {again['unchanged']:,} unchanged, {again['new']} new,"
        f" {again['updated']} updated | {again['seconds']:.1f} s |"
        f" {again['seconds'] / floor['seconds']:.1f} | {again['peak_mb']:.0f} MB |"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        os.environ.setdefault("PICCOLO_CONF", "ta_manager.piccolo_conf")
        _child(sys.argv[2], sys.argv[3], Path(sys.argv[4]))
    else:
        asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
