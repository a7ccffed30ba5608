"""Finding records that may be one event reported in several documents.

A pair is offered for review when both records have the same activity type, their dates
overlap (each as the interval it means: "2008-06" overlaps "2008-06-10 to 2008-06-12"),
and they share the venue (same city, and the same country when both give one; or the same
country where one gives no city) or at least one beneficiary State. Nothing is merged or
linked automatically: a reviewer links the pair (`same_event_as`, or `delivers` when one
is the plan of the other), merges it (activities/merging.py) or marks it as distinct,
after which it is no longer offered.

Score, out of 100: dates 30 x (overlap / the shorter interval), venue 30 (same city), 20
(same country, one gives no city) or 5 (same country, other cities), States 30 x (shared /
all States of the two), titles 10 x their similarity. Pairs already linked (same event,
or one delivering the other) are left out.

The API (GET /api/v1/activities/duplicates), the CLI (`ta-manager activities
duplicates`) and the UI's review list (/activities/duplicates) all call `find_duplicates`;
the review list answers a pair with `link_pair` (same event, or plan delivered),
`mark_distinct` or activities/merging.py's `merge_activities`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any, Literal

from ta_manager.activities.schemas import ActivityStatus
from ta_manager.activities.service import ActivityService
from ta_manager.database import sql
from ta_manager.errors import FieldError, InvalidInput, StaleVersion
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes

PLANS: tuple[ActivityStatus, ...] = ("proposed", "planned", "approved")
HELD: tuple[ActivityStatus, ...] = ("ongoing", "completed")
DEFAULT_MIN_SCORE = 50

_PAIRS = """
WITH cand AS (
    SELECT a.id, a.code, a.title, a.activity_type_id, a.status, a.delivers_id, a.starts_on,
           coalesce(a.ends_on, greatest(current_date, a.starts_on)) AS ends,
           upper(btrim(a.venue_city)) AS city, a.venue_country_id
      FROM activity a
     WHERE a.archived_at IS NULL AND a.status <> 'cancelled' AND a.starts_on IS NOT NULL
       AND {where}
), states AS (
    SELECT ac.activity_id, array_agg(ac.country_id) AS ids
      FROM activity_country ac WHERE ac.activity_id IN (SELECT id FROM cand) GROUP BY 1
), pair AS (
    SELECT x.id AS first_id, y.id AS second_id, x.title AS first_title,
           y.title AS second_title, x.status AS first_status, y.status AS second_status,
           (x.city <> '' AND x.city = y.city
            AND (x.venue_country_id IS NULL OR y.venue_country_id IS NULL
                 OR x.venue_country_id = y.venue_country_id)) AS same_city,
           (x.venue_country_id IS NOT NULL AND x.venue_country_id = y.venue_country_id)
               AS same_country,
           ((x.city = '' OR y.city = '') AND x.venue_country_id IS NOT NULL
            AND x.venue_country_id = y.venue_country_id) AS venue_compatible,
           cardinality(ARRAY(SELECT unnest(sx.ids) INTERSECT SELECT unnest(sy.ids))) AS shared,
           coalesce(cardinality(sx.ids), 0) AS first_states,
           coalesce(cardinality(sy.ids), 0) AS second_states,
           least(x.ends, y.ends) - greatest(x.starts_on, y.starts_on) + 1 AS overlap_days,
           least(x.ends - x.starts_on, y.ends - y.starts_on) + 1 AS shorter_days
      FROM cand x
      JOIN cand y ON y.activity_type_id = x.activity_type_id AND y.id > x.id
                 AND y.starts_on <= x.ends AND x.starts_on <= y.ends
      LEFT JOIN states sx ON sx.activity_id = x.id
      LEFT JOIN states sy ON sy.activity_id = y.id
      LEFT JOIN activity_event_group gx ON gx.activity_id = x.id
      LEFT JOIN activity_event_group gy ON gy.activity_id = y.id
     WHERE x.delivers_id IS DISTINCT FROM y.id AND y.delivers_id IS DISTINCT FROM x.id
       AND ({include_linked} OR gx.group_id IS NULL OR gx.group_id IS DISTINCT FROM gy.group_id)
       AND NOT EXISTS (SELECT 1 FROM activity_distinct d
                        WHERE d.activity_id = x.id AND d.other_id = y.id)
)
SELECT * FROM pair WHERE same_city OR venue_compatible OR shared > 0
"""

_SUMMARY = """
SELECT a.id, a.code, a.title, ty.code AS type, a.status, a.category, activity_dates(a) AS dates,
       a.venue_city, vc.name AS venue_country, a.participants_total, a.sources,
       ARRAY(SELECT c.iso3::text FROM activity_country ac JOIN country c ON c.id = ac.country_id
              WHERE ac.activity_id = a.id ORDER BY 1) AS beneficiary_countries
  FROM activity a
  JOIN activity_type ty ON ty.id = a.activity_type_id
  LEFT JOIN country vc ON vc.id = a.venue_country_id
 WHERE a.id = ANY($1::bigint[])
"""


@dataclass(frozen=True)
class DuplicateFilters:
    min_score: int = DEFAULT_MIN_SCORE
    type: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    include_linked: bool = False
    limit: int = 100


def score(pair: dict[str, Any]) -> tuple[int, list[str]]:
    """The pair's score (0-100) and the reasons, in words (see the module docstring)."""
    reasons = []
    overlap = max(0.0, min(1.0, pair["overlap_days"] / max(1, pair["shorter_days"])))
    points = 30 * overlap
    reasons.append(f"same type; dates overlap ({round(100 * overlap)}% of the shorter)")
    if pair["same_city"]:
        points += 30
        reasons.append("same venue")
    elif pair["venue_compatible"]:
        points += 20
        reasons.append("same venue country (one record names no city)")
    elif pair["same_country"]:
        points += 5
        reasons.append("same venue country, other cities")
    union = pair["first_states"] + pair["second_states"] - pair["shared"]
    if pair["shared"]:
        points += 30 * pair["shared"] / max(1, union)
        reasons.append(f"{pair['shared']} of {union} beneficiary States shared")
    similar = difflib.SequenceMatcher(
        None, pair["first_title"].lower(), pair["second_title"].lower()
    ).ratio()
    points += 10 * similar
    if similar >= 0.6:
        reasons.append(f"titles alike ({round(100 * similar)}%)")
    return round(points), reasons


def suggestion(first_status: str, second_status: str) -> str:
    """`delivers` when one record is a plan and the other was held, else `same_event_as`."""
    statuses = {first_status, second_status}
    if statuses & set(PLANS) and statuses & set(HELD):
        return "delivers"
    return "same_event_as"


async def find_duplicates(filters: DuplicateFilters | None = None) -> list[dict[str, Any]]:
    """Pairs of records that may be one event, best first: {score, suggestion, reasons,
    activities: [summary of each record]} (a record summary: code, title, type, status,
    category, dates as given, venue, beneficiary_countries, participants, sources)."""
    f = filters or DuplicateFilters()
    if not 0 <= f.min_score <= 100:
        raise InvalidInput.of("min_score", "must be between 0 and 100", f.min_score)
    if not 1 <= f.limit <= 1000:
        raise InvalidInput.of("limit", "must be between 1 and 1000", f.limit)
    where = Where()
    await add_codes(where, "a.activity_type_id = ANY({})", f.type, R.ACTIVITY_TYPE, "type")
    where.period("a.starts_on", "a.ends_on", f.date_from, f.date_to)
    query = _PAIRS.format(
        where=" AND ".join(["TRUE", *where.conditions]),
        include_linked="TRUE" if f.include_linked else "FALSE",
    )
    found = []
    for row in await sql.fetch(query, *where.args):
        pair = dict(row)
        points, reasons = score(pair)
        if points >= f.min_score:
            found.append((points, reasons, pair))
    found.sort(key=lambda p: (-p[0], p[2]["first_id"], p[2]["second_id"]))
    found = found[: f.limit]
    ids = sorted({p[2][k] for p in found for k in ("first_id", "second_id")})
    summaries = {r["id"]: dict(r) for r in await sql.fetch(_SUMMARY, ids)}
    return [
        {
            "score": points,
            "suggestion": suggestion(pair["first_status"], pair["second_status"]),
            "reasons": reasons,
            "activities": [
                _summary(summaries[pair["first_id"]]),
                _summary(summaries[pair["second_id"]]),
            ],
        }
        for points, reasons, pair in found
    ]


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "id"}
    out["sources"] = list(out.get("sources") or [])
    return out


async def mark_distinct(
    first: str, second: str, versions: tuple[int | None, int | None] | None = None
) -> None:
    """A reviewer's answer "not the same event": the pair is no longer offered.

    Recorded in the audit trail of both records (field `distinct_from`). `versions`: the
    versions of the two records the reviewer saw; if either changed meanwhile, StaleVersion
    (409) and nothing is written."""
    ids = await R.ACTIVITY.ids([first, second], "activities")
    if ids[0] == ids[1]:
        raise InvalidInput(
            "activities: name two different records", [FieldError("activities", "same record")]
        )
    service = ActivityService()
    async with sql.transaction():
        rows = {
            r["id"]: r
            for r in await sql.fetch(
                "SELECT id, code, version FROM activity WHERE id = ANY($1::bigint[])"
                " ORDER BY id FOR UPDATE",
                ids,
            )
        }
        for record_id, seen in zip(ids, versions or (None, None), strict=True):
            if seen is not None and rows[record_id]["version"] != seen:
                raise StaleVersion("activity", record_id, seen, rows[record_id]["version"])
        low, high = sorted(ids)
        added = await sql.fetchval(
            "INSERT INTO activity_distinct (activity_id, other_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING RETURNING activity_id",
            low,
            high,
        )
        if added is None:
            return
        for record_id, other_id in ((low, high), (high, low)):
            row = rows[record_id]
            base = {"code": row["code"], "version": row["version"]}
            await service.on_change(
                "update",
                record_id,
                {**base, "distinct_from": None},
                {**base, "distinct_from": rows[other_id]["code"]},
            )


LinkKind = Literal["same_event_as", "delivers"]


async def link_pair(
    first: str,
    second: str,
    how: LinkKind = "same_event_as",
    versions: tuple[int | None, int | None] | None = None,
) -> dict[str, Any]:
    """A reviewer's answer "the same event": `same_event_as` links the first record to the
    second; `delivers` makes the held record (ongoing, completed) deliver the plan
    (proposed, planned, approved), whichever order they come in. `versions` as in
    mark_distinct. Returns the record written (through the service: checked, audited)."""
    ids = await R.ACTIVITY.ids([first, second], "activities")
    if ids[0] == ids[1]:
        raise InvalidInput(
            "activities: name two different records", [FieldError("activities", "same record")]
        )
    service = ActivityService()
    async with sql.transaction():
        one, other = await service.get(ids[0]), await service.get(ids[1])
        for record, seen in zip((one, other), versions or (None, None), strict=True):
            if seen is not None and record["version"] != seen:
                raise StaleVersion("activity", record["id"], seen, record["version"])
        if how == "same_event_as":
            links = [*one["same_event_as"], other["code"]]
            return await service.update(one["id"], {"same_event_as": links}, one["version"])
        if one["status"] in PLANS and other["status"] in HELD:
            plan, held = one, other
        elif other["status"] in PLANS and one["status"] in HELD:
            plan, held = other, one
        else:
            raise InvalidInput.of(
                "delivers",
                "one record must be a plan (proposed, planned, approved) and the other held"
                " (ongoing, completed)",
                f"{one['code']} {one['status']}, {other['code']} {other['status']}",
            )
        return await service.update(held["id"], {"delivers": plan["code"]}, held["version"])
