"""Each report reads in one snapshot with its own memory for sorts (TA_REPORT_WORK_MEM_MB)."""

from __future__ import annotations

import pytest

from reports.snapshot import snapshot
from ta_manager.database import sql


async def test_a_report_session_sets_work_mem_for_itself_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TA_REPORT_WORK_MEM_MB", "77")
    outside = await sql.fetchval("SHOW work_mem")
    async with snapshot():
        assert await sql.fetchval("SHOW work_mem") == "77MB"
        assert await sql.fetchval("SHOW transaction_isolation") == "repeatable read"
    assert await sql.fetchval("SHOW work_mem") == outside  # SET LOCAL: gone with the report
    # a report joining a caller's transaction sets it there
    async with sql.transaction(), snapshot():
        assert await sql.fetchval("SHOW work_mem") == "77MB"
    assert await sql.fetchval("SHOW work_mem") == outside


def test_the_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from ta_manager.settings import SettingsError, get_settings

    monkeypatch.setenv("TA_REPORT_WORK_MEM_MB", "0")
    with pytest.raises(SettingsError, match="TA_REPORT_WORK_MEM_MB"):
        get_settings()
