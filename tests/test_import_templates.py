"""Templates: header, instructions, drop-downs, an example row; filled in and imported as
they are, they succeed, and the API then returns the same records."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import httpx
import openpyxl
import pytest

from importers import cells
from importers.kinds import KINDS
from importers.service import import_file
from importers.templates import template
from ta_manager.database import sql
from ta_manager.records import sources
from ta_manager.reference.services import OrganizationService

API_PATH = {k: k for k in KINDS}


def _filled(data: bytes, kind: str, extra: dict[str, Any]) -> bytes:
    """The template with one more row typed below the example, as an officer would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[kind]
    header = [c.value for c in sheet[2]]  # the hidden row of field names
    sheet.append([extra.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXTRA_ROWS: dict[str, dict[str, Any]] = {
    "needs": {
        "code": "N-TCD-PA3",
        "country": "Chad",
        "priority_area": "PA3",
        "assistance_type": "PA3-EQP",
        "stated_on": "2008",
        "description": "Basic equipment for the central authority (footnote 16)",
    },
    "activities": {
        "code": "A-2008-DAK",
        "title": "Workshop on mutual legal assistance",
        "type": "workshop",
        "actual_start": "March 2008",
        "sources": "CTOC/COP/2008/16 para 9; E/CN.15/2009/8 fn 10",
        "beneficiary_countries": "SEN; Mali; Côte d'Ivoire",
        "scope": "regional",
    },
    "projects": {
        "code": "XAW-T20",
        "title": "West Africa project",
        "budget": "250,000.50",
        "countries": "BEN; TGO",
    },
    "contributions": {
        "code": "C-2009-002",
        "donor": "NOR",
        "amount": 1000,
        "currency": "USD",
        "status": "received",
        "pledged_on": "01.02.2009",
        "sources": "E/CN.15/2009/8 fn 11",
        "received_on": "2009-03-01",
    },
    "exchange-rates": {"currency": "GBP", "valid_on": dt.date(2009, 1, 1), "rate_to_usd": 1.45},
    "cost-norms": {
        "item": "air_ticket",
        "unit": "trip",
        "unit_cost": "1,200",
        "currency": "USD",
        "year": 2009,
        "region": "AFR",
    },
    "ratifications": {
        "country": "Bolivarian Republic of Venezuela",
        "instrument": "TIP",
        "deposited_on": "13/05/2002",
    },
    "funding-needs": {
        "code": "FN-2008-PA5",
        "title": "Funding for technical assistance against the smuggling of migrants",
        "kind": "funding_gap",
        "priority_area": "PA5",
        "stated_on": "August 2008",
        "sources": 'CTOC/COP/2008/16 para 65 "limited to date because of a lack of funding"',
    },
    "instrument-status": {
        "instrument": "UNCAC",
        "as_of": "08/01/2009",
        "parties": 129,
        "document": "E/CN.15/2009/8",
        "paragraph": "53",
    },
    "organizations": {
        "code": "INTERPOL",
        "name": "International Criminal Police Organization",
        "roles": "partner",
    },
}


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_template_filled_in_imports_and_reads_back(
    kind: str, client: httpx.AsyncClient
) -> None:
    await OrganizationService().create({"code": "NOR", "name": "Norway", "roles": ["donor"]})
    data = await template(kind)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == [kind, "Instructions"]
    sheet = book[kind]
    header = [c.value for c in sheet[2]]
    assert header == list(KINDS[kind].file_columns)
    assert sheet.row_dimensions[2].hidden  # field names hidden, headers in words above them
    shown = [c.value for c in sheet[1]]
    assert all("_" not in h and h[:1].isupper() for h in shown), shown
    assert all(c.comment.text.startswith(f"{h}: ") for c, h in zip(sheet[1], header, strict=True))
    assert sheet.freeze_panes == "B3" and sheet.print_title_rows == "$1:$1"

    filled = _filled(data, kind, EXTRA_ROWS[kind])
    summary = await import_file(kind, filled, f"{kind}.xlsx")
    assert (summary.new, summary.updated, summary.unchanged) == (2, 0, 0)

    listed = (await client.get(f"/api/v1/{API_PATH[kind]}", params={"limit": 10})).json()
    assert listed["total"] == 2 + (1 if kind == "organizations" else 0)
    example = {h: c.value for h, c in zip(header, book[kind][3], strict=True) if c.value}
    assert example.keys() == KINDS[kind].example.keys()
    for values in (example, EXTRA_ROWS[kind]):
        record = _find(listed["items"], kind, values)
        assert record is not None, (values, listed["items"])

    again = await import_file(kind, filled, f"{kind}.xlsx")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


ISO3 = {
    "Benin": "BEN",
    "Chad": "TCD",
    "Colombia": "COL",
    "Peru": "PER",
    "SEN": "SEN",
    "Mali": "MLI",
    "Côte d'Ivoire": "CIV",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "BEN": "BEN",
    "TGO": "TGO",
    "Bolivarian Republic of Venezuela": "VEN",
}


def _find(items: list[dict[str, Any]], kind: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """The stored record whose every field equals what was typed in the row."""
    columns = KINDS[kind].columns
    for item in items:
        if all(_same(columns[f].parse, columns[f].multi, item[f], v) for f, v in values.items()):
            return item
    return None


def _same(parse: str, multi: bool, stored: Any, typed: Any) -> bool:
    if multi:
        parts = [p.strip() for p in str(typed).split(";")]
        if parse == "country":
            parts = [ISO3[p] for p in parts]
        return sorted(str(s).upper() for s in stored) == sorted(p.upper() for p in parts)
    if parse == "country":
        return bool(stored == ISO3[typed])
    if parse == "date":
        return bool(stored == cells.date(typed).isoformat())
    if parse == "partial_date":
        return bool(stored == cells.partial_date(typed).text)
    if parse == "sources":
        return bool(stored == sources.parse(str(typed)))
    if parse in ("number", "integer") or (parse == "choice" and isinstance(typed, int)):
        return Decimal(str(stored)) == cells.number(typed)
    return str(stored).upper() == str(typed).upper()


async def test_template_has_drop_downs_and_instructions() -> None:
    await OrganizationService().create({"code": "OAS", "name": "OAS", "roles": ["partner"]})
    await sql.execute("INSERT INTO project (code, title) VALUES ('XAW-T20', 'West Africa')")
    book = openpyxl.load_workbook(io.BytesIO(await template("activities")))
    sheet = book["activities"]
    header = [c.value for c in sheet[2]]
    rules = {str(r.sqref): r for r in sheet.data_validations.dataValidation}
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(header)}

    def rule(name: str) -> Any:
        return rules[f"{letter[name]}3:{letter[name]}5000"]

    status = rule("status").formula1
    assert status == '"proposed,planned,approved,ongoing,completed,cancelled"'
    assert rule("type").formula1.startswith("Lists!")
    assert rule("cost_currency").formula1.startswith("Lists!")
    # every coded column has its drop-down; several values (';') may still be typed
    for coded in ("priority_areas", "assistance_types", "partners", "donors", "project"):
        assert rule(coded).formula1.startswith("Lists!"), coded
    assert rule("partners").errorStyle == "information" and rule("type").errorStyle == "stop"
    lists = book["Lists"]
    assert lists.sheet_state == "visible" and lists["A1"].value == "Activity type"
    types = [c.value for c in lists["A"]] + [c.value for c in lists["B"]]
    assert "workshop" in types
    instructions = "\n".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "day first" in instructions and "';'" in instructions


async def test_contribution_template_offers_only_currencies_with_a_rate() -> None:
    book = openpyxl.load_workbook(io.BytesIO(await template("contributions")))
    lists = book["Lists"]
    columns = {lists.cell(row=1, column=c).value: c for c in range(1, lists.max_column + 1)}
    currencies = [
        lists.cell(row=r, column=columns["Currency"]).value for r in range(2, lists.max_row + 1)
    ]
    assert [c for c in currencies if c] == ["USD"]
