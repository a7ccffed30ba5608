"""Read an uploaded .xlsx or .csv into rows of cell values, and find its header row.

Values are read, never formulas: a workbook cell that holds a formula is reported (the
officer pastes values instead), so nothing in a file is ever evaluated.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from importers.problems import ImportFailed, reject
from ta_manager.settings import Settings, SettingsError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
SKIPPED_SHEETS = {"instructions", "lists", "import problems"}


def max_import_bytes() -> int:
    """TA_IMPORT_MAX_BYTES (default 50 MB): larger files are refused before they are read."""
    try:
        return Settings.from_env().import_max_bytes
    except SettingsError as exc:
        raise reject(str(exc)) from exc


@dataclass
class Table:
    """The data rows of one sheet, with the header matched to the kind's column names."""

    sheet: str
    source: str  # "xlsx" or "csv"
    header_row: int  # 1-based number of the (last) header row
    labels: list[str]  # header text per column index, as typed
    fields: dict[str, int]  # field name -> column index
    unknown: list[str]  # header labels that match no field (ignored, reported as warnings)
    rows: list[list[Any]] = field(default_factory=list)
    delimiter: str = ""
    row_count: int = 0  # data rows read (kept when `rows` is freed after parsing)
    formulas: list[tuple[int, str]] = field(default_factory=list)  # (row, column letter)

    def row_number(self, index: int) -> int:
        return self.header_row + 1 + index


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def normalise_label(label: Any) -> str:
    """'Beneficiary countries (ISO-3 or name)*' -> 'beneficiary_countries'."""
    text = re.sub(r"\(.*?\)", "", str(label or "")).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def read_table(data: bytes, filename: str, known: Iterable[str]) -> Table:
    """The first sheet whose header names the kind's columns; whole-file problems raise."""
    limit = max_import_bytes()
    if len(data) > limit:
        raise reject(
            f"the file is {len(data):,} bytes, above the import limit of {limit:,} bytes"
            " (TA_IMPORT_MAX_BYTES); split it into smaller files"
        )
    if not data.strip():
        raise reject("the file is empty")
    known_set = set(known)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, known_set)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise reject(
            "this is a password-protected (encrypted) workbook or an old .xls file;"
            " remove the password and save it as .xlsx (Excel Workbook)"
        )
    if data.startswith(b"%PDF"):
        raise reject("this is a PDF, not a spreadsheet; export the data as .xlsx or .csv")
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise reject("the file is not a readable workbook (.xlsx); it may be damaged")
    return _read_csv(data, known_set)


# ---------------------------------------------------------------- xlsx
def _read_xlsx(data: bytes, known: set[str]) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = set(archive.namelist())
    except (zipfile.BadZipFile, NotImplementedError) as exc:  # damage can read as a zip feature
        raise reject(f"the workbook cannot be read (damaged or not .xlsx): {exc}") from exc
    if "xl/workbook.xml" not in parts:
        kind = "an OpenDocument spreadsheet (.ods)" if "content.xml" in parts else "a zip file"
        raise reject(f"this is {kind}, not an Excel workbook; save it as .xlsx")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise reject("the workbook is password-protected; remove the password") from exc
    except Exception as exc:  # calamine raises several types for damaged files
        raise reject(f"the workbook cannot be read (damaged or not .xlsx): {exc}") from exc
    sheets = [
        m.name
        for m in book.sheets_metadata
        if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        and m.visible == python_calamine.SheetVisibleEnum.Visible
        and m.name.strip().lower() not in SKIPPED_SHEETS
    ]
    if not sheets:
        raise reject("the workbook has no visible worksheet with data")
    for name in sheets:
        try:
            # Loading a sheet parses all of it: each sheet is loaded once.
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise reject(f"the sheet cannot be read: {exc}", sheet=name) from exc
        head = _fill_merged(rows[: HEADER_SEARCH_ROWS + 1], merged)
        found = _find_header(head, known)
        if found is None:
            del rows
            continue
        header_row, labels, _ = found
        table = _table(name, "xlsx", header_row, labels, rows[header_row:], known)
        table.formulas = _formula_cells(data, name)
        return table
    raise _no_header(sheets[0], known)


def _fill_merged(rows: list[list[Any]], merged: list[Any]) -> list[list[Any]]:
    """Copy a merged cell's value into every cell it covers (header rows only)."""
    rows = [list(r) for r in rows]
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, c1 + 1):
                if c < len(rows[r]) and rows[r][c] in ("", None):
                    rows[r][c] = value
    return rows


_CELL_REF = re.compile(rb'<(?:\w+:)?c [^>]*?r="([A-Z]+)([0-9]+)"')
_PREFIX = re.compile(rb"<(\w+:)?worksheet[ >]")
_CHUNK = 1 << 20


def _formula_cells(data: bytes, sheet: str) -> list[tuple[int, str]]:
    """(row, column letter) of every formula in the sheet, found in the sheet's XML, which
    is read in chunks so that a large sheet is never held whole in memory."""
    cells: list[tuple[int, str]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _sheet_path(archive, sheet)
            if path is None:
                return []
            with archive.open(path) as stream:
                tail = b""
                needles: tuple[bytes, ...] = ()
                while chunk := stream.read(_CHUNK):
                    buffer = tail + chunk
                    if not needles:
                        prefix = _PREFIX.search(buffer)
                        p = (prefix.group(1) or b"") if prefix else b""
                        needles = (b"<" + p + b"f>", b"<" + p + b"f ", b"<" + p + b"f/>")
                    for needle in needles:
                        at = buffer.find(needle)
                        while at >= 0:  # matches in the overlap repeat: deduplicated below
                            cells.append(_cell_at(buffer, at))
                            at = buffer.find(needle, at + 1)
                    tail = buffer[-4000:]
    except (zipfile.BadZipFile, KeyError, OSError):
        return cells
    return sorted(set(cells))


def _cell_at(buffer: bytes, at: int) -> tuple[int, str]:
    refs = _CELL_REF.findall(buffer[max(0, at - 4000) : at])
    if refs:
        return int(refs[-1][1]), refs[-1][0].decode()
    return 0, "?"


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    for tag in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name = re.search(r'\bname="([^"]*)"', tag.group(0))
        rid = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', tag.group(0))
        if not name or not rid or _xml_unescape(name.group(1)) != sheet:
            continue
        wanted = rid.group(1) or rid.group(2)
        for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
            if f'Id="{wanted}"' in rel.group(0):
                target = re.search(r'Target="([^"]*)"', rel.group(0))
                if target:
                    t = target.group(1)
                    return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return None


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


# ---------------------------------------------------------------- csv
def _read_csv(data: bytes, known: set[str]) -> Table:
    if b"\x00" in data[:4096]:
        raise reject("the file is not a spreadsheet (.xlsx) or a text (.csv) file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise reject(
            "the file is neither a workbook (.xlsx) nor UTF-8 text; save it as"
            " .xlsx or as 'CSV UTF-8'"
        ) from exc
    delimiter = _sniff_delimiter("\n".join(text.splitlines()[: HEADER_SEARCH_ROWS + 1]))
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise reject(f"the CSV file cannot be read: {exc}") from exc
    found = _find_header(rows[: HEADER_SEARCH_ROWS + 1], known)
    if found is None:
        raise _no_header("csv", known)
    header_row, labels, _ = found
    table = _table("csv", "csv", header_row, labels, rows[header_row:], known)
    table.delimiter = delimiter
    return table


def _sniff_delimiter(sample: str) -> str:
    """';' or ',': whichever splits the first lines consistently (csv.Sniffer), else the
    more frequent of the two."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,").delimiter
    except csv.Error:
        return ";" if sample.count(";") > sample.count(",") else ","


# ---------------------------------------------------------------- header
def _find_header(rows: list[list[Any]], known: set[str]) -> tuple[int, list[str], int] | None:
    """(1-based last header row, labels, score): the row (or row pair) naming most fields.

    A pair is used when a row of merged group labels ("participants") sits above sub-labels
    ("female", "male"): the labels combine to "participants_female".
    """
    best: tuple[int, list[str], int] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = [str(v).strip() if v not in (None, "") else "" for v in row]
        score = sum(1 for v in labels if normalise_label(v) in known)
        # A row naming as many fields right below the best one is the template's row of
        # field names under its headers in words: the header is the lower one.
        repeated = best is not None and score == best[2] and best[0] == i
        if score and (best is None or score > best[2] or repeated):
            best = (i + 1, labels, score)
        if i + 1 < len(rows):
            below = [str(v).strip() if v not in (None, "") else "" for v in rows[i + 1]]
            combined = [
                (f"{a}_{b}" if a and b and a != b else (b or a))
                for a, b in zip(labels + [""] * (len(below) - len(labels)), below, strict=False)
            ]
            pair_score = sum(1 for v in combined if normalise_label(v) in known)
            if pair_score > score and (best is None or pair_score > best[2]):
                best = (i + 2, combined, pair_score)
    return best


def _no_header(sheet: str, known: set[str]) -> ImportFailed:
    sample = ", ".join(sorted(known)[:8])
    return reject(
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows: expected column names"
        f" such as {sample} (download the template to see them all)",
        sheet=sheet,
    )


def _table(
    sheet: str,
    source: str,
    header_row: int,
    labels: list[str],
    rows: list[list[Any]],
    known: set[str],
) -> Table:
    fields: dict[str, int] = {}
    unknown: list[str] = []
    for index, label in enumerate(labels):
        name = normalise_label(label)
        if not name:
            continue
        if name in known and name not in fields:
            fields[name] = index
        else:
            unknown.append(label)
    # Trailing blank rows are not data.
    while rows and all(v in ("", None) for v in rows[-1]):
        rows.pop()
    return Table(sheet, source, header_row, labels, fields, unknown, rows, row_count=len(rows))
