"""The one mapping between ta-manager's records and IATI 2.03 elements, both directions.

`Publication` is an `iati-activity` in ta-manager's words (a project or an activity, with
its States, sectors, organisations, budgets and transactions). `to_element` writes it in the
schema's element order; `from_element` reads one back. The code tables below (statuses,
scopes, roles, transaction types) are used by the exporter and by the importer, so that a
file exported and imported again gives the same records. docs/iati.md is this module in
prose.

Fields being added by issue 11 map here when they land (see docs/iati.md, "Not published").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VERSION = "2.03"

# ------------------------------------------------------------------ code tables
# activity.status -> ActivityStatus (1 Pipeline/identification, 2 Implementation,
# 3 Finalisation, 4 Closed, 5 Cancelled, 6 Suspended), and back.
ACTIVITY_STATUS = {
    "proposed": "1",
    "planned": "1",
    "approved": "1",
    "ongoing": "2",
    "completed": "3",
    "cancelled": "5",
}
ACTIVITY_STATUS_BACK = {
    "1": "planned",
    "2": "ongoing",
    "3": "completed",
    "4": "completed",
    "5": "cancelled",
    "6": "ongoing",
}
PROJECT_STATUS = {"pipeline": "1", "active": "2", "closed": "4"}
PROJECT_STATUS_BACK = {
    "1": "pipeline",
    "2": "active",
    "3": "active",
    "4": "closed",
    "5": "closed",
    "6": "active",
}
# activity.scope -> ActivityScope (1 Global, 2 Regional, 3 Multi-national, 4 National, ...).
SCOPE = {"global": "1", "regional": "2", "interregional": "3", "national": "4"}
SCOPE_BACK = {"1": "global", "2": "regional", "3": "interregional"}  # 4-8: national
# OrganisationRole
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# TransactionType
INCOMING_FUNDS, COMMITMENT, DISBURSEMENT, EXPENDITURE, INCOMING_COMMITMENT = (
    "1",
    "2",
    "3",
    "4",
    "11",
)
# ActivityDateType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# Region 998: "Developing countries, unspecified" (DAC vocabulary 1), for records with no
# beneficiary State.
UNSPECIFIED_REGION = "998"
# hierarchy: projects are parents (1), activities their children (2).
PROJECT_LEVEL, ACTIVITY_LEVEL = "1", "2"
# related-activity types: 1 parent, 2 child.
PARENT, CHILD = "1", "2"
# The activity type travels as a tag of the reporting organisation's vocabulary (99).
OWN_VOCABULARY = "99"
# contribution.earmarking -> EarmarkingCategory (aid-type vocabulary 2) on incoming money:
# 1 unearmarked, 2 softly earmarked (a priority area), 3 earmarked (a project).
EARMARKING = {"none": "1", "priority_area": "2", "project": "3"}
EARMARKING_VOCABULARY = "2"
# OECD DAC aid type (vocabulary 1) of everything ta-manager records: D02, other technical
# assistance. Given on transactions that carry an earmarking too (IATI rule 107.2.1).
AID_TYPE = "D02"


# ------------------------------------------------------------------ the record
@dataclass
class Org:
    name: str
    ref: str = ""
    type: int | None = None
    role: str = ""
    activity_id: str = ""


@dataclass
class Budget:
    start: dt.date
    end: dt.date
    value: Decimal
    currency: str


@dataclass
class Transaction:
    type: str
    date: dt.date
    value: Decimal
    currency: str
    ref: str = ""
    description: str = ""
    provider: Org | None = None
    receiver: Org | None = None
    earmarking: str = ""  # EarmarkingCategory (aid-type vocabulary 2) of incoming money


@dataclass
class Publication:
    """One iati-activity: a project (hierarchy 1) or an activity (hierarchy 2)."""

    identifier: str
    kind: str  # project | activity
    code: str
    title: str
    reporting_org: Org
    lang: str = "en"
    descriptions: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    status: str = "2"
    dates: dict[str, dt.date] = field(default_factory=dict)  # date type -> date
    scope: str | None = None
    countries: list[tuple[str, Decimal]] = field(default_factory=list)  # (ISO2, %)
    regions: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (vocab, code, %)
    sectors: list[tuple[str, Decimal]] = field(default_factory=list)  # (DAC 5-digit, %)
    orgs: list[Org] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)  # (code, name), vocabulary 99
    currency: str = "USD"
    budgets: list[Budget] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)  # (identifier, type)
    updated: dt.datetime | None = None
    hierarchy: str = PROJECT_LEVEL


# ------------------------------------------------------------------ shares and periods
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def even_shares(n: int) -> list[Decimal]:
    """n percentages with two decimals that add up to exactly 100 (the last takes the rest)."""
    if n <= 0:
        return []
    share = (HUNDRED / n).quantize(CENT, rounding=ROUND_HALF_UP)
    shares = [share] * (n - 1)
    return [*shares, HUNDRED - sum(shares, Decimal(0))]


def yearly_periods(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut at calendar years (IATI budgets may not span more than a year)."""
    periods = []
    current = start
    while current <= end:
        year_end = min(dt.date(current.year, 12, 31), end)
        periods.append((current, year_end))
        current = year_end + dt.timedelta(days=1)
    return periods


def split_by_year(
    total: Decimal, start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date, Decimal]]:
    """A total over [start, end] spread over its calendar years by days, to the cent, summing
    exactly to the total."""
    periods = yearly_periods(start, end)
    days = (end - start).days + 1
    out = []
    given = Decimal(0)
    for i, (a, b) in enumerate(periods):
        if i == len(periods) - 1:
            part = total - given
        else:
            part = (total * ((b - a).days + 1) / days).quantize(CENT, rounding=ROUND_HALF_UP)
        given += part
        out.append((a, b, part))
    return out


# ------------------------------------------------------------------ writing
def _sub(parent: Any, tag: str, attrib: dict[str, str] | None = None) -> Any:
    return etree.SubElement(parent, tag, attrib or {})


def _narrative(parent: Any, text: str) -> None:
    _sub(parent, "narrative").text = text


def _org(parent: Any, tag: str, org: Org, role: str | None = None) -> None:
    attrib: dict[str, str] = {}
    if org.ref:
        attrib["ref"] = org.ref
    if role:
        attrib["role"] = role
    if org.type is not None:
        attrib["type"] = str(org.type)
    element = _sub(parent, tag, attrib)
    if org.name:
        _narrative(element, org.name)


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def _value(parent: Any, value: Decimal, currency: str, date: dt.date) -> None:
    element = _sub(parent, "value", {"currency": currency, "value-date": date.isoformat()})
    element.text = _money(value)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def to_element(p: Publication) -> Any:
    """The iati-activity element, children in the order the 2.03 schema requires."""
    attrib = {XML_LANG: p.lang, "default-currency": p.currency, "hierarchy": p.hierarchy}
    if p.updated is not None:
        attrib["last-updated-datetime"] = p.updated.replace(microsecond=0).isoformat()
    a = etree.Element("iati-activity", attrib)
    _sub(a, "iati-identifier").text = p.identifier
    _org(a, "reporting-org", p.reporting_org)
    _narrative(_sub(a, "title"), p.title)
    for kind, text in p.descriptions:
        _narrative(_sub(a, "description", {"type": kind}), text)
    for org in p.orgs:
        attrib = {"role": org.role}
        if org.ref:
            attrib["ref"] = org.ref
        if org.type is not None:
            attrib["type"] = str(org.type)
        element = _sub(a, "participating-org", attrib)
        _narrative(element, org.name)
    _sub(a, "activity-status", {"code": p.status})
    for kind in (PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END):
        if kind in p.dates:
            _sub(a, "activity-date", {"type": kind, "iso-date": p.dates[kind].isoformat()})
    if p.scope:
        _sub(a, "activity-scope", {"code": p.scope})
    for code, share in p.countries:
        _sub(a, "recipient-country", {"code": code, "percentage": _percent(share)})
    for vocabulary, code, share in p.regions:
        attrib = {"code": code, "vocabulary": vocabulary, "percentage": _percent(share)}
        _sub(a, "recipient-region", attrib)
    for code, share in p.sectors:
        _sub(a, "sector", {"vocabulary": "1", "code": code, "percentage": _percent(share)})
    for code, name in p.tags:
        _narrative(_sub(a, "tag", {"vocabulary": OWN_VOCABULARY, "code": code}), name)
    for b in p.budgets:
        budget = _sub(a, "budget", {"type": "1", "status": "1"})
        _sub(budget, "period-start", {"iso-date": b.start.isoformat()})
        _sub(budget, "period-end", {"iso-date": b.end.isoformat()})
        _value(budget, b.value, b.currency, b.start)
    for t in p.transactions:
        transaction = _sub(a, "transaction", {"ref": t.ref} if t.ref else {})
        _sub(transaction, "transaction-type", {"code": t.type})
        _sub(transaction, "transaction-date", {"iso-date": t.date.isoformat()})
        _value(transaction, t.value, t.currency, t.date)
        if t.description:
            _narrative(_sub(transaction, "description"), t.description)
        if t.provider is not None:
            _org(transaction, "provider-org", t.provider)
        if t.receiver is not None:
            _org(transaction, "receiver-org", t.receiver)
        if t.earmarking:
            _sub(transaction, "aid-type", {"code": AID_TYPE, "vocabulary": "1"})
            earmarking = {"code": t.earmarking, "vocabulary": EARMARKING_VOCABULARY}
            _sub(transaction, "aid-type", earmarking)
    for ref, kind in p.related:
        _sub(a, "related-activity", {"ref": ref, "type": kind})
    return a


# ------------------------------------------------------------------ reading
def _texts(element: Any, lang: str) -> str:
    """The narrative in `lang` (else the first one) of an element."""
    if element is None:
        return ""
    narratives = element.findall("narrative")
    for n in narratives:
        if (n.get(XML_LANG) or lang) == lang and (n.text or "").strip():
            return (n.text or "").strip()
    for n in narratives:
        if (n.text or "").strip():
            return (n.text or "").strip()
    return ""


def _read_org(element: Any, lang: str) -> Org | None:
    if element is None:
        return None
    raw_type = (element.get("type") or "").strip()
    return Org(
        name=_texts(element, lang),
        ref=(element.get("ref") or "").strip(),
        type=int(raw_type) if raw_type.isdigit() else None,
        role=(element.get("role") or "").strip(),
        activity_id=(element.get("activity-id") or "").strip(),
    )


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").strip())
    except ArithmeticError:
        return None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


@dataclass
class ReadProblem:
    path: str
    value: str
    reason: str


def from_element(a: Any, default_lang: str = "en") -> tuple[Publication, list[ReadProblem]]:
    """A Publication from an iati-activity element, and what in it could not be read."""
    problems: list[ReadProblem] = []
    path = a.getroottree().getpath
    lang = a.get(XML_LANG) or default_lang
    currency = (a.get("default-currency") or "").strip()
    reporting = _read_org(a.find("reporting-org"), lang) or Org(name="")
    p = Publication(
        identifier=(a.findtext("iati-identifier") or "").strip(),
        kind="activity" if (a.get("hierarchy") or "1").strip() not in ("", "1") else "project",
        code="",
        title=_texts(a.find("title"), lang),
        reporting_org=reporting,
        lang=lang,
        currency=currency,
        hierarchy=(a.get("hierarchy") or "1").strip() or "1",
    )
    for d in a.findall("description"):
        text = _texts(d, lang)
        if text:
            p.descriptions.append(((d.get("type") or "1").strip(), text))
    for o in a.findall("participating-org"):
        org = _read_org(o, lang)
        if org is not None:
            p.orgs.append(org)
    status = a.find("activity-status")
    p.status = (status.get("code") or "").strip() if status is not None else ""
    for d in a.findall("activity-date"):
        when = _date(d.get("iso-date"))
        if when is None:
            problems.append(
                ReadProblem(
                    path(d) + "/@iso-date", d.get("iso-date") or "", "not a date (YYYY-MM-DD)"
                )
            )
            continue
        p.dates.setdefault((d.get("type") or "").strip(), when)
    scope = a.find("activity-scope")
    p.scope = (scope.get("code") or "").strip() if scope is not None else None
    for c in a.findall("recipient-country"):
        share = _decimal(c.get("percentage")) if c.get("percentage") else None
        p.countries.append(((c.get("code") or "").strip().upper(), share or Decimal(0)))
    for r in a.findall("recipient-region"):
        share = _decimal(r.get("percentage")) if r.get("percentage") else None
        vocabulary = (r.get("vocabulary") or "1").strip()
        p.regions.append((vocabulary, (r.get("code") or "").strip(), share or Decimal(0)))
    for s in a.findall("sector"):
        vocabulary = (s.get("vocabulary") or "1").strip()
        if vocabulary != "1":
            continue  # only DAC 5-digit sectors are kept (docs/iati.md)
        share = _decimal(s.get("percentage")) if s.get("percentage") else None
        p.sectors.append(((s.get("code") or "").strip(), share or Decimal(0)))
    for t in a.findall("tag"):
        if (t.get("vocabulary") or "").strip() == OWN_VOCABULARY:
            p.tags.append(((t.get("code") or "").strip(), _texts(t, lang)))
    for b in a.findall("budget"):
        start = _date(_attr(b, "period-start"))
        end = _date(_attr(b, "period-end"))
        value = b.find("value")
        amount = _decimal(value.text if value is not None else None)
        if start is None or end is None or amount is None or value is None:
            problems.append(ReadProblem(path(b), "", "budget without period or value: skipped"))
            continue
        if (b.get("type") or "1").strip() != "1":
            continue  # revised budgets are not kept: the original is
        p.budgets.append(Budget(start, end, amount, (value.get("currency") or currency).strip()))
    for t in a.findall("transaction"):
        transaction = _read_transaction(t, lang, currency, problems)
        if transaction is not None:
            p.transactions.append(transaction)
    for r in a.findall("related-activity"):
        p.related.append(((r.get("ref") or "").strip(), (r.get("type") or "").strip()))
    return p, problems


def _attr(element: Any, child: str, name: str = "iso-date") -> str | None:
    found = element.find(child)
    return found.get(name) if found is not None else None


def _read_transaction(
    t: Any, lang: str, currency: str, problems: list[ReadProblem]
) -> Transaction | None:
    path = t.getroottree().getpath(t)
    kind = (_attr(t, "transaction-type", "code") or "").strip()
    value = t.find("value")
    amount = _decimal(value.text if value is not None else None)
    when = _date(_attr(t, "transaction-date")) or _date(
        value.get("value-date") if value is not None else None
    )
    if amount is None or when is None or value is None:
        problems.append(ReadProblem(path, "", "transaction without a value or a date: skipped"))
        return None
    return Transaction(
        type=kind,
        date=when,
        value=amount,
        currency=(value.get("currency") or currency).strip(),
        ref=(t.get("ref") or "").strip(),
        description=_texts(t.find("description"), lang),
        provider=_read_org(t.find("provider-org"), lang),
        receiver=_read_org(t.find("receiver-org"), lang),
        earmarking=next(
            (
                (x.get("code") or "").strip()
                for x in t.findall("aid-type")
                if (x.get("vocabulary") or "").strip() == EARMARKING_VOCABULARY
            ),
            "",
        ),
    )
