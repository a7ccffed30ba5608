"""Reading what officers type: dates, numbers, codes, States, header rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from importers import cells
from importers.cells import CellError
from importers.countries import CountryMatcher
from importers.reading import column_letter, normalise_label, read_table
from tests.fixtures.workbooks import csv_bytes, xlsx


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (dt.date(2024, 2, 1), dt.date(2024, 2, 1)),
        (dt.datetime(2024, 2, 1, 0, 0), dt.date(2024, 2, 1)),
        (45323.0, dt.date(2024, 2, 1)),  # Excel serial
        ("45323", dt.date(2024, 2, 1)),
        ("2024-02-01", dt.date(2024, 2, 1)),
        ("01/02/2024", dt.date(2024, 2, 1)),  # day first
        ("1/2/24", dt.date(2024, 2, 1)),
        ("01.02.2024", dt.date(2024, 2, 1)),
        ("1 February 2024", dt.date(2024, 2, 1)),
        ("1 Feb. 2024", dt.date(2024, 2, 1)),
        ("12th September 2007", dt.date(2007, 9, 12)),
        ("1 février 2024", dt.date(2024, 2, 1)),
    ],
)
def test_dates(typed: Any, expected: dt.date) -> None:
    assert cells.date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31/02/2024", "not a real date"),
        ("2024-13-01", "not a real date"),
        ("next week", "is not a date"),
        ("1 Brumaire 2024", "unknown month"),
        (1.5, "is not a date"),
        (True, "is not a date"),
    ],
)
def test_bad_dates(typed: Any, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        cells.date(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (1500.0, Decimal(1500)),
        (0.1, Decimal("0.1")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1 234 567,89", Decimal("1234567.89")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("1'234'567.89", Decimal("1234567.89")),
        ("12,000", Decimal(12000)),
        ("2,5", Decimal("2.5")),
        ("-5", Decimal(-5)),
        ("(200)", Decimal(-200)),
    ],
)
def test_numbers(typed: Any, expected: Decimal) -> None:
    assert cells.number(typed) == expected


@pytest.mark.parametrize("typed", ["12 dollars", "NaN", "Infinity", "", True])
def test_bad_numbers(typed: Any) -> None:
    with pytest.raises(CellError):
        cells.number(typed)


def test_integers_text_and_lists() -> None:
    assert cells.integer(30.0) == 30
    with pytest.raises(CellError, match="whole number"):
        cells.integer("2.5")
    assert cells.text(2008.0) == "2008"
    assert cells.text("=SUM(A1)") == "=SUM(A1)"
    assert cells.split_multi("BEN; TCD;;GAB\nBEN") == ["BEN", "TCD", "GAB"]
    assert cells.choice("Legal advisory", ("workshop", "legal_advisory")) == "legal_advisory"
    with pytest.raises(CellError, match="one of workshop"):
        cells.choice("party", ("workshop", "training"))
    assert cells.boolean("yes") is True and cells.boolean(0.0) is False


async def test_state_names() -> None:
    matcher = await CountryMatcher.load()
    typed = {
        "Venezuela (Bolivarian Republic of)": "VEN",
        "Bolivarian Republic of Venezuela": "VEN",
        "Iran (Islamic Republic of)": "IRN",
        "Czech Republic": "CZE",
        "Czechia": "CZE",
        "bj": "BEN",
        "ben": "BEN",
        "Côte d'Ivoire": "CIV",
        "Ivory Coast": "CIV",
        "Democratic Republic of the Congo": "COD",
        "Congo": "COG",
        "Niger": "NER",
        "Nigeria": "NGA",
        "United Republic of Tanzania": "TZA",
        "  Benin ": "BEN",
    }
    assert {name: matcher.iso3(name) for name in typed} == typed
    with pytest.raises(CellError, match=r"closest: Benin \(BEN\)"):
        matcher.iso3("Benim")
    with pytest.raises(CellError, match="unknown State"):
        matcher.iso3("Atlantis")


def test_state_name_matching_more_than_one_is_ambiguous() -> None:
    matcher = CountryMatcher(
        [
            {"iso2": "NE", "iso3": "NER", "name": "Niger", "official_name": ""},
            {"iso2": "NG", "iso3": "NGA", "name": "Nigeria", "official_name": ""},
        ]
    )
    with pytest.raises(CellError, match="ambiguous State name"):
        matcher.iso3("Niger and Nigeria")


def test_header_row_below_a_title_and_labels_normalised() -> None:
    data = xlsx(
        [["Code", "Country (ISO-3 or name)", "Priority area*"], ["N-1", "BEN", "PA2"]],
        above=[["Needs 2008"], []],
    )
    table = read_table(data, "n.xlsx", {"code", "country", "priority_area"})
    assert table.header_row == 3
    assert table.fields == {"code": 0, "country": 1, "priority_area": 2}
    assert table.rows == [["N-1", "BEN", "PA2"]]
    assert table.row_number(0) == 4
    assert normalise_label("Beneficiary countries (ISO-3)") == "beneficiary_countries"
    assert column_letter(0) == "A" and column_letter(27) == "AB"


def test_csv_delimiters() -> None:
    known = {"code", "description"}
    semi = read_table(csv_bytes([["code", "description"], ["N-1", "a, b"]], ";"), "x.csv", known)
    comma = read_table(csv_bytes([["code", "description"], ["N-1", "a; b"]], ","), "x.csv", known)
    assert semi.delimiter == ";" and semi.rows == [["N-1", "a, b"]]
    assert comma.delimiter == "," and comma.rows == [["N-1", "a; b"]]
