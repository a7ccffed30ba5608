"""Existing data migrates without loss: the demo data set as loaded at the previous schema
(a data-only dump taken before the UN-names migration, tests/fixtures) is restored into a
scratch database at that schema, migrated, and compared row by row."""

from __future__ import annotations

import asyncio
import gzip
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from ta_manager.database import embedded
from ta_manager.reference.un_states import by_iso3

DUMP = Path(__file__).parent / "fixtures" / "demo_before_un_names.sql.gz"
DUMPED_AT = "2026-11-24T06:00:00:000010"  # the last migration of the dump's schema
MIGRATED_TO = "2026-12-01T04:00:00:000003"  # the last migration of this change
# Tables whose rows the migration changes on purpose (compared field by field below).
CHANGED = {"country", "region_member"}

STEP = """
import asyncio, sys
from ta_manager.database import engine
from ta_manager.database.migrate import migrate

async def main(dsn: str, upto: str, seed: bool) -> None:
    engine.configure(dsn)
    await migrate(upto=upto)
    if seed:
        from ta_manager.reference.seed import seed_reference
        await engine.open_pool()
        await seed_reference()
        await engine.close_pool()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] == "seed"))
"""


async def _step(dsn: str, upto: str, seed: bool = False) -> None:
    """Migrate (and seed) the scratch database in a process of its own, as `serve` would."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        STEP,
        dsn,
        upto,
        "seed" if seed else "-",
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()


@pytest.fixture
async def scratch(database: str) -> AsyncIterator[str]:
    server = embedded.with_database(database, "postgres")
    name = f"ta_migration_{uuid.uuid4().hex[:8]}"
    await embedded.ensure_database(server, name)
    try:
        yield embedded.with_database(database, name)
    finally:
        await embedded.drop_database(server, name)


async def _tables(conn: asyncpg.Connection) -> dict[str, list[dict[str, Any]]]:
    names = [
        r["tablename"]
        for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'migration' ORDER BY 1"
        )
    ]
    out = {}
    for name in names:
        rows = await conn.fetch(f'SELECT * FROM "{name}" ORDER BY 1')
        out[name] = [dict(r) for r in rows]
    return out


async def test_demo_data_migrates_without_loss(scratch: str) -> None:
    await _step(scratch, DUMPED_AT)
    conn = await asyncpg.connect(scratch)
    try:
        await conn.execute(gzip.decompress(DUMP.read_bytes()).decode())
    finally:
        await conn.close()  # the dump empties search_path for its session
    conn = await asyncpg.connect(scratch)
    try:
        # A name the secretariat edited after seeding must survive.
        await conn.execute("UPDATE country SET name = 'Russia (edited)' WHERE iso3 = 'RUS'")
        before = await _tables(conn)
        await _step(scratch, MIGRATED_TO)
        after = await _tables(conn)
        memberships = {
            (r["code"], r["iso3"])
            for r in await conn.fetch(
                "SELECT g.code, c.iso3::text AS iso3 FROM region_member m"
                " JOIN region g ON g.id = m.region_id JOIN country c ON c.id = m.country_id"
            )
        }
    finally:
        await conn.close()

    # Every other table: the same rows, the same values.
    for table, rows in before.items():
        if table in CHANGED:
            continue
        columns = set(rows[0]) if rows else set()
        assert [{k: r[k] for k in columns} for r in after[table]] == rows, table

    # States: same ids, codes and regions; seeded names now UN names; edits kept.
    old = {r["iso3"]: r for r in before["country"]}
    new = {r["iso3"]: r for r in after["country"]}
    assert old.keys() == new.keys() and len(new) == 250
    for iso3, row in new.items():
        was = old[iso3]
        assert (row["id"], row["iso2"], row["m49_code"], row["region_id"]) == (
            was["id"],
            was["iso2"],
            was["m49_code"],
            was["region_id"],
        )
        assert row["un_member"] == was["un_member"], iso3
        entry = by_iso3()[iso3]
        assert row["status"] == entry.status
        assert (row["name_fr"], row["name_es"]) == (entry.names["fr"], entry.names["es"])
        if iso3 != "RUS":
            assert (row["name"], row["official_name"]) == (entry.names["en"], entry.formal["en"])
    assert new["RUS"]["name"] == "Russia (edited)"
    assert (
        old["COD"]["name"] == "DR Congo"
        and new["COD"]["name"] == "Democratic Republic of the Congo"
    )
    assert new["SHN"]["status"] == "territory" and new["VAT"]["status"] == "observer_state"

    # Groupings lost the territories they had taken in through sub-regions, nothing else.
    assert ("WCA", "SHN") not in memberships and ("AFR-W", "SHN") in memberships
    assert ("WCA", "BEN") in memberships and ("BALKANS", "XKX") in memberships
    assert len(after["region_member"]) < len(before["region_member"])
    assert ("OCE-MIC", "NRU") in memberships and ("OCE-POL", "NRU") not in memberships

    # What `serve` does next: seed; the former-name entries arrive, nothing else changes.
    await _step(scratch, MIGRATED_TO, seed=True)
    conn = await asyncpg.connect(scratch)
    try:
        seeded = await _tables(conn)
    finally:
        await conn.close()
    assert len(seeded["country"]) == 250 + 11
    assert {r["iso3"] for r in seeded["country"] if r["status"] == "former_name"} >= {
        "XSS",
        "ZAR",
        "YUG",
    }
    for table in ("assistance_request", "activity", "activity_country", "project_country"):
        assert seeded[table] == after[table]
