"""The coverage rule (reports/coverage.py) on the hand-built fixture."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.coverage import need_coverage
from ta_manager.errors import InvalidInput
from ta_manager.needs.service import NeedFilters
from tests.test_report_fixture import build_fixture


async def test_coverage_status_per_need() -> None:
    await build_fixture()
    df = await need_coverage(NeedFilters())
    status = dict(zip(df["code"], df["status"], strict=True))
    assert status == {
        "N-BEN-LEG": "met",
        "N-TCD-EQP": "partly",
        "N-MLI-EQP": "unmet",  # its only activity was cancelled
        "N-NER-TRN": "unmet",
        "N-COL-CAP": "unmet",
    }  # the withdrawn Gabon need is left out
    answering = dict(zip(df["code"], df["answering_activities"], strict=True))
    assert answering["N-BEN-LEG"] == 1 and answering["N-MLI-EQP"] == 0
    row = df.filter(df["code"] == "N-BEN-LEG").row(0, named=True)
    assert (row["iso3"], row["region_code"], row["priority_area"], row["assistance_type"]) == (
        "BEN",
        "AFR-W",
        "PA2",
        "PA2-LEG",
    )


async def test_activity_period_restricts_which_activities_count() -> None:
    await build_fixture()
    df = await need_coverage(NeedFilters(), activity_from=dt.date(2009, 1, 1))
    status = dict(zip(df["code"], df["status"], strict=True))
    assert status["N-BEN-LEG"] == "unmet"  # its advice was in 2008
    assert status["N-TCD-EQP"] == "partly"  # the planned 2009 workshop still counts


async def test_filters_and_bad_codes() -> None:
    await build_fixture()
    df = await need_coverage(NeedFilters(region=["WCA"], priority_area=["PA3"]))
    assert sorted(df["code"]) == ["N-MLI-EQP", "N-TCD-EQP"]
    with pytest.raises(InvalidInput, match="region"):
        await need_coverage(NeedFilters(region=["NOWHERE"]))
    with pytest.raises(InvalidInput, match="activity_from"):
        await need_coverage(
            NeedFilters(), activity_from=dt.date(2009, 1, 1), activity_to=dt.date(2008, 1, 1)
        )
