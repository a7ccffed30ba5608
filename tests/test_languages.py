"""Choosing the language (docs/languages.md): ?lang=, --lang, the user's preference,
Accept-Language, English; pages, API files, CLI files and jobs speak the one chosen."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from ta_manager.accounts import users
from ta_manager.database import sql
from ta_manager.errors import InvalidInput
from ta_manager.locale import UnknownLanguage, choose_language
from tests.test_report_fixture import build_fixture
from tests.ui_session import browser

ROOT = Path(__file__).parents[1]
CLI = [sys.executable, "-m", "ta_manager.cli.main"]
XLSX_TEXT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_order_of_choice() -> None:
    assert choose_language() == "en"
    assert choose_language("FR", "es", "es") == "fr"  # asked beats everything
    assert choose_language(None, "es", "fr-FR,fr;q=0.9") == "es"  # then the preference
    assert choose_language(None, None, "de-DE,es;q=0.8,en;q=0.5") == "es"  # quality order
    assert choose_language(None, None, "fr-SN") == "fr"
    assert choose_language(None, None, "de, it") == "en"
    with pytest.raises(UnknownLanguage, match="choose from en, fr, es"):
        choose_language("de")


async def test_priority_areas_and_types_have_their_three_names(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/priority-areas", params={"q": "PA2"})
    assert r.status_code == 200, r.text
    pa2 = next(p for p in r.json()["items"] if p["code"] == "PA2")
    assert pa2["name_fr"] == "Réponses de la justice pénale"
    assert pa2["name_es"] == "Respuestas de la justicia penal"
    blank = await sql.fetchval(
        "SELECT count(*) FROM assistance_type WHERE name_fr = '' OR name_es = ''"
    )
    assert blank == 0


async def test_a_page_in_french_by_query_header_and_preference(app: Any, client: Any) -> None:
    b = await browser(app, "officer")
    try:
        r = await b.get("/?lang=fr")
        assert '<html lang="fr">' in r.text and "Tableau de bord" in r.text
        r = await b.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
        assert '<html lang="fr">' in r.text and "Se déconnecter" in r.text
        r = await b.get("/?lang=xx")  # an unknown language on a page: ignored
        assert '<html lang="en">' in r.text
        # The switch keeps the choice on the account; the browser's header no longer decides.
        await b.get("/activities")
        r = await b.post("/language", {"language": "es", "next": "/activities?page=1"})
        assert r.status_code == 303 and r.headers["location"] == "/activities?page=1"
        assert (await users.find_user(b.email))["language"] == "es"
        r = await b.get("/activities", headers={"Accept-Language": "fr"})
        assert '<html lang="es">' in r.text and "Actividades" in r.text
        r = await b.get("/admin")
        assert '<option value="es" lang="es" selected>' in r.text and "Mi idioma" in r.text
        r = await b.post("/language", {"language": "", "next": "//evil.example/"})
        assert r.headers["location"] == "/"
        assert (await users.find_user(b.email))["language"] is None
    finally:
        await b.aclose()


async def test_api_files_in_spanish(client: httpx.AsyncClient) -> None:
    await build_fixture()
    r = await client.get("/api/v1/reports/matrix", params={"region": "WCA", "lang": "es"})
    assert r.status_code == 200, r.text
    body = r.json()
    names = {s["iso3"]: s["country_name"] for s in body["states"]}
    assert names["NER"] == "Níger"
    regions = {s["iso3"]: s["region_name"] for s in body["states"]}
    assert regions["NER"] == "África occidental"  # the UN's M49 name
    areas = {p["code"]: p["name"] for p in body["priority_areas"]}
    assert areas["PA3"] == "Cooperación internacional y autoridades centrales"
    r = await client.get("/api/v1/reports/matrix.xlsx", params={"region": "WCA", "lang": "es"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(XLSX_TEXT)
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    cells = {c for ws in book for row in ws.iter_rows(values_only=True) for c in row if c}
    assert "Níger" in cells and "Niger" not in cells
    r = await client.get("/api/v1/reports/matrix.xlsx", params={"lang": "de"})
    assert r.status_code == 400 and "lang" in r.text
    r = await client.get("/api/v1/imports/needs/template", params={"lang": "fr"})
    assert r.status_code == 200, r.text
    lists = openpyxl.load_workbook(io.BytesIO(r.content))["Lists"]
    values = {c for row in lists.iter_rows(values_only=True) for c in row if c}
    assert "Bolivie (État plurinational de)" in values


async def test_the_users_preference_chooses_the_file_language(client_as: Any) -> None:
    await build_fixture()
    c = await client_as("secretariat")
    r = await c.patch("/api/v1/auth/me", json={"language": "fr"})
    assert r.status_code == 200 and r.json()["language"] == "fr", r.text
    r = await c.get("/api/v1/reports/matrix", params={"region": "WCA"})
    assert {s["iso3"]: s["country_name"] for s in r.json()["states"]}["TCD"] == "Tchad"
    r = await c.get("/api/v1/reports/matrix", params={"region": "WCA", "lang": "en"})
    assert {s["iso3"]: s["country_name"] for s in r.json()["states"]}["TCD"] == "Chad"
    r = await c.patch("/api/v1/auth/me", json={"language": "de"})
    assert r.status_code == 400, r.text


async def test_a_job_keeps_its_language(database: str) -> None:
    from ta_manager.jobs.kinds import KINDS

    user = await users.create_user("lang-job@example.org", "secretariat", language="es")
    account = users.Account.of(user)
    prepared = await KINDS["matrix"].prepare(account, {"region": "WCA"}, None)
    assert prepared["lang"] == "es"  # the account's preference, fixed at the start
    prepared = await KINDS["annual"].prepare(account, {"year": 2008, "lang": "fr"}, None)
    assert prepared["lang"] == "fr"
    with pytest.raises(InvalidInput, match=r"params\.lang: unknown language 'de'"):
        await KINDS["funding"].prepare(account, {"lang": "de"}, None)
    prepared = await KINDS["funding"].prepare(account, {"format": "csv", "bom": False}, None)
    assert (prepared["bom"], prepared["lang"]) == (False, "es")  # outputs' bom, lang's lang


async def test_cli_lang(database: str, tmp_path: Path) -> None:
    await build_fixture()
    out = tmp_path / "matrix.json"
    done = await asyncio.to_thread(
        subprocess.run,
        [*CLI, "report", "matrix", "--region", "LAC", "--lang", "fr", "--out", str(out)],
        env={**os.environ, "DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    names = {s["iso3"]: s["country_name"] for s in json.loads(out.read_text())["states"]}
    assert names["BOL"] == "Bolivie (État plurinational de)"


async def test_a_need_page_names_its_state_in_the_pages_language(app: Any, client: Any) -> None:
    await build_fixture()
    need_id = await sql.fetchval("SELECT id FROM assistance_request WHERE code = 'N-BEN-LEG'")
    b = await browser(app, "officer")
    try:
        r = await b.get(f"/needs/{need_id}?lang=fr")
        assert r.status_code == 200 and "Bénin (BEN)" in r.text
        r = await b.get(f"/needs/{need_id}?lang=en")
        assert "Benin (BEN)" in r.text
    finally:
        await b.aclose()


async def test_a_proposal_workbook_names_its_priority_areas_in_spanish(
    client: httpx.AsyncClient,
) -> None:
    from ta_manager.cost_norms.seed import seed_example_norms

    await seed_example_norms()
    activity = {"title": "Model law", "priority_area": "PA2", "template": "tool_publication"}
    body = {"title": "P", "start_year": 2009, "end_year": 2009, "activities": [activity]}
    r = await client.post("/api/v1/proposals", json=body)
    assert r.status_code == 201, r.text
    x = await client.get(f"/api/v1/proposals/{r.json()['id']}.xlsx", params={"lang": "es"})
    assert x.status_code == 200, x.text
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    cells = {c for ws in book for row in ws.iter_rows(values_only=True) for c in row if c}
    assert any("Respuestas de la justicia penal" in str(c) for c in cells)
    assert not any("Criminal justice responses" in str(c) for c in cells)
