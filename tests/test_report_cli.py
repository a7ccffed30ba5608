"""`ta-manager report ...` run as a real process against the test database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.test_report_fixture import build_fixture

ROOT = Path(__file__).parents[1]


async def _report(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "ta_manager.cli.main", "report", *args],
        env={**os.environ, "DATABASE_URL": dsn},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


async def test_cli_writes_each_report(database: str, tmp_path: Path) -> None:
    await build_fixture()
    matrix = tmp_path / "matrix.xlsx"
    done = await _report(database, "matrix", "--region", "WCA", "--out", str(matrix))
    assert done.returncode == 0, done.stderr
    needs = openpyxl.load_workbook(matrix)["Needs"]
    assert sorted(r[2] for r in needs.iter_rows(min_row=2, values_only=True)) == [
        "N-BEN-LEG",
        "N-MLI-EQP",
        "N-NER-TRN",
        "N-TCD-EQP",
    ]
    annual = tmp_path / "annual.xlsx"
    done = await _report(database, "annual", "--year", "2008", "--out", str(annual))
    assert done.returncode == 0, done.stderr
    figures = {
        r[0]: r[1] for r in openpyxl.load_workbook(annual)["Summary"].iter_rows(values_only=True)
    }
    assert figures["Participants"] == 70
    ledger = tmp_path / "nor.csv"
    done = await _report(database, "funding", "--donor", "NOR", "--out", str(ledger))
    assert done.returncode == 0, done.stderr
    assert ledger.read_text(encoding="utf-8").count("\ncontribution,") == 2
    json_out = tmp_path / "matrix.json"
    done = await _report(database, "matrix", "--out", str(json_out))
    assert done.returncode == 0 and '"N-COL-CAP"' in json_out.read_text(encoding="utf-8")


async def test_cli_errors_are_clear(database: str, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    for args, message in [
        (["annual", "--from", "2009-01-01", "--to", "2008-01-01"], "is after to"),
        (["annual"], "give --year or --from/--to"),
        (["matrix", "--priority-area", "PA9"], "unknown priority area 'PA9'"),
        (["funding", "--donor", "NOBODY"], "donor 'NOBODY' does not exist"),
    ]:
        done = await _report(database, *args, "--out", str(out))
        assert done.returncode != 0 and message in done.stderr, (args, done.stderr)
        assert not out.exists() and not out.with_name("x.xlsx.partial").exists()
    done = await _report(database, "funding", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and ".xlsx or .csv" in done.stderr
