"""Query parameters: providers generated from the services' filter dataclasses, and the
check that a request sends only parameters its route takes.

Each filter field becomes a documented query parameter; `date_from`/`date_to` are spelled
`from`/`to` in URLs, and a field can name its own query key with `metadata={"query": ...}`
(needed where the natural name, like `scope`, is reserved by Litestar).

An unknown query parameter (`?contry=BEN`, `?start_date=2008`) is a 400 naming it and
listing the accepted ones: silently ignoring it would answer a question nobody asked.
Errors name a parameter as the user typed it (`from`, not the field `date_from`).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from litestar import Request
from litestar.constants import RESERVED_KWARGS
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import BodyKwarg, ParameterKwarg, QueryParameter
from litestar.utils.signature import ParsedSignature

from ta_manager.records.filters import split_values

ALIASES = {"date_from": "from", "date_to": "to"}


def _codelist(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a `list[Literal[...]] | None` filter, else ()."""
    for arm in get_args(annotation) or (annotation,):
        if get_origin(arm) is list:
            (item,) = get_args(arm)
            if get_origin(item) is Literal:
                return tuple(str(v) for v in get_args(item))
    return ()


def filter_provider(filters_cls: type[Any]) -> Callable[..., Any]:
    """A dependency provider taking each field of `filters_cls` as a query parameter.

    A codelist filter (`list[Literal[...]]`, such as `status`) is read as text and checked
    after splitting, so `?status=ongoing,planned` works like `?status=ongoing&status=planned`
    (docs/api.md); the document still lists the allowed values."""
    hints = get_type_hints(filters_cls)
    params = []
    codelists: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for f in dataclasses.fields(filters_cls):
        alias = f.metadata.get("query") or ALIASES.get(f.name)
        allowed = _codelist(hints[f.name])
        annotation: Any
        if allowed:
            codelists[f.name] = (alias or f.name, f.name, allowed)
            items = Schema(type=OpenAPIType.STRING, enum=list(allowed))
            kwarg = QueryParameter(name=alias, schema_extra={"items": items})
            annotation = Annotated[list[str] | None, kwarg]
        else:
            annotation = Annotated[hints[f.name], QueryParameter(name=alias)]
        params.append(
            inspect.Parameter(
                f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
            )
        )

    def provide(**kwargs: Any) -> Any:
        for name, (key, _, allowed) in codelists.items():
            if kwargs.get(name) is None:
                continue
            values = split_values(kwargs[name])
            wrong = [v for v in values if v not in allowed]
            if wrong:
                reason = f"unknown value {wrong[0]!r}; choose from {', '.join(allowed)}"
                raise ValidationException(
                    detail=f"{key}: {reason}", extra=[{"key": key, "message": reason}]
                )
            kwargs[name] = values or None
        return filters_cls(**kwargs)

    provide.__signature__ = inspect.Signature(params, return_annotation=filters_cls)  # type: ignore[attr-defined]
    provide.__annotations__ = {p.name: p.annotation for p in params} | {"return": filters_cls}
    provide.__name__ = f"provide_{filters_cls.__name__}"
    return provide


def no_filters() -> None:
    """The provider of `filters` for records that have none."""
    return None


def _query_keys(signature: ParsedSignature, dependencies: dict[str, Any]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for name, field in signature.parameters.items():
        if name in RESERVED_KWARGS:
            continue
        if name in dependencies:
            provide = dependencies[name]
            inner = ParsedSignature.from_fn(provide.dependency, {})
            keys |= _query_keys(inner, dependencies)
            continue
        kwarg = field.kwarg_definition
        if field.is_di_field or isinstance(kwarg, BodyKwarg):
            continue
        if isinstance(kwarg, ParameterKwarg):
            if kwarg.param_type.value != "query":
                continue
            keys[name] = kwarg.name or kwarg.query or name
        else:
            keys[name] = name  # inferred style: Litestar reads it from the query string
    return keys


@cache
def query_keys(handler: HTTPRouteHandler) -> dict[str, str]:
    """Field name -> query key, for every query parameter of the route and its dependencies
    (path parameters included; the caller leaves them out)."""
    return _query_keys(handler.parsed_fn_signature, handler.resolve_dependencies())


def query_key(handler: HTTPRouteHandler, field: str) -> str:
    """How the user spells the parameter bound to `field` (`date_from` -> `from`)."""
    return query_keys(handler).get(field, field)


async def reject_unknown_query_parameters(request: Request[Any, Any, Any]) -> None:
    """The API router's before-request hook."""
    if not request.query_params:
        return
    accepted = set(query_keys(request.route_handler).values()) - set(request.path_params)
    unknown = [k for k in dict.fromkeys(request.query_params.keys()) if k not in accepted]
    if not unknown:
        return
    listed = ", ".join(sorted(accepted)) or "none"
    raise ValidationException(
        f"unknown query parameter{'s' if len(unknown) > 1 else ''}"
        f" {', '.join(map(repr, unknown))}; this route takes: {listed}",
        extra=[
            {"key": k, "source": "query", "message": f"unknown query parameter; accepted: {listed}"}
            for k in unknown
        ],
    )
