"""The restructured report queries give exactly the rows of the whole-table queries they
replaced (tests/fixtures/report_queries_before.py), on a mixed data set with undated
records, records of one event, delivered plans, rejected candidates and archived records,
for every filter the matrix takes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reports import matrix
from reports.annual import AnnualFilters, _selection
from reports.annual_queries import read_activities
from reports.coverage import need_coverage
from reports.frames import frame
from reports.funding_queries import ACTIVITIES, CONTRIBUTIONS
from reports.matrix import MatrixFilters
from reports.matrix_queries import ANSWERS, CANDIDATES, CANDIDATES_SHOWN
from reports.period import period_of
from reports.regional import regional_rows
from ta_manager.database import sql
from tests.fixtures import report_queries_before as before
from tests.fixtures.report_mix import build_mix

D = dt.date
D_RANGE = (D(2005, 1, 1), D(2012, 12, 31))
FILTERS = [
    MatrixFilters(),
    MatrixFilters(region=["WCA"]),
    MatrixFilters(region=["AMR-S", "AFR-M"], priority_area=["PA2", "PA3"]),
    MatrixFilters(country=["BEN", "COL", "FRA"]),
    MatrixFilters(country=["BEN", "COL"], region=["WCA"]),
    MatrixFilters(instrument=["UNTOC"]),
    MatrixFilters(stated_from=D(2007, 1, 1), stated_to=D(2009, 12, 31)),
    MatrixFilters(activity_from=D(2008, 1, 1), activity_to=D(2009, 12, 31)),
    MatrixFilters(activity_from=D(2010, 6, 1)),
    MatrixFilters(region=["LAC"], activity_to=D(2008, 12, 31), priority_area=["PA1"]),
]


@pytest.fixture
async def mix() -> None:
    counts = await build_mix()
    assert counts == {"needs": 90, "activities": 420}


def _sorted(df: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return df.sort(*keys, nulls_last=True)


def _equal(got: pl.DataFrame, want: pl.DataFrame, what: str) -> None:
    try:
        assert_frame_equal(got, want)
    except AssertionError as exc:
        raise AssertionError(f"{what}: {exc}") from None


async def test_the_mixed_data_holds_every_case(mix: None) -> None:
    """The cases the equivalence below must cover are really in the data."""
    m = await matrix.build_matrix(MatrixFilters())
    needs = m.needs
    assert set(needs["status"]) == {"met", "partly", "unmet"}
    assert needs["undated_activities"].sum() > 0  # needs answered by undated records
    assert needs["stated_on"].null_count() > 0 and needs["assistance_type"].null_count() > 0
    assert needs["candidates_total"].max() > CANDIDATES_SHOWN  # totals past the list
    answers = m.activities.filter(pl.col("relation") == "answers")
    assert (answers["group_id"] != answers["activity_id"]).any()  # one event, two records
    delivered = await before.frame(
        "SELECT count(*) AS n FROM activity_need an JOIN activity_delivery d"
        " ON d.activity_id = an.activity_id",
        [],
        {"n": pl.Int64},
    )
    assert delivered["n"][0] > 0  # links to plans that a later record delivered
    archived = await before.frame(
        "SELECT count(*) AS n FROM activity_need an JOIN activity a ON a.id = an.activity_id"
        " WHERE a.archived_at IS NOT NULL AND a.status IN ('completed', 'ongoing', 'planned')",
        [],
        {"n": pl.Int64},
    )
    assert archived["n"][0] > 0  # archived answers, which no longer count
    assert m.regional is not None and not m.regional.is_empty()


async def test_matrix_queries_give_the_rows_of_the_whole_table_queries(mix: None) -> None:
    for f in FILTERS:
        await _same_rows(f)


async def _same_rows(f: MatrixFilters) -> None:
    coverage = await need_coverage(f.need_filters(), f.activity_from, f.activity_to)
    expected = await before.coverage(f.need_filters(), f.activity_from, f.activity_to)
    _equal(coverage, expected, f"coverage {f}")  # same rows, same order
    ids = coverage["need_id"].to_list()
    for relation, template in (("answers", ANSWERS), ("candidate", CANDIDATES)):
        got = await matrix._activities(ids, f, template)
        want = await before.need_links(ids, relation, f.activity_from, f.activity_to)
        keys = ("need_id", "activity_id")
        _equal(_sorted(got, *keys), _sorted(want, *keys), f"{relation} {f}")
    regional = await regional_rows(f.activity_filters())
    want_regional = await before.regional_rows(f.activity_filters())
    _equal(regional, want_regional, f"regional {f}")


async def test_one_need_page_lists_the_same_activities(mix: None) -> None:
    coverage = await need_coverage(MatrixFilters().need_filters())
    busiest = coverage.sort("answering_activities", descending=True)["need_id"][0]
    got = await matrix.need_activities(busiest)
    want = pl.concat(
        [
            await before.need_links([busiest], "answers", None, None),
            await before.need_links([busiest], "candidate", None, None),
        ]
    ).sort("relation", "starts_on", "activity_code")
    assert_frame_equal(got, want)


ANNUAL = [
    AnnualFilters(year=2008),
    AnnualFilters(date_from=D(2005, 1, 1), date_to=D(2012, 12, 31)),
    AnnualFilters(year=2009, region=["WCA"], priority_area=["PA2"]),
    AnnualFilters(date_from=D(2010, 1, 1), country=["COL", "BEN"], instrument=["UNTOC"]),
]


async def test_annual_link_queries_give_the_rows_of_the_whole_table_queries(mix: None) -> None:
    for f in ANNUAL:
        period = period_of(f.year, f.date_from, f.date_to)
        for where in (await _selection(f, period), await _selection(f, None)):
            _, links = await read_activities(where)
            want = await before.annual_links(where)
            assert set(links) == set(want)
            for name, df in links.items():
                keys = df.columns
                _equal(_sorted(df, *keys), _sorted(want[name], *keys), f"annual {name} {f}")
    _, links = await read_activities(await _selection(ANNUAL[1], period_of(None, *D_RANGE)))

    assert all(not df.is_empty() for df in links.values())  # every kind of link is there


async def test_funded_activities_are_those_of_the_whole_table_query(mix: None) -> None:
    donors = [
        r[0] for r in await sql.fetch("SELECT id FROM organization WHERE 'donor' = ANY(roles)")
    ]
    assert len(donors) >= 4
    for donor in [None, *donors]:
        contributions = await frame(CONTRIBUTIONS[0], [donor], CONTRIBUTIONS[1])
        rates = [
            donor,
            contributions["contribution_id"].to_list(),
            contributions["rate"].to_list(),
            contributions["rate_date"].to_list(),
        ]
        got = await frame(ACTIVITIES[0], rates, ACTIVITIES[1])
        want = await frame(before.FUNDED_ACTIVITIES[0], rates, before.FUNDED_ACTIVITIES[1])
        _equal(got, want, f"funded activities of donor {donor}")
        if donor is None:
            assert got.height > 0 and got["beneficiary_states"].null_count() < got.height


# activity_dates as first written (migration ta_2026_12_01_0501_partial_dates), before it
# was made inlinable (ta_2026_12_01_0801_activity_dates_inline).
DATES_BEFORE = """
CREATE FUNCTION pg_temp.activity_dates_before(a activity) RETURNS text LANGUAGE sql STABLE AS $$
    WITH d (s, e) AS (
        SELECT CASE WHEN a.actual_start IS NOT NULL OR a.actual_end IS NOT NULL
                    THEN partial_date_text(a.actual_start, a.actual_start_precision)
                    ELSE partial_date_text(a.planned_start, a.planned_start_precision) END,
               CASE WHEN a.actual_start IS NOT NULL OR a.actual_end IS NOT NULL
                    THEN partial_date_text(a.actual_end, a.actual_end_precision)
                    ELSE partial_date_text(a.planned_end, a.planned_end_precision) END)
    SELECT CASE
        WHEN s IS NULL AND e IS NULL THEN 'undated'
        WHEN e IS NULL AND a.status = 'ongoing' THEN s || ' to ongoing'
        WHEN e IS NULL OR e = s THEN coalesce(s, e)
        WHEN s IS NULL THEN e
        ELSE s || ' to ' || e END
    FROM d
$$"""


async def test_activity_dates_as_before() -> None:
    """The inlinable activity_dates gives the first version's text for every combination of
    actual/planned start and end (missing, day, month, year, equal) and status."""
    dates = [None, ("2008-06-10", "day"), ("2008-06-01", "month"), ("2008-01-01", "year")]
    cases = []
    for status in ("completed", "ongoing", "planned"):
        for a_start in dates:
            for a_end in [*dates, ("2008-06-10", "day")]:
                for p_start, p_end in [(None, None), (dates[2], dates[3]), (dates[1], None)]:
                    row: dict[str, str] = {"status": status}
                    given = {"actual_start": a_start, "actual_end": a_end,
                             "planned_start": p_start, "planned_end": p_end}  # fmt: skip
                    for name, value in given.items():
                        row[f"{name}_precision"] = value[1] if value else "day"
                        if value:
                            row[name] = value[0]
                    cases.append(row)
    async with sql.transaction():
        await sql.execute(DATES_BEFORE)
        rows = await sql.fetch(
            "SELECT activity_dates(a) AS now, pg_temp.activity_dates_before(a) AS before"
            " FROM jsonb_array_elements($1::jsonb) c,"
            " jsonb_populate_record(NULL::activity, c) a",
            cases,
        )
    assert len(rows) == len(cases) == 180
    assert [r["now"] for r in rows] == [r["before"] for r in rows]
    assert {"undated", "2008-06-10 to ongoing", "2008-06", "2008 to 2008-06-10"} <= {
        r["now"] for r in rows
    }
    # and the planner inlines it: no function call with the whole row per activity
    plan = "\n".join(
        r[0] for r in await sql.fetch("EXPLAIN VERBOSE SELECT activity_dates(a) FROM activity a")
    )
    assert "date_span_text" in plan and "activity_dates" not in plan
