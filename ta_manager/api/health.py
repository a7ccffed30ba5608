from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec

from ta_manager import __version__
from ta_manager.database import sql


@get(
    "/health",
    tags=["service"],
    summary="Service and database state",
    operation_id="health",
    opt={"public": True},
    security=[],
    responses={
        503: ResponseSpec(
            dict[str, Any],
            description="The database is unavailable (the body says why)",
            generate_examples=False,
        )
    },
)
async def health(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    try:
        server_version = await sql.fetchval("SHOW server_version")
        migrations = await sql.fetchval("SELECT count(*) FROM migration")
        body = {
            "status": "ok",
            "version": __version__,
            "database": {
                "status": "ok",
                "server_version": server_version,
                "migrations": migrations,
            },
        }
        return Response(body, status_code=200)
    except Exception as exc:  # the point of this route is to report, not to fail
        supervisor = request.app.state.get("database_supervisor")
        if supervisor is not None:  # an embedded server that died is started again
            supervisor.database_lost()
        body = {
            "status": "degraded",
            "version": __version__,
            "database": {"status": "unavailable", "error": type(exc).__name__},
        }
        return Response(body, status_code=503)
