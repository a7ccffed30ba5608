"""Reading JSON request bodies: strictly what the OpenAPI document describes, and a body the
decoder cannot handle is the caller's error (400), never a crash (500).

- msgspec raises RecursionError for JSON nested deeper than Python's recursion limit (about
  1,000 levels) and UnicodeDecodeError for bytes that are not UTF-8; Litestar passes both
  on as they are.
- Litestar converts a body to its struct leniently (`"active": 0` becomes False,
  `"sort_order": "5"` becomes 5) and Python's Decimal reads "NaN", "Infinity" or "1_000".
  The body is first checked strictly against its struct, amounts against DECIMAL, so
  what is accepted is what the schema says.

Installed as the app's `request_class`.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.handlers import HTTPRouteHandler

# A decimal number as text: digits, an optional fraction and exponent (no NaN, no spaces).
DECIMAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$"
_DECIMAL = re.compile(DECIMAL)


def body_struct(handler: HTTPRouteHandler) -> type[msgspec.Struct] | None:
    """The msgspec struct a route decodes its JSON body into, if any."""
    data = handler.parsed_fn_signature.parameters.get("data")
    annotation = getattr(data, "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return annotation
    return None


def _bad_decimals(value: Any, info: Any, path: str) -> list[str]:
    """Paths of Decimal fields holding text that is not a plain decimal number."""
    mi = msgspec.inspect
    if isinstance(info, mi.Metadata):
        return _bad_decimals(value, info.type, path)
    if isinstance(info, mi.DecimalType):
        return [path] if isinstance(value, str) and not _DECIMAL.match(value) else []
    if isinstance(info, mi.UnionType):
        return next((bad for t in info.types if (bad := _bad_decimals(value, t, path))), [])
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        return [
            bad
            for f in info.fields
            if f.encode_name in value
            for bad in _bad_decimals(value[f.encode_name], f.type, f"{path}.{f.encode_name}")
        ]
    if isinstance(info, mi.ListType | mi.SetType | mi.VarTupleType) and isinstance(value, list):
        return [
            b for i, v in enumerate(value) for b in _bad_decimals(v, info.item_type, f"{path}[{i}]")
        ]
    if isinstance(info, mi.DictType) and isinstance(value, dict):
        return [
            b for k, v in value.items() for b in _bad_decimals(v, info.value_type, f"{path}.{k}")
        ]
    return []


def integral(value: Any) -> Any:
    """JSON Schema counts 2.0 as an integer: such numbers are read as ints."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral(v) for v in value]
    return value


def check_strictly(value: Any, struct: type[msgspec.Struct]) -> None:
    """400 unless `value` (decoded JSON) is exactly what `struct`'s schema describes."""
    try:
        msgspec.convert(value, struct, strict=True)
    except msgspec.ValidationError as exc:
        raise ValidationException(
            str(exc), extra=[{"message": str(exc), "source": "body"}]
        ) from None
    bad = _bad_decimals(value, msgspec.inspect.type_info(struct), "$")
    if bad:
        raise ValidationException(
            "not a decimal number",
            extra=[
                {
                    "message": f'Expected a decimal number such as "1250.50" - at `{p}`',
                    "source": "body",
                }
                for p in bad
            ],
        )


class ApiRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise ClientException("request body: JSON nested too deeply") from None
        except UnicodeDecodeError:
            raise ClientException(
                "request body: not valid UTF-8; send JSON encoded as UTF-8"
            ) from None
        handler = self.scope.get("route_handler")
        struct = body_struct(handler) if isinstance(handler, HTTPRouteHandler) else None
        if struct is not None:
            value = integral(value)
            check_strictly(value, struct)
        return value
