"""States as the UN writes them: names in English, French and Spanish, Member / observer /
territory / former-name status, and regional groupings that hold States only.

Existing rows keep their ids, codes and every reference to them. A name the earlier seed
wrote (the country_converter spelling, listed in ta_2026_12_01_0401_seeded_countries.csv)
becomes the UN name; a name edited since is kept. Territories that groupings picked up through
their M49 sub-regions (Saint Helena in West and Central Africa) leave those groupings.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql, with_connection

ID = "2026-12-01T04:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "UN State names and status"

SEEDED = Path(__file__).with_name("ta_2026_12_01_0401_seeded_countries.csv")

SQL = """
ALTER TABLE country
    ADD COLUMN name_fr          text NOT NULL DEFAULT '',
    ADD COLUMN name_es          text NOT NULL DEFAULT '',
    ADD COLUMN official_name_fr text NOT NULL DEFAULT '',
    ADD COLUMN official_name_es text NOT NULL DEFAULT '',
    ADD COLUMN status           text NOT NULL DEFAULT 'territory'
        CHECK (status IN ('member_state', 'observer_state', 'non_member_state', 'territory',
                          'former_name')),
    -- Why a former name is not a current State and what to record instead; usage notes.
    ADD COLUMN note             text NOT NULL DEFAULT '',
    ALTER COLUMN iso2 DROP NOT NULL,
    -- Former-name entries have no ISO-2 code; every other entry has one.
    ADD CONSTRAINT country_iso2_present_check CHECK (iso2 IS NOT NULL OR status = 'former_name');

UPDATE country SET status = CASE
    WHEN un_member THEN 'member_state'
    WHEN iso3 IN ('VAT', 'PSE') THEN 'observer_state'
    WHEN iso3 IN ('COK', 'NIU') THEN 'non_member_state'
    ELSE 'territory' END;

-- "Member State" is now one of the statuses; un_member stays readable, derived from it.
ALTER TABLE country DROP COLUMN un_member;
ALTER TABLE country ADD COLUMN un_member boolean GENERATED ALWAYS AS (status = 'member_state') STORED;
CREATE INDEX country_status_idx ON country (status);

-- Regional groupings hold States: the territories the seeded groupings took in through their
-- M49 sub-regions leave them (a territory listed by name in a grouping is kept).
DELETE FROM region_member rm
USING region g, country c
WHERE rm.region_id = g.id AND rm.country_id = c.id
  AND g.kind = 'grouping'
  AND g.code IN ('WCA', 'ESA', 'LAC', 'MENA', 'CEA', 'SAS', 'OSCE')
  AND c.status = 'territory';
"""


def _seeded() -> dict[str, dict[str, str]]:
    with SEEDED.open(encoding="utf-8", newline="") as fh:
        return {r["iso3"]: r for r in csv.DictReader(fh)}


async def _names(conn: Any) -> None:
    """UN names for the rows the earlier seed wrote; French and Spanish names for all."""
    from ta_manager.reference.un_states import by_iso3

    seeded = _seeded()
    vendored = by_iso3()
    sub_regions = {
        r["m49_code"]: r["id"]
        for r in await conn.fetch("SELECT id, m49_code FROM region WHERE kind = 'm49_sub_region'")
    }
    old_sub_regions = {
        r["code"]: r["id"]
        for r in await conn.fetch("SELECT id, code FROM region WHERE kind = 'm49_sub_region'")
    }
    taken = {r["name"] for r in await conn.fetch("SELECT name FROM country")}
    for row in await conn.fetch("SELECT id, iso3, name, official_name, sub_region_id FROM country"):
        entry = vendored.get(row["iso3"])
        if entry is None or entry.status == "former_name":
            continue
        old = seeded.get(row["iso3"])
        unedited = old is not None and (row["name"], row["official_name"]) == (
            old["name"],
            old["official_name"],
        )
        name, official = row["name"], row["official_name"]
        if unedited and (entry.names["en"] == name or entry.names["en"] not in taken):
            taken.discard(name)
            name, official = entry.names["en"], entry.formal["en"]
            taken.add(name)
        sub_region = row["sub_region_id"]
        if (
            old is not None
            and sub_region == old_sub_regions.get(old["sub_region"])
            and entry.sub_region_m49 in sub_regions
        ):
            sub_region = sub_regions[entry.sub_region_m49]
        await conn.execute(
            """
            UPDATE country SET name = $2, official_name = $3, name_fr = $4, name_es = $5,
                   official_name_fr = $6, official_name_es = $7, status = $8, note = $9,
                   sub_region_id = $10, version = version + 1
            WHERE id = $1
            """,
            row["id"],
            name,
            official,
            entry.names["fr"],
            entry.names["es"],
            entry.formal["fr"],
            entry.formal["es"],
            entry.status,
            entry.note,
            sub_region,
        )
        if sub_region != row["sub_region_id"]:
            await conn.execute(
                "UPDATE region_member SET region_id = $3 WHERE country_id = $1 AND region_id = $2",
                row["id"],
                row["sub_region_id"],
                sub_region,
            )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)
        await with_connection(_names)

    manager.add_raw(run)
    return manager
