"""The IATI codelists (vendored in standard/codelists.json) and which attribute uses which.

`codelist-mapping.xml` is the official table "this attribute takes codes of that list"; it is
compiled once into XPath checks on one record (`CodeRule`). The exporter uses the same lists
(`codes`, `name_of`) to refuse a record whose code is not in its list before writing it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

STANDARD = Path(__file__).parent / "standard"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Codelist:
    name: str
    complete: bool
    codes: frozenset[str]
    withdrawn: frozenset[str]
    names: dict[str, str]


@cache
def codelists() -> dict[str, Codelist]:
    raw = json.loads((STANDARD / "codelists.json").read_text(encoding="utf-8"))
    return {
        name: Codelist(
            name,
            bool(entry["complete"]),
            frozenset(entry["codes"]),
            frozenset(entry["withdrawn"]),
            dict(entry.get("names", {})),
        )
        for name, entry in raw.items()
    }


def codes(name: str) -> frozenset[str]:
    """The active codes of a codelist (e.g. 'Currency', 'Sector', 'Country')."""
    return codelists()[name].codes


def name_of(codelist: str, code: str) -> str:
    return codelists()[codelist].names.get(code, "")


@dataclass(frozen=True)
class CodeRule:
    """One line of the mapping: the attribute (or text) at `path` takes codes of `codelist`,
    when `condition` holds on its element."""

    record: str  # iati-activity | iati-organisation
    path: str  # as the mapping writes it
    element: Any  # XPath selecting the elements, relative to the record
    attribute: str | None  # None: the element's text
    codelist: str
    condition: Any  # XPath on the element, or None


@dataclass(frozen=True)
class CodeProblem:
    path: str  # element path inside the file, e.g. /iati-activities/iati-activity/sector[2]/@code
    line: int | None
    value: str
    codelist: str
    severity: str  # error | warning
    message: str


def _attribute_name(name: str) -> str:
    return XML_LANG if name == "xml:lang" else name


@cache
def code_rules() -> tuple[CodeRule, ...]:
    tree = etree.parse(str(STANDARD / "codelist-mapping.xml"), etree.XMLParser(no_network=True))
    rules = []
    for mapping in tree.getroot().iter("mapping"):
        path = (mapping.findtext("path") or "").strip()
        ref = mapping.find("codelist")
        if ref is None or not path:
            continue
        condition = (mapping.findtext("condition") or "").strip()
        for record in ("iati-activity", "iati-organisation"):
            if path == "//@xml:lang":
                element, attribute = "descendant-or-self::*[@xml:lang]", "xml:lang"
            elif path.startswith(f"//{record}/"):
                rest = path[len(record) + 3 :]
                if rest.startswith("@"):
                    element, attribute = "self::*", rest[1:]
                elif "/@" in rest:
                    element, attribute = rest.rsplit("/@", 1)
                else:
                    element, attribute = rest.removesuffix("/text()"), None
            else:
                continue  # the root's version is checked when the file is opened
            rules.append(
                CodeRule(
                    record,
                    path,
                    etree.XPath(element),
                    _attribute_name(attribute) if attribute else None,
                    ref.get("ref", ""),
                    etree.XPath(f"boolean({condition})") if condition else None,
                )
            )
    return tuple(rules)


def check_codes(record: Any) -> list[CodeProblem]:
    """Every coded attribute of one record whose code is not in its codelist."""
    lists = codelists()
    problems: list[CodeProblem] = []
    tag = etree.QName(record).localname
    tree = record.getroottree()
    for rule in code_rules():
        if rule.record != tag or rule.codelist not in lists:
            continue
        codelist = lists[rule.codelist]
        for element in rule.element(record):
            if rule.condition is not None and not rule.condition(element):
                continue
            raw = element.get(rule.attribute) if rule.attribute else element.text
            if raw is None:
                continue
            value = raw.strip()
            if value in codelist.codes:
                continue
            shown = "xml:lang" if rule.attribute == XML_LANG else rule.attribute
            where = tree.getpath(element) + (f"/@{shown}" if shown else "")
            if value in codelist.withdrawn:
                problems.append(
                    CodeProblem(
                        where,
                        element.sourceline,
                        value,
                        rule.codelist,
                        "warning",
                        f"code {value!r} is withdrawn from the {rule.codelist} codelist",
                    )
                )
            else:
                # An incomplete list (e.g. Country) allows other codes: a warning only.
                problems.append(
                    CodeProblem(
                        where,
                        element.sourceline,
                        value,
                        rule.codelist,
                        "error" if codelist.complete else "warning",
                        f"code {value!r} is not in the {rule.codelist} codelist",
                    )
                )
    return problems
