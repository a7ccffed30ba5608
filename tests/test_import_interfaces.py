"""The importer's HTTP routes and CLI commands."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from click.testing import CliRunner

from importers.cli import import_command, template_command
from ta_manager.database import engine
from tests.fixtures.workbooks import row_counts, xlsx

HEADER = ["code", "country", "priority_area", "stated_on"]
GOOD = xlsx([HEADER, ["N-1", "Benin", "PA2", "01/07/2008"], ["N-2", "Chad", "PA3", None]])
BAD = xlsx([HEADER, ["N-1", "Benin", "PA2", "31/02/2008"], ["N-2", "Atlantis", "PA3", None]])


def _upload(data: bytes, name: str = "needs.xlsx") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "application/octet-stream")}


async def test_post_import_returns_the_summary(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/imports/needs", files=_upload(GOOD))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["new"], body["updated"], body["unchanged"], body["dry_run"]) == (2, 0, 0, False)
    assert [c["key"]["code"] for c in body["changes"]] == ["N-1", "N-2"]
    assert "created_ids" not in body


async def test_post_dry_run_writes_nothing(client: httpx.AsyncClient) -> None:
    before = await row_counts()
    response = await client.post(
        "/api/v1/imports/needs", files=_upload(GOOD), params={"dry_run": "true"}
    )
    assert response.status_code == 200
    assert response.json()["new"] == 2 and response.json()["dry_run"] is True
    assert await row_counts() == before


async def test_post_bad_file_lists_problems_and_links_the_marked_up_file(
    client: httpx.AsyncClient,
) -> None:
    before = await row_counts()
    response = await client.post("/api/v1/imports/needs", files=_upload(BAD))
    assert response.status_code == 422
    body = response.json()
    assert [(e["sheet"], e["row"], e["column"], e["value"]) for e in body["errors"]] == [
        ("Data", 2, "stated_on", "31/02/2008"),
        ("Data", 3, "country", "Atlantis"),
    ]
    assert await row_counts() == before

    marked = await client.get(body["errors_workbook"])
    assert marked.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(marked.content))
    sheet = book["Data"]
    assert sheet["D2"].fill.start_color.rgb.endswith("FFC7CE")
    assert "not a real date" in sheet["D2"].comment.text
    assert "unknown State" in sheet["B3"].comment.text
    assert sheet["A2"].comment is None
    problems = book["Import problems"]
    assert problems.max_row == 3


async def test_post_not_a_spreadsheet(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/imports/needs", files=_upload(b"%PDF-1.7 not a workbook", "x.xlsx")
    )
    assert response.status_code == 422
    assert "PDF" in response.json()["errors"][0]["reason"]
    assert (await client.get(response.json()["errors_workbook"])).status_code == 200


async def test_post_unknown_kind_and_missing_file(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/imports/spaceships", files=_upload(GOOD))).status_code == 404
    missing = await client.post("/api/v1/imports/needs", files={"other": ("x", b"x", "text/csv")})
    assert missing.status_code == 400


async def test_errors_workbook_ids_are_checked(client: httpx.AsyncClient) -> None:
    for name in ("..%2F..%2Fetc%2Fpasswd.xlsx", "nonexistent-id-0000.xlsx"):
        assert (await client.get(f"/api/v1/imports/errors/{name}")).status_code == 404


async def test_get_template(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/imports/exchange-rates/template")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["exchange-rates"][2]] == [
        "currency",
        "valid_on",
        "rate_to_usd",
        "source",
    ]


@pytest.fixture
def cli_database(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a CLI command open its own pool (on its own event loop) on the test database."""
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setattr(engine.DB, "pool", None)


def test_cli_import_dry_run_then_import(cli_database: None, tmp_path: Path) -> None:
    path = tmp_path / "needs.xlsx"
    path.write_bytes(GOOD)
    runner = CliRunner()
    dry = runner.invoke(import_command, ["needs", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 new, 0 updated, 0 unchanged. Dry run: nothing was written." in dry.output
    done = runner.invoke(import_command, ["needs", str(path)])
    assert done.exit_code == 0, done.output
    again = runner.invoke(import_command, ["needs", str(path)])
    assert "0 new, 0 updated, 2 unchanged." in again.output


def test_cli_import_failure_writes_the_errors_workbook(cli_database: None, tmp_path: Path) -> None:
    path = tmp_path / "needs.xlsx"
    path.write_bytes(BAD)
    out = tmp_path / "errors.xlsx"
    result = CliRunner().invoke(import_command, ["needs", str(path), "--errors-out", str(out)])
    assert result.exit_code == 1
    assert "rejected, nothing was written" in result.output
    assert "row 2 column stated_on" in result.output
    book = openpyxl.load_workbook(out)
    assert "unknown State" in book["Data"]["B3"].comment.text


def test_cli_template(cli_database: None, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(template_command, ["cost_norms", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["cost-norms", "Instructions"]


async def test_large_files_get_a_rewritten_errors_workbook(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above LARGE rows the marked-up file is rewritten in constant memory: same cells,
    text stays text, bad cells filled and commented."""
    from importers import error_workbook

    monkeypatch.setattr(error_workbook, "LARGE", 1)
    rows = [HEADER, ["N-1", "Benin", "PA2", "31/02/2008"], ["N-2", "=Atlantis", "PA3", None]]
    response = await client.post("/api/v1/imports/needs", files=_upload(xlsx(rows)))
    assert response.status_code == 422
    marked = await client.get(response.json()["errors_workbook"])
    book = openpyxl.load_workbook(io.BytesIO(marked.content))
    assert book.sheetnames == ["Import problems", "Data"]
    sheet = book["Data"]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["B3"].value == "=Atlantis" and sheet["B3"].data_type == "s"
    assert "not a real date" in sheet["D2"].comment.text
    assert "unknown State" in sheet["B3"].comment.text
    assert sheet["D2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert book["Import problems"].max_row == 3


async def test_who_may_import(client_as: Any) -> None:
    """An import needs the write roles of its kind, as creating the records would."""
    viewer = await client_as("viewer")
    assert (await viewer.post("/api/v1/imports/needs", files=_upload(GOOD))).status_code == 403
    assert (await viewer.get("/api/v1/imports/needs/template")).status_code == 403
    officer = await client_as("officer")
    ratification = xlsx([["country", "instrument", "deposited_on"], ["BEN", "UNTOC", "2004-08-30"]])
    refused = await officer.post("/api/v1/imports/ratifications", files=_upload(ratification))
    assert refused.status_code == 403
    assert (await officer.post("/api/v1/imports/needs", files=_upload(GOOD))).status_code == 200
    secretariat = await client_as("secretariat")
    assert (await secretariat.post("/api/v1/imports/needs", files=_upload(GOOD))).status_code == 403
    norms = xlsx(
        [["item", "unit", "unit_cost", "currency", "year"], ["dsa", "day", 250, "USD", 2009]]
    )
    allowed = await secretariat.post("/api/v1/imports/cost-norms", files=_upload(norms))
    assert allowed.status_code == 200, allowed.text


async def test_marked_up_files_are_their_uploaders_only(client_as: Any) -> None:
    first = await client_as("officer")
    second = await client_as("officer")
    link = (await first.post("/api/v1/imports/needs", files=_upload(BAD))).json()["errors_workbook"]
    assert (await first.get(link)).status_code == 200
    assert (await second.get(link)).status_code == 404


async def test_uploads_above_the_api_body_limit_reach_the_importer(
    client: httpx.AsyncClient,
) -> None:
    """The import route accepts files up to TA_IMPORT_MAX_BYTES (50 MB), above the API's
    general 10 MB body limit; an 11 MB file of noise is judged by the importer."""
    noise = os.urandom(11 * 1024 * 1024)
    response = await client.post("/api/v1/imports/needs", files=_upload(noise))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "needs.xlsx: nothing was written; the file is not a readable workbook (.xlsx);"
        " it may be damaged"
    )


async def test_marked_up_file_points_at_formula_cells(client: httpx.AsyncClient) -> None:
    data = xlsx([HEADER, ["N-1", "Benin", "PA2", None]], formulas={"D2": "=TODAY()"})
    body = (await client.post("/api/v1/imports/needs", files=_upload(data))).json()
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "stated_on")]
    book = openpyxl.load_workbook(io.BytesIO((await client.get(body["errors_workbook"])).content))
    assert "formula" in book["Data"]["D2"].comment.text
    assert book["Data"]["D2"].value == "=TODAY()"  # the officer's own file, formula kept


async def test_marked_up_file_of_a_csv(client: httpx.AsyncClient) -> None:
    data = b"\xef\xbb\xbfcode;country;priority_area;description\nN-1;Atlantis;PA2;=1+1\n"
    body = (await client.post("/api/v1/imports/needs", files=_upload(data, "n.csv"))).json()
    book = openpyxl.load_workbook(io.BytesIO((await client.get(body["errors_workbook"])).content))
    sheet = book["csv"]
    assert [c.value for c in sheet[1]] == ["code", "country", "priority_area", "description"]
    assert sheet["D2"].value == "=1+1" and sheet["D2"].data_type == "s"
    assert "unknown State" in sheet["B2"].comment.text
