"""/pick/{kind}: type-ahead suggestions for a text input (a <datalist> filled by htmx).

The input may hold several values separated by ';'; suggestions complete the last one and
keep what was typed before it, so the browser's own datalist does the rest (no script of
ours). Suggestions come from the same services (and donor view) as the API's lists.

States are read by the one matcher the API and the importers use
(ta_manager.reference.country_names): beside the input the page says which UN entry each
name typed resolves to ("Russia → Russian Federation (RUS)"), or why it is refused (a
former name such as "Southern Sudan", with its explanation; an ambiguous or unknown name,
with the closest UN names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from ta_manager.accounts.donor_view import reader_for
from ta_manager.accounts.roles import EVERYONE
from ta_manager.activities.duplicates import PLANS
from ta_manager.activities.service import ActivityFilters, ActivityService
from ta_manager.errors import NotFound
from ta_manager.locale import current_language, gettext
from ta_manager.needs.service import NeedService
from ta_manager.projects.service import ProjectService
from ta_manager.records.service import RecordService
from ta_manager.reference import services as refsvc
from ta_manager.reference.country_names import (
    StateMatch,
    StateNameError,
    state_name,
    state_names,
)
from ta_manager.ui.forms import split_values
from ta_manager.ui.pages import NEED_READERS, AnyRequest, may, render

SUGGESTIONS = 12


def _activity(r: dict[str, Any]) -> str:
    return f"{r['status']} · {r['title'][:70]}"


@dataclass(frozen=True)
class Picker:
    service: RecordService
    value: Callable[[dict[str, Any]], str]  # what goes into the input
    label: Callable[[dict[str, Any]], str]  # what the list shows beside it
    roles: tuple[str, ...] = EVERYONE
    filters: Any = None  # the service's filters that every suggestion meets
    shared: bool = False  # reference data everyone reads whole (no donor view)


PICKERS: dict[str, Picker] = {
    "countries": Picker(
        refsvc.CountryService(),
        lambda r: state_name(r, current_language.get()),
        lambda r: f"{r['iso3']} · {state_name(r, current_language.get())}",
        shared=True,
    ),
    "organizations": Picker(refsvc.OrganizationService(), lambda r: r["code"], lambda r: r["name"]),
    "donors": Picker(
        refsvc.OrganizationService(),
        lambda r: r["code"],
        lambda r: r["name"],
        filters=refsvc.ReferenceFilters(role=["donor"]),
    ),
    "projects": Picker(ProjectService(), lambda r: r["code"], lambda r: r["title"]),
    "activities": Picker(ActivityService(), lambda r: r["code"], _activity),
    "plans": Picker(
        ActivityService(),
        lambda r: r["code"],
        _activity,
        filters=ActivityFilters(status=list(PLANS)),
    ),
    "proposed": Picker(
        ActivityService(),
        lambda r: r["code"],
        _activity,
        filters=ActivityFilters(status=["proposed"]),
    ),
    "needs": Picker(
        NeedService(),
        lambda r: r["code"],
        lambda r: f"{r['country']} {r['priority_area']} {r['description'][:60]}",
        NEED_READERS,
    ),
    "sectors": Picker(refsvc.SectorService(), lambda r: r["code"], lambda r: r["name"]),
    "regions": Picker(refsvc.RegionService(), lambda r: r["code"], lambda r: r["name"]),
}


@dataclass(frozen=True)
class StateReading:
    """How one name typed for a State reads: its UN entry, or why it names none."""

    typed: str
    match: StateMatch | None = None
    problem: str = ""

    @property
    def text(self) -> str:
        if self.match is None:
            return self.problem
        if self.match.how == "code" or self.match.name == self.typed.strip():
            return self.match.label
        return gettext("%(typed)s → %(name)s", typed=self.typed.strip(), name=self.match.label)


async def read_states(text: str) -> list[StateReading]:
    """Each name typed (separated by ';', new lines, or ',' where the piece as a whole is
    not a State: as the form reads it) and what the matcher makes of it."""
    names = await state_names()
    out: list[StateReading] = []
    for piece in split_values(text):
        try:
            out.append(StateReading(piece, names.match(piece)))
            continue
        except StateNameError as whole:
            parts = [p.strip() for p in piece.split(",") if p.strip()] if "," in piece else []
            if len(parts) < 2:
                out.append(StateReading(piece, problem=_said(piece, whole)))
                continue
        for part in parts:
            try:
                out.append(StateReading(part, names.match(part)))
            except StateNameError as exc:
                out.append(StateReading(part, problem=_said(part, exc)))
    return out


def _said(typed: str, exc: StateNameError) -> str:
    """'Southern Sudan: South Sudan became...' (the matcher's message names it already) or
    "'Narnia': unknown State; closest: ..."."""
    text = str(exc)
    return text if text.startswith(f"{typed}:") else f"{typed}: {text}"


async def _state_options(last: str, prefix: str) -> list[tuple[str, str]]:
    """The UN entry the matcher reads `last` as first, then its closest names."""
    names = await state_names()
    try:
        found = [names.match(last)]
    except StateNameError as exc:
        found = list(exc.suggestions)
    return [(prefix + m.name, f"{m.iso3} · {m.name}") for m in found]


@get("/pick/{kind:str}", opt={"roles": EVERYONE}, include_in_schema=False)
async def pick(request: AnyRequest, kind: FromPath[str], field: FromQuery[str] = "") -> Template:
    picker = PICKERS.get(kind)
    if picker is None or not may(request, picker.roles):  # type: ignore[arg-type]
        raise NotFound("picker", kind)
    typed = str(request.query_params.get(field) or request.query_params.get("q") or "")
    head, sep, last = typed.rpartition(";")
    prefix = f"{head.strip()}; " if sep else ""
    last = last.strip()
    options: list[tuple[str, str]] = []
    readings: list[StateReading] = []
    if kind == "countries":
        readings = await read_states(typed)
        if last:
            options = await _state_options(last, prefix)
    if last:
        reader = (
            picker.service
            if picker.shared
            else reader_for(picker.service, request.scope.get("user"))
        )
        page = await reader.page(picker.filters, q=last, limit=SUGGESTIONS)
        seen = {value for value, _ in options}
        options += [
            (prefix + picker.value(r), picker.label(r))
            for r in page.items
            if prefix + picker.value(r) not in seen
        ]
    return render(
        request,
        "partials/options.html",
        options=options[:SUGGESTIONS],
        field=field,
        readings=readings,
        show_readings=kind == "countries" and bool(field),
    )


ROUTES: list[Any] = [pick]
