"""Empty every table and reload reference data: used between tests and by `demo --reset`."""

from __future__ import annotations

from ta_manager.database import sql
from ta_manager.reference.seed import seed_reference


async def truncate_all() -> None:
    tables = await sql.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
    )
    names = ", ".join(f'"{r["tablename"]}"' for r in tables)
    if names:
        await sql.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


async def reset_data() -> None:
    async with sql.transaction():
        await truncate_all()
        await seed_reference()
