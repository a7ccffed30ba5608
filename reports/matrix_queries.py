"""The SQL of the needs-to-activity matrix: each need's answering and candidate activities,
and the regional activities of the States shown (reports/matrix.py, reports/regional.py).

Every query starts from what the filters select, never from whole tables: the needs asked
for (by id, $1) and their States, or the States of the region asked for, and joins only
those States' links. The matrix for one region therefore costs what that region holds,
whatever the size of the database (issue 13).
"""

from __future__ import annotations

from reports.counting import group_id, group_join, not_delivered
from reports.coverage_queries import NEED_LINKS

CANDIDATES_SHOWN = 5

ACTIVITY_COLUMNS = """
    a.id AS activity_id, a.code AS activity_code, a.title, ty.code AS type,
    a.starts_on AS starts_on, a.ends_on AS ends_on,
    a.status AS activity_status, a.scope
"""

# The activities answering each need ($1: need ids): a link to a delivered plan shows (and
# counts) its delivery; records of one event share a group_id and count once
# (reports/counting.py). {where}: conditions on the activity `a` (its period).
ANSWERS = f"""
WITH need AS MATERIALIZED (SELECT unnest($1::bigint[]) AS id),
linked AS MATERIALIZED ({NEED_LINKS})
SELECT DISTINCT ON (l.need_id, a.id)
       l.need_id, 'answers' AS relation, {ACTIVITY_COLUMNS},
       NULL::bigint AS candidates_total, {group_id("a")} AS group_id
FROM linked l JOIN activity a ON a.id = l.activity_id
{group_join("a")}
JOIN activity_type ty ON ty.id = a.activity_type_id
WHERE a.archived_at IS NULL AND a.status NOT IN ('cancelled', 'proposed') AND {{where}}
"""

# Candidates ($1: need ids, $2: their States' ids; {where}: conditions on the activity `a`):
# activities of the need's State (as a beneficiary, so regional activities that included it
# count), not yet linked to the need and not rejected for it (ta_manager/needs/candidates.py),
# not cancelled nor a delivered plan, and: when the need names an assistance type, of that
# type, whatever priority areas they are filed under; otherwise of the need's priority
# area. The most recent CANDIDATES_SHOWN are listed, with the number of all of them.
#
# Needs of one State asking for one area (or type) share their pool of activities: each
# pool is read and ranked once (pool, keyed), and each need walks down its pool past the
# members it must skip (its own links and rejections), so the cost follows the needs'
# States' links, never (needs x activities).
CANDIDATES = f"""
WITH need AS MATERIALIZED (
    SELECT n.id, n.country_id,
           CASE WHEN n.assistance_type_id IS NULL THEN 'area' ELSE 'type' END AS by,
           coalesce(n.assistance_type_id, n.priority_area_id) AS key
    FROM assistance_request n WHERE n.id = ANY($1::bigint[])
), pool AS MATERIALIZED (
    SELECT ac.country_id, a.id, a.code, a.starts_on
    FROM activity_country ac JOIN activity a ON a.id = ac.activity_id
    WHERE ac.country_id = ANY($2::bigint[])
      AND a.archived_at IS NULL AND a.status <> 'cancelled' AND {not_delivered("a")}
      AND {{where}}
), keyed AS MATERIALIZED (
    SELECT k.*,
           row_number() OVER (PARTITION BY k.by, k.country_id, k.key
                              ORDER BY k.starts_on DESC NULLS LAST, k.code) AS rank,
           count(*) OVER (PARTITION BY k.by, k.country_id, k.key) AS size
    FROM (SELECT 'area' AS by, p.country_id, ap.priority_area_id AS key, p.id, p.code,
                 p.starts_on
          FROM pool p JOIN activity_priority_area ap ON ap.activity_id = p.id
          UNION ALL
          SELECT 'type', p.country_id, aat.assistance_type_id, p.id, p.code, p.starts_on
          FROM pool p JOIN activity_assistance_type aat ON aat.activity_id = p.id) k
    WHERE (k.by, k.country_id, k.key) IN (SELECT by, country_id, key FROM need)
), own AS MATERIALIZED (
    -- the activities each need must skip: linked to it, or rejected for it
    SELECT n.id AS need_id, n.by, n.country_id, n.key, x.activity_id
    FROM (SELECT assistance_request_id AS need_id, activity_id FROM activity_need
          WHERE assistance_request_id = ANY($1::bigint[])
          UNION
          SELECT assistance_request_id, activity_id FROM candidate_rejection
          WHERE assistance_request_id = ANY($1::bigint[])) x
    JOIN need n ON n.id = x.need_id
), reach AS MATERIALIZED (
    -- each need's key, and the ranks in its pool it skips
    SELECT n.*, coalesce(s.ranks, ARRAY[]::bigint[]) AS skipped
    FROM need n
    LEFT JOIN (SELECT o.need_id, array_agg(k.rank) AS ranks
               FROM own o JOIN keyed k ON k.by = o.by AND k.country_id = o.country_id
                                      AND k.key = o.key AND k.id = o.activity_id
               GROUP BY o.need_id) s ON s.need_id = n.id
), top AS MATERIALIZED (
    -- the head of each pool, as deep as its needs look: past the ranks they skip
    SELECT k.* FROM keyed k
    JOIN (SELECT by, country_id, key, max(cardinality(skipped)) AS skipping
          FROM reach GROUP BY 1, 2, 3) d
      ON d.by = k.by AND d.country_id = k.country_id AND d.key = k.key
    WHERE k.rank <= d.skipping + {CANDIDATES_SHOWN}
), chosen AS (
    SELECT r.id AS need_id, t.id AS activity_id,
           t.size - cardinality(r.skipped) AS candidates_total,
           row_number() OVER (PARTITION BY r.id ORDER BY t.rank) AS rank
    FROM reach r
    JOIN top t ON t.by = r.by AND t.country_id = r.country_id AND t.key = r.key
    WHERE t.rank <= cardinality(r.skipped) + {CANDIDATES_SHOWN} AND t.rank <> ALL(r.skipped)
)
SELECT c.need_id, 'candidate' AS relation, {ACTIVITY_COLUMNS}, c.candidates_total,
       a.id AS group_id
FROM chosen c JOIN activity a ON a.id = c.activity_id
JOIN activity_type ty ON ty.id = a.activity_type_id
WHERE c.rank <= {CANDIDATES_SHOWN}
"""

# Regional (not national) activities in the M49 sub-regions of the States they reached,
# one row per (sub-region, activity): starts from the States shown ({states}: conditions on
# the country `c`) and reads only their links. {where}: conditions on the activity `a`.
REGIONAL = f"""
WITH state AS MATERIALIZED (
    SELECT c.id, c.name, coalesce(r.code, '') AS m49_region,
           coalesce(sr.code, r.code, '') AS region_code,
           coalesce(sr.name, r.name, '(no region)') AS region_name
    FROM country c
    LEFT JOIN region sr ON sr.id = c.sub_region_id
    LEFT JOIN region r ON r.id = c.region_id
    WHERE {{states}}
), reached AS MATERIALIZED (
    SELECT s.m49_region, s.region_code, s.region_name, s.name, ac.activity_id
    FROM state s JOIN activity_country ac ON ac.country_id = s.id
)
SELECT x.region_code, x.region_name,
       a.id AS activity_id, a.code AS activity_code, a.title, ty.code AS type, a.scope,
       a.starts_on AS starts_on, a.ends_on AS ends_on, a.status AS activity_status,
       (SELECT string_agg(pa.code, ', ' ORDER BY pa.sort_order, pa.code)
          FROM activity_priority_area ap JOIN priority_area pa ON pa.id = ap.priority_area_id
         WHERE ap.activity_id = a.id) AS priority_areas,
       string_agg(x.name, ', ' ORDER BY x.name) AS states,
       count(*) AS state_count, {group_id("a")} AS group_id,
       a.participants_total::bigint AS participants_total
FROM reached x JOIN activity a ON a.id = x.activity_id
{group_join("a")}
JOIN activity_type ty ON ty.id = a.activity_type_id
WHERE a.archived_at IS NULL AND a.status NOT IN ('cancelled', 'proposed')
  AND a.scope <> 'national' AND {not_delivered("a")} AND {{where}}
GROUP BY x.m49_region, x.region_code, x.region_name, a.id, ty.code, eg.group_id
ORDER BY x.m49_region, x.region_code, starts_on NULLS LAST, a.code
"""
