"""Every output prints as a secretariat would publish it: the demo's workbooks (reports,
proposal, template, marked-up import file) converted to PDF by LibreOffice headless have the
page counts docs/reports.md states and no cell shown as `###`; opened with openpyxl, each
sheet has its page setup, print titles and frozen panes and no snake_case visible header;
the French matrix names the States in French.

One LibreOffice run converts all the files (a few seconds). With TA_DOC_IMAGES=DIR the
first page of each is also written as a small PNG (how docs/images/ is made:
`TA_DOC_IMAGES=docs/images pytest tests/test_outputs_print.py`).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importers.error_workbook import error_workbook
from importers.service import ImportRejected, import_file
from importers.templates import template
from reports.annual import AnnualFilters, build_annual
from reports.annual_workbook import write_annual
from reports.funding import build_funding
from reports.funding_files import write_funding
from reports.matrix import MatrixFilters, build_matrix
from reports.matrix_workbook import write_matrix
from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.proposals import service as proposals
from ta_manager.proposals.export import proposal_workbook

DATA = Path(__file__).resolve().parents[1] / "ta_manager" / "demo" / "data"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "reports.md"
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
PROPOSAL = {
    "title": "Technical assistance 2009-2011",
    "start_year": 2009,
    "end_year": 2011,
    "activities": [
        {
            "title": "Regional workshop on mutual legal assistance, Dakar",
            "priority_area": "PA3",
            "template": "regional_workshop",
            "parameters": {"states": 20},
            "venue_region": "AFR-W",
            "venue_place": "Dakar",
            "phasing": {"2009": 50, "2010": 50},
        },
        {
            "title": "Legislative advisory mission",
            "priority_area": "PA2",
            "template": "legal_advisory_mission",
            "parameters": {"consultant_months": 1.5},
            "venue_region": "WCA",
            "phasing": {"2010": 100},
        },
    ],
}


def _documented_pages() -> dict[str, int]:
    """The page counts docs/reports.md states ("prints on N pages" in its table)."""
    found = re.findall(r"\| `(\w+)\.pdf` \| (\d+) \|", DOCS.read_text(encoding="utf-8"))
    return {name: int(n) for name, n in found}


def _convert(files: list[Path], out: Path) -> None:
    profile = out / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])  # type: ignore[index]


def _visible_headers(book: Any) -> list[tuple[str, str]]:
    """(sheet, text) of the header cells people see: bold cells of visible rows."""
    found = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows(max_row=min(ws.max_row, 60)):
            for cell in row:
                if (
                    isinstance(cell.value, str)
                    and cell.font is not None
                    and cell.font.b
                    and not ws.row_dimensions[cell.row].hidden
                ):
                    found.append((ws.title, cell.value))
    return found


def _printed(files: dict[str, Path], folder: Path) -> dict[str, int]:
    """Convert every file in one LibreOffice run; check no `###`; the page counts (and the
    first pages as PNGs when TA_DOC_IMAGES names a folder)."""
    _convert(list(files.values()), folder)
    images = os.environ.get("TA_DOC_IMAGES")
    counted: dict[str, int] = {}
    for name in files:
        pdf = folder / f"{name}.pdf"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "###" not in text, (name, [line for line in text.splitlines() if "###" in line])
        if name == "funding":  # the totals' results show, not a 0 the program never recalculated
            assert re.search(r"Total \(rows shown\)\s+[1-9]", text), "funding totals print as 0"
        counted[name] = _pages(pdf)
        if images:
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "50",
                    "-png",
                    "-singlefile",
                    str(pdf),
                    f"{images}/workbook-{name}",
                ],
                check=True,
            )
    return counted


async def _write_outputs(folder: Path) -> dict[str, Path]:
    from ta_manager.demo.loader import load_demo

    await load_demo()
    await seed_example_norms()
    files = {
        "matrix": folder / "matrix.xlsx",
        "annual": folder / "annual.xlsx",
        "funding": folder / "funding.xlsx",
        "proposal": folder / "proposal.xlsx",
        "template": folder / "template.xlsx",
        "errors": folder / "errors.xlsx",
    }
    write_matrix(await build_matrix(MatrixFilters(region=["LAC"])), files["matrix"])
    write_annual(await build_annual(AnnualFilters(year=2008)), files["annual"])
    write_funding(await build_funding(None), files["funding"])
    doc = await proposals.create(PROPOSAL)
    files["proposal"].write_bytes(await proposal_workbook(doc["id"]))
    blank = await template("activities")
    files["template"].write_bytes(blank)
    book = openpyxl.load_workbook(io.BytesIO(blank))
    book["activities"].append(["A-X", "Workshop", "workshop", "31/02/2008"])
    bad = io.BytesIO()
    book.save(bad)
    with pytest.raises(ImportRejected) as rejected:
        await import_file("activities", bad.getvalue(), "activities.xlsx")
    failed = rejected.value
    files["errors"].write_bytes(error_workbook(bad.getvalue(), failed.table, failed.problems))
    return files


async def test_outputs_print_to_a_handful_of_pages(tmp_path: Path) -> None:
    if not sorted(DATA.glob("*.toml")):
        pytest.skip(f"demo data files absent: no ta_manager/demo/data/*.toml in {DATA}")
    files = await _write_outputs(tmp_path)

    # openpyxl: page setup, print titles, frozen panes, headers in words
    for name, path in files.items():
        book = openpyxl.load_workbook(path)
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            assert ws.page_setup.paperSize in (9, "9"), (name, ws.title)
            assert ws.page_setup.orientation in ("portrait", "landscape"), (name, ws.title)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)
            assert ws.oddFooter.center.text or "&P" in str(ws.oddFooter.right.text), name
        snake = [(s, h) for s, h in _visible_headers(book) if SNAKE.match(h)]
        assert not snake, (name, snake)
    matrix = openpyxl.load_workbook(files["matrix"])
    needs = matrix["Needs"]
    assert needs.freeze_panes == "C2" and needs.print_title_rows == "$1:$1"
    assert needs.print_title_cols == "$A:$B" and needs.page_setup.orientation == "landscape"
    grid = matrix["By priority area"]
    assert grid.freeze_panes == "D2" and grid.print_title_cols == "$A:$C"
    annual = openpyxl.load_workbook(files["annual"])
    assert all(len(n) <= 31 for n in annual.sheetnames)
    assert len({n.lower() for n in annual.sheetnames}) == len(annual.sheetnames)

    # LibreOffice: page counts as documented, no ### anywhere
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed: PDF checks skipped")
    counted = await asyncio.to_thread(_printed, files, tmp_path)
    documented = _documented_pages()
    assert counted == {name: documented.get(name) for name in files}, (counted, documented)
    # a handful of pages, not the 32 and 53 of before the style
    assert documented["matrix"] <= 8 and documented["annual"] <= 16


async def test_french_matrix_names_states_in_french(tmp_path: Path) -> None:
    if not sorted(DATA.glob("*.toml")):
        pytest.skip(f"demo data files absent: no ta_manager/demo/data/*.toml in {DATA}")
    from ta_manager.demo.loader import load_demo

    await load_demo()
    path = tmp_path / "matrice.xlsx"
    write_matrix(await build_matrix(MatrixFilters(region=["LAC"])), path, lang="fr")
    book = openpyxl.load_workbook(path)
    grid = book.worksheets[1]
    states = {r[2]: r[1] for r in grid.iter_rows(min_row=2, values_only=True) if r[2]}
    assert states["BOL"] == "Bolivie (État plurinational de)"
    needs = {r[1]: r[0] for r in book.worksheets[3].iter_rows(min_row=2, values_only=True)}
    assert needs["BOL"] == "Bolivie (État plurinational de)"
