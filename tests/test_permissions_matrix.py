"""Every route x every role answers exactly as docs/permissions.md says.

Routes are enumerated from the live app, so routes added later are covered: a documented
route is checked against the document; a route not (yet) in the document is checked against
the roles it declares (and routes of the parts that own the document must be documented).
Requests use ids that do not exist and empty bodies, so an allowed call stops at 400/404/422
after the guard and nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ta_manager.accounts.permission_table import COLUMNS, RouteRow, route_rows
from ta_manager.app import create_app
from ta_manager.database.reset import reset_data
from tests.conftest import _client, _token_for
from tests.factories import organization

DOC = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
ROW = re.compile(r"^\|\s*([A-Z]+)\s*\|\s*`([^`]+)`\s*\|(.*)\|\s*$")
# Parts whose routes must appear in docs/permissions.md.
DOCUMENTED_MODULES = (
    "ta_manager.api.",
    "ta_manager.reference.",
    "ta_manager.accounts.",
    "ta_manager.audit.",
)


# Pages of the browser interface: anonymous callers are redirected to /login.
UI_MODULES = ("ta_manager.ui.",)

# Rows below this heading belong to other parts (imports, reports, proposals): checked like
# the others, but a route that part drops or renames is not this document's error.
OTHER_PARTS = "### Routes of other parts"
OTHER_ROWS: set[tuple[str, str]] = set()


def documented() -> dict[tuple[str, str], dict[str, bool]]:
    table: dict[tuple[str, str], dict[str, bool]] = {}
    other = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        other = other or line.startswith(OTHER_PARTS)
        m = ROW.match(line)
        if not m:
            continue
        marks = [c.strip() for c in m.group(3).split("|")]
        assert len(marks) == len(COLUMNS), f"wrong number of columns: {line}"
        assert set(marks) <= {"✓", "—"}, f"unknown mark in: {line}"
        table[(m.group(1), m.group(2))] = {
            who: mark == "✓" for who, mark in zip(COLUMNS, marks, strict=True)
        }
        if other:
            OTHER_ROWS.add((m.group(1), m.group(2)))
    return table


DOCUMENTED = documented()
ROUTES = route_rows(create_app(manage_database=False))
CASES = [(row, who) for row in ROUTES for who in COLUMNS]


def concrete(path: str) -> str:
    path = re.sub(r"\{[^}:]+:int\}", "999999999", path)
    path = re.sub(r"\{[^}:]+:path\}", "swagger/VERSION", path)
    return re.sub(r"\{[^}:]+(:[a-z]+)?\}", "NO-SUCH-CODE", path)


@pytest.fixture(scope="module")
async def tokens(database: str, app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    await reset_data()
    async with _client(app, await _token_for("admin")) as admin:
        await organization(admin, "MATRIXDONOR", "donor")
    out = {role: await _token_for(role) for role in COLUMNS[1:] if role != "donor"}
    out["donor"] = await _token_for("donor", donor="MATRIXDONOR")
    return out


@pytest.fixture
async def clean_database(tokens: dict[str, str]) -> None:
    """This module keeps one database state: its requests write nothing."""


def test_document_lists_every_route_of_its_parts() -> None:
    missing = [
        f"{r.method} {r.path}"
        for r in ROUTES
        if r.module.startswith(DOCUMENTED_MODULES) and (r.method, r.path) not in DOCUMENTED
    ]
    assert not missing, "routes missing from docs/permissions.md: " + ", ".join(missing)


def test_document_has_no_routes_the_app_lacks() -> None:
    live = {(r.method, r.path) for r in ROUTES}
    stale = [f"{m} {p}" for (m, p) in DOCUMENTED if (m, p) not in live and (m, p) not in OTHER_ROWS]
    assert not stale, "docs/permissions.md lists routes that do not exist: " + ", ".join(stale)


@pytest.mark.parametrize(
    ("row", "who"), CASES, ids=[f"{r.method} {r.path} as {w}" for r, w in CASES]
)
async def test_route_answers_role_as_documented(
    app,
    tokens: dict[str, str],
    row: RouteRow,
    who: str,  # type: ignore[no-untyped-def]
) -> None:
    expected = DOCUMENTED.get((row.method, row.path))
    allowed = expected[who] if expected is not None else row.allows(who)
    async with _client(app, tokens.get(who)) as c:
        kwargs = {"json": {}} if row.method in ("POST", "PATCH", "PUT") else {}
        r = await c.request(row.method, concrete(row.path), **kwargs)  # type: ignore[arg-type]
    if allowed:
        assert r.status_code not in (401, 403), r.text
        assert r.status_code < 500, r.text
    elif who == "anonymous" and row.module.startswith(UI_MODULES):
        # A page sends the browser to the login form instead.
        assert r.status_code == 303, r.text
        assert r.headers["location"].startswith("/login?next=")
    elif who == "anonymous":
        assert r.status_code == 401, r.text
        assert r.headers.get("www-authenticate") == "Bearer"
    else:
        assert r.status_code == 403, r.text
