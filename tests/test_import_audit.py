"""Imports leave exactly one audit record per written row, recorded as coming from an import."""

from __future__ import annotations

from typing import Any

import pytest

from importers.service import ImportRejected, import_file
from ta_manager.audit.actor import Actor, acting_as
from ta_manager.database import sql
from tests.fixtures.workbooks import xlsx

HEADER = ["code", "country", "priority_area", "assistance_type", "stated_on", "status"]


def _needs(status_of_second: str) -> bytes:
    return xlsx(
        [
            HEADER,
            ["N-IMP-1", "Benin", "PA2", "PA2-LEG", "22/08/2008", "open"],
            ["N-IMP-2", "Chad", "PA2", "PA2-TRN", "22/08/2008", status_of_second],
        ]
    )


async def _audit() -> list[dict[str, Any]]:
    rows = await sql.fetch(
        "SELECT action, record_code, via, user_email, changes FROM audit_record"
        " WHERE resource = 'need' ORDER BY id"
    )
    return [dict(r) for r in rows]


async def test_import_audits_each_created_and_changed_row_once() -> None:
    await import_file("needs", _needs("open"), "needs.xlsx")
    created = await _audit()
    assert [(a["action"], a["record_code"]) for a in created] == [
        ("create", "N-IMP-1"),
        ("create", "N-IMP-2"),
    ]
    assert {a["via"] for a in created} == {"import"}
    assert all(a["user_email"].startswith("import:") for a in created)

    await import_file("needs", _needs("open"), "needs.xlsx")  # nothing changes
    assert len(await _audit()) == 2

    with acting_as(Actor(None, "officer@example.org", "api")):
        await import_file("needs", _needs("in_progress"), "needs.xlsx")
    after = await _audit()
    assert len(after) == 3
    update = after[-1]
    assert (update["action"], update["record_code"], update["via"]) == (
        "update",
        "N-IMP-2",
        "import",
    )
    assert update["user_email"] == "officer@example.org"
    assert update["changes"]["status"] == {"old": "open", "new": "in_progress"}


async def test_dry_run_and_failed_import_leave_no_audit() -> None:
    await import_file("needs", _needs("open"), "needs.xlsx", dry_run=True)
    bad = xlsx([HEADER, ["N-BAD", "Atlantis", "PA2", "PA2-LEG", "22/08/2008", "open"]])
    with pytest.raises(ImportRejected):
        await import_file("needs", bad, "bad.xlsx")
    assert await _audit() == []


async def test_created_rows_are_audited_compactly_with_their_file_and_row() -> None:
    """A created row's audit record names the file and row its values came from instead of
    copying them; the audit reads show the values from the record while it is unchanged
    since, and say they are in the file once it has changed."""
    from ta_manager.audit import service as audit

    await import_file("needs", _needs("open"), "needs.xlsx")
    stored = await sql.fetch(
        "SELECT record_code, changes, imported_from FROM audit_record"
        " WHERE resource = 'need' ORDER BY id"
    )
    assert [(r["record_code"], r["changes"]) for r in stored] == [
        ("N-IMP-1", {}),
        ("N-IMP-2", {}),
    ]
    sources = [r["imported_from"] for r in stored]
    assert sources == [
        {"import": "needs.xlsx", "row": 2, "table": "assistance_request"},
        {"import": "needs.xlsx", "row": 3, "table": "assistance_request"},
    ]
    rows, _ = await audit.page(audit.AuditFilters(resource="need"))
    by_code = {r["record_code"]: r for r in rows}
    first = by_code["N-IMP-2"]
    assert first["imported_from"]["values"] == "record"
    assert first["changes"]["code"] == {"old": None, "new": "N-IMP-2"}
    assert first["changes"]["status"] == {"old": None, "new": "open"}
    assert first["changes"]["stated_on"] == {"old": None, "new": "2008-08-22"}
    assert "id" not in first["changes"] and "version" not in first["changes"]
    assert (await audit.get(first["id"]))["changes"] == first["changes"]

    await import_file("needs", _needs("in_progress"), "needs.xlsx")  # N-IMP-2 changes
    rows, _ = await audit.page(audit.AuditFilters(resource="need", action="create"))
    by_code = {r["record_code"]: r for r in rows}
    assert by_code["N-IMP-1"]["imported_from"]["values"] == "record"
    assert by_code["N-IMP-1"]["changes"]["status"]["new"] == "open"
    changed = by_code["N-IMP-2"]
    assert changed["imported_from"] == {
        "import": "needs.xlsx",
        "row": 3,
        "table": "assistance_request",
        "values": "import file",
    }
    assert changed["changes"] == {}
