"""The matrix with the demo data set drawn from CTOC/COP/2008/16 and E/CN.15/2009/8."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reports.matrix import MatrixFilters, build_matrix
from reports.matrix_workbook import write_matrix

DATA = Path(__file__).parents[1] / "ta_manager" / "demo" / "data"
# The five decision 3/2 regional workshops of CTOC/COP/2008/16 footnote 17, with the
# M49 sub-region of their venue (Bogotá, Kuala Lumpur, Cairo, Vienna, Dakar).
FOOTNOTE_17 = {
    "A-2007-BOG-WS": "AMR-S",
    "A-2007-KUL-WS": "ASIA-SE",
    "A-2007-CAI-WS": "AFR-N",
    "A-2008-VIE-WS": "EUR-W",
    "A-2008-DKR-WS": "AFR-W",
}


def _table(book: Any, name: str) -> list[dict[str, Any]]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


async def test_demo_matrix_shows_benin_and_the_footnote_17_workshops(tmp_path: Path) -> None:
    if not sorted(DATA.glob("*.toml")):
        pytest.skip(f"demo data files absent: no ta_manager/demo/data/*.toml in {DATA}")
    from ta_manager.demo.loader import demo_file, load_demo

    await load_demo()
    path = tmp_path / "demo-matrix.xlsx"
    write_matrix(await build_matrix(MatrixFilters()), path)
    book = openpyxl.load_workbook(path)

    needs = {n["Need"]: n for n in _table(book, "Needs")}
    benin = needs["N-2008-BEN-PA2-LEG"]
    assert (benin["ISO-3"], benin["Area"], benin["Type code"]) == ("BEN", "PA2", "PA2-LEG")
    assert benin["Priority area"] == "Criminal justice responses"
    # Its only answering activity in the data is the legislative mission approved for 2009.
    answering = [
        a for a in demo_file("activities")["activity"] if "N-2008-BEN-PA2-LEG" in a.get("needs", [])
    ]
    assert [a["status"] for a in answering] == ["approved"]
    assert benin["Coverage"] == "partly met"
    assert benin["Answered by"] == answering[0]["code"]

    grid = book["By assistance type"]
    header = [c.value for c in grid[1]]
    column = next(i for i, h in enumerate(header) if h and h.endswith("(PA2-LEG)"))
    rows = {r[2]: r for r in grid.iter_rows(min_row=2, values_only=True) if r[2]}
    assert rows["BEN"][column] == "partly met (1)"
    assert rows["BEN"][0] == "Western Africa"

    regional = _table(book, "Regional activities")
    workshops = {a["code"]: a for a in demo_file("activities")["activity"]}
    for code, venue_region in FOOTNOTE_17.items():
        rows_of = [r for r in regional if r["Activity"] == code]
        regions = {r["Region"].rsplit("(", 1)[1].rstrip(")") for r in rows_of}
        assert venue_region in regions, (code, regions)
        assert all("PA3" in r["Priority areas"] for r in rows_of)
        reached = sum(r["States in the region"] for r in rows_of)
        assert reached == len(workshops[code]["beneficiary_countries"])
