"""Validate any IATI 2.03 file: the official XSD, the Standard Ruleset and the codelists.

One record at a time (constant memory): each `iati-activity` / `iati-organisation` is
checked against the XSD (both are global elements of the schemas, so a record validates on
its own, as the IATI Validator does), then the ruleset and the codelists; the root's own
attributes are checked once. Problems name the record (its identifier), the element path,
the line and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ta_manager.iati.codelists import STANDARD, check_codes
from ta_manager.iati.reading import ACTIVITIES, SUPPORTED_VERSION, IatiFileRefused, Root, records
from ta_manager.iati.ruleset import check_rules

SCHEMA_FILES = {
    ACTIVITIES: "iati-activities-schema.xsd",
    "iati-organisations": "iati-organisations-schema.xsd",
}
IDENTIFIER_OF = {"iati-activity": "iati-identifier", "iati-organisation": "organisation-identifier"}
MAX_LISTED = 10_000


@cache
def schema(root_tag: str) -> etree.XMLSchema:
    """The official XSD of a file type (xml.xsd and iati-common.xsd sit beside it)."""
    path = STANDARD / "schemas" / SCHEMA_FILES[root_tag]
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True)))


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file. kind: file | schema | ruleset | codelist."""

    kind: str
    severity: str  # error | warning
    record: str  # identifier of the record ('' for the file itself)
    path: str
    line: int | None
    message: str
    rule: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else ""
        record = f"{self.record}: " if self.record else ""
        rule = f" [{self.rule}]" if self.rule else ""
        at = f" ({self.path}{', ' + where if where else ''})" if self.path else f" ({where})"
        return (
            f"{self.severity} {self.kind}{rule}: {record}{self.message}{at if at != ' ()' else ''}"
        )


@dataclass
class Report:
    file_type: str = ""
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def counts(self, severity: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.problems:
            if p.severity == severity:
                out[p.kind] = out.get(p.kind, 0) + 1
        return out

    def add(self, problem: Problem) -> None:
        if len(self.problems) >= MAX_LISTED:
            self.dropped += 1
            return
        self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_type": self.file_type,
            "records": self.records,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [asdict(p) for p in self.problems],
            "not_listed": self.dropped,
        }


def identifier(record: Any) -> str:
    tag = etree.QName(record).localname
    return (record.findtext(IDENTIFIER_OF.get(tag, "")) or "").strip()


def schema_problems(record: Any, root_tag: str, name: str = "") -> list[Problem]:
    xsd = schema(root_tag)
    if xsd.validate(record):
        return []
    return [
        Problem("schema", "error", name, e.path or "", e.line or None, e.message)
        for e in xsd.error_log
    ]


def record_problems(record: Any, root_tag: str, rules: bool = True) -> list[Problem]:
    """Everything wrong with one record element: XSD, then ruleset and codelists."""
    name = identifier(record)
    problems = schema_problems(record, root_tag, name)
    if rules:
        for f in check_rules(record, root_tag):
            detail = f" ({f.detail})" if f.detail else ""
            problems.append(
                Problem(
                    "ruleset", f.severity, name, f.context, f.line, f.message + detail, f.rule_id
                )
            )
        for c in check_codes(record):
            problems.append(Problem("codelist", c.severity, name, c.path, c.line, c.message))
    return problems


def _root_problems(root: Root, has_records: bool) -> list[Problem]:
    shell = etree.Element(root.tag, root.attributes)
    xsd = schema(root.tag)
    if xsd.validate(shell):
        return []
    return [
        Problem("schema", "error", "", f"/{root.tag}", None, e.message)
        for e in xsd.error_log
        if not (has_records and "Missing child element" in e.message)
    ]


def validate(
    source: Path | IO[bytes],
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
    rules: bool = True,
) -> Report:
    """Validate a file; a file that cannot be read at all gives one 'file' problem."""
    report = Report()
    root: Root | None = None
    try:
        for root, record in records(source, name, strict_version=False):
            report.file_type = root.tag
            if record is None:
                break
            report.records += 1
            for problem in record_problems(record, root.tag, rules):
                report.add(problem)
            if progress and report.records % 500 == 0:
                progress(report.records)
    except IatiFileRefused as exc:
        report.add(Problem("file", "error", "", "", None, str(exc)))
        return report
    if root is not None:
        if root.version != SUPPORTED_VERSION:
            report.add(
                Problem(
                    "file",
                    "warning",
                    "",
                    f"/{root.tag}/@version",
                    None,
                    f"version {root.version!r} is not {SUPPORTED_VERSION}; checked against"
                    f" the {SUPPORTED_VERSION} schema and rules",
                )
            )
        for problem in _root_problems(root, report.records > 0):
            report.add(problem)
    return report
