"""Workbook writers on the reports' real cells: xlsxwriter against the Rust-based writers.

    python -m bench.writers [--scale 100000] [--seed 1]

1. capture: the full needs-to-activity matrix and the all-donor funding export are built at
   scale S (`ta-manager demo --scale N`, the database of bench/reports.py) and written by the
   reports' own code (reports/workbook.py) into a recorder instead of xlsxwriter: every
   worksheet call (cells with their values and formats, column widths, row heights and
   outline levels, frozen panes, autofilters) is kept, untimed;
2. replay: each writer, in a fresh process (peak memory is its own), writes exactly those
   calls; its time is the raw write (the floor of bench/reports.py uses the fastest);
3. check: every cell of each writer's file is read back (python-calamine) and compared with
   xlsxwriter's file, value and type (Decimal as a number, None as an empty cell, dates,
   long text, formula-looking text as text);
4. features: a small workbook with what the reports and issue 14 need of every writer
   (formats, wrapping, frozen panes, autofilter, outline levels, a chart with categories and
   axis titles, data validation, a comment, a formula, constant memory, page setup: landscape,
   fit to width, repeated title rows and key columns, header and footer), read back with
   openpyxl and from the file's XML.

Writers not installed are listed with the pip command that installs the measured version
(`pip install -e .[bench]` installs the ones the reports do not use). Prints the tables for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import json
import math
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
REPORTS = {
    "full matrix": ("matrix", {}),
    "all-donor export": ("funding", {"donor": None}),
}
# name: (module, pip requirement)
WRITERS = {
    "xlsxwriter": ("xlsxwriter", "xlsxwriter==3.3.1"),
    "rvgsrust-xlsxwriter": ("rvgsrust_xlsxwriter", "rvgsrust-xlsxwriter==0.3.5"),
    "rustpy-xlsxwriter": ("rustpy_xlsxwriter", "rustpy-xlsxwriter==0.8.0"),
    "fastxlsxio": ("fastxlsxio", "fastxlsxio==0.8.2"),
    "fastxlsx": ("fastxlsx", "fastxlsx==0.2.0"),
}
LONG_TEXT = "Long text " * 3000  # 30,000 characters (Excel keeps up to 32,767)


# ---------------------------------------------------------------------------- capture
class _Format:
    def __init__(self, fid: int) -> None:
        self.fid = fid


class _Sheet:
    def __init__(self, name: str) -> None:
        self.name = name
        self.ops: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_") or method in ("ops", "name"):
            raise AttributeError(method)  # pickling looks these up before __dict__ is set

        def record(*args: Any) -> None:
            self.ops.append((method, tuple(_plain(a) for a in args)))

        return record


def _plain(value: Any) -> Any:
    if isinstance(value, _Format):
        return ("format", value.fid)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class RecordingWorkbook:
    """Stands in for xlsxwriter.Workbook in reports/workbook.py: keeps every call."""

    last: RecordingWorkbook | None = None

    def __init__(self, target: str, options: dict[str, Any] | None = None) -> None:
        self.formats: list[dict[str, Any]] = []
        self.sheets: list[_Sheet] = []
        RecordingWorkbook.last = self

    def add_format(self, props: dict[str, Any] | None = None) -> _Format:
        self.formats.append(dict(props or {}))
        return _Format(len(self.formats) - 1)

    def add_worksheet(self, name: str) -> _Sheet:
        self.sheets.append(_Sheet(name))
        return self.sheets[-1]

    def set_properties(self, props: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass


async def _capture(dsn: str, kind: str, args: dict[str, Any]) -> RecordingWorkbook:
    import reports.workbook
    from reports.funding import build_funding
    from reports.funding_files import write_funding
    from reports.matrix import MatrixFilters, build_matrix
    from reports.matrix_workbook import write_matrix
    from ta_manager.database import engine

    engine.configure(dsn)
    await engine.open_pool(min_size=1, max_size=2)
    os.environ["TA_REPORT_WRITER"] = "xlsxwriter"  # the calls, recorded in place of its own
    reports.workbook.xlsxwriter.Workbook = RecordingWorkbook  # type: ignore[attr-defined,misc]
    if kind == "matrix":
        write_matrix(await build_matrix(MatrixFilters(**args)), Path(os.devnull))
    else:
        write_funding(await build_funding(args["donor"]), Path(os.devnull))
    book = RecordingWorkbook.last
    assert book is not None
    return book


def _cells(book: RecordingWorkbook) -> int:
    n = 0
    for sheet in book.sheets:
        for method, args in sheet.ops:
            if method == "write_row":
                n += sum(1 for v in args[2] if v is not None and v != "")
            elif method.startswith("write_"):
                n += 1
    return n


# ---------------------------------------------------------------------------- replay
def _replay(book: RecordingWorkbook, target: Path, workbook: Any, **sheet_options: Any) -> None:
    """Make the recorded calls on a workbook class that takes xlsxwriter's calls."""
    wb = workbook(
        str(target), {"constant_memory": True, "strings_to_formulas": False,
                      "strings_to_numbers": False, "strings_to_urls": False},
    )  # fmt: skip
    formats = [wb.add_format(p) for p in book.formats]

    def arg(a: Any) -> Any:
        return formats[a[1]] if isinstance(a, tuple) and a[:1] == ("format",) else a

    for sheet in book.sheets:
        outlined = any(m == "set_row" and len(a) > 3 and a[3] for m, a in sheet.ops)
        ws = wb.add_worksheet(sheet.name, **(sheet_options if outlined else {}))
        for method, args in sheet.ops:
            getattr(ws, method)(*[arg(a) if not isinstance(a, list) else a for a in args])
    wb.close()


def _xlsxwriter(book: RecordingWorkbook, target: Path) -> None:
    import xlsxwriter

    _replay(book, target, xlsxwriter.Workbook)


def _rvgsrust(book: RecordingWorkbook, target: Path) -> None:
    """Through the reports' own adapter (reports/rust_workbook.py), as the reports write;
    the sheets with outline levels (the matrix grids) are kept in memory, as they are."""
    from reports import rust_workbook

    _replay(book, target, rust_workbook.Workbook, in_memory=True)


def _grid(sheet: _Sheet) -> list[list[Any]]:
    """The sheet's values as a dense grid of rows (for the writers without cell access)."""
    rows: dict[int, dict[int, Any]] = {}
    for method, args in sheet.ops:
        if method == "write_row":
            row = rows.setdefault(args[0], {})
            for k, v in enumerate(args[2]):
                row[args[1] + k] = v
        elif method.startswith("write_"):
            rows.setdefault(args[0], {})[args[1]] = args[2]
    width = 1 + max((max(r) for r in rows.values() if r), default=0)
    return [[rows.get(r, {}).get(c) for c in range(width)] for r in range(1 + max(rows, default=0))]


def _rustpy(book: RecordingWorkbook, target: Path) -> None:
    """rustpy-xlsxwriter writes whole tables (records or a DataFrame per sheet): the cells
    go in as rows of a table, with no format per cell (none of its options gives one)."""
    import rustpy_xlsxwriter as rp

    sheets = []
    for sheet in book.sheets:
        grid = _grid(sheet)
        head = [f"c{i}" for i in range(len(grid[0]) if grid else 0)]
        records = [
            {h: (float(v) if isinstance(v, Decimal) else v) for h, v in zip(head, r, strict=True)}
            for r in grid
        ]
        sheets.append((sheet.name, records))
    rp.write_worksheets(sheets, str(target), freeze_panes={"general": {"row": 1, "col": 0}})


def _fastxlsxio(book: RecordingWorkbook, target: Path) -> None:
    import fastxlsxio as fx

    wb = fx.XIOWWorkbook(str(target), fx.XIOWOptions(constant_memory=True))
    formats = [wb.add_format(_fx_props(p)) for p in book.formats]

    def fmt(a: Any) -> Any:
        return formats[a[1]] if isinstance(a, tuple) and a[:1] == ("format",) else None

    for sheet in book.sheets:
        ws = wb.add_worksheet(sheet.name)
        for method, args in sheet.ops:
            if method == "write_row":
                ws.write_row(args[0], args[1], args[2])
            elif method.startswith("write_"):
                ws.write_cell(args[0], args[1], args[2], fmt(args[3]) if len(args) > 3 else None)
            elif method == "set_column" and args[2] is not None:
                for c in range(args[0], args[1] + 1):
                    ws.set_column_width(c, args[2])
                    if len(args) > 3 and fmt(args[3]) is not None:
                        ws.set_column_format(c, fmt(args[3]))
            # no frozen panes, autofilter or outline levels in its API: left out
    wb.save()


def _fx_props(p: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if p.get("bold"):
        out["bold"] = True
    if "num_format" in p:
        out["num_format"] = p["num_format"]
    return out  # its formats take only num_format and bold


def _fastxlsx(book: RecordingWorkbook, target: Path) -> None:
    import fastxlsx

    wb = fastxlsx.WriteOnlyWorkbook()
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        for method, args in sheet.ops:
            if method == "write_row":
                ws.write_row((args[0], args[1]), [_fx_value(v) for v in args[2]])
            elif method.startswith("write_"):
                ws.write_cell((args[0], args[1]), _fx_value(args[2]))
    wb.save(str(target))


def _fx_value(v: Any) -> Any:
    return float(v) if isinstance(v, Decimal) else v


REPLAY = {
    "xlsxwriter": _xlsxwriter,
    "rvgsrust-xlsxwriter": _rvgsrust,
    "rustpy-xlsxwriter": _rustpy,
    "fastxlsxio": _fastxlsxio,
    "fastxlsx": _fastxlsx,
}


# ---------------------------------------------------------------------------- checks
def _read(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def _same(a: Any, b: Any) -> bool:
    """Equal value and type; numbers within 1e-15 (xlsxwriter writes 16 significant
    digits, rust_xlsxwriter the shortest exact form; Excel shows 15)."""
    if a in ("", None) and b in ("", None):
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-15)
    return type(a) is type(b) and a == b


def compare(reference: Path, other: Path) -> tuple[int, list[str]]:
    """Cells compared, and the first differences (sheet!row,col: expected vs got)."""
    want, got = _read(reference), _read(other)
    problems: list[str] = []
    cells = 0
    if list(want) != list(got):
        return 0, [f"sheets {list(got)} instead of {list(want)}"]
    for name, rows in want.items():
        theirs = got[name]
        for r in range(max(len(rows), len(theirs))):
            a = rows[r] if r < len(rows) else []
            b = theirs[r] if r < len(theirs) else []
            for c in range(max(len(a), len(b))):
                x = a[c] if c < len(a) else ""
                y = b[c] if c < len(b) else ""
                cells += 1
                if not _same(x, y) and len(problems) < 5:
                    problems.append(f"{name}!R{r + 1}C{c + 1}: {x!r:.40} vs {y!r:.40}")
    return cells, problems


# ---------------------------------------------------------------------------- features
FEATURE_ROWS: list[list[Any]] = [
    ["code", "amount", "day", "text", "empty"],
    ["A-1", Decimal("1234.50"), dt.date(2008, 9, 12), '=HYPERLINK("http://x")', None],
    ["A-2", 7, dt.datetime(2008, 9, 13, 10, 30), "+1 and -1 and @x", None],
    ["A-3", 2.5, dt.date(2009, 1, 1), LONG_TEXT, None],
]


def _features_xlsxwriter(target: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False})
    wrap = wb.add_format({"text_wrap": True, "bold": True})
    quoted = wb.add_format({"quote_prefix": True})
    day = wb.add_format({"num_format": "d mmm yyyy"})
    ws = wb.add_worksheet("Data")
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.repeat_columns(0, 0)
    ws.set_header("&CFeatures")
    ws.set_footer("&CPage &P of &N")
    ws.freeze_panes(1, 1)
    ws.set_column(2, 2, 12, day)
    ws.data_validation(1, 0, 10, 0, {"validate": "list", "source": ["A-1", "A-2"]})
    ws.write_comment(1, 0, "a comment")
    for r, row in enumerate(FEATURE_ROWS):
        for c, v in enumerate(row):
            if r == 0:
                ws.write_string(r, c, v, wrap)
            elif isinstance(v, str) and v[:1] in "=+-@":
                ws.write_string(r, c, v, quoted)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, v, day)
            elif v is not None:
                ws.write(r, c, float(v) if isinstance(v, Decimal) else v)
        if r:
            ws.set_row(r, None, None, {"level": 1})
    ws.write_formula(5, 1, "=SUM(B2:B4)", None, 1244.0)
    ws.autofilter(0, 0, 3, 4)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "Amount", "categories": ["Data", 1, 0, 3, 0],
                      "values": ["Data", 1, 1, 3, 1]})  # fmt: skip
    chart.set_x_axis({"name": "Amount"})
    chart.set_y_axis({"name": "Activity"})
    ws.insert_chart(7, 1, chart)
    kept = wb.add_worksheet("Outline")
    for r in range(4):
        kept.write_string(r, 0, f"row {r}")
        if r:
            kept.set_row(r, None, None, {"level": 1})
    wb.close()


def _features_rvgsrust(target: Path) -> None:
    import rvgsrust_xlsxwriter as rx

    wb = rx.Workbook(str(target))
    wrap = wb.add_format().set_text_wrap().set_bold()
    quoted = wb.add_format().set_quote_prefix()
    day = wb.add_format().set_num_format("d mmm yyyy")
    ws = wb.add_worksheet("Data", constant_memory=True)
    ws.set_landscape()
    ws.set_print_fit_to_pages(1, 0)
    ws.set_repeat_rows(0, 0)
    ws.set_repeat_columns(0, 0)
    ws.set_header("&CFeatures")
    ws.set_footer("&CPage &P of &N")
    ws.freeze_panes(1, 1)
    ws.set_column_width(2, 12)
    ws.set_column_format(2, day)
    validation = rx.DataValidation()
    validation.allow_list_strings(["A-1", "A-2"])
    ws.add_data_validation(1, 0, 10, 0, validation)
    for r, row in enumerate(FEATURE_ROWS):
        if r == 1:  # constant memory: row 1's note and outline come after row 0 is written
            ws.insert_note(1, 0, rx.Note("a comment"))
            ws.group_rows(1, 3)
        for c, v in enumerate(row):
            if r == 0:
                ws.write(r, c, v, wrap)
            elif isinstance(v, str) and v[:1] in "=+-@":
                ws.write(r, c, v, quoted)
            elif isinstance(v, dt.date):
                ws.write(r, c, v, day)
            elif v is not None:
                ws.write(r, c, v)
    ws.write_formula(5, 1, "=SUM(B2:B4)")
    ws.autofilter(0, 0, 3, 4)
    chart = rx.Chart("bar")
    series = rx.ChartSeries()  # its setters return None: one call each
    series.set_name("Amount")
    series.set_categories("Data!$A$2:$A$4")
    series.set_values("Data!$B$2:$B$4")
    chart.push_series(series)
    chart.set_x_axis_name("Amount")
    chart.set_y_axis_name("Activity")
    ws.insert_chart(7, 1, chart)
    kept = wb.add_worksheet("Outline", constant_memory=False)  # a sheet kept in memory
    kept.group_rows(1, 3)
    for r in range(4):
        kept.write(r, 0, f"row {r}")
    wb.close()


FEATURES = {"xlsxwriter": _features_xlsxwriter, "rvgsrust-xlsxwriter": _features_rvgsrust}


def check_features(path: Path) -> dict[str, bool]:
    """What the file really holds, read back with openpyxl and from its XML."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    ws = book["Data"]
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
        chart_xml = next((z.read(n).decode() for n in names if n.startswith("xl/charts/")), "")
    cell = ws["D2"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=4, max_col=3)]
    return {
        "values: Decimal, int, float, dates": values[0][1] == 1234.5
        and values[1][1] == 7
        and values[2][1] == 2.5
        and values[0][2] == dt.datetime(2008, 9, 12),
        "formula-looking text stays text (quote prefix)": cell.data_type == "s"
        and cell.value == FEATURE_ROWS[1][3]
        and bool(cell.quotePrefix),
        "long text (30,000 characters)": ws["D4"].value == LONG_TEXT,
        "formats: number format, bold, wrap": ws["C2"].number_format == "d mmm yyyy"
        and bool(ws["A1"].font.b)
        and bool(ws["A1"].alignment.wrap_text),
        "frozen panes": ws.freeze_panes == "B2",
        "autofilter": ws.auto_filter.ref == "A1:E4",
        "outline levels (constant memory)": ws.row_dimensions[2].outline_level == 1,
        "outline levels (a sheet kept in memory)": book["Outline"].row_dimensions[2].outline_level
        == 1,
        "formula": ws["B6"].value == "=SUM(B2:B4)",
        "data validation": len(ws.data_validations.dataValidation) == 1,
        "comment": ws["A2"].comment is not None and "a comment" in ws["A2"].comment.text,
        "chart with categories and axis titles": "<c:cat>" in chart_xml
        and chart_xml.count("<c:title>") >= 2,
        "landscape, fit to width": ws.page_setup.orientation == "landscape"
        and ws.page_setup.fitToWidth in (1, "1", None)
        and bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "print titles (rows and key columns)": (ws.print_title_rows or "").replace("$", "") == "1:1"
        and (ws.print_title_cols or "").replace("$", "") == "A:A",
        "header and footer": "Features" in (ws.oddHeader.center.text or "")
        and "&P" in (ws.oddFooter.center.text or ""),
        "constant memory (rows written in order, flushed)": "<row" in sheet_xml,
    }


# ---------------------------------------------------------------------------- driver
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, argv: list[str]) -> dict[str, Any]:
    if mode == "capture":
        dsn, case, out = argv
        kind, args = REPORTS[case]
        book = asyncio.run(_capture(dsn, kind, args))
        Path(out).write_bytes(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
        return {"cells": _cells(book), "sheets": len(book.sheets)}
    if mode == "write":
        writer, ops, target = argv
        book = pickle.loads(Path(ops).read_bytes())
        started = time.perf_counter()
        REPLAY[writer](book, Path(target))
        return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(),
                "bytes": Path(target).stat().st_size}  # fmt: skip
    if mode == "features":
        writer, target = argv
        FEATURES[writer](Path(target))
        return check_features(Path(target))
    raise SystemExit(f"unknown mode {mode}")


def _run(*argv: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.writers", "--child", *argv],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no message)"]
        return {"error": tail[0][:160]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def installed(writer: str) -> bool:
    return importlib.util.find_spec(WRITERS[writer][0]) is not None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs="+")
    a = parser.parse_args()
    if a.child:
        print(json.dumps(_child(a.child[0], a.child[1:]), default=str))
        return
    from bench.reports import _ensure_data

    dsn = _ensure_data(a.scale, a.seed)
    load = os.getloadavg()
    writers = [w for w in WRITERS if installed(w)]
    missing = [WRITERS[w][1] for w in WRITERS if w not in writers]
    with tempfile.TemporaryDirectory(prefix="ta-bench-writers-") as tmp:
        work = Path(tmp)
        print(f"| writer (scale {a.scale:,}) | report | cells | write s | cells/s | vs xlsxwriter"
              " | peak MB | file MB | every cell's value and type as xlsxwriter's |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|")
        for case in REPORTS:
            ops = work / f"{case.replace(' ', '_')}.ops"
            captured = _run("capture", dsn, case, str(ops))
            if "error" in captured:
                print(f"| (capture failed) | {case} | {captured['error']} |")
                continue
            results: dict[str, dict[str, Any]] = {}
            for writer in writers:
                target = work / f"{case.replace(' ', '_')}-{writer}.xlsx"
                results[writer] = _run("write", writer, str(ops), str(target))
                results[writer]["file"] = target
            base = results.get("xlsxwriter", {})
            for writer, r in results.items():
                if "error" in r:
                    print(f"| {writer} | {case} | {captured['cells']:,} | failed: {r['error']} |")
                    continue
                compared, problems = (
                    compare(base["file"], r["file"]) if "seconds" in base else (0, ["no base"])
                )
                same = f"yes ({compared:,} cells)" if not problems else "no: " + "; ".join(problems)
                speed = base["seconds"] / r["seconds"] if "seconds" in base else 0
                print(
                    f"| {writer} | {case} | {captured['cells']:,} | {r['seconds']:.1f}"
                    f" | {captured['cells'] / r['seconds'] / 1e6:.2f} M | x{speed:.1f}"
                    f" | {r['peak_mb']:.0f} | {r['bytes'] / 1e6:.1f} | {same} |",
                    flush=True,
                )
        print()
        print("| feature (what the reports and issue 14 need) | "
              + " | ".join(w for w in writers if w in FEATURES) + " |")  # fmt: skip
        print("|---|" + "---|" * len([w for w in writers if w in FEATURES]))
        found = {w: _run("features", w, str(work / f"features-{w}.xlsx")) for w in writers
                 if w in FEATURES}  # fmt: skip
        names = next((list(v) for v in found.values() if "error" not in v), [])
        for name in names:
            marks = [
                "error" if "error" in found[w] else ("yes" if found[w].get(name) else "NO")
                for w in found
            ]
            print(f"| {name} | " + " | ".join(marks) + " |")
        for w, v in found.items():
            if "error" in v:
                print(f"\n{w}: features workbook failed: {v['error']}")
    after = os.getloadavg()
    print(f"\nload average (1/5/15 min) {'/'.join(f'{x:.1f}' for x in load)} before,"
          f" {'/'.join(f'{x:.1f}' for x in after)} after, on {os.cpu_count()} cores")  # fmt: skip
    if missing:
        print(f"not installed (pip install {' '.join(missing)}): not measured")


if __name__ == "__main__":
    main()
