"""Needs-to-activity matrix: data, workbook and API on the hand-built fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reports.matrix import MatrixFilters, build_matrix, matrix_json
from reports.matrix_workbook import write_matrix
from reports.workbook import sheet_name
from ta_manager.activities.service import ActivityService
from ta_manager.errors import InvalidInput
from tests.test_report_fixture import build_fixture


async def test_matrix_cells_and_candidates() -> None:
    await build_fixture()
    m = await build_matrix(MatrixFilters())
    data = matrix_json(m)
    states = {s["iso3"]: s for s in data["states"]}
    assert set(states) == {"BEN", "TCD", "MLI", "NER", "COL"}
    assert states["BEN"]["priority_areas"]["PA2"]["status"] == "met"
    assert states["TCD"]["priority_areas"]["PA3"]["status"] == "partly"
    assert states["MLI"]["priority_areas"]["PA3"]["status"] == "unmet"
    assert "PA1" not in states["BEN"]["priority_areas"]
    needs = {n["code"]: n for n in data["needs"]}
    assert needs["N-COL-CAP"]["candidates"] == "A-WS-LAC"
    assert needs["N-BEN-LEG"]["answered_by"] == "A-LEG-BEN"


def _sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in book[name].iter_rows(values_only=True)]


async def test_matrix_workbook(tmp_path: Path) -> None:
    await build_fixture()
    path = tmp_path / "matrix.xlsx"
    write_matrix(await build_matrix(MatrixFilters()), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "About",
        "By priority area",
        "By assistance type",
        "Needs",
        "Need activities",
        "Regional activities",
        "Summary",
    ]
    grid = book["By priority area"]
    assert grid.freeze_panes == "D2"
    header = [c.value for c in grid[1]]
    pa2, pa3 = (
        header.index("Criminal justice responses (PA2)"),
        next(i for i, h in enumerate(header) if h and h.endswith("(PA3)")),
    )
    rows = {r[2]: r for r in grid.iter_rows(min_row=2, values_only=True) if r[2]}
    assert rows["BEN"][pa2] == "met (1)"
    assert rows["TCD"][pa3] == "partly met (1)"
    assert rows["MLI"][pa3] == "unmet (0)"
    assert rows["BEN"][pa3] in (None, "")  # no stated need
    region_rows = [r[0] for r in grid.iter_rows(min_row=2, values_only=True) if not r[2]]
    assert "Western Africa (AFR-W)" in region_rows
    ben_cell = next(c for c in grid["C"] if c.value == "BEN").row
    assert grid.cell(ben_cell, pa2 + 1).fill.fgColor.rgb.endswith("C6EFCE")

    types = book["By assistance type"]
    header = [c.value for c in types[1]]
    rows = {r[2]: r for r in types.iter_rows(min_row=2, values_only=True) if r[2]}
    leg = next(i for i, h in enumerate(header) if h and h.endswith("(PA2-LEG)"))
    eqp = next(i for i, h in enumerate(header) if h and h.endswith("(PA3-EQP)"))
    assert rows["BEN"][leg] == "met (1)" and rows["TCD"][eqp] == "partly met (1)"

    needs = book["Needs"]
    assert needs.freeze_panes == "C2" and needs.auto_filter.ref
    head = [c.value for c in needs[1]]
    by_code = {r[2]: dict(zip(head, r, strict=True)) for r in needs.iter_rows(2, values_only=True)}
    assert set(by_code) == {"N-BEN-LEG", "N-TCD-EQP", "N-MLI-EQP", "N-NER-TRN", "N-COL-CAP"}
    assert by_code["N-COL-CAP"]["Candidates (most recent)"] == "A-WS-LAC"
    assert by_code["N-COL-CAP"]["Coverage"] == "unmet"
    assert by_code["N-TCD-EQP"]["Answering activities: title (type, dates, status)"] == (
        "A-WS-PLAN: Workshop for central authorities of Chad (workshop, 1 Feb 2009 to"
        " 3 Feb 2009, planned)"
    )
    assert by_code["N-BEN-LEG"]["Stated on"] == dt.datetime(2008, 3, 1)
    assert by_code["N-NER-TRN"]["Description"] == "-SUM(A1)"  # text, not a formula
    ner = next(c for c in needs["C"] if c.value == "N-NER-TRN").row
    assert needs.cell(ner, 10).data_type == "s" and needs.cell(ner, 10).quotePrefix

    links = _sheet_rows(path, "Need activities")
    assert ("N-COL-CAP", "candidate", "A-WS-LAC") in {(r[0], r[4], r[5]) for r in links[1:]}
    assert ("N-TCD-EQP", "answers", "A-WS-PLAN") in {(r[0], r[4], r[5]) for r in links[1:]}
    assert "A-CANC" not in {r[5] for r in links[1:]}

    regional = _sheet_rows(path, "Regional activities")
    head = regional[0]
    lac = [dict(zip(head, r, strict=True)) for r in regional[1:]]
    assert {r["Activity"] for r in lac} == {"A-WS-LAC"}  # the only non-national activity
    by_region = {r["Region"]: r["States in the region"] for r in lac}
    assert sum(by_region.values()) == 20
    assert by_region["South America (AMR-S)"] == 10
    south = next(r for r in lac if r["Region"] == "South America (AMR-S)")
    assert south["Candidate for"] == "N-COL-CAP" and south["Answers needs"] is None

    summary = _sheet_rows(path, "Summary")
    assert summary[2][:6] == (None, "all needs", 5, 1, 1, 3)
    pa3_row = next(r for r in summary if r[0] == "PA3")
    assert pa3_row[2:6] == (3, 0, 1, 2) and abs(pa3_row[7] - 1 / 3) < 1e-9
    about = _sheet_rows(path, "About")
    assert about[0][0] == "Needs-to-activity matrix"
    assert {r[0] for r in about} >= {"Generated at", "Data as of", "Filters"}


async def test_matrix_filters_and_empty_result(tmp_path: Path) -> None:
    await build_fixture()
    m = await build_matrix(MatrixFilters(region=["LAC"], stated_from=dt.date(2010, 1, 1)))
    assert m.needs.is_empty()
    # the region's States are still listed, with no stated need
    assert "COL" in m.states["iso3"].to_list()
    write_matrix(m, tmp_path / "empty.xlsx")
    about = _sheet_rows(tmp_path / "empty.xlsx", "About")
    assert ("region", "LAC") in {r[:2] for r in about}
    with pytest.raises(InvalidInput, match="priority_area"):
        await build_matrix(MatrixFilters(priority_area=["PA9"]))
    with pytest.raises(InvalidInput, match="stated_from"):
        await build_matrix(
            MatrixFilters(stated_from=dt.date(2009, 1, 1), stated_to=dt.date(2008, 1, 1))
        )


async def test_progress_is_reported_while_writing(tmp_path: Path) -> None:
    await build_fixture()
    calls: list[tuple[str, int, int]] = []

    def progress(step: str, done: int, total: int) -> None:
        calls.append((step, done, total))

    write_matrix(await build_matrix(MatrixFilters()), tmp_path / "m.xlsx", progress)
    assert ("Needs", 5, 5) in calls  # each table reports its rows when done
    assert ("Regional activities", 3, 3) in calls  # the LAC workshop in its 3 sub-regions


def test_sheet_names_are_valid_and_unique() -> None:
    taken = ["PA2 Criminal justice responses"]
    assert sheet_name("PA2 Criminal justice responses", taken) == "PA2 Criminal justice… (2)"
    # cut at a word, never mid-word, without a dangling "of the"
    assert sheet_name("PA5 Implementation of the Protocol against smuggling") == (
        "PA5 Implementation…"
    )
    assert sheet_name("Needs", ["needs"]) == "Needs (2)"
    assert sheet_name("a/b:c*d?[e]") == "a-b-c-d--e-"
    assert len(sheet_name("x" * 40)) == 31


async def test_candidates_come_from_other_priority_areas_when_the_type_matches() -> None:
    """Niger needs PA2-TRN training; a training of that type filed under the corruption area
    is a candidate; one of another type, or of the area but with no type, is not."""
    await build_fixture()
    activities = ActivityService()
    base = {"type": "training", "status": "completed", "beneficiary_countries": ["NER"]}
    await activities.create(
        {
            **base,
            "code": "A-TRN-AC2",
            "title": "Training of investigators, prosecutors and judges",
            "actual_start": dt.date(2008, 11, 3),
            "priority_areas": ["AC2"],
            "assistance_types": ["PA2-TRN", "AC2-TRN"],
            "participants_total": 30,
            "participants_by_profession": {"investigator": 12, "prosecutor": 10, "judge": 8},
        }
    )
    await activities.create(
        {**base, "code": "A-TRN-OTHER", "title": "Other type", "priority_areas": ["PA2"],
         "assistance_types": ["AC2-TRN"]}
    )  # fmt: skip
    await activities.create(
        {**base, "code": "A-TRN-UNTYPED", "title": "No type", "priority_areas": ["PA2"]}
    )
    needs = {n["code"]: n for n in matrix_json(await build_matrix(MatrixFilters()))["needs"]}
    assert needs["N-NER-TRN"]["candidates"] == "A-TRN-AC2"
    assert needs["N-COL-CAP"]["candidates"] == "A-WS-LAC"  # the same-area rule still holds
    stored = await activities.page(limit=100)
    by_code = {a["code"]: a for a in stored.items}
    assert by_code["A-TRN-AC2"]["participants_by_profession"]["investigator"] == 12
