"""The OpenAPI document says what the operations really do.

Litestar documents a route's success response and a generic 400; this module, applied once
by `create_app`, adds what the routes of this app really return:

- every problem status (RFC 9457, `application/problem+json`, schema `Problem`), derived
  from what the route is: every API route may answer 400 (bad or unknown query parameter)
  and 503 (database unavailable); a route that needs a login 401 and 403; a route with a
  path parameter 404; a route with a body 413, 422 and, for POST/PUT/PATCH, 409; PATCH 428;
  DELETE 409; a list with filters 422 (unknown code). A route adds others with
  `opt={"problems": (429,)}`;
- PATCH bodies require `version` (or the If-Match header, also declared): without either
  the answer is 428;
- download routes declare their media type (`media_type=` on the decorator); routes that
  answer JSON or a workbook list both with `opt={"also_media_types": (XLSX,)}`;
- HTTP-date headers (Last-Modified) are not ISO date-times; public routes need no token.

docs/api.md ("The API contract") says how a new route keeps the document true; the
conformance test (tests/test_api_conformance.py, schemathesis) holds it to the responses.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIHeader,
    Operation,
    Parameter,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute

from ta_manager.accounts.authentication import COOKIE
from ta_manager.api.bodies import DECIMAL, body_struct

PROBLEM_JSON = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class ProblemError(msgspec.Struct, kw_only=True):
    """One thing wrong: a field and the reason; import problems also name the place."""

    field: str | msgspec.UnsetType = msgspec.UNSET
    reason: str
    value: Any = msgspec.UNSET
    sheet: str | msgspec.UnsetType = msgspec.UNSET
    row: int | msgspec.UnsetType | None = msgspec.UNSET
    column: str | msgspec.UnsetType | None = msgspec.UNSET


class Problem(msgspec.Struct, kw_only=True):
    """An error (RFC 9457). `errors` lists every broken field."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | msgspec.UnsetType = msgspec.UNSET
    errors: list[ProblemError] | msgspec.UnsetType = msgspec.UNSET
    current_version: int | msgspec.UnsetType = msgspec.UNSET
    more_errors: int | msgspec.UnsetType = msgspec.UNSET
    errors_workbook: str | msgspec.UnsetType = msgspec.UNSET


DESCRIPTIONS = {
    400: "Bad request: malformed or too deeply nested JSON, a wrong type, an unknown field,"
    " or an unknown or invalid query parameter",
    401: "Not authenticated: no, or an invalid, expired or revoked token",
    403: "The caller's role may not do this",
    404: "No such record (or not visible to the caller)",
    409: "Conflict: a duplicate code, a stale version, or a record still referenced",
    413: "Request body too large",
    422: "A rule is broken (unknown code, end before start, ...); `errors` names each field",
    428: "Update without a version: send `version` or If-Match",
    429: "Too many failed logins: see Retry-After",
    503: "The database is unavailable; try again shortly (Retry-After)",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _is_public(handler: HTTPRouteHandler) -> bool:
    opt = handler.opt or {}
    return bool(opt.get("public") or opt.get("exclude_from_auth"))


def problem_statuses(route: HTTPRoute, handler: HTTPRouteHandler) -> set[int]:
    """The problem statuses this route can answer with."""
    statuses = {int(s) for s in (handler.opt or {}).get("problems", ())}
    if not route.path.startswith("/api/"):
        return statuses
    methods = set(handler.http_methods)
    params = handler.parsed_fn_signature.parameters
    statuses |= {400, 503}
    if not _is_public(handler):
        statuses |= {401, 403}
    if route.path_parameters:
        statuses.add(404)
    if "data" in params:
        statuses |= {413, 422}
        if methods & WRITE_METHODS:
            statuses.add(409)
    if "PATCH" in methods:
        statuses |= {404, 409, 428}
    if "DELETE" in methods:
        statuses.add(409)
    if "filters" in params:
        statuses.add(422)
    return statuses


def declare_problems(app: Litestar) -> None:
    """Add the problem responses to every route handler (before the document is built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            declared = dict(handler.responses or {})
            for status in sorted(problem_statuses(route, handler)):
                declared.setdefault(
                    status,
                    ResponseSpec(
                        data_container=Problem,
                        description=DESCRIPTIONS.get(status, "Problem"),
                        media_type=PROBLEM_JSON,
                        generate_examples=False,
                    ),
                )
            handler.responses = declared


HTTP_DATE_HEADERS = ("last-modified", "date", "expires")
HTTP_DATE = Schema(
    type="string",  # type: ignore[arg-type]
    description="An HTTP date (RFC 9110), e.g. Wed, 21 Oct 2015 07:28:00 GMT",
)
IF_MATCH = Parameter(
    name="If-Match",
    param_in="header",
    required=False,
    description="The ETag of the version read (instead of `version` in the body)",
    schema=Schema(type="string"),  # type: ignore[arg-type]
)


def _operations(app: Litestar) -> dict[tuple[str, str], tuple[Operation, HTTPRouteHandler]]:
    """(path, method) -> the document's operation and the handler behind it."""
    paths = app.openapi_schema.paths or {}
    found: dict[tuple[str, str], tuple[Operation, HTTPRouteHandler]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in paths:
            continue
        item = paths[route.path_format]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if isinstance(operation, Operation):
                    found[(route.path_format, method)] = (operation, handler)
    return found


def _fix_headers(operation: Operation) -> None:
    for response in (operation.responses or {}).values():
        for name, header in (getattr(response, "headers", None) or {}).items():
            schema = getattr(header, "schema", None)
            dated = isinstance(schema, Schema) and schema.format is not None
            if isinstance(header, OpenAPIHeader) and dated and name.lower() in HTTP_DATE_HEADERS:
                header.schema = HTTP_DATE


def _decimals(schema: Any) -> Any:
    """msgspec says a Decimal is a string of format "decimal"; the API takes a JSON number
    or a decimal string (ta_manager.api.bodies.DECIMAL)."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and schema.get("format") == "decimal":
            text = {k: v for k, v in schema.items() if k != "description"}
            return {
                "anyOf": [{**text, "pattern": DECIMAL}, {"type": "number"}],
                **({"description": schema["description"]} if "description" in schema else {}),
            }
        return {k: _decimals(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_decimals(v) for v in schema]
    return schema


def _literal_keys(info: Any) -> list[str] | None:
    mi = msgspec.inspect
    if isinstance(info, mi.Metadata):
        return _literal_keys(info.type)
    if isinstance(info, mi.UnionType):
        return next((k for t in info.types if (k := _literal_keys(t))), None)
    if isinstance(info, mi.DictType):
        key = info.key_type.type if isinstance(info.key_type, mi.Metadata) else info.key_type
        if isinstance(key, mi.LiteralType):
            return [str(v) for v in key.values]
    return None


def _keyed(schema: Any, keys: list[str]) -> Any:
    """A dict schema whose keys come from a codelist, with the keys spelt out (msgspec's
    schema drops the key type)."""
    if isinstance(schema, dict) and "anyOf" in schema:
        return {**schema, "anyOf": [_keyed(s, keys) for s in schema["anyOf"]]}
    if isinstance(schema, dict) and schema.get("type") == "object":
        value = schema.get("additionalProperties", {})
        return {**schema, "properties": dict.fromkeys(keys, value), "additionalProperties": False}
    return schema


def _codelist_keys(structs: list[type[msgspec.Struct]], components: dict[str, Any]) -> None:
    mi = msgspec.inspect
    for info in mi.multi_type_info(structs):
        if not isinstance(info, mi.StructType):
            continue
        schema = components.get(info.cls.__name__)
        for f in info.fields:
            keys = _literal_keys(f.type)
            if keys and schema and f.encode_name in schema.get("properties", {}):
                prop = schema["properties"][f.encode_name]
                schema["properties"][f.encode_name] = _keyed(prop, keys)


def _json_bodies(app: Litestar, operations: list[tuple[Operation, HTTPRouteHandler]]) -> None:
    """JSON bodies are described by msgspec's own schema of the struct that decodes them:
    every constraint (also inside lists) and no unknown fields where the struct forbids
    them. Litestar's generated schema loses both."""
    bodies = [(op, struct) for op, h in operations if (struct := body_struct(h)) is not None]
    if not bodies:
        return
    structs = sorted({struct for _, struct in bodies}, key=lambda t: t.__name__)
    refs, components = msgspec.json.schema_components(
        structs, ref_template="#/components/schemas/{name}"
    )
    document = app.openapi_schema
    assert document.components.schemas is not None
    _codelist_keys(structs, components)
    document.components.schemas.update({k: _decimals(v) for k, v in components.items()})
    name_of = {t: str(r["$ref"]).rsplit("/", 1)[-1] for t, r in zip(structs, refs, strict=True)}
    for operation, struct in bodies:
        media = getattr(operation.request_body, "content", {}).get("application/json")
        if media is not None:
            media.schema = Reference(ref=f"#/components/schemas/{name_of[struct]}")


def _require_version(app: Litestar, operation: Operation, handler: HTTPRouteHandler) -> None:
    struct = body_struct(handler)
    if struct is None or "version" not in struct.__struct_fields__:
        return
    schemas = app.openapi_schema.components.schemas or {}
    name = msgspec.json.schema_components([struct], ref_template="{name}")[0][0]["$ref"]
    schema: Any = schemas.get(name)
    if not isinstance(schema, dict):
        return
    schema["properties"]["version"] = {
        "type": "integer",
        "minimum": 0,
        "description": "The version you read (from the record or its ETag); a stale one is 409."
        " Required unless the If-Match header carries it.",
    }
    schema["required"] = sorted({*schema.get("required", []), "version"})
    operation.parameters = [
        *(p for p in operation.parameters or [] if getattr(p, "name", "") != "If-Match"),
        IF_MATCH,
    ]


def _also_media_types(operation: Operation, handler: HTTPRouteHandler) -> None:
    extra = (handler.opt or {}).get("also_media_types", ())
    ok = str(handler.status_code)
    response = (operation.responses or {}).get(ok)
    content = getattr(response, "content", None)
    if not extra or content is None:
        return
    for media_type in extra:
        content.setdefault(
            media_type,
            type(next(iter(content.values())))(
                schema=Schema(type="string", content_media_type=media_type)  # type: ignore[arg-type]
            ),
        )


def _integer_bounds(operation: Operation) -> None:
    """Litestar writes integer bounds as floats: 2**63 - 1 would become 2**63."""
    for parameter in operation.parameters or []:
        schema = getattr(parameter, "schema", None)
        if isinstance(schema, Schema) and schema.type == "integer":
            for bound in ("minimum", "maximum"):
                value = getattr(schema, bound)
                if isinstance(value, float) and value.is_integer():
                    setattr(schema, bound, min(int(value), 2**63 - 1))


def _no_null_queries(operation: Operation) -> None:
    """A query string cannot carry null: an optional filter is absent, not null. Litestar
    documents `list[str] | None` as oneOf [array, null], which a client (and schemathesis's
    negative cases: `?currency=false` is a valid one-item list) reads as two types."""
    for parameter in operation.parameters or []:
        schema = getattr(parameter, "schema", None)
        if getattr(parameter, "param_in", None) != "query" or not isinstance(schema, Schema):
            continue
        branches = [s for s in schema.one_of or [] if getattr(s, "type", None) != "null"]
        if schema.one_of and len(branches) == 1 and isinstance(branches[0], Schema):
            kept = branches[0]
            schema.one_of = None
            schema.type = kept.type
            schema.items = schema.items or kept.items
            schema.enum = kept.enum or schema.enum
            schema.format = kept.format or schema.format


def _security_schemes(app: Litestar) -> None:
    """A token goes in the Authorization header (bearer) or, from the browser, the cookie."""
    document = app.openapi_schema
    document.components.security_schemes = {
        "BearerToken": SecurityScheme(
            type="http",
            scheme="bearer",
            bearer_format="JWT from POST /api/v1/auth/login, or a personal API token tam_...",
            description="Authorization: Bearer <token>",
        ),
        "SessionCookie": SecurityScheme(
            type="apiKey",
            name=COOKIE,
            security_scheme_in="cookie",
            description="The session cookie set by POST /api/v1/auth/login with cookie=true",
        ),
    }
    document.security = [{"BearerToken": []}, {"SessionCookie": []}]


def finish_document(app: Litestar) -> None:
    """Build the OpenAPI document now and correct what Litestar cannot know."""
    _security_schemes(app)
    operations = _operations(app)
    _json_bodies(app, list(operations.values()))
    for (_, method), (operation, handler) in operations.items():
        _fix_headers(operation)
        _integer_bounds(operation)
        _no_null_queries(operation)
        for status, response in (operation.responses or {}).items():
            if status == "204" and hasattr(response, "content"):
                response.content = None  # 204 No Content has no body
        if _is_public(handler):
            operation.security = []
        if method == "PATCH":
            _require_version(app, operation, handler)
        _also_media_types(operation, handler)


def apply(app: Litestar) -> Litestar:
    declare_problems(app)
    finish_document(app)
    return app
