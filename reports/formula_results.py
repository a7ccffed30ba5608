"""Stored results for the formulas of a workbook written by rvgsrust-xlsxwriter.

The binding writes a formula with the result 0 (`<f>…</f><v>0</v>`) and asks the program
opening the file to recalculate. Excel does; LibreOffice, by default, shows the stored 0;
and readers (openpyxl's data_only, calamine, pandas) only ever see the stored value. The
report tables' totals are SUBTOTAL formulas whose results are known when they are written
(reports/workbook.py), so after the binding has closed the file, `store_results` puts those
results into the sheets' XML, as xlsxwriter does when given a value.

Only the sheets with a result to store are rewritten, streamed (a chunk at a time, whatever
the sheet's size) and recompressed; the other parts are copied as they are, still
compressed (reports/xlsx_parts.py): in the all-donor export only the small Summary sheet
holds totals. The new file replaces the old one only once it is complete: a failure
leaves the file as the binding wrote it.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.etree import ElementTree

from xlsxwriter.utility import xl_rowcol_to_cell as cell_name

from reports.xlsx_parts import PartWriter

# Results per sheet name: {(row, col): value}, rows and columns 0-based.
Results = Mapping[str, Mapping[tuple[int, int], float | int]]

CHUNK = 1 << 20
# Deflate level of the rewritten sheets (zlib's default: the size the binding gives them).
LEVEL = 6
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the file (xl/worksheets/sheetN.xml)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")]
        parts[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else ("xl/" + target)
        )
    return parts


def _value(value: float | int) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a stored formula result must be a number, not {value!r}")
    return repr(value).encode() if isinstance(value, float) else str(value).encode()


def _patch_row(row: bytes, cells: dict[str, bytes], sheet: str) -> bytes:
    """`row` (one `<row …>…</row>`) with each named cell's stored value replaced."""
    for name, value in cells.items():
        start = row.find(b'<c r="' + name.encode() + b'"')
        end = row.find(b"</c>", start)
        if start < 0 or end < 0:
            raise ValueError(f"sheet {sheet!r}: no cell {name} to store a formula result in")
        cell = row[start:end]
        if b"<f>" not in cell:
            raise ValueError(f"sheet {sheet!r}: cell {name} holds no formula")
        v = cell.find(b"<v>")
        if v >= 0:
            cell = cell[:v] + b"<v>" + value + b"</v>" + cell[cell.index(b"</v>", v) + 4 :]
        else:
            cell = cell + b"<v>" + value + b"</v>"
        row = row[:start] + cell + row[end:]
    return row


def _patched(chunks: Iterator[bytes], results: Mapping[tuple[int, int], float | int],
             sheet: str) -> Iterator[bytes]:  # fmt: skip
    """The sheet's XML, chunk by chunk, with the results stored.

    Rows come in order, so the rows still to patch are looked for one at a time, and only
    in whole rows: a chunk is cut after its last `</row>`, the rest carried to the next."""
    by_row: dict[int, dict[str, bytes]] = {}
    for (r, c), value in results.items():
        by_row.setdefault(r + 1, {})[cell_name(r, c)] = _value(value)
    pending = sorted(by_row)
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"</row>")
        if cut < 0 or not pending:
            carry = data if pending else b""
            if not pending:
                yield data
            continue
        whole, carry = data[: cut + 6], data[cut + 6 :]
        while pending:
            start = whole.find(b'<row r="%d"' % pending[0])
            if start < 0:
                break
            end = whole.index(b"</row>", start) + 6
            n = pending.pop(0)
            whole = whole[:start] + _patch_row(whole[start:end], by_row[n], sheet) + whole[end:]
        yield whole
    if pending:
        missing = ", ".join(sorted(c for n in pending for c in by_row[n]))
        raise ValueError(f"sheet {sheet!r}: no row for the formula results of {missing}")
    if carry:
        yield carry


def _read(source: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with source.open(info) as part:
        while chunk := part.read(CHUNK):
            yield chunk


def store_results(path: Path, results: Results) -> None:
    """Store `results` (per sheet name) as the formulas' results in the file at `path`."""
    wanted = {name: cells for name, cells in results.items() if cells}
    if not wanted:
        return
    temp = path.with_name(path.name + ".results")
    try:
        with zipfile.ZipFile(path) as source, path.open("rb") as raw, temp.open("wb") as out:
            parts = _sheet_parts(source)
            unknown = set(wanted) - set(parts)
            if unknown:
                raise ValueError(f"no sheet named {sorted(unknown)} in {path.name}")
            by_part = {parts[name]: name for name in wanted}
            target = PartWriter(out)
            for info in source.infolist():
                sheet = by_part.get(info.filename)
                if sheet is None:  # copied as the binding compressed it
                    target.copy(raw, info)
                else:
                    target.write(info, _patched(_read(source, info), wanted[sheet], sheet), LEVEL)
            target.close()
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
