"""Every speed measurement of issue 13 in one command, each table printed as it is measured.

    python -m bench.run_all            (or: make bench)

1. reports at scale S and 3 x S (bench/reports.py --scale 100000 --scale 300000): each
   report against its floor (COPY-out + raw write with the fastest writer measured), and
   how each grows from 100,000 to 300,000 activities against its output;
2. workbook writers on the reports' real cells (bench/writers.py);
3. the import of 100,000 activities, with and without the audit trail
   (bench/import_activities.py).

The databases are built once and kept (DATABASE_URL's server, or the embedded one in
TA_BENCH_DATA_DIR). Run it on a quiet machine: the tables report the load average, and the
ratios within one run are what counts.
"""

from __future__ import annotations

import subprocess
import sys

STEPS = [
    ["bench.reports", "--scale", "100000", "--scale", "300000"],
    ["bench.writers"],
    ["bench.import_activities", "100000"],
]


def main() -> None:
    failed = []
    for step in STEPS:
        print(f"\n## python -m {' '.join(step)}\n", flush=True)
        if subprocess.run([sys.executable, "-m", *step], check=False).returncode != 0:
            failed.append(step[0])
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
