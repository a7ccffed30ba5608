"""Time and peak memory of `ta-manager demo --scale N` (issue: foundation).

Run: .venv/bin/python -m bench.demo_scale [N]   (default 100000)
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time

from bench.database import bench_database
from ta_manager.demo.synthetic import generate


async def main(scale: int) -> None:
    async with bench_database():
        started = time.perf_counter()
        counts = await generate(scale, seed=1)
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    print(f"| demo --scale {scale:,} | {rows} | {elapsed:.1f} s | {peak_mb:.0f} MB |")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
