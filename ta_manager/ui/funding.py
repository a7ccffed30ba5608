"""/funding: a donor's money: contributions, allocations, spending, balance and what it
bought. A donor user sees only its own (asking for another donor answers 404); the
secretariat and officers pick a donor."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from reports.funding import build_funding, donor_scope_of, find_donor, grand_total
from ta_manager.accounts.roles import DONOR, STAFF
from ta_manager.locale import gettext
from ta_manager.reference.services import OrganizationService, ReferenceFilters
from ta_manager.ui.pages import AnyRequest, account_of, render

_SUPERSEDED = re.compile(r"superseded by (\S+): not in totals")


def notes_of(row: dict[str, Any]) -> list[str]:
    """What the funding report notes on a contribution (reports/funding.py, counting rule 8),
    in the page's language: not quantified, no rate, cumulative over its period, superseded
    by another cumulative figure."""
    notes = []
    if row["pledged"] is None:
        notes.append(gettext("not quantified"))
    elif row["rate"] is None:
        notes.append(gettext("no rate: not in USD totals"))
    if row["cumulative"]:
        notes.append(gettext("cumulative %(period)s", period=row["period"] or ""))
    found = _SUPERSEDED.search(row.get("note") or "")
    if found:
        notes.append(gettext("superseded by %(code)s: not in totals", code=found.group(1)))
    return notes


def contribution_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{**r, "notes": notes_of(r)} for r in frame.to_dicts()]


async def donors() -> list[dict[str, Any]]:
    page = await OrganizationService().page(ReferenceFilters(role=["donor"]), limit=1000)
    return page.items


@get("/funding", opt={"roles": (*STAFF, DONOR)}, include_in_schema=False)
async def funding_page(request: AnyRequest, donor: FromQuery[str | None] = None) -> Template:
    scope = await donor_scope_of(request.scope.get("user"), donor or None)
    is_donor = account_of(request).role == DONOR
    chosen = await find_donor(scope) if scope is not None else None
    funding = await build_funding(scope)
    return render(
        request,
        "funding/page.html",
        donor=chosen,
        is_donor=is_donor,
        donors=[] if is_donor else await donors(),
        totals=grand_total(funding),
        per_donor=funding.totals.to_dicts(),
        contributions=contribution_rows(funding.contributions),
        funding_needs=funding.funding_needs.to_dicts(),
        allocations=funding.allocations.to_dicts(),
        bought=funding.activities.to_dicts(),
        show_donor=chosen is None,
        download={"donor": chosen["code"]} if chosen and not is_donor else {},
    )


ROUTES: list[Any] = [funding_page]
