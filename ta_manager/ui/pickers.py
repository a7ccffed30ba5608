"""/pick/{kind}: type-ahead suggestions for a text input (a <datalist> filled by htmx).

The input may hold several values separated by ';'; suggestions complete the last one and
keep what was typed before it, so the browser's own datalist does the rest (no script of
ours). Suggestions come from the same services (and donor view) as the API's lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import get
from litestar.response import Template

from ta_manager.accounts.donor_view import reader_for
from ta_manager.accounts.roles import EVERYONE
from ta_manager.errors import NotFound
from ta_manager.locale import current_language
from ta_manager.needs.service import NeedService
from ta_manager.projects.service import ProjectService
from ta_manager.records.service import RecordService
from ta_manager.reference import services as refsvc
from ta_manager.reference.country_names import state_name
from ta_manager.ui.pages import NEED_READERS, AnyRequest, may, render

SUGGESTIONS = 12


@dataclass(frozen=True)
class Picker:
    service: RecordService
    value: Callable[[dict[str, Any]], str]  # what goes into the input
    label: Callable[[dict[str, Any]], str]  # what the list shows beside it
    roles: tuple[str, ...] = EVERYONE


PICKERS: dict[str, Picker] = {
    "countries": Picker(
        refsvc.CountryService(),
        lambda r: state_name(r, current_language.get()),
        lambda r: f"{r['iso3']} · {state_name(r, current_language.get())}",
    ),
    "organizations": Picker(refsvc.OrganizationService(), lambda r: r["code"], lambda r: r["name"]),
    "projects": Picker(ProjectService(), lambda r: r["code"], lambda r: r["title"]),
    "needs": Picker(
        NeedService(),
        lambda r: r["code"],
        lambda r: f"{r['country']} {r['priority_area']} {r['description'][:60]}",
        NEED_READERS,
    ),
    "sectors": Picker(refsvc.SectorService(), lambda r: r["code"], lambda r: r["name"]),
    "regions": Picker(refsvc.RegionService(), lambda r: r["code"], lambda r: r["name"]),
}


@get("/pick/{kind:str}", opt={"roles": EVERYONE}, include_in_schema=False)
async def pick(request: AnyRequest, kind: str, field: str = "") -> Template:
    picker = PICKERS.get(kind)
    if picker is None or not may(request, picker.roles):  # type: ignore[arg-type]
        raise NotFound("picker", kind)
    typed = str(request.query_params.get(field) or request.query_params.get("q") or "")
    head, sep, last = typed.rpartition(";")
    prefix = f"{head.strip()}; " if sep else ""
    last = last.strip()
    options: list[tuple[str, str]] = []
    if last:
        page = await reader_for(picker.service, request.scope.get("user")).page(
            None, q=last, limit=SUGGESTIONS
        )
        options = [(prefix + picker.value(r), picker.label(r)) for r in page.items]
    return render(request, "partials/options.html", options=options)


ROUTES: list[Any] = [pick]
