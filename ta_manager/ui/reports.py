"""/reports: the annual activity report of a year or period, its headline figures and
charts on the page, and the workbook downloads (annual report, matrix, funding)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import get
from litestar.response import Template

from reports.annual import AnnualFilters, build_annual
from ta_manager.accounts.roles import STAFF
from ta_manager.errors import InvalidInput
from ta_manager.locale import N_, gettext
from ta_manager.ui import choices
from ta_manager.ui.charts import bar_chart
from ta_manager.ui.forms import Errors, errors_from
from ta_manager.ui.pages import AnyRequest, render
from ta_manager.ui.records import filters_from

# The report's figure names (reports/annual.py), for the catalogue.
FIGURES = (
    N_("Activities carried out"),
    N_("Distinct States assisted"),
    N_("Participants"),
    N_("Women"),
    N_("Men"),
    N_("Sex not recorded"),
    N_("Workshops held"),
    N_("Trainings held"),
    N_("Regional or wider activities"),
)
KEYS = ("year", "from", "to", "region", "country", "priority_area", "instrument", "type")


def job_params(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The page's filters as a job's params (the report URL's names; a year is a number)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key == "year":
            out[key] = int(value) if value.isdigit() else value
        elif key in out:
            out[key] = [*(out[key] if isinstance(out[key], list) else [out[key]]), value]
        else:
            out[key] = value
    return out


@get("/reports", opt={"roles": STAFF}, include_in_schema=False)
async def reports_page(request: AnyRequest) -> Template:
    errors: Errors = {}
    if not request.query_params.get("year") and not request.query_params.get("from"):
        filters = AnnualFilters(year=dt.date.today().year)
    else:
        filters = filters_from(request, AnnualFilters, errors)
    annual = None
    charts: list[Any] = []
    if not errors:
        try:
            annual = await build_annual(filters)
        except InvalidInput as exc:
            errors = errors_from(exc)
    if annual is not None:
        tables = annual.tables
        figures = dict(annual.figures)
        charts = [
            bar_chart(
                "by-area",
                gettext("Activities by priority area"),
                [(r["code"], r["activities"]) for r in tables["priority area"].to_dicts()],
            ),
            bar_chart(
                "by-region",
                gettext("Activities by region"),
                [(r["name"], r["activities"]) for r in tables["region"].to_dicts()],
            ),
            bar_chart(
                "by-type",
                gettext("Activities by type"),
                [(r["type_name"], r["activities"]) for r in tables["type"].to_dicts()],
            ),
            bar_chart(
                "participants",
                gettext("Participants by sex"),
                [
                    (gettext("Women"), figures.get("Women", 0)),
                    (gettext("Men"), figures.get("Men", 0)),
                    (gettext("Sex not recorded"), figures.get("Sex not recorded", 0)),
                ],
            ),
        ]
    pairs = [(k, v) for k in KEYS for v in request.query_params.getall(k, []) if v]
    if not pairs:
        pairs = [("year", str(filters.year))]
    return render(
        request,
        "reports/page.html",
        annual=annual,
        charts=charts,
        errors=errors,
        year=filters.year,
        annual_params=job_params(pairs),
        choices=await choices.load({"regions", "priority_areas"}),
    )


ROUTES: list[Any] = [reports_page]
