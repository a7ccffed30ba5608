"""The API says what it does (issue 10, item 8): unknown query parameters are refused,
errors name parameters as typed, the OpenAPI document declares what operations return,
no Litestar deprecations or private imports, deprecation warnings are errors."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[1]


async def test_unknown_query_parameters_are_named(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/activities", params={"contry": "BEN"})
    assert r.status_code == 400, r.text
    problem = r.json()
    assert problem["errors"][0]["field"] == "contry"
    for accepted in ("country", "from", "to", "limit", "scope"):
        assert accepted in problem["detail"]
    r = await client.get("/api/v1/activities", params={"start_date": "yesterday"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "start_date"
    r = await client.get("/api/v1/auth/me", params={"verbose": "1"})
    assert r.status_code == 400 and "accepted: none" in r.json()["detail"]
    # known ones still work, repeated or not
    r = await client.get("/api/v1/activities", params=[("country", "BEN"), ("country", "TCD")])
    assert r.status_code == 200


async def test_errors_name_the_parameter_as_typed(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/activities", params={"from": "yesterday"})
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["errors"]] == ["from"]
    assert "date_from" not in r.text
    r = await client.get("/api/v1/reports/annual.xlsx", params={"to": "2008-13-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "to"


UI_PENDING = re.compile(r"handler='[\w:]+'|contrib\.jinja")


def test_importing_the_app_gives_no_deprecation_warning() -> None:
    """Zero deprecation warnings, except (for now) from ta_manager/ui/'s own handlers."""
    code = (
        "import warnings; warnings.simplefilter('always');"
        " from ta_manager.app import create_app;"
        " app = create_app(manage_database=False); app.openapi_schema.to_schema();"
        " print(sorted({n for r in app.routes for h in r.route_handlers"
        " if h.fn.__module__.startswith('ta_manager.ui') for n in (h.handler_name, h.name)"
        " if n}))"
    )
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ui_handlers = set(eval(done.stdout.strip().splitlines()[-1]))
    warned = [line for line in done.stderr.splitlines() if "Warning:" in line]
    outside_ui = []
    for line in warned:
        found = UI_PENDING.search(line)
        if found and (found.group(0).startswith("contrib") or found.group(0)[9:-1] in ui_handlers):
            continue
        outside_ui.append(line)
    assert outside_ui == []


def test_no_private_litestar_imports() -> None:
    private = re.compile(r"^\s*(from|import)\s+litestar(\.\w+)*\._", re.MULTILINE)
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("ta_manager", "importers", "reports", "tests")
        for p in (ROOT / folder).rglob("*.py")
        if private.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_deprecation_warnings_are_errors_in_tests() -> None:
    with pytest.raises(DeprecationWarning):
        warnings.warn("old API", DeprecationWarning, stacklevel=1)


def _document(app) -> dict:  # type: ignore[no-untyped-def,type-arg]
    import msgspec

    return msgspec.json.decode(msgspec.json.encode(app.openapi_schema.to_schema()))


def test_document_declares_problems_media_types_and_versions(app) -> None:  # type: ignore[no-untyped-def]
    doc = _document(app)
    paths = doc["paths"]
    assert paths["/health"]["get"]["security"] == []
    assert "503" in paths["/health"]["get"]["responses"]
    patch = paths["/api/v1/activities/{record_id}"]["patch"]
    for status in ("400", "401", "403", "404", "409", "413", "422", "428", "503"):
        content = patch["responses"][status]["content"]
        assert list(content) == ["application/problem+json"], status
        assert content["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
    body = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    update = doc["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert "version" in update["required"] and update["additionalProperties"] is False
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    csv = paths["/api/v1/reports/funding.csv"]["get"]["responses"]["200"]
    assert list(csv["content"]) == ["text/csv; charset=utf-8"]
    for header in (csv.get("headers") or {}).values():  # HTTP dates are not ISO date-times
        assert header["schema"].get("format") != "date-time"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert list(paths["/api/v1/imports/{kind}/template"]["get"]["responses"]["200"]["content"]) == [
        xlsx
    ]
    assert xlsx in paths["/api/v1/proposals/{proposal_id}"]["get"]["responses"]["200"]["content"]
    login = paths["/api/v1/auth/login"]["post"]
    assert login["security"] == [] and {"401", "429"} <= set(login["responses"])
    for path, item in paths.items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                assert "" not in (response.get("content") or {}), (path, method, status)


def test_query_parameters_are_documented_without_null(app) -> None:  # type: ignore[no-untyped-def]
    """A query string cannot carry null: an optional filter is documented as its value type
    (a codelist filter keeps its values), never oneOf [..., null]."""
    paths = _document(app)["paths"]
    seen = 0
    for path, item in paths.items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                seen += 1
                assert "oneOf" not in parameter["schema"], (path, method, parameter["name"])
    status = next(
        p for p in paths["/api/v1/activities"]["get"]["parameters"] if p["name"] == "status"
    )
    assert status["schema"]["type"] == "array"
    assert "completed" in status["schema"]["items"]["enum"]
    assert seen > 100
