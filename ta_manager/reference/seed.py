"""Load reference data (States, regions, instruments, priority areas, codelists).

Runs at every start, so it is a merge that no edit can break: a seeded row is added only
when none of its unique keys (code, case-insensitive code, ISO-2, ISO-3, M49 code, name) is
taken by an existing row, and existing rows are left as they are, so edits made by the
secretariat survive a re-seed (a State whose ISO-2 was given to another State is not added
back). Rows that hang off a parent the secretariat removed (an assistance type of a deleted
priority area) are skipped, never inserted with a missing parent.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from ta_manager.database import sql
from ta_manager.reference.un_states import STATE_STATUSES, un_states

DATA = Path(__file__).parent / "data"


@cache
def reference_data() -> dict[str, Any]:
    with (DATA / "reference.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def country_rows() -> list[dict[str, Any]]:
    """The country table as the UN writes it (vendored M49 + UNTERM files, the project's
    additions and former-name entries: ta_manager/reference/un_states.py)."""
    sub_region_code = {r["m49_code"]: r["code"] for r in reference_data()["sub_region"]}
    return [
        {
            "iso2": e.iso2,
            "iso3": e.iso3,
            "m49_code": e.m49_code,
            "name": e.names["en"],
            "official_name": e.formal["en"],
            "name_fr": e.names["fr"],
            "name_es": e.names["es"],
            "official_name_fr": e.formal["fr"],
            "official_name_es": e.formal["es"],
            "status": e.status,
            "note": e.note,
            "sub_region": sub_region_code.get(e.sub_region_m49 or "", ""),
        }
        for e in un_states()
    ]


async def seed_reference() -> None:
    async with sql.transaction():
        await _seed_regions()
        await _seed_countries()
        await _seed_memberships()
        await _seed_instruments()
        await _seed_priority_areas()
        await _seed_codelists()


async def _seed_regions() -> None:
    ref = reference_data()
    rows = [(r["code"], r["name"], "m49_region", r.get("m49_code")) for r in ref["region"]]
    rows += [(r["code"], r["name"], "m49_sub_region", r.get("m49_code")) for r in ref["sub_region"]]
    rows += [(r["code"], r["name"], "grouping", r.get("m49_code")) for r in ref["grouping"]]
    await sql.executemany(
        "INSERT INTO region (code, name, kind, m49_code) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING",
        rows,
    )


async def _seed_countries() -> None:
    region_of = {r["code"]: r["region"] for r in reference_data()["sub_region"]}
    rows = [
        (
            c["iso2"],
            c["iso3"],
            c["m49_code"],
            c["name"],
            c["official_name"],
            c["name_fr"],
            c["name_es"],
            c["official_name_fr"],
            c["official_name_es"],
            c["status"],
            c["note"],
            region_of.get(c["sub_region"]),
            c["sub_region"] or None,
        )
        for c in country_rows()
    ]
    await sql.executemany(
        """
        INSERT INTO country (iso2, iso3, m49_code, name, official_name, name_fr, name_es,
                             official_name_fr, official_name_es, status, note,
                             region_id, sub_region_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                (SELECT id FROM region WHERE upper(code) = upper($12)),
                (SELECT id FROM region WHERE upper(code) = upper($13)))
        ON CONFLICT DO NOTHING
        """,
        rows,
    )


async def _seed_memberships() -> None:
    # M49 regions and sub-regions: from the countries' own columns. Groupings: the States of
    # their sub-regions (territories and former names only when listed by code).
    await sql.execute(
        """
        INSERT INTO region_member (region_id, country_id)
        SELECT region_id, id FROM country WHERE region_id IS NOT NULL
        UNION SELECT sub_region_id, id FROM country WHERE sub_region_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    )
    for g in reference_data()["grouping"]:
        await sql.execute(
            """
            INSERT INTO region_member (region_id, country_id)
            SELECT g.id, c.id FROM region g, country c
            WHERE g.code = $1
              AND (c.iso3 = ANY($2::text[])
                   OR (c.sub_region_id IN (SELECT id FROM region WHERE code = ANY($3::text[]))
                       AND c.status = ANY($4::text[])))
            ON CONFLICT DO NOTHING
            """,
            g["code"],
            g.get("countries", []),
            g.get("include_regions", []),
            list(STATE_STATUSES),
        )


async def _seed_instruments() -> None:
    for i in reference_data()["instrument"]:
        await sql.execute(
            """
            INSERT INTO instrument (code, short_name, name, parent_id, adopted_on, entry_into_force)
            VALUES ($1, $2, $3, (SELECT id FROM instrument WHERE upper(code) = upper($4)), $5, $6)
            ON CONFLICT DO NOTHING
            """,
            i["code"],
            i["short_name"],
            i["name"],
            i.get("parent"),
            i.get("adopted_on"),
            i.get("entry_into_force"),
        )


async def _seed_priority_areas() -> None:
    for order, pa in enumerate(reference_data()["priority_area"], start=1):
        await sql.execute(
            """
            INSERT INTO priority_area (code, name, description, mandate, instrument_id, sort_order)
            VALUES ($1, $2, $3, $4, (SELECT id FROM instrument WHERE upper(code) = upper($5)), $6)
            ON CONFLICT DO NOTHING
            """,
            pa["code"],
            pa["name"],
            pa.get("description", ""),
            pa.get("mandate", ""),
            pa.get("instrument"),
            order,
        )
        await sql.executemany(
            """
            INSERT INTO assistance_type (code, priority_area_id, name, sort_order)
            SELECT $1, id, $3, $4 FROM priority_area WHERE upper(code) = upper($2)
            ON CONFLICT DO NOTHING
            """,
            [
                (t["code"], pa["code"], t["name"], n)
                for n, t in enumerate(pa["assistance_types"], 1)
            ],
        )
    await _seed_translated_names()


async def _seed_translated_names() -> None:
    """French and Spanish names of the seeded priority areas and assistance types, filled
    only where blank and only on rows whose English name is still the seeded one (a row the
    secretariat renamed keeps its own). Skipped on a schema older than the names' migration
    (the seed also runs between migration steps in tests of old data)."""
    has_names = await sql.fetchval(
        "SELECT count(*) = 2 FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name IN ('priority_area', 'assistance_type') AND column_name = 'name_fr'"
    )
    if not has_names:
        return
    areas = reference_data()["priority_area"]
    for table, rows in (
        ("priority_area", areas),
        ("assistance_type", [t for pa in areas for t in pa["assistance_types"]]),
    ):
        await sql.executemany(
            f"""
            UPDATE {table} SET name_fr = CASE WHEN name_fr = '' THEN $3 ELSE name_fr END,
                               name_es = CASE WHEN name_es = '' THEN $4 ELSE name_es END
            WHERE upper(code) = upper($1) AND name = $2 AND (name_fr = '' OR name_es = '')
            """,
            [(r["code"], r["name"], r.get("name_fr", ""), r.get("name_es", "")) for r in rows],
        )


async def _seed_codelists() -> None:
    ref = reference_data()
    await sql.executemany(
        "INSERT INTO activity_type (code, name, sort_order) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        [(t["code"], t["name"], n) for n, t in enumerate(ref["activity_type"], 1)],
    )
    await sql.executemany(
        "INSERT INTO sector (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [(s["code"], s["name"]) for s in ref["sector"]],
    )
