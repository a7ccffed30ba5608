"""The set-based SQL of activity lists: the filters (shared with reports, so that the API and
the spreadsheets agree) and the computed lists of an activity's read shape.

Link-table filters are `EXISTS` semi-joins on the link's (target, activity) index: the
planner starts from the few activities of a State or priority area rather than scanning
every link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ta_manager.activities.schemas import ActivityStatus, Scope
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes, split_values

# The interval an activity occupies (stored by PostgreSQL, see docs/data-model.md): from
# the first day of its actual start (else planned start) to the last day of its actual end
# (else of its start at the precision given, else the planned ones). END is NULL when an
# ongoing activity has no end (open until today); both are NULL when it is undated.
START = "t.starts_on"
END = "t.ends_on"

# The read shape's computed lists, for the activities in $1 (records/queries.py: members of
# one union giving owner, field, code, ord, n).
PARTICIPANTS_BY_PROFESSION = (
    "SELECT g.activity_id AS owner, 'participants_by_profession' AS field, g.profession AS code,"
    " 0::bigint AS ord, g.participants::bigint AS n FROM activity_participant_group g"
    " WHERE g.activity_id = ANY($1::bigint[])"
)
DELIVERED_BY = (
    "SELECT x.delivers_id, 'delivered_by', x.code::text, 0::bigint, NULL::bigint"
    " FROM activity x WHERE x.delivers_id = ANY($1::bigint[])"
)
# The other records of the same event (connected through same_event_as links, either way).
SAME_EVENT_GROUP = """SELECT r.root, 'same_event_group', x.code::text, 0::bigint, NULL::bigint
  FROM (WITH RECURSIVE r (root, n) AS (
            SELECT id, id FROM unnest($1::bigint[]) AS id
            UNION SELECT r.root,
                         CASE WHEN l.activity_id = r.n THEN l.other_id ELSE l.activity_id END
              FROM r JOIN activity_same_event l ON r.n IN (l.activity_id, l.other_id))
        SELECT root, n FROM r) r
  JOIN activity x ON x.id = r.n WHERE r.n <> r.root"""


@dataclass(frozen=True)
class ActivityFilters:
    country: list[str] | None = None
    region: list[str] | None = None
    priority_area: list[str] | None = None
    assistance_type: list[str] | None = None
    instrument: list[str] | None = None
    type: list[str] | None = None
    status: list[ActivityStatus] | None = None
    activity_scope: list[Scope] | None = field(default=None, metadata={"query": "scope"})
    project: list[str] | None = None
    partner: list[str] | None = None
    donor: list[str] | None = None
    need: list[str] | None = None
    category: list[str] | None = None
    undated: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


# Link-table filters: (filter field, link table, link column, reference).
_LINK_FILTERS = (
    ("country", "activity_country", "country_id", R.COUNTRY),
    ("priority_area", "activity_priority_area", "priority_area_id", R.PRIORITY_AREA),
    ("assistance_type", "activity_assistance_type", "assistance_type_id", R.ASSISTANCE_TYPE),
    ("instrument", "activity_instrument", "instrument_id", R.INSTRUMENT),
    ("partner", "activity_partner", "organization_id", R.ORGANIZATION),
    ("need", "activity_need", "assistance_request_id", R.NEED),
)


def _exists(alias: str, table: str, column: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM {table} l WHERE l.activity_id = {alias}.id"
        f" AND l.{column} = ANY({{}}))"
    )


async def add_activity_filters(where: Where, f: ActivityFilters, alias: str) -> None:
    """Activity filters, shared with reports so that the API and
    spreadsheets agree."""
    a = alias
    for name, table, column, ref in _LINK_FILTERS:
        await add_codes(where, _exists(a, table, column), getattr(f, name), ref, name)
    await add_codes(
        where,
        f"EXISTS (SELECT 1 FROM activity_country ac JOIN region_member rm"
        f" ON rm.country_id = ac.country_id WHERE ac.activity_id = {a}.id"
        " AND rm.region_id = ANY({}))",
        f.region,
        R.REGION,
        "region",
    )
    await add_codes(where, f"{a}.activity_type_id = ANY({{}})", f.type, R.ACTIVITY_TYPE, "type")
    await add_codes(where, f"{a}.project_id = ANY({{}})", f.project, R.PROJECT, "project")
    await add_codes(where, f"{a}.status = ANY({{}})", f.status, None, "status")
    await add_codes(where, f"{a}.category = ANY({{}})", f.category, None, "category")
    await add_codes(where, f"{a}.scope = ANY({{}})", f.activity_scope, None, "scope")
    undated = f.undated
    if undated is not None:
        where.add(f"{a}.starts_on IS {'' if undated else 'NOT '}NULL")
    if donors := split_values(f.donor):
        ids = await R.ORGANIZATION.ids(donors, "donor")
        where.add(
            f"(EXISTS (SELECT 1 FROM allocation al JOIN contribution c ON c.id = al.contribution_id"
            f" WHERE al.activity_id = {a}.id AND c.donor_id = ANY({{}}))"
            f" OR EXISTS (SELECT 1 FROM allocation al JOIN contribution c"
            f" ON c.id = al.contribution_id WHERE al.project_id = {a}.project_id"
            " AND c.donor_id = ANY({})))",
            ids,
            ids,
        )
    where.period(
        START.replace("t.", f"{a}."),
        END.replace("t.", f"{a}."),
        f.date_from,
        f.date_to,
    )
