"""Every error leaves as an RFC 9457 problem document that names the field and the reason."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from ta_manager.api.query import query_key
from ta_manager.database.engine import database_unavailable
from ta_manager.errors import DomainError, StaleVersion
from ta_manager.records.service import translate_database_error

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    errors = [
        {
            "field": e.field,
            "reason": e.reason,
            **({"value": e.value} if e.value is not None else {}),
        }
        for e in exc.errors
    ]
    extra: dict[str, Any] = {"instance": request.url.path}
    if isinstance(exc, StaleVersion):
        extra["current_version"] = exc.current_version
    response = problem(exc.status, exc.title, exc.detail, errors, **extra)
    if isinstance(exc, StaleVersion):
        response.headers["ETag"] = f'"{exc.current_version}"'
    response.headers.update(getattr(exc, "headers", None) or {})
    return response


def validation_error(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message", "invalid"))
            field = _field_in(message) or str(item.get("key") or item.get("source") or "body")
            if item.get("source") == "query":  # as the user typed it: `from`, not `date_from`
                field = _query_key(request, field)
            errors.append({"field": field, "reason": message})
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors) or str(exc.detail)
    return problem(400, "Invalid request", detail, errors, instance=request.url.path)


def _query_key(request: Request[Any, Any, Any], field: str) -> str:
    handler = request.scope.get("route_handler")
    return query_key(handler, field) if isinstance(handler, HTTPRouteHandler) else field


def _field_in(message: str) -> str | None:
    """msgspec names the offending path as "at `$.field`" or "unknown field `field`"."""
    match = re.search(r"(?:at|in) `\$\.([^`]+)`", message) or re.search(
        r"unknown field `([^`]+)`", message
    )
    return match.group(1) if match else None


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    title = {
        400: "Bad request",
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        413: "Request too large",
        429: "Too many requests",
    }.get(exc.status_code, "Request error")
    response = problem(exc.status_code, title, str(exc.detail), instance=request.url.path)
    response.headers.update(exc.headers or {})
    return response


def unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """503 while the database is down; an embedded one is started again meanwhile."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    supervisor = request.app.state.get("database_supervisor")
    if supervisor is not None:
        supervisor.database_lost()
    response = problem(
        503,
        "Service unavailable",
        "the database is unavailable; try again shortly",
        instance=request.url.path,
    )
    response.headers["Retry-After"] = "5"
    return response


def connection_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if database_unavailable(exc):
        return unavailable(request, exc)
    return internal_error(request, exc)


def database_error(
    request: Request[Any, Any, Any], exc: asyncpg.PostgresError
) -> Response[dict[str, Any]]:
    if database_unavailable(exc):
        return unavailable(request, exc)
    translated = translate_database_error("record", exc)
    if isinstance(translated, DomainError):
        return domain_error(request, translated)
    return internal_error(request, exc)


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "The server failed to handle this request; it has been logged.",
        instance=request.url.path,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    asyncpg.PostgresError: database_error,
    asyncpg.InterfaceError: connection_error,
    asyncpg.exceptions.InternalClientError: connection_error,
    OSError: connection_error,
    Exception: internal_error,
}
