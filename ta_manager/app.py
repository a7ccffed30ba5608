"""The Litestar application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders, State
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.types import Message, Scope

from ta_manager import __version__
from ta_manager.accounts.authentication import Sessions
from ta_manager.api import contract
from ta_manager.api.bodies import ApiRequest
from ta_manager.api.crud import crud_controller
from ta_manager.api.health import health
from ta_manager.api.problems import EXCEPTION_HANDLERS
from ta_manager.api.query import reject_unknown_query_parameters
from ta_manager.api.resources import RESOURCES
from ta_manager.audit import trail
from ta_manager.database import engine
from ta_manager.database.embedded import resolve_dsn_async
from ta_manager.database.supervisor import Supervisor
from ta_manager.reference.controllers import InstrumentPartiesController
from ta_manager.settings import Settings, get_settings
from ta_manager.ui.router import ui_router, ui_static
from ta_manager.ui.templating import template_config

STATIC = Path(__file__).parent / "api" / "static"
log = logging.getLogger(__name__)

# Sent with every response. The API docs page needs its inline script and styles.
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # same-origin: browsers then send our own Origin on form posts (the CSRF check reads it)
    # and nothing to other sites.
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline';"
    " style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
}


async def security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value
    if scope.get("scheme") == "https":
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    if scope["path"].startswith("/api/") and "cache-control" not in headers:
        headers["cache-control"] = "no-store"


def api_router() -> Router:
    from importers.api import ROUTES as IMPORT_ROUTES
    from reports.api import ROUTES as REPORT_ROUTES
    from ta_manager.accounts.api import ROUTES as ACCOUNT_ROUTES
    from ta_manager.activities.api import ROUTES as ACTIVITY_ROUTES
    from ta_manager.iati.api import ROUTES as IATI_ROUTES
    from ta_manager.jobs.api import ROUTES as JOB_ROUTES
    from ta_manager.proposals.api import ROUTES as PROPOSAL_ROUTES

    controllers = [crud_controller(r) for r in RESOURCES]
    return Router(
        path="/api/v1",
        before_request=reject_unknown_query_parameters,
        route_handlers=[
            *controllers,
            *ACTIVITY_ROUTES,
            InstrumentPartiesController,
            *ACCOUNT_ROUTES,
            *IMPORT_ROUTES,
            *REPORT_ROUTES,
            *PROPOSAL_ROUTES,
            *JOB_ROUTES,
            *IATI_ROUTES,
        ],
    )


def create_app(settings: Settings | None = None, manage_database: bool = True) -> Litestar:
    """Build the app. Tests pass `manage_database=False` and own the pool themselves."""
    settings = settings or get_settings()
    trail.install()  # every record write leaves an audit record
    sessions = Sessions(settings)

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        dsn = await resolve_dsn_async(
            settings.database_url, settings.data_dir, settings.db_start_seconds
        )
        if settings.embedded:  # a dead embedded server is started again (503 meanwhile)
            app.state["database_supervisor"] = Supervisor(
                settings.data_dir, settings.db_start_seconds
            )
        engine.configure(dsn)
        await engine.open_pool()
        try:
            yield
        finally:
            await engine.close_pool()

    swagger = SwaggerRenderPlugin(
        js_url="/static/swagger/swagger-ui-bundle.js",
        css_url="/static/swagger/swagger-ui.css",
        standalone_preset_js_url="/static/swagger/swagger-ui-standalone-preset.js",
        favicon="",
        path="/",
    )
    app = Litestar(
        route_handlers=[
            health,
            api_router(),
            create_static_files_router(
                path="/static", directories=[STATIC], include_in_schema=False
            ),
            ui_static(),
            ui_router(),
        ],
        template_config=template_config(),
        plugins=[HTMXPlugin()],
        lifespan=[database],
        on_app_init=[sessions.on_app_init],
        before_send=[security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="ta-manager",
            version=__version__,
            description="Technical assistance against organized crime and corruption: needs, "
            "activities, beneficiaries and funding.",
            path="/schema",
            render_plugins=[swagger],
        ),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        request_max_body_size=settings.max_request_bytes,
        request_class=ApiRequest,
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        state=State({"settings": settings}),
        debug=False,
    )
    return contract.apply(app)
