"""Formula results stored after rvgsrust-xlsxwriter has closed a workbook: what a reader
or LibreOffice shows for a total is its value, not the binding's 0."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from reports import formula_results
from reports.formula_results import cell_name, store_results
from reports.xlsx_parts import PartWriter

pytest.importorskip("rvgsrust_xlsxwriter")
from reports import rust_workbook  # after the skip: it needs the binding

ROWS = 40


def _write(path: Path, results: bool) -> None:
    """Two constant-memory sheets with totals below their rows, and one without."""
    book = rust_workbook.Workbook(str(path))
    money = book.add_format({"num_format": "#,##0.00"})
    for name, factor in [("Contributions", 1.25), ("Plain", 2), ("Expenditure", 3)]:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, ["code", "amount", "count"])
        for r in range(1, ROWS + 1):
            ws.write_row(r, 0, [f"C-{r}", r * factor, r])
        if name == "Plain":
            continue
        ws.write_string(ROWS + 2, 0, "Total (rows shown)")
        ws.write_formula(
            ROWS + 2,
            1,
            f"=SUBTOTAL(109,B2:B{ROWS + 1})",
            money,
            sum(r * factor for r in range(1, ROWS + 1)) if results else None,
        )
        ws.write_formula(
            ROWS + 2,
            2,
            f"=SUBTOTAL(109,C2:C{ROWS + 1})",
            None,
            sum(range(1, ROWS + 1)) if results else None,
        )
    book.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {i.filename: z.read(i) for i in z.infolist()}


def test_cell_names() -> None:
    assert [cell_name(0, 0), cell_name(41, 1), cell_name(0, 25), cell_name(0, 26)] == [
        "A1",
        "B42",
        "Z1",
        "AA1",
    ]
    assert [cell_name(9, 701), cell_name(9, 702), cell_name(0, 16383)] == [
        "ZZ10",
        "AAA10",
        "XFD1",
    ]


@pytest.mark.parametrize("chunk", [formula_results.CHUNK, 7, 100])
def test_results_are_stored_and_nothing_else_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # Small chunks cut rows, cells and tags anywhere: the carry between chunks must hold.
    monkeypatch.setattr(formula_results, "CHUNK", chunk)
    plain, stored = tmp_path / "plain.xlsx", tmp_path / "stored.xlsx"
    _write(plain, results=False)
    _write(stored, results=True)

    values = openpyxl.load_workbook(stored, data_only=True)
    formulas = openpyxl.load_workbook(stored)
    for name, factor in [("Contributions", 1.25), ("Expenditure", 3)]:
        total = values[name].cell(ROWS + 3, 2).value
        assert total == pytest.approx(sum(r * factor for r in range(1, ROWS + 1)))
        assert values[name].cell(ROWS + 3, 3).value == sum(range(1, ROWS + 1))
        assert formulas[name].cell(ROWS + 3, 2).value == f"=SUBTOTAL(109,B2:B{ROWS + 1})"
        assert formulas[name].cell(ROWS + 3, 2).number_format == "#,##0.00"
        assert values[name].cell(ROWS + 1, 2).value == ROWS * factor  # the rows untouched
    calamine = CalamineWorkbook.from_path(str(stored))
    assert calamine.get_sheet_by_name("Expenditure").to_python()[ROWS + 2][1:3] == [2460, 820]

    before, after = _parts(plain), _parts(stored)
    assert list(after) == list(before)  # the same parts, in the same order
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"}
    for name in changed:  # only the stored values differ
        old, new = before[name].decode(), after[name].decode()
        assert old.count("<v>0</v>") - new.count("<v>0</v>") == 2
        assert re.sub(r"(<f>[^<]*</f>)<v>[^<]*</v>", r"\1<v>0</v>", new) == old
    assert not list(tmp_path.glob("*.results"))
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(stored) as b:
        for name in set(before) - changed:  # copied still compressed, byte for byte
            assert _raw(plain, a.getinfo(name)) == _raw(stored, b.getinfo(name)), name


def _raw(path: Path, info: zipfile.ZipInfo) -> bytes:
    """An entry's compressed bytes."""
    with path.open("rb") as f:
        f.seek(info.header_offset + 26)
        name, extra = struct.unpack("<2H", f.read(4))
        f.seek(name + extra, 1)
        return f.read(info.compress_size)


def test_parts_are_copied_whatever_their_compression_and_name(tmp_path: Path) -> None:
    source, copied = tmp_path / "source.zip", tmp_path / "copied.zip"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("stored.xml", b"<a/>" * 100, zipfile.ZIP_STORED)
        z.writestr("Données/é.xml", "<é/>" * 1000, zipfile.ZIP_DEFLATED)
        z.writestr("rewritten.xml", b"old", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(source) as z, source.open("rb") as raw, copied.open("wb") as out:
        parts = PartWriter(out)
        for info in z.infolist():
            if info.filename == "rewritten.xml":
                parts.write(info, iter([b"new ", b"content " * 5000]), 6)
            else:
                parts.copy(raw, info)
        parts.close()
    with zipfile.ZipFile(copied) as z:
        assert z.testzip() is None
        assert z.namelist() == ["stored.xml", "Données/é.xml", "rewritten.xml"]
        assert z.read("stored.xml") == b"<a/>" * 100
        assert z.read("Données/é.xml") == "<é/>".encode() * 1000
        assert z.read("rewritten.xml") == b"new " + b"content " * 5000
        assert z.getinfo("stored.xml").compress_type == zipfile.ZIP_STORED


def test_a_result_without_its_cell_fails_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _write(path, results=False)
    original = path.read_bytes()
    cases = [
        ({"Contributions": {(ROWS + 2, 5): 1.0}}, "no cell F43"),  # the row, not the cell
        ({"Contributions": {(ROWS + 9, 1): 1.0}}, "no row for the formula results of B50"),
        ({"Plain": {(3, 1): 1.0}}, "cell B4 holds no formula"),
        ({"Missing": {(1, 1): 1.0}}, "no sheet named ['Missing']"),
        ({"Contributions": {(ROWS + 2, 1): "x"}}, "must be a number"),
    ]
    for results, message in cases:
        with pytest.raises((ValueError, TypeError)) as raised:
            store_results(path, results)  # type: ignore[arg-type]
        assert message in str(raised.value)
        assert path.read_bytes() == original
        assert not list(tmp_path.glob("*.results"))


def test_nothing_to_store_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _write(path, results=False)
    original = path.read_bytes()
    store_results(path, {"Contributions": {}})
    assert path.read_bytes() == original
