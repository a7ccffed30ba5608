"""States as the UN writes them: the vendored names and status, the one matching function
(codes, UN names in three languages, aliases, former names refused with their reason, close
matches only when asked for), and what the API and the importer make of them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter

import httpx
import pytest

from importers.service import ImportRejected, import_file
from ta_manager.database import sql
from ta_manager.reference.country_names import (
    AmbiguousState,
    FormerName,
    NotCurrentState,
    UnknownState,
    match_state,
    name_sql,
    state_name,
    state_names,
)
from ta_manager.reference.un_states import by_iso3, un_states
from tests.factories import create, need_body
from tests.fixtures.workbooks import row_counts, xlsx


def test_the_vendored_list() -> None:
    entries = un_states()
    statuses = Counter(e.status for e in entries)
    assert statuses["member_state"] == 193
    assert {e.iso3 for e in entries if e.status == "observer_state"} == {"VAT", "PSE"}
    assert {e.iso3 for e in entries if e.status == "non_member_state"} == {"COK", "NIU"}
    assert sum(1 for e in entries if e.status != "former_name" and e.m49_code) == 248
    bolivia, helena, turkey = by_iso3()["BOL"], by_iso3()["SHN"], by_iso3()["TUR"]
    assert bolivia.names == {
        "en": "Bolivia (Plurinational State of)",
        "fr": "Bolivie (État plurinational de)",
        "es": "Bolivia (Estado Plurinacional de)",
    }
    assert bolivia.formal["en"] == "Plurinational State of Bolivia"
    assert helena.status == "territory" and helena.sub_region_m49 == "011"
    assert turkey.status == "member_state" and turkey.formal["fr"] == "République de Türkiye"
    assert by_iso3()["CIV"].names["en"] == "Côte d\u2019Ivoire"


# What people type -> the entry and how it was found. (One test each for the list, not one
# per case: every test starts from a freshly seeded database.)
MATCHES = [
    ("BEN", "BEN", "code"),
    ("bj", "BEN", "code"),
    ("204", "BEN", "code"),
    ("Bénin", "BEN", "name"),
    ("Bolivie (État plurinational de)", "BOL", "name"),
    ("Estado Plurinacional de Bolivia", "BOL", "name"),
    ("Cote d'Ivoire", "CIV", "name"),
    ("the Gambia", "GMB", "name"),
    ("St. Lucia", "LCA", "name"),
    ("Korea, Republic of", "KOR", "alias"),
    ("Russia", "RUS", "alias"),
    ("DR Congo", "COD", "alias"),
    ("Congo Republic", "COG", "alias"),
    ("Moldova", "MDA", "alias"),
    ("Iran", "IRN", "alias"),
    ("Bolivia", "BOL", "alias"),
    ("Venezuela", "VEN", "alias"),
    ("Tanzania", "TZA", "alias"),
    ("Laos", "LAO", "alias"),
    ("Syria", "SYR", "alias"),
    ("Vietnam", "VNM", "alias"),
    ("Ivory Coast", "CIV", "alias"),
    ("Turkey", "TUR", "alias"),
    ("Türkiye", "TUR", "name"),
    ("Macedonia", "MKD", "alias"),
    ("The former Yugoslav Republic of Macedonia", "MKD", "alias"),
    ("Cape Verde", "CPV", "alias"),
    ("Libyan Arab Jamahiriya", "LBY", "alias"),
    ("Southern Sudan (former name)", "XSS", "name"),
    ("XSS", "XSS", "code"),
]


async def test_matching() -> None:
    wrong = []
    for typed, iso3, how in MATCHES:
        found = await match_state(typed)
        # found, and shown with the UN name
        if (found.iso3, found.how, found.name) != (iso3, how, by_iso3()[iso3].names["en"]):
            wrong.append((typed, found))
    assert not wrong


REFUSALS: list[tuple[str, type[Exception], str]] = [
    ("Southern Sudan", FormerName, "South Sudan became a State on 9 July 2011"),
    ("Government of Southern Sudan", FormerName, "'Southern Sudan (former name)' (XSS)"),
    ("Zaire", FormerName, "Democratic Republic of the Congo (COD)"),
    ("Serbia and Montenegro", FormerName, "Serbia (SRB)"),
    ("Netherlands Antilles", FormerName, "Curaçao (CUW)"),
    ("Yugoslavia", FormerName, "two former States"),
    ("Czechoslovakia", FormerName, "Slovakia (SVK)"),
    ("USSR", FormerName, "Russian Federation (RUS)"),
    ("Swaziland", FormerName, "Eswatini (SWZ)"),
    ("Burma", FormerName, "Myanmar (MMR)"),
    ("Korea", AmbiguousState, "Republic of Korea (KOR)"),
    ("Niger and Nigeria", AmbiguousState, "Nigeria (NGA)"),
    ("Benim", UnknownState, "closest: Benin (BEN)"),
    ("Atlantis", UnknownState, "unknown State"),
]


async def test_refusals_say_why() -> None:
    for typed, error, says in REFUSALS:
        with pytest.raises(error) as caught:
            await match_state(typed)
        assert says in str(caught.value), typed


async def test_close_matches_only_when_asked_and_clear() -> None:
    found = await match_state("Benim", accept_close=True)
    assert (found.iso3, found.how, found.label) == ("BEN", "close", "Benin (BEN)")
    with pytest.raises(UnknownState, match="closest: Niger"):
        await match_state("Nigerr", accept_close=True)  # Niger or Nigeria: not clear
    with pytest.raises(FormerName):
        await match_state("Southern Sudann", accept_close=True)
    suggestions = (await state_names()).suggestions("Benn")
    assert suggestions[0].iso3 == "BEN"


async def test_former_name_entries_are_not_current_states() -> None:
    with pytest.raises(NotCurrentState, match="former-name entry"):
        await match_state("XSS", current_only=True)
    assert (await match_state("Southern Sudan (former name)")).status == "former_name"


async def test_names_in_three_languages() -> None:
    names = await state_names()
    assert names.name("BOL", "fr") == "Bolivie (État plurinational de)"
    assert names.name("BOL", "es", formal=True) == "Estado Plurinacional de Bolivia"
    assert names.name("SSD") == "South Sudan"
    with pytest.raises(ValueError, match="unknown language"):
        names.name("BOL", "de")
    row = {"iso3": "BOL", "name": "Bolivia (Plurinational State of)", "name_fr": ""}
    assert state_name(row, "fr") == "Bolivie (État plurinational de)"  # blank: the UN list's
    value = await sql.fetchval(f"SELECT {name_sql('c', 'es')} FROM country c WHERE iso3 = 'CIV'")
    assert value == "Côte d\u2019Ivoire"


async def test_the_state_read_shape(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/countries", params={"q": "Bolivia"})
    (bolivia,) = r.json()["items"]
    assert bolivia["name"] == "Bolivia (Plurinational State of)"
    assert bolivia["name_fr"] == "Bolivie (État plurinational de)"
    assert bolivia["official_name_es"] == "Estado Plurinacional de Bolivia"
    assert (bolivia["status"], bolivia["un_member"], bolivia["m49_code"]) == (
        "member_state",
        True,
        "068",
    )
    r = await client.get("/api/v1/countries", params={"status": "observer_state"})
    assert sorted(c["iso3"] for c in r.json()["items"]) == ["PSE", "VAT"]
    r = await client.post("/api/v1/countries", json={"iso3": "QZZ", "name": "No code"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "iso2"


async def test_groupings_hold_states(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/regions", params={"q": "West and Central Africa"})
    (wca,) = r.json()["items"]
    assert "BEN" in wca["members"] and "CMR" in wca["members"]
    assert "SHN" not in wca["members"]  # Saint Helena is a territory
    r = await client.get("/api/v1/regions", params={"q": "Western Africa"})
    assert "SHN" in next(g for g in r.json()["items"] if g["kind"] == "m49_sub_region")["members"]
    before = await row_counts()
    r = await client.post(
        "/api/v1/regions", json={"code": "SUDANS", "name": "Sudans", "members": ["SDN", "XSS"]}
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "members"
    assert "former-name entry" in r.json()["errors"][0]["reason"]
    assert await row_counts() == before
    # A territory named explicitly is kept.
    helena = {"code": "WCA-SH", "name": "WCA and Saint Helena", "members": ["BEN", "SHN"]}
    assert sorted((await create(client, "regions", helena))["members"]) == ["BEN", "SHN"]


async def test_southern_sudan_in_a_2008_record(client: httpx.AsyncClient) -> None:
    before = await row_counts()
    r = await client.post(
        "/api/v1/needs",
        json=need_body("N-2008-SS", country="Southern Sudan", stated_on="2008-06-01"),
    )
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "country" and error["value"] == "Southern Sudan"
    assert "South Sudan became a State on 9 July 2011" in error["reason"]
    assert r.json()["detail"].startswith("country: Southern Sudan: South Sudan became a State")
    assert await row_counts() == before
    # The user chooses to keep the document's name: the former-name entry.
    need = await create(
        client, "needs", need_body("N-2008-SS", country="Southern Sudan (former name)")
    )
    assert need["country"] == "XSS"
    # A ratification needs a current State.
    r = await client.post(
        "/api/v1/ratifications",
        json={"country": "XSS", "instrument": "UNCAC", "deposited_on": "2008-01-01"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "country"
    # Aliases resolve and are stored as the UN entry.
    activity = await create(
        client,
        "activities",
        {"code": "A-RU", "title": "t", "type": "workshop", "beneficiary_countries": ["Russia"]},
    )
    assert activity["beneficiary_countries"] == ["RUS"]


NEED_HEADER = ["code", "country", "priority_area", "stated_on"]


async def test_import_refuses_southern_sudan_and_warns_of_every_reading() -> None:
    data = xlsx([NEED_HEADER, ["N-1", "Southern Sudan", "PA2", "01/06/2008"]])
    before = await row_counts()
    with pytest.raises(ImportRejected) as caught:
        await import_file("needs", data, "needs.xlsx")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "country")
    assert "South Sudan became a State on 9 July 2011" in problem.reason
    assert await row_counts() == before

    typo = xlsx([NEED_HEADER, ["N-1", "Benim", "PA2", "2008"], ["N-2", "Benim", "PA3", "2008"]])
    with pytest.raises(ImportRejected) as caught:
        await import_file("needs", typo, "needs.xlsx")
    assert "closest: Benin (BEN)" in caught.value.problems[0].reason

    rows = [
        NEED_HEADER,
        ["N-1", "Benim", "PA2", "01/06/2008"],
        ["N-2", "Benim", "PA3", "01/06/2008"],
        ["N-3", "XSS", "PA2", "01/06/2008"],
        ["N-4", "Russia", "PA2", "01/06/2008"],
    ]
    summary = await import_file("needs", xlsx(rows), "needs.xlsx", accept_close_matches=True)
    assert summary.new == 4
    assert "country, rows 2, 3: 'Benim' read as Benin (BEN) (a close match: check it)" in (
        summary.warnings
    )
    assert any("'XSS' recorded against the former-name entry" in w for w in summary.warnings)
    assert not any("Russia" in w for w in summary.warnings)  # an alias is not a guess
    stored = await sql.fetch(
        "SELECT n.code, c.iso3::text AS iso3 FROM assistance_request n"
        " JOIN country c ON c.id = n.country_id ORDER BY n.code"
    )
    assert [r["iso3"] for r in stored] == ["BEN", "BEN", "XSS", "RUS"]


async def test_import_of_a_ratification_needs_a_current_state() -> None:
    header = ["country", "instrument", "deposited_on"]
    data = xlsx([header, ["Yugoslavia (former name)", "UNTOC", "12/09/2001"]])
    with pytest.raises(ImportRejected) as caught:
        await import_file("ratifications", data, "r.xlsx")
    assert "not a current State" in caught.value.problems[0].reason


async def test_the_cli_reads_names_the_same_way(database: str) -> None:
    def run(*names: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ta_manager.cli.main", "match-state", "--lang", "fr", *names],
            env={**os.environ, "DATABASE_URL": database},
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = await asyncio.to_thread(run, "Russia", "Bolivie", "Southern Sudan")
    assert done.returncode == 1
    assert "'Russia' -> Fédération de Russie (RUS), member state [alias]" in done.stdout
    assert "'Bolivie' -> Bolivie (État plurinational de) (BOL)" in done.stdout
    assert "'Southern Sudan': Southern Sudan: South Sudan became a State" in done.stderr
