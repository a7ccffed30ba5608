"""The validator on the IATI schema repository's own test documents, and hostile or wrong
files refused by the validator and the importer with a clear message, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.problems import ImportFailed
from ta_manager.database import sql
from ta_manager.iati.importer import import_iati
from ta_manager.iati.validator import validate

SAMPLES = Path(__file__).parent / "fixtures" / "iati" / "schema-tests"
ACTIVITY = """<iati-activity default-currency="USD" xml:lang="en">
  <iati-identifier>XX-1-A1</iati-identifier>
  <reporting-org ref="XX-1" type="40"><narrative>Publisher</narrative></reporting-org>
  <title><narrative>{title}</narrative></title>
  <description><narrative>About it</narrative></description>
  <participating-org role="1" ref="XM-DAC-7"><narrative>Norway</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2008-01-01"/>
  <recipient-country code="{country}"/>
  <sector vocabulary="1" code="15130"/>
</iati-activity>"""


def _file(tmp_path: Path, body: str, name: str = "f.xml", head: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0"?>\n{head}{body}', encoding="utf-8")
    return path


def _activities(inner: str, version: str = "2.03", root: str = "iati-activities") -> str:
    return f'<{root} version="{version}">{inner}</{root}>'


def test_schema_repository_samples_pass_and_fail_as_they_should() -> None:
    passing = [p for p in SAMPLES.rglob("*.xml") if "/should-pass/" in str(p)]
    failing = [p for p in SAMPLES.rglob("*.xml") if "/should-fail/" in str(p)]
    assert (len(passing), len(failing)) == (233, 453)  # every vendored document
    wrongly_failed = []
    for p in passing:
        schema_errors = [str(e) for e in validate(p).errors if e.kind in ("schema", "file")]
        if schema_errors:
            wrongly_failed.append((p.name, schema_errors[0]))
    wrongly_passed = [p.name for p in failing if not validate(p).errors]
    assert wrongly_failed == []
    assert wrongly_passed == []


def test_ruleset_and_codelists_find_what_the_schema_allows(tmp_path: Path) -> None:
    bad = ACTIVITY.format(title="T", country="QQ").replace(
        '<activity-date type="1" iso-date="2008-01-01"/>',
        '<activity-date type="2" iso-date="2099-01-01"/>',
    )
    two_sectors = bad.replace(
        '<sector vocabulary="1" code="15130"/>',
        '<sector vocabulary="1" code="15130" percentage="60"/>'
        '<sector vocabulary="1" code="99999" percentage="30"/>',
    )
    report = validate(_file(tmp_path, _activities(two_sectors)))
    found = {(p.kind, p.rule) for p in report.errors}
    assert ("ruleset", "11.1.4") in found  # actual start in the future
    assert ("ruleset", "2.1.2") in found  # sector percentages do not add up to 100
    codelist = [p for p in report.errors if p.kind == "codelist"]
    assert codelist and "'99999'" in codelist[0].message and "sector[2]" in codelist[0].path
    # Country is an incomplete codelist: another code is a warning.
    assert any("'QQ'" in p.message and p.kind == "codelist" for p in report.warnings)
    assert not any(p.kind == "schema" for p in report.errors)


HOSTILE = [
    (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        _activities(ACTIVITY.format(title="&lol2;", country="BJ")),
        "declares a DTD",
    ),
    (
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        _activities(ACTIVITY.format(title="&xxe;", country="BJ")),
        "declares a DTD",
    ),
    ("", _activities(ACTIVITY.format(title="&undefined;", country="BJ")), "not well-formed"),
    ("", _activities(ACTIVITY.format(title="T", country="BJ"), version="1.05"), "1.05"),
    ("", '<iati-activities xmlns="http://example.org/x" version="2.03"/>', "namespace"),
    ("", '<rss version="2.0"><channel/></rss>', "not an IATI file"),
    ("", "<iati-activities version='2.03'><iati-activity>", "not well-formed"),
    ("", "", "not well-formed"),
]


async def test_hostile_and_wrong_files_are_refused(tmp_path: Path) -> None:
    for number, (head, body, expected) in enumerate(HOSTILE):
        path = _file(tmp_path, body, f"f{number}.xml", head=head)
        report = validate(path)
        assert report.errors and report.errors[0].kind == "file", expected
        assert expected in report.errors[0].message
        with pytest.raises(ImportFailed) as refused:
            await import_iati(path, path.name)
        assert expected in str(refused.value)
        assert "root:" not in str(refused.value)  # the local file never leaks into a message
    assert await sql.fetchval("SELECT count(*) FROM activity") == 0


async def test_huge_text_node_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, _activities(ACTIVITY.format(title="x" * 11_000_000, country="BJ")))
    report = validate(path)
    assert report.errors[0].kind == "file" and "10 MB" in report.errors[0].message
    with pytest.raises(ImportFailed):
        await import_iati(path, path.name)
    assert await sql.fetchval("SELECT count(*) FROM project") == 0


async def test_unknown_codes_are_named_by_element_path(tmp_path: Path) -> None:
    second = ACTIVITY.format(title="Second", country="QQ").replace("XX-1-A1", "XX-1-A2")
    body = _activities(ACTIVITY.format(title="First", country="BJ") + second)
    path = _file(tmp_path, body.replace('code="15130"', 'code="99999"', 1))
    with pytest.raises(ImportFailed) as refused:
        await import_iati(path, path.name)
    paths = {(p.column, p.value) for p in refused.value.problems}
    assert ("/iati-activities/iati-activity[1]/sector/@code", "99999") in paths
    assert ("/iati-activities/iati-activity[2]/recipient-country/@code", "QQ") in paths
    assert await sql.fetchval("SELECT count(*) FROM project") == 0


async def test_another_publishers_file_keeps_its_identifiers(tmp_path: Path) -> None:
    body = _activities(ACTIVITY.format(title="Their project", country="BJ"))
    path = _file(tmp_path, body)
    summary = await import_iati(path, path.name)
    assert summary.projects == {"new": 1} and summary.organizations == 1
    row = await sql.fetchrow("SELECT code, title FROM project")
    assert dict(row) == {"code": "XX-1-A1", "title": "Their project"}
    donor = await sql.fetchrow(
        "SELECT code, roles, iati_identifier FROM organization WHERE name = 'Norway'"
    )
    assert dict(donor) == {"code": "XM-DAC-7", "roles": ["donor"], "iati_identifier": "XM-DAC-7"}
    donors = await sql.fetchval(
        "SELECT array_agg(o.code) FROM project_donor d JOIN organization o"
        " ON o.id = d.organization_id"
    )
    assert donors == ["XM-DAC-7"]


def test_validate_command_prints_problems_and_exits_non_zero(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ta_manager.iati.cli import validate_command

    good = _file(tmp_path, _activities(ACTIVITY.format(title="T", country="BJ")), "good.xml")
    passed = CliRunner().invoke(validate_command, [str(good)])
    assert passed.exit_code == 0 and "0 errors" in passed.output
    bad = _file(
        tmp_path,
        _activities(ACTIVITY.format(title="T", country="BJ")).replace(
            '<activity-status code="2"/>', '<activity-status code="2"/><activity-status code="9"/>'
        ),
    )
    failed = CliRunner().invoke(validate_command, [str(bad)])
    assert failed.exit_code == 1
    assert "error schema" in failed.output and "activity-status" in failed.output
    assert "XX-1-A1" in failed.output  # the record is named
