"""All pages under one router, with HTML error pages and the request's language."""

from __future__ import annotations

from typing import Any

from litestar import Router
from litestar.static_files import create_static_files_router

from ta_manager.ui import (
    activities,
    admin,
    auth,
    dashboard,
    duplicates,
    funding,
    imports,
    jobs,
    language,
    matrix,
    needs,
    pickers,
    proposals,
    reports,
    sources,
    states,
)
from ta_manager.ui.pages import EXCEPTION_HANDLERS, before_request
from ta_manager.ui.templating import STATIC


def ui_router() -> Router:
    pages: list[Any] = [
        *auth.ROUTES,
        *dashboard.ROUTES,
        *duplicates.ROUTES,
        *activities.ROUTES,
        *needs.ROUTES,
        *pickers.ROUTES,
        *matrix.ROUTES,
        *reports.ROUTES,
        *funding.ROUTES,
        *jobs.ROUTES,
        *imports.ROUTES,
        *proposals.ROUTES,
        *states.ROUTES,
        *admin.ROUTES,
        *sources.ROUTES,
        *language.ROUTES,
    ]
    return Router(
        path="/",
        route_handlers=pages,
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=before_request,
        include_in_schema=False,
    )


def ui_static() -> Any:
    return create_static_files_router(
        path="/static/ui", directories=[STATIC], include_in_schema=False, name="ui-static"
    )
