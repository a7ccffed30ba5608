"""Apply pending migrations programmatically (used by `ta-manager migrate`, `serve` and tests)."""

from __future__ import annotations

import contextlib
import io
import os

os.environ.setdefault("PICCOLO_CONF", "ta_manager.piccolo_conf")


class MigrationFailed(RuntimeError):
    pass


async def migrate(quiet: bool = True, upto: str | None = None) -> None:
    """Apply every pending migration, or those up to and including the one with ID `upto`
    (migration tests load old data at an earlier schema)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="ta_manager", migration_id=upto or "all")
    if not result.success:
        raise MigrationFailed(result.message or sink.getvalue())
    # New tables are never analysed until autovacuum gets round to them; an empty one is
    # then planned as 10 pages of rows (ta_manager/database/statistics.py).
    from ta_manager.database.statistics import analyze_never_analysed

    await analyze_never_analysed()
