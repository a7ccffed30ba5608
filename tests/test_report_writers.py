"""Every report written with the Rust writer (the default) holds exactly the cells the
xlsxwriter version holds: every cell's value and type, on every sheet, in the same order
(python-calamine reads both back). Covers Decimal money, empty cells, dates, long text and
text that looks like a formula."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from reports.annual import AnnualFilters, build_annual
from reports.annual_workbook import write_annual
from reports.funding import build_funding
from reports.funding_files import write_funding
from reports.matrix import MatrixFilters, build_matrix
from reports.matrix_workbook import write_matrix
from reports.workbook import MAX_TEXT, RUST_WRITER
from ta_manager.database import sql
from tests.fixtures.report_mix import build_mix
from tests.test_report_fixture import build_fixture

LONG = "A need described at length. " * 1500  # 42,000 characters: past Excel's cell limit


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


class Number(float):
    """A float equal to another within 1e-15 (relative): xlsxwriter writes 16 significant
    digits (6/14 as 0.4285714285714285), rust_xlsxwriter the shortest exact form
    (0.42857142857142855); Excel itself shows 15."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, float) and math.isclose(self, other, rel_tol=1e-15)

    __hash__ = float.__hash__


def _typed(rows: list[list[Any]]) -> list[list[tuple[str, Any]]]:
    """Each cell as (type, value); an empty cell is ('', '')."""
    out = []
    for row in rows:
        while row and row[-1] in ("", None):
            row = row[:-1]
        out.append(
            [
                ("", "")
                if v in ("", None)
                else (type(v).__name__, Number(v) if isinstance(v, float) else v)
                for v in row
            ]
        )
    while out and not out[-1]:
        out.pop()
    return out


async def _both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, write: Callable[[Path], None]
) -> tuple[Path, Path]:
    paths = []
    for writer in ("xlsxwriter", "rust"):
        monkeypatch.setenv("TA_REPORT_WRITER", writer)
        path = tmp_path / f"{name}-{writer}.xlsx"
        write(path)
        paths.append(path)
    return paths[0], paths[1]


@pytest.mark.skipif(
    not RUST_WRITER, reason="rvgsrust-xlsxwriter has no wheel for this machine: xlsxwriter only"
)
async def test_every_report_has_the_same_cells_with_both_writers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    await build_fixture()
    await build_mix(needs=40, activities=160)
    await sql.execute(
        "UPDATE assistance_request SET description = $1 WHERE code = 'N-TCD-EQP'", LONG
    )
    reports = {
        "matrix": (write_matrix, await build_matrix(MatrixFilters())),
        "matrix-region": (write_matrix, await build_matrix(MatrixFilters(region=["WCA"]))),
        "annual-2008": (write_annual, await build_annual(AnnualFilters(year=2008))),
        "annual-range": (
            write_annual,
            await build_annual(
                AnnualFilters(date_from=dt.date(2005, 1, 1), date_to=dt.date(2012, 12, 31))
            ),
        ),
        "funding-all": (write_funding, await build_funding(None)),
        "funding-NOR": (write_funding, await build_funding("NOR")),
    }
    seen: set[str] = set()
    for name, (write, data) in reports.items():
        old, new = await _both(
            monkeypatch,
            tmp_path,
            name,
            lambda p, w=write, d=data: w(d, p),  # type: ignore[misc]
        )
        want, got = _cells(old), _cells(new)
        assert list(got) == list(want), name
        for sheet, rows in want.items():
            expected, actual = _typed(rows), _typed(got[sheet])
            if sheet == "About":  # written a moment apart: the time of writing differs
                expected, actual = (
                    [r for r in x if r[:1] != [("str", "Generated at")]] for x in (expected, actual)
                )
            assert actual == expected, f"{name} / {sheet}"
            seen |= {t for row in expected for t, _ in row}
    assert seen >= {"str", "float", "date"}  # text, numbers (money, counts) and dates
    # the same things survive: formula-looking text stays text, long text is cut the same
    matrix = openpyxl.load_workbook(tmp_path / "matrix-rust.xlsx")["Needs"]
    head = [c.value for c in matrix[1]]
    rows = {r[3].value: r for r in matrix.iter_rows(min_row=2)}
    description = head.index("Description")
    assert rows["N-NER-TRN"][description].data_type == "s"
    assert rows["N-NER-TRN"][description].value == "-SUM(A1)"
    assert rows["N-NER-TRN"][description].quotePrefix
    assert rows["N-TCD-EQP"][description].value == LONG[:MAX_TEXT]
    grid = openpyxl.load_workbook(tmp_path / "matrix-rust.xlsx")["By priority area"]
    assert grid.freeze_panes == "D2" and grid.auto_filter.ref
    assert any(d.outline_level == 1 for d in grid.row_dimensions.values())
