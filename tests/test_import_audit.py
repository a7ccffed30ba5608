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
