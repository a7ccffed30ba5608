"""Resetting between tests (DELETE) leaves what `demo --reset` (TRUNCATE) leaves."""

from __future__ import annotations

from ta_manager.accounts import users
from ta_manager.database import sql
from ta_manager.database.reset import reset_data

TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration' "
    "ORDER BY tablename"
)


async def _state() -> tuple[list[tuple[str, int]], int]:
    names = [r["tablename"] for r in await sql.fetch(TABLES)]
    counts = [(n, await sql.fetchval(f'SELECT count(*) FROM "{n}"')) for n in names]
    user = await users.create_user("probe@example.org", "officer")
    return counts, user["id"]


async def test_deleting_leaves_what_truncating_leaves() -> None:
    for few_rows in (False, True):
        await users.create_user("someone@example.org", "admin")
        await users.create_user("another@example.org", "officer")
        await reset_data(few_rows=few_rows)
        state = await _state()
        if not few_rows:
            truncated = state
    assert state == truncated
    counts, first_id = state
    assert dict(counts)["app_user"] == 0 and first_id == 1  # emptied, ids start again
    assert sum(n for _, n in counts) > 100  # reference data seeded again
