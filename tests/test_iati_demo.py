"""The demo data as an IATI file: valid (XSD, ruleset, codelists), and the same after a
round trip through the importer into an empty database."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from importers.problems import ImportFailed
from ta_manager.database import sql
from ta_manager.database.reset import reset_data
from ta_manager.funding.schemas import ExchangeRateCreate
from ta_manager.funding.service import ExchangeRateService
from ta_manager.iati.exporter import IatiFilters, export_activities
from ta_manager.iati.importer import import_iati
from ta_manager.iati.organisation import export_organisation
from ta_manager.iati.validator import validate

ORG = "XM-DAC-41121"


@pytest.fixture(autouse=True)
def publisher_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TA_IATI_REPORTING_ORG", ORG)
    monkeypatch.setenv("TA_IATI_REPORTING_ORG_NAME", "United Nations Office on Drugs and Crime")


def summary(path: Path) -> dict[str, object]:
    """Per iati-activity: its countries and sectors; per (type, currency): transaction sums."""
    tree = etree.parse(str(path))
    records = {}
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for a in tree.getroot().iter("iati-activity"):
        identifier = a.findtext("iati-identifier")
        records[identifier] = (
            a.get("hierarchy"),
            a.findtext("title/narrative"),
            sorted((c.get("code"), c.get("percentage")) for c in a.iter("recipient-country")),
            sorted((s.get("code"), s.get("percentage")) for s in a.findall("sector")),
        )
        for t in a.findall("transaction"):
            key = (t.find("transaction-type").get("code"), t.find("value").get("currency"))
            sums[key] += Decimal(t.findtext("value"))
    return {"records": records, "sums": dict(sums)}


async def _refused(path: Path) -> str:
    with pytest.raises(ImportFailed) as refused:
        await import_iati(path, path.name)
    assert await sql.fetchval("SELECT count(*) FROM project") == 0  # nothing written
    return str(refused.value)


async def _export(path: Path, filters: IatiFilters | None = None) -> object:
    with path.open("wb") as fh:
        return await export_activities(filters or IatiFilters(), fh)


async def test_demo_exports_valid_and_survives_a_round_trip(tmp_path: Path) -> None:
    from ta_manager.demo.loader import demo_file, load_demo

    await load_demo()
    first = tmp_path / "first.xml"
    result = await _export(first)
    assert result.left_out == []  # type: ignore[attr-defined]
    projects = await sql.fetchval("SELECT count(*) FROM project")
    activities = await sql.fetchval("SELECT count(*) FROM activity")
    assert (result.projects, result.activities) == (projects, activities)  # type: ignore[attr-defined]
    report = validate(first)
    assert report.records == projects + activities
    assert report.errors == [], [str(p) for p in report.errors[:5]]
    assert report.warnings == [], [str(p) for p in report.warnings[:5]]
    assert report.counts("error") == {}
    before = summary(first)
    expected_sums = {
        ("1", "USD"): await sql.fetchval(
            "SELECT sum(a.amount) FROM allocation a JOIN contribution c"
            " ON c.id = a.contribution_id WHERE c.status = 'received' AND c.currency = 'USD'"
        )
    }
    assert before["sums"][("1", "USD")] >= expected_sums[("1", "USD")]  # type: ignore[index]

    organisation = tmp_path / "organisation.xml"
    with organisation.open("wb") as fh:
        await export_organisation(fh)
    org_report = validate(organisation)
    assert org_report.file_type == "iati-organisations" and org_report.errors == []
    assert etree.parse(str(organisation)).find(".//total-budget") is not None

    await reset_data()
    assert await sql.fetchval("SELECT count(*) FROM activity") == 0
    # IATI files carry no exchange rates: money in another currency would be kept
    # unconverted ("no rate", issue 11); the demo's rates are loaded first so that the
    # second export is the first one again.
    for rate in demo_file("funding")["exchange_rate"]:
        await ExchangeRateService().create(msgspec.convert(rate, ExchangeRateCreate, strict=False))
    dry = await import_iati(first, first.name, dry_run=True)
    assert dry.activities == {"new": activities} and dry.dry_run
    assert await sql.fetchval("SELECT count(*) FROM activity") == 0  # a dry run writes nothing
    done = await import_iati(first, first.name)
    assert done.projects == {"new": projects} and done.activities == {"new": activities}
    assert await sql.fetchval("SELECT count(*) FROM audit_record WHERE via = 'import'") > 0

    second = tmp_path / "second.xml"
    await _export(second)
    after = summary(second)
    assert after["records"] == before["records"]
    assert after["sums"] == before["sums"]

    again = await import_iati(first, first.name)  # importing twice changes nothing
    assert again.projects == {"updated": projects}
    third = tmp_path / "third.xml"
    await _export(third)
    assert summary(third) == after
