"""How activity records relate: one event in several records, a plan and its delivery.

- `same_event_as` links records of one event reported in several documents. The links
  of an event form a tree: linking two records that are already connected (directly or
  through others) would be a cycle and is refused, naming the field.
- `delivers` points from the record of what was held to the proposed or planned record
  it delivered; chains ("proposed in 2008" -> "planned" -> "held") are allowed, cycles
  and a record delivering itself are refused.

Reports read the SQL views `activity_event_group` and `activity_delivery` (migration
2026-12-01T05:00:00:000002); the checks here run inside the writer's transaction, after
the links are written, so a refusal rolls the whole write back.
"""

from __future__ import annotations

from collections.abc import Sequence

from ta_manager.database import sql
from ta_manager.errors import FieldError, InvalidInput

# Connected records of each given record, and the links among them.
_COMPONENT = """
WITH RECURSIVE edge (a, b) AS (
    SELECT activity_id, other_id FROM activity_same_event
    UNION ALL SELECT other_id, activity_id FROM activity_same_event
), reach (root, n) AS (
    SELECT r, r FROM unnest($1::bigint[]) AS r
    UNION SELECT reach.root, edge.b FROM reach JOIN edge ON edge.a = reach.n
)
SELECT reach.root, count(DISTINCT reach.n) AS nodes,
       (SELECT count(*) FROM activity_same_event l
         WHERE l.activity_id IN (SELECT x.n FROM reach x WHERE x.root = reach.root)) AS links,
       array_agg(DISTINCT a.code ORDER BY a.code) AS codes
  FROM reach JOIN activity a ON a.id = reach.n
 GROUP BY reach.root
"""

_DELIVERY_CYCLE = """
WITH RECURSIVE up (root, id, depth) AS (
    SELECT a.id, a.delivers_id, 1 FROM activity a
     WHERE a.id = ANY($1::bigint[]) AND a.delivers_id IS NOT NULL
    UNION ALL
    SELECT up.root, a.delivers_id, up.depth + 1 FROM up JOIN activity a ON a.id = up.id
     WHERE a.delivers_id IS NOT NULL AND up.id <> up.root AND up.depth < 1000
)
SELECT DISTINCT up.root FROM up WHERE up.id = up.root
"""


async def same_event_cycles(activity_ids: Sequence[int]) -> dict[int, list[str]]:
    """For each given record whose same-event links now contain a cycle: the codes of its
    connected records."""
    if not activity_ids:
        return {}
    rows = await sql.fetch(_COMPONENT, list(activity_ids))
    return {r["root"]: list(r["codes"]) for r in rows if r["links"] >= r["nodes"] > 1}


async def delivery_cycles(activity_ids: Sequence[int]) -> list[int]:
    """The given records that now (indirectly) deliver themselves."""
    if not activity_ids:
        return []
    return [r["root"] for r in await sql.fetch(_DELIVERY_CYCLE, list(activity_ids))]


async def check_links(activity_id: int, same_event: bool, delivers: bool) -> None:
    """Refuse (InvalidInput naming the field) links that close a cycle; run after writing."""
    errors: list[FieldError] = []
    if same_event and (cycle := (await same_event_cycles([activity_id])).get(activity_id)):
        errors.append(
            FieldError(
                "same_event_as",
                "would link records that are already the same event through other links"
                f" (a cycle among {', '.join(cycle)}); link each record of an event once",
            )
        )
    if delivers and await delivery_cycles([activity_id]):
        errors.append(
            FieldError("delivers", "forms a cycle: the record it delivers (in)directly delivers it")
        )
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)


async def event_group_codes(activity_id: int) -> list[str]:
    """Codes of the other records of this record's event (all connected records)."""
    rows = await sql.fetch(
        "SELECT a.code FROM activity_event_group g"
        " JOIN activity_event_group me ON me.group_id = g.group_id AND me.activity_id = $1"
        " JOIN activity a ON a.id = g.activity_id WHERE g.activity_id <> $1 ORDER BY a.code",
        activity_id,
    )
    return [r["code"] for r in rows]
