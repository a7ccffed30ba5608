"""The IATI Standard Ruleset (standard/ruleset-standard.json), interpreted on one record.

The ruleset is the official JSON the IATI Validator applies: per context (an XPath such as
`/iati-activities/iati-activity`), named rules (`atleast_one`, `strict_sum`, `date_order`...)
with cases. Each case is compiled once into XPath objects and evaluated on each record as
the IATI Validator does (it too tests one record at a time). Choices where the JS validator
and the ruleset's intent differ are listed in docs/iati.md ("Validation"); in short: `$1`
in a loop is substituted in every expression of the case, `unique` compares texts, and the
registry checks (`idCondition`, publisher identifiers) assume no registry.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from lxml import etree

from ta_manager.iati.codelists import STANDARD, codes

NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


@dataclass(frozen=True)
class RuleFinding:
    rule_id: str
    severity: str  # error | warning
    message: str
    context: str  # element path of the context element
    line: int | None
    detail: str = ""


def _xpath(expression: str) -> Any:
    return etree.XPath(expression, namespaces=NS)


def _relative(context: str, record: str, root: str) -> str:
    """The context XPath relative to one record element."""
    parts = []
    for part in (p.strip() for p in context.split("|")):
        head = f"/{root}/{record}"
        if part == head:
            parts.append("self::*")
        elif part.startswith(head + "/"):
            parts.append(part[len(head) + 1 :])
        elif part.startswith("//"):
            parts.append("." + part)
        else:
            return ""  # a context of the other file type
    return " | ".join(parts)


def _text(node: Any) -> str:
    if isinstance(node, str):
        return str(node)
    if isinstance(node, etree._Element):
        return "".join(node.itertext())
    return str(node)


def _date(value: str) -> dt.date | None:
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass
class Case:
    rule: str
    spec: dict[str, Any]
    info: dict[str, Any]
    compiled: dict[str, Any]

    @classmethod
    def of(cls, rule: str, spec: dict[str, Any]) -> Case:
        compiled: dict[str, Any] = {}
        for key in ("condition", "if", "then", "one", "date", "start", "end", "less", "more"):
            value = spec.get(key)
            if isinstance(value, str) and value != "NOW":
                compiled[key] = _xpath(value)
        if "paths" in spec:
            compiled["paths"] = [_xpath(p) for p in spec["paths"]]
        if "prefix" in spec:
            compiled["prefix"] = [_xpath(p) for p in spec["prefix"] if p != "ORG-ID-PREFIX"]
        if "excluded" in spec:
            compiled["excluded"] = [_xpath(p) for p in spec["excluded"]]
        return cls(rule, spec, spec.get("ruleInfo", {}), compiled)


@dataclass
class Loop:
    foreach: Any
    rule: str
    spec: dict[str, Any]


@dataclass
class Context:
    select: Any
    cases: list[Case | Loop]


@cache
def _loaded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (STANDARD / "ruleset-standard.json").read_text(encoding="utf-8")
    )
    return data


@cache
def contexts(record: str, root: str) -> tuple[Context, ...]:
    out = []
    for context, rules in _loaded().items():
        relative = _relative(context, record, root)
        if not relative:
            continue
        cases: list[Case | Loop] = []
        for rule, body in rules.items():
            for spec in body["cases"]:
                if rule == "loop":
                    for sub_rule, sub_body in spec["do"].items():
                        for sub_spec in sub_body["cases"]:
                            cases.append(Loop(_xpath(spec["foreach"]), sub_rule, sub_spec))
                else:
                    cases.append(Case.of(rule, spec))
        out.append(Context(_xpath(relative), cases))
    return tuple(out)


@cache
def _loop_case(rule: str, spec_json: str, value: str) -> Case:
    spec = json.loads(spec_json.replace("$1", value.replace("'", "")))
    return Case.of(rule, spec)


def _matches(case: Case, element: Any) -> list[Any]:
    found: list[Any] = []
    for path in case.compiled.get("paths", []):
        found.extend(path(element))
    return found


def _first_date(case: Case, key: str, element: Any) -> dt.date | None:
    if case.spec.get(key) == "NOW":
        return dt.date.today()
    xpath = case.compiled.get(key)
    if xpath is None:
        return None
    found = xpath(element)
    if isinstance(found, list):
        if not found:
            return None
        found = found[0]
    return _date(_text(found))


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


def org_id_prefixes() -> frozenset[str]:
    """The registration agencies' prefixes (e.g. GB-COH, XM-DAC): the ruleset's ORG-ID-PREFIX."""
    return codes("OrganisationRegistrationAgency")


def _one_or_all(case: Case, element: Any) -> tuple[bool, str]:
    if case.compiled["one"](element):
        return True, ""
    kind = case.spec.get("all")
    missing: list[Any] = []
    if kind == "lang":
        missing = [n for n in element.iter("narrative") if n.get(f"{{{NS['xml']}}}lang") is None]
    elif kind == "sector":
        missing = [t for t in element.findall("transaction") if t.find("sector") is None]
    elif kind == "recipient-country|recipient-region":
        missing = [
            t
            for t in element.findall("transaction")
            if t.find("recipient-country") is None and t.find("recipient-region") is None
        ]
    elif kind == "currency":
        missing = [
            v
            for tag in ("value", "forecast", "loan-status")
            for v in element.iter(tag)
            if v.get("currency") is None
        ]
    detail = ", ".join(f"<{m.tag}> at line {m.sourceline}" for m in missing[:5])
    return not missing, detail


def _evaluate(case: Case, element: Any) -> tuple[bool | None, str]:
    """(passed, detail); passed is None when the case does not apply."""
    condition = case.compiled.get("condition")
    if condition is not None and not condition(element):
        return None, ""
    rule, spec = case.rule, case.spec
    found = _matches(case, element)
    texts = [_text(f) for f in found]
    if rule == "no_more_than_one":
        return len(found) <= 1, f"{len(found)} found"
    if rule == "atleast_one":
        return len(found) >= 1, ""
    if rule == "only_one_of":
        for excluded in case.compiled["excluded"]:
            if excluded(element):
                return not found, ""
        return len(found) == 1, ""
    if rule == "one_or_all":
        return _one_or_all(case, element)
    if rule == "unique":
        return len(texts) == len(set(texts)), ", ".join(texts)
    if rule in ("sum", "strict_sum"):
        if rule == "sum" and not found:
            return True, ""
        numbers = [_number(t) for t in texts]
        if any(n is None for n in numbers):
            return False, "a value is not a number: " + ", ".join(texts)
        total = sum((n for n in numbers if n is not None), Decimal(0))
        return round(total, 4) == Decimal(str(spec["sum"])), f"the sum is {total}"
    if rule == "range":
        low = Decimal(str(spec["min"])) if "min" in spec else None
        high = Decimal(str(spec["max"])) if "max" in spec else None
        bad = []
        for t in texts:
            n = _number(t)
            if n is None or (low is not None and n < low) or (high is not None and n > high):
                bad.append(t)
        return not bad, ", ".join(bad)
    if rule in ("date_order", "date_now", "time_limit", "between_dates"):
        return _dates(case, element)
    if rule in ("regex_matches", "regex_no_matches"):
        pattern = re.compile(spec["regex"])
        want = rule == "regex_matches"
        bad = [t for t in texts if t != "" and bool(pattern.search(t)) != want]
        return not bad, ", ".join(bad)
    if rule == "startswith":
        separator = spec.get("separator", "")
        if spec["prefix"] == ["ORG-ID-PREFIX"]:
            prefixes = org_id_prefixes()
            bad = [t for t in texts if "-".join(t.split("-")[:2]) not in prefixes]
            return not bad, ", ".join(bad)
        starts = [_text(m) for path in case.compiled["prefix"] for m in path(element)]
        bad = [t for t in texts if not any(t.startswith(s + separator) for s in starts)]
        return not bad, ", ".join(f"{t!r} (prefixes: {', '.join(starts)})" for t in bad)
    if rule == "if_then":
        if case.compiled["if"](element):
            return bool(case.compiled["then"](element)), ""
        return True, ""
    if rule == "no_spaces":
        bad = [t for t in texts if t != t.strip()]
        return not bad, ", ".join(repr(t) for t in bad)
    return None, ""  # a rule this ruleset does not use ('dependent' is not implemented by IATI)


def _dates(case: Case, element: Any) -> tuple[bool | None, str]:
    rule = case.rule
    if rule == "date_now":
        date = _first_date(case, "date", element)
        return (None, "") if date is None else (date <= dt.date.today(), f"{date}")
    if rule == "date_order":
        less, more = _first_date(case, "less", element), _first_date(case, "more", element)
        if less is None or more is None:
            return None, ""
        return less <= more, f"{case.spec['less']} = {less}, {case.spec['more']} = {more}"
    start, end = _first_date(case, "start", element), _first_date(case, "end", element)
    if start is None or end is None:
        return None, ""
    if rule == "time_limit":
        return (end - start).days <= 365, f"{start} to {end}"
    date = _first_date(case, "date", element)
    if date is None:
        return None, ""
    return start <= date <= end, f"{date} not within {start} to {end}"


def check_rules(record: Any, root: str) -> list[RuleFinding]:
    """Every failed case of the Standard Ruleset on one record (errors and warnings)."""
    findings: list[RuleFinding] = []
    tag = etree.QName(record).localname
    tree = record.getroottree()
    for context in contexts(tag, root):
        for element in context.select(record):
            for item in context.cases:
                for case in _cases(item, element):
                    passed, detail = _evaluate(case, element)
                    if passed is False:
                        info = case.info
                        findings.append(
                            RuleFinding(
                                str(info.get("id", "")),
                                str(info.get("severity", "error")),
                                str(info.get("message", case.rule)),
                                tree.getpath(element),
                                element.sourceline,
                                detail,
                            )
                        )
    return findings


def _cases(item: Case | Loop, element: Any) -> Iterable[Case]:
    if isinstance(item, Case):
        yield item
        return
    values = dict.fromkeys(_text(v) for v in item.foreach(element))
    spec_json = json.dumps(item.spec)
    for value in values:
        yield _loop_case(item.rule, spec_json, value)
