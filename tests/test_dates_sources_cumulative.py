"""Pure rules: partial dates and their intervals, citations in cells, cumulative figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from importers.cells import CellError, partial_date
from ta_manager.database import sql
from ta_manager.funding.cumulative import Figure, superseded
from ta_manager.records import sources
from ta_manager.records.partial_dates import NotADate, PartialDate, describe, end_before_start

D = dt.date


@pytest.mark.parametrize(
    ("typed", "text", "first", "last"),
    [
        ("May 2008", "2008-05", D(2008, 5, 1), D(2008, 5, 31)),
        ("mai 2008", "2008-05", D(2008, 5, 1), D(2008, 5, 31)),
        ("mayo de 2008", "2008-05", D(2008, 5, 1), D(2008, 5, 31)),
        ("février 2008", "2008-02", D(2008, 2, 1), D(2008, 2, 29)),
        ("Sept. 2008", "2008-09", D(2008, 9, 1), D(2008, 9, 30)),
        ("2019", "2019", D(2019, 1, 1), D(2019, 12, 31)),
        (2019, "2019", D(2019, 1, 1), D(2019, 12, 31)),
        ("2008-05", "2008-05", D(2008, 5, 1), D(2008, 5, 31)),
        ("05/2008", "2008-05", D(2008, 5, 1), D(2008, 5, 31)),
        ("10/06/2008", "2008-06-10", D(2008, 6, 10), D(2008, 6, 10)),  # day first
        ("12 June 2008", "2008-06-12", D(2008, 6, 12), D(2008, 6, 12)),
        ("1er mai 2008", "2008-05-01", D(2008, 5, 1), D(2008, 5, 1)),
        (D(2008, 6, 10), "2008-06-10", D(2008, 6, 10), D(2008, 6, 10)),
    ],
)
def test_cells_keep_the_precision_typed(
    typed: object, text: str, first: dt.date, last: dt.date
) -> None:
    value = partial_date(typed)
    assert (value.text, value.first, value.last) == (text, first, last)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2019-13", "there is no month 13"),
        ("13/2008", "there is no month 13"),
        ("Brumaire 2008", "unknown month name"),
        ("31/02/2008", "is not a real date"),
        ("soon", "is not a date: use a year"),
    ],
)
def test_cells_that_are_not_dates(typed: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        partial_date(typed)


def test_partial_dates_compare_at_their_precision() -> None:
    assert PartialDate.parse("2008-06").last == D(2008, 6, 30)
    with pytest.raises(NotADate, match="month 13"):
        PartialDate.parse("2019-13")
    june = {"s": D(2008, 6, 1), "s_precision": "month"}
    assert end_before_start({**june, "e": D(2008, 6, 10)}, "s", "e") == []
    (error,) = end_before_start({**june, "e": D(2008, 5, 31)}, "s", "e")
    assert (error.field, error.reason, error.value) == ("e", "is before s (2008-06)", "2008-05-31")
    year = PartialDate.year(2004)
    assert describe(year, None, open_end=True) == "2004 to ongoing"
    assert describe(None, None, open_end=False) == "undated"


async def test_sql_agrees_with_python_on_intervals() -> None:
    for value in ("2008", "2008-02", "2009-02", "2008-06-10"):
        p = PartialDate.parse(value)
        row = await sql.fetchrow(
            "SELECT partial_date_end($1, $2) AS last, partial_date_text($1, $2) AS text",
            p.first,
            p.precision,
        )
        assert row is not None and (row["last"], row["text"]) == (p.last, p.text)


def test_citations_in_cells_round_trip() -> None:
    cell = (
        'CTOC/COP/2008/16 para 9 "held in Senegal in June 2008; 20 States";\n'
        "CTOC/COP/2008/16 footnote 17\nE/CN.15/2009/8 paras 26; CTOC/COP/2008/CRP.5"
    )
    parsed = sources.parse(cell)
    assert parsed == [
        {
            "document": "CTOC/COP/2008/16",
            "paragraph": "9",
            "footnote": "",
            "quote": "held in Senegal in June 2008; 20 States",
        },
        {"document": "CTOC/COP/2008/16", "paragraph": "", "footnote": "17", "quote": ""},
        {"document": "E/CN.15/2009/8", "paragraph": "26", "footnote": "", "quote": ""},
        {"document": "CTOC/COP/2008/CRP.5", "paragraph": "", "footnote": "", "quote": ""},
    ]
    assert sources.parse(sources.format_all(parsed)) == parsed
    with pytest.raises(sources.NotACitation, match="names no document"):
        sources.parse("para 9")


def _figure(n: int, start: int, end: int | None, amount: str, fund: str = "NOR") -> Figure:
    return Figure(
        n,
        f"C-{n}",
        fund,
        D(start, 1, 1),
        D(end, 12, 31) if end else None,
        Decimal(amount),
    )


def test_overlapping_cumulative_figures_are_never_added() -> None:
    today = D(2010, 6, 30)
    four_years = _figure(1, 2005, 2008, "4000000")
    since_2005 = _figure(2, 2005, None, "5500000")  # "since 2005", up to the report's date
    # the total running longest counts, the other is superseded
    assert superseded([four_years, since_2005], today) == {1: "C-2"}
    # periods that do not overlap both count; other donors' figures are apart
    assert superseded([_figure(3, 2005, 2006, "1"), _figure(4, 2007, 2008, "1")], today) == {}
    assert superseded([four_years, _figure(5, 2005, None, "1", fund="SWE")], today) == {}
    # a chain: 2009-2010 overlaps "since 2005"; 2005-2006 too: only "since 2005" counts
    chain = [_figure(6, 2009, 2010, "1"), since_2005, _figure(7, 2005, 2006, "1")]
    assert superseded(chain, today) == {6: "C-2", 7: "C-2"}
