"""Projects and activities as `Publication`s (mapping.py's iati-activity in our words):
who funded, implemented and is accountable, where, which sectors, budgets and money.

Rows come from queries.py; the choices (even shares, region 998, money per allocation,
budgets by year, project dates) are described in docs/iati.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ta_manager.iati import mapping as M
from ta_manager.iati import queries as Q
from ta_manager.iati.publisher import Publisher


@dataclass
class Context:
    """What every record of one export shares."""

    pub: Publisher
    scope: Q.Scope
    orgs: dict[int, Any]
    projects: dict[int, Any]
    today: dt.date
    project_codes: set[str] = field(default_factory=set)
    # Built once per export: organisations by (id, role), and funders by project (every
    # activity of a project repeats them). Publications only read them.
    _orgs: dict[tuple[int, str], M.Org | None] = field(default_factory=dict)
    _funders: dict[int, list[M.Org]] = field(default_factory=dict)

    def org(self, org_id: int | None, role: str = "") -> M.Org | None:
        if org_id is None:
            return None
        key = (org_id, role)
        if key not in self._orgs:
            self._orgs[key] = self._org(org_id, role)
        return self._orgs[key]

    def _org(self, org_id: int, role: str) -> M.Org | None:
        row = self.orgs.get(org_id)
        if row is None:
            return None
        if self.scope.donor_id is not None and row["is_donor"] and row["id"] != self.scope.donor_id:
            return None  # a donor user never sees another donor's name
        return M.Org(row["name"], row["iati_identifier"] or "", row["iati_org_type"], role)

    def project_funders(self, project_id: int) -> list[M.Org]:
        if project_id not in self._funders:
            project = self.projects.get(project_id)
            donors = list(project["donors"]) if project is not None else []
            if self.scope.donor_id is not None:
                donors = [d for d in donors if d == self.scope.donor_id] or [self.scope.donor_id]
            self._funders[project_id] = _orgs(self, donors, M.FUNDING)
        return self._funders[project_id]


def _orgs(ctx: Context, ids: list[int], role: str) -> list[M.Org]:
    out = []
    for org_id in dict.fromkeys(ids):
        org = ctx.org(org_id, role)
        if org is not None:
            out.append(org)
    return out


def _transactions(
    ctx: Context, owner_id: int, money: Q.Money, receiver: M.Org | None
) -> list[M.Transaction]:
    us = ctx.pub.org
    out: list[M.Transaction] = []
    for rest in money.earmarked.get(owner_id, []):
        if rest["rest"] > 0:
            out.append(_incoming(ctx, rest, rest["rest"], "not allocated yet"))
    for al in money.allocations.get(owner_id, []):
        out.append(_incoming(ctx, al, al["amount"], "allocated to this record"))
        out.append(
            M.Transaction(
                M.COMMITMENT,
                al["allocated_on"],
                al["amount"],
                al["currency"],
                al["contribution"],
                "allocation",
                us,
                receiver,
            )
        )
        for e in money.expenditures.get(al["id"], []):
            out.append(
                M.Transaction(
                    M.EXPENDITURE,
                    e["spent_on"],
                    e["amount"],
                    al["currency"],
                    al["contribution"],
                    e["category"].replace("_", " "),
                    us,
                )
            )
    return out


def _incoming(ctx: Context, row: Any, amount: Decimal, note: str) -> M.Transaction:
    received = row["status"] == "received"
    when = row["received_on"] if received else (row["pledged_on"] or row["received_on"])
    return M.Transaction(
        M.INCOMING_FUNDS if received else M.INCOMING_COMMITMENT,
        when,
        amount,
        row["currency"],
        row["contribution"],
        note,
        ctx.org(row["donor_id"]) or M.Org("(donor)"),
        ctx.pub.org,
        M.EARMARKING[row["earmarking"]],
    )


def _countries(codes_: list[str]) -> list[tuple[str, Decimal]]:
    return list(zip(codes_, M.even_shares(len(codes_)), strict=True))


def _sectors(ctx: Context, own: list[str], fallback: list[str]) -> list[tuple[str, Decimal]]:
    chosen = own or fallback or ([ctx.pub.default_sector] if ctx.pub.default_sector else [])
    return list(zip(chosen, M.even_shares(len(chosen)), strict=True))


def _geography(p: M.Publication, countries: list[str]) -> None:
    if countries:
        p.countries = _countries(countries)
    else:
        p.regions = [("1", M.UNSPECIFIED_REGION, M.HUNDRED)]


def project_publication(ctx: Context, row: Any, money: Q.Money) -> M.Publication:
    pub = ctx.pub
    office = ctx.org(row["implementing_office_id"], M.EXTENDING)
    p = M.Publication(
        identifier=pub.identifier(row["code"]),
        kind="project",
        code=row["code"],
        title=row["title"],
        reporting_org=pub.org,
        lang=pub.lang,
        status=M.PROJECT_STATUS[row["status"]],
        currency=row["currency"],
        updated=row["updated_at"],
        hierarchy=M.PROJECT_LEVEL,
    )
    p.descriptions = [("1", row["description"].strip() or row["title"])]
    context = ctx.projects.get(row["id"])
    donors = context["donors"] if context is not None else []
    p.orgs = [
        *_orgs(ctx, donors, M.FUNDING),
        M.Org(pub.org.name, pub.org.ref, pub.org.type, M.ACCOUNTABLE),
        *([office] if office else []),
        *_orgs(ctx, row["partners"], M.IMPLEMENTING),
    ]
    start, end = row["starts_on"], row["ends_on"]
    started = row["status"] != "pipeline" and start is not None and start <= ctx.today
    if start is not None:
        p.dates[M.ACTUAL_START if started else M.PLANNED_START] = start
    if end is not None:
        ended = row["status"] == "closed" and end <= ctx.today
        p.dates[M.ACTUAL_END if ended else M.PLANNED_END] = end
    countries = row["countries"] or row["activity_countries"]
    _geography(p, countries)
    p.scope = "1" if not countries else ("4" if len(countries) == 1 else "3")
    p.sectors = _sectors(ctx, context["sectors"] if context is not None else [], [])
    if row["budget"] is not None and start is not None and end is not None:
        p.budgets = [
            M.Budget(a, b, v, row["currency"])
            for a, b, v in M.split_by_year(row["budget"], start, end)
        ]
    p.transactions = _transactions(ctx, row["id"], money, office)
    p.related = [(pub.identifier(c), M.CHILD) for c in row["children"]] if pub.activities else []
    return p


def activity_publication(ctx: Context, row: Any, money: Q.Money) -> M.Publication:
    pub = ctx.pub
    project = ctx.projects.get(row["project_id"]) if row["project_id"] else None
    office = ctx.org(project["implementing_office_id"], M.EXTENDING) if project else None
    p = M.Publication(
        identifier=pub.identifier(row["code"]),
        kind="activity",
        code=row["code"],
        title=row["title"],
        reporting_org=pub.org,
        lang=pub.lang,
        status=M.ACTIVITY_STATUS[row["status"]],
        currency=row["currency"],
        updated=row["updated_at"],
        hierarchy=M.ACTIVITY_LEVEL,
        scope=M.SCOPE[row["scope"]],
    )
    p.descriptions = [("1", row["description"].strip() or _described(row))]
    if row["outputs"].strip():
        p.descriptions.append(("4", row["outputs"].strip()))
    direct = [al["donor_id"] for al in money.allocations.get(row["id"], [])]
    if direct:
        funders = _orgs(ctx, direct, M.FUNDING)
    elif project is not None:
        funders = ctx.project_funders(row["project_id"])
    else:
        funders = _orgs(ctx, [ctx.scope.donor_id] if ctx.scope.donor_id else [], M.FUNDING)
    p.orgs = [
        *funders,
        M.Org(pub.org.name, pub.org.ref, pub.org.type, M.ACCOUNTABLE),
        *([office] if office else []),
        *_orgs(ctx, row["partners"], M.IMPLEMENTING),
    ]
    for kind, column in (
        (M.PLANNED_START, "planned_start"),
        (M.ACTUAL_START, "actual_start"),
        (M.PLANNED_END, "planned_end"),
        (M.ACTUAL_END, "actual_end"),
    ):
        if row[column] is not None:
            p.dates[kind] = row[column]
    _geography(p, row["countries"])
    p.sectors = _sectors(ctx, row["sectors"], list(project["sectors"]) if project else [])
    p.tags = [(row["type_code"], row["type_name"])]
    start = row["planned_start"] or row["actual_start"]
    end = row["planned_end"] or row["actual_end"] or start
    if row["planned_cost"] is not None and start is not None and end is not None:
        p.budgets = [
            M.Budget(a, b, v, row["currency"])
            for a, b, v in M.split_by_year(row["planned_cost"], start, end)
        ]
    p.transactions = _transactions(ctx, row["id"], money, office)
    if project is not None:
        p.related = [(pub.identifier(project["code"]), M.PARENT)]
    return p


def _described(row: Any) -> str:
    """A description from the record's facts, for records that have none."""
    where = ", ".join(x for x in (row["venue_city"], row["venue_country"]) if x)
    start = row["actual_start"] or row["planned_start"]
    end = row["actual_end"] or row["planned_end"]
    when = f"{start} to {end}" if start and end and end != start else (f"{start}" if start else "")
    parts = [row["type_name"], f"in {where}" if where else "", f"({when})" if when else ""]
    return " ".join(p for p in parts if p)
