"""The set-based SQL of need lists: the filters (shared with reports) and the activities a
need's read shape lists."""

from __future__ import annotations

from typing import Any

from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes

# The activities answering the needs in $1 (a union member of records/queries.py).
ACTIVITIES = (
    "SELECT an.assistance_request_id AS owner, 'activities' AS field, a.code::text AS code,"
    " 0::bigint AS ord, NULL::bigint AS n FROM activity_need an"
    " JOIN activity a ON a.id = an.activity_id WHERE an.assistance_request_id = ANY($1::bigint[])"
)


async def add_need_filters(where: Where, f: Any, alias: str) -> None:
    """Need filters (a NeedFilters) on the need table aliased `alias`."""
    a = alias
    await add_codes(where, f"{a}.country_id = ANY({{}})", f.country, R.COUNTRY, "country")
    await add_codes(
        where,
        f"EXISTS (SELECT 1 FROM region_member rm WHERE rm.country_id = {a}.country_id"
        " AND rm.region_id = ANY({}))",
        f.region,
        R.REGION,
        "region",
    )
    await add_codes(
        where,
        f"{a}.priority_area_id = ANY({{}})",
        f.priority_area,
        R.PRIORITY_AREA,
        "priority_area",
    )
    await add_codes(
        where,
        f"{a}.assistance_type_id = ANY({{}})",
        f.assistance_type,
        R.ASSISTANCE_TYPE,
        "assistance_type",
    )
    await add_codes(
        where,
        f"EXISTS (SELECT 1 FROM assistance_request_instrument l"
        f" WHERE l.assistance_request_id = {a}.id AND l.instrument_id = ANY({{}}))",
        f.instrument,
        R.INSTRUMENT,
        "instrument",
    )
    await add_codes(where, f"{a}.status = ANY({{}})", f.status, None, "status")
    await add_codes(where, f"{a}.source = ANY({{}})", f.source, None, "source")
    if f.undated is not None:
        where.add(f"{a}.stated_on IS {'' if f.undated else 'NOT '}NULL")
    # A need stated "in 2008" is in every period that overlaps 2008 (stated_until is the
    # last day of stated_on at its precision).
    where.period(f"{a}.stated_on", f"{a}.stated_until", f.date_from, f.date_to)
