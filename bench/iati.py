"""Benchmark of the IATI activity export at scale S against its lxml floor, in one run.

    python -m bench.iati [--scale 100000]

Loads `ta-manager demo --scale N` into a throw-away database, then, each in a fresh
process (so that ru_maxrss is its own):
- export: `export_activities` of everything (queries, checks, XSD per record, streaming to
  a file): wall time and peak RSS;
- floor: the same iati-activity elements built with lxml from plain Python objects read
  from the exported file beforehand (untimed) and serialised: no database, no checks.
Prints the row for docs/benchmarks.md with the machine's load average.
Synthetic activities have no DAC sector, so TA_IATI_DEFAULT_SECTOR=15130 is set (else every
activity would be left out for want of a sector).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {
    "TA_IATI_REPORTING_ORG": "XM-DAC-41121",
    "TA_IATI_REPORTING_ORG_NAME": "United Nations Office on Drugs and Crime",
    "TA_IATI_DEFAULT_SECTOR": "15130",
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _export(dsn: str, out: Path) -> None:
    from ta_manager.database import engine
    from ta_manager.iati.exporter import IatiFilters, export_activities

    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=2)
    started = time.perf_counter()
    with out.open("wb") as fh:
        result = await export_activities(IatiFilters(), fh)
    elapsed = time.perf_counter() - started
    await engine.close_pool()
    print(f"{elapsed:.2f} {_peak_mb():.0f} {result.published} {len(result.left_out)}")


def _floor(path: Path) -> None:
    from lxml import etree

    from ta_manager.iati.mapping import from_element, to_element
    from ta_manager.iati.reading import records

    publications = [from_element(e)[0] for _, e in records(path) if e is not None]
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        for p in publications:
            sink.write(etree.tostring(to_element(p), encoding="UTF-8", pretty_print=True))
    print(f"{time.perf_counter() - started:.2f} {_peak_mb():.0f} {len(publications)}")


async def _load(scale: int) -> tuple[str, str, str]:
    import uuid

    import platformdirs

    from ta_manager.database import embedded, engine
    from ta_manager.database.migrate import migrate
    from ta_manager.demo.synthetic import generate
    from ta_manager.reference.seed import seed_reference

    data_dir = Path(platformdirs.user_cache_dir("ta-manager")) / "bench-postgres"
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
    await generate(scale, seed=1)
    await engine.close_pool()
    return server, name, dsn


def _child(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.iati", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
    )
    return done.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "export":
            asyncio.run(_export(rest[0], Path(rest[1])))
        else:
            _floor(Path(rest[0]))
        return
    from ta_manager.database import embedded

    server, name, dsn = asyncio.run(_load(args.scale))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "activities.xml"
            seconds, mb, published, left = _child("--child", "export", dsn, str(out))
            size = out.stat().st_size / 1e6
            floor_s, floor_mb, n = _child("--child", "floor", str(out))
    finally:
        asyncio.run(embedded.drop_database(server, name))
    load = os.getloadavg()
    print(
        f"| iati export, scale {args.scale:,} | {published} iati-activity ({left} left out),"
        f" {size:.0f} MB | {seconds} s, {mb} MB peak | floor (lxml build + serialise of the"
        f" same {n} elements): {floor_s} s, {floor_mb} MB | {float(seconds) / float(floor_s):.2f}x"
        f" | load {load[0]:.1f} / {load[1]:.1f} |"
    )


if __name__ == "__main__":
    main()
