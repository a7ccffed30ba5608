"""Each report as a file: read the data (async), then write it in a worker thread.

Shared by the HTTP routes, the CLI and the job worker so all give the same file for the
same filters. Each takes `lang` (en, fr, es: ta_manager.locale.choose_language): the data's
names are put in that language and the writer runs in it (docs/languages.md).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from reports.annual import AnnualFilters, build_annual
from reports.annual_workbook import write_annual
from reports.funding import build_funding
from reports.funding_files import write_funding, write_funding_csv
from reports.matrix import MatrixFilters, build_matrix, matrix_json
from reports.matrix_workbook import write_matrix
from reports.translated import translate_matrix
from reports.workbook import Progress
from ta_manager.locale import speaking

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


async def matrix_xlsx(
    f: MatrixFilters, target: Path, progress: Progress | None = None, *, lang: str = "en"
) -> None:
    matrix = await translate_matrix(await build_matrix(f), lang)
    with speaking(lang):
        await asyncio.to_thread(write_matrix, matrix, target, progress, lang=lang)


async def matrix_json_file(f: MatrixFilters, target: Path, *, lang: str = "en") -> None:
    data = matrix_json(await translate_matrix(await build_matrix(f), lang))
    text = json.dumps(data, default=str, indent=1)
    await asyncio.to_thread(target.write_text, text, encoding="utf-8")


async def annual_xlsx(
    f: AnnualFilters, target: Path, progress: Progress | None = None, *, lang: str = "en"
) -> None:
    annual = await build_annual(f)
    with speaking(lang):
        await asyncio.to_thread(write_annual, annual, target, progress, lang=lang)


async def funding_xlsx(
    donor: str | int | None,
    target: Path,
    progress: Progress | None = None,
    *,
    lang: str = "en",
) -> None:
    funding = await build_funding(donor)
    with speaking(lang):
        await asyncio.to_thread(write_funding, funding, target, progress, lang=lang)


async def funding_csv(
    donor: str | int | None,
    target: Path,
    progress: Progress | None = None,
    bom: bool = True,
    *,
    lang: str = "en",
) -> None:
    """The ledger; UTF-8 with a byte-order mark unless `bom` is False (for scripts)."""
    funding = await build_funding(donor, with_activities=False)
    with speaking(lang):
        await asyncio.to_thread(write_funding_csv, funding, target, progress, lang=lang, bom=bom)


async def to_temporary_file(write: Callable[[Path], Awaitable[None]], suffix: str) -> Path:
    """Run `write` into a new temporary file; the caller deletes it (removed on failure)."""
    fd, name = tempfile.mkstemp(prefix="ta-report-", suffix=suffix)
    os.close(fd)
    path = Path(name)
    try:
        await write(path)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return path
