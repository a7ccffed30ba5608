"""/matrix: the needs-to-activity matrix as a heat-map (States x priority areas, or x
assistance types) with the report's filters; /matrix/cell: the needs and activities behind
one cell. Colour is never the only signal: each cell also has a symbol and a word."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import polars as pl
from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from reports.matrix import NO_TYPE, Matrix, MatrixFilters, build_matrix
from reports.translated import translate_matrix
from ta_manager.accounts.roles import STAFF
from ta_manager.errors import InvalidInput
from ta_manager.locale import N_, current_language
from ta_manager.ui import choices
from ta_manager.ui.forms import Errors, errors_from
from ta_manager.ui.pages import AnyRequest, render
from ta_manager.ui.records import filters_from

SYMBOLS = {"met": "✓", "partly": "◐", "unmet": "✗", "none": "·"}
LEGEND = [
    ("met", N_("met: linked to a completed activity")),
    ("partly", N_("partly met: linked only to planned, approved or ongoing activities")),
    ("unmet", N_("unmet: no linked activity (cancelled ones do not count)")),
    ("none", N_("no stated need")),
]
FILTER_KEYS = (
    "region",
    "country",
    "priority_area",
    "instrument",
    "stated_from",
    "stated_to",
    "activity_from",
    "activity_to",
)


def filter_query(request: AnyRequest) -> str:
    """The report's filters of this page, for the download link and the cells' links."""
    pairs = [(k, v) for k in FILTER_KEYS for v in request.query_params.getall(k, []) if v.strip()]
    return urlencode(pairs)


def filter_params(request: AnyRequest) -> dict[str, Any]:
    """The page's filters as a matrix job's params (repeated names as lists)."""
    out: dict[str, Any] = {}
    for key in FILTER_KEYS:
        values = [v.strip() for v in request.query_params.getall(key, []) if v.strip()]
        if values:
            out[key] = values if len(values) > 1 else values[0]
    return out


def grid(m: Matrix, by_type: bool) -> dict[str, Any]:
    """Rows of States with one cell per column, ready for the template."""
    cells = m.type_cells if by_type else m.area_cells
    columns = (
        [
            {"key": r["key"], "code": r["code"], "name": r["name"], "group": r["priority_area"]}
            for r in m.assistance_types.to_dicts()
        ]
        if by_type
        else [
            {"key": r["code"], "code": r["code"], "name": r["name"], "group": ""}
            for r in m.priority_areas.to_dicts()
        ]
    )
    index: dict[tuple[int, str], dict[str, Any]] = {
        (r["country_id"], r["key"]): r for r in cells.to_dicts()
    }
    rows = []
    for s in m.states.to_dicts():
        row_cells = []
        for c in columns:
            cell = index.get((s["country_id"], c["key"]))
            row_cells.append(
                {
                    "key": c["key"],
                    "status": cell["status"] if cell else "none",
                    "needs": cell["needs"] if cell else 0,
                    "activities": cell["answering_activities"] if cell else 0,
                }
            )
        rows.append({**s, "cells": row_cells})
    return {"columns": columns, "rows": rows}


@get("/matrix", opt={"roles": STAFF}, include_in_schema=False)
async def matrix_page(request: AnyRequest, view: FromQuery[str] = "areas") -> Template:
    errors: Errors = {}
    filters = filters_from(request, MatrixFilters, errors)
    data: dict[str, Any] = {"columns": [], "rows": []}
    summary: dict[str, Any] = {}
    if not errors:
        try:
            m = await translate_matrix(await build_matrix(filters), current_language.get())
            data = grid(m, view == "types")
            summary = {k: v.to_dicts() for k, v in m.summaries.items()}
        except InvalidInput as exc:
            errors = errors_from(exc)
    return render(
        request,
        "matrix/page.html",
        fragment="matrix/partials/grid.html",
        view="types" if view == "types" else "areas",
        errors=errors,
        symbols=SYMBOLS,
        legend=LEGEND,
        summary=summary,
        filter_query=filter_query(request),
        matrix_params=filter_params(request),
        choices=await choices.load({"regions", "priority_areas", "instruments"}),
        **data,
    )


@get("/matrix/cell", opt={"roles": STAFF}, include_in_schema=False)
async def matrix_cell(
    request: AnyRequest,
    country: FromQuery[str],
    priority_area: FromQuery[str | None] = None,
    assistance_type: FromQuery[str | None] = None,
) -> Template:
    """The needs (with their status) and the activities behind one cell."""
    errors: Errors = {}
    base = filters_from(request, MatrixFilters, errors)
    needs: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    if not errors:
        area = priority_area or (assistance_type or "").removesuffix(NO_TYPE).split("-")[0]
        filters = MatrixFilters(
            region=None,
            country=[country],
            priority_area=[area] if area else base.priority_area,
            instrument=base.instrument,
            stated_from=base.stated_from,
            stated_to=base.stated_to,
            activity_from=base.activity_from,
            activity_to=base.activity_to,
        )
        try:
            m = await translate_matrix(await build_matrix(filters), current_language.get())
        except InvalidInput as exc:
            errors = errors_from(exc)
        else:
            frame = m.needs
            if assistance_type:
                if assistance_type.endswith(NO_TYPE):
                    frame = frame.filter(pl.col("assistance_type").is_null())
                else:
                    frame = frame.filter(pl.col("assistance_type") == assistance_type)
            needs = frame.to_dicts()
            ids = [n["need_id"] for n in needs]
            linked = m.activities.filter(pl.col("need_id").is_in(ids))
            codes = {n["need_id"]: n["code"] for n in needs}
            activities = [{**a, "need": codes.get(a["need_id"])} for a in linked.to_dicts()]
    return render(
        request,
        "matrix/cell.html",
        fragment="matrix/partials/cell.html",
        country=country,
        column=assistance_type or priority_area or "",
        needs=needs,
        activities=activities,
        errors=errors,
        symbols=SYMBOLS,
    )


ROUTES: list[Any] = [matrix_page, matrix_cell]
