"""Query-parameter providers generated from the services' filter dataclasses.

Each filter field becomes a documented query parameter; `date_from`/`date_to` are spelled
`from`/`to` in URLs, and a field can name its own query key with `metadata={"query": ...}`
(needed where the natural name, like `scope`, is reserved by Litestar).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

from litestar.params import Parameter

ALIASES = {"date_from": "from", "date_to": "to"}


def filter_provider(filters_cls: type[Any]) -> Callable[..., Any]:
    hints = get_type_hints(filters_cls)
    params = []
    for f in dataclasses.fields(filters_cls):
        annotation = hints[f.name]
        alias = f.metadata.get("query") or ALIASES.get(f.name)
        default = Parameter(query=alias, default=None) if alias else None
        params.append(
            inspect.Parameter(
                f.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )

    def provide(**kwargs: Any) -> Any:
        return filters_cls(**kwargs)

    provide.__signature__ = inspect.Signature(params, return_annotation=filters_cls)  # type: ignore[attr-defined]
    provide.__annotations__ = {p.name: p.annotation for p in params} | {"return": filters_cls}
    provide.__name__ = f"provide_{filters_cls.__name__}"
    return provide
