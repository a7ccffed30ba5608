"""The SQL of need coverage (reports/coverage.py states the rule).

It starts from the filtered needs and reads only their links: need -> activity_need (by
need) -> the record that counts for each link (a delivered plan's delivery) -> activity
(by id). Its cost follows the number of needs asked for, not the size of the database
(issue 13): one region's needs read that region's links only.
"""

from __future__ import annotations

# Activity statuses that make a linked need partly met; "completed" makes it met.
UNDER_WAY = ("planned", "approved", "ongoing")
_COUNTED = ", ".join(f"'{s}'" for s in ("completed", *UNDER_WAY))

# Each link of the needs in `need` to an activity, taken to the record that counts for it
# (a delivered plan's link counts for its delivery): need_id, counted activity id.
NEED_LINKS = """
    SELECT an.assistance_request_id AS need_id,
           coalesce(dl.counted_id, an.activity_id) AS activity_id
    FROM need JOIN activity_need an ON an.assistance_request_id = need.id
    LEFT JOIN activity_delivery dl ON dl.activity_id = an.activity_id
"""

# {need_where}: conditions on the need `n`; {activity_where}: on the linked activity `a`
# (the period asked for), parameters numbered after the needs'.
COVERAGE = f"""
WITH need AS MATERIALIZED (
    SELECT n.* FROM assistance_request n
    WHERE n.archived_at IS NULL AND n.status <> 'withdrawn' AND {{need_where}}
), linked AS MATERIALIZED ({NEED_LINKS}
), answer AS (
    -- records of one event count once (their group); undated ones are counted apart
    SELECT l.need_id,
           count(DISTINCT coalesce(eg.group_id, a.id)) FILTER (WHERE {{activity_where}})
               AS answering,
           count(DISTINCT coalesce(eg.group_id, a.id))
               FILTER (WHERE a.status = 'completed' AND {{activity_where}}) AS completed,
           count(DISTINCT coalesce(eg.group_id, a.id)) FILTER (WHERE a.starts_on IS NULL)
               AS undated
    FROM linked l JOIN activity a ON a.id = l.activity_id
    LEFT JOIN activity_event_group eg ON eg.activity_id = a.id
    WHERE a.archived_at IS NULL AND a.status IN ({_COUNTED})
    GROUP BY l.need_id
)
SELECT need.id AS need_id, need.code, need.description, need.stated_on,
       partial_date_text(need.stated_on, need.stated_on_precision) AS stated,
       sources_text(need.sources) AS sources,
       need.status AS need_status, need.priority,
       c.id AS country_id, c.iso3::text AS iso3, c.name AS country_name,
       coalesce(sr.code, r.code) AS region_code, coalesce(sr.name, r.name) AS region_name,
       r.code AS m49_region_code, r.name AS m49_region_name,
       pa.id AS priority_area_id, pa.code AS priority_area, pa.name AS priority_area_name,
       pa.sort_order::bigint AS priority_area_order,
       at.id AS assistance_type_id, at.code AS assistance_type, at.name AS assistance_type_name,
       ARRAY(SELECT i.code FROM assistance_request_instrument ri
             JOIN instrument i ON i.id = ri.instrument_id
             WHERE ri.assistance_request_id = need.id ORDER BY i.id) AS instruments,
       CASE WHEN answer.completed > 0 THEN 'met'
            WHEN answer.answering > 0 THEN 'partly'
            ELSE 'unmet' END AS status,
       coalesce(answer.answering, 0) AS answering_activities,
       coalesce(answer.completed, 0) AS completed_activities,
       coalesce(answer.undated, 0) AS undated_activities
FROM need
JOIN country c ON c.id = need.country_id
LEFT JOIN region sr ON sr.id = c.sub_region_id
LEFT JOIN region r ON r.id = c.region_id
JOIN priority_area pa ON pa.id = need.priority_area_id
LEFT JOIN assistance_type at ON at.id = need.assistance_type_id
LEFT JOIN answer ON answer.need_id = need.id
ORDER BY coalesce(r.code, ''), coalesce(sr.code, ''), c.name, pa.sort_order, pa.code,
         at.sort_order NULLS FIRST, at.code NULLS FIRST, need.code
"""
