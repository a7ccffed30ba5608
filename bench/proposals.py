"""Time of drafting a costed proposal at scale S (issue: costed proposals).

Generates `ta_manager.demo.synthetic.generate(N, 1)` (N activities, N/10 needs) into a
throw-away database, loads the example cost norms, then times `draft` for 2009-2011 over
every need (unmet only; also partly met; then with every activity-need link removed,
so that all 10,000 needs are open) and the workbook export of the result.

Run: .venv/bin/python -m bench.proposals [N]   (default 100000, i.e. 10,000 needs)
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time

from bench.database import bench_database
from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql
from ta_manager.demo.synthetic import generate
from ta_manager.proposals.drafting import draft
from ta_manager.proposals.export import proposal_workbook


async def main(scale: int) -> None:
    async with bench_database():
        counts = await generate(scale, seed=1)
        await seed_example_norms()
        runs = [
            ("unmet", False),
            ("unmet + partly met", True),
            ("all unmet (links removed)", False),
        ]
        for label, partly in runs:
            if label.startswith("all"):
                await sql.execute("DELETE FROM activity_need")
            started = time.perf_counter()
            doc = await draft(
                {
                    "title": f"Scale {scale}",
                    "start_year": 2009,
                    "end_year": 2011,
                    "include_partly_met": partly,
                }
            )
            drafted = time.perf_counter() - started
            started = time.perf_counter()
            workbook = await proposal_workbook(doc["id"])
            exported = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            answered = sum(len(a["needs"]) for a in doc["activities"])
            print(
                f"| draft, {counts['needs']:,} needs, {label}"
                f" | {len(doc['activities']):,} activities answering {answered:,} needs,"
                f" {len(doc['needs_without_proposal'] or []):,} needs left"
                f" | {drafted:.1f} s | {exported:.1f} s ({len(workbook) // 1024:,} KB)"
                f" | {peak_mb:.0f} MB |"
            )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
