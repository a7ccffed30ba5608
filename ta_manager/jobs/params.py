"""A job's `params`: the same names as the synchronous URL's query, checked before it starts.

Unknown names, wrong types and unknown codes answer 422 naming `params.<field>`, so a bad
job is refused at once instead of failing later in a worker.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, TypeVar, get_type_hints

import msgspec

from ta_manager.api.query import ALIASES
from ta_manager.errors import DomainError, FieldError, InvalidInput
from ta_manager.records import references as R

T = TypeVar("T")
# Fields of the job request itself, not of its params.
OWN_FIELDS = ("kind", "file", "body")

# Filter fields whose values are codes of these references.
CODES: dict[str, R.Reference] = {
    "region": R.REGION,
    "country": R.COUNTRY,
    "priority_area": R.PRIORITY_AREA,
    "instrument": R.INSTRUMENT,
    "type": R.ACTIVITY_TYPE,
}


def url_names(cls: type[Any]) -> dict[str, str]:
    """Query name (as in the synchronous URL) -> dataclass field name."""
    names = {}
    for f in dataclasses.fields(cls):
        names[f.metadata.get("query") or ALIASES.get(f.name) or f.name] = f.name
    return names


def unknown_names(params: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(params) - allowed)
    if extra:
        raise InvalidInput(
            f"params: unknown {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})",
            [FieldError(f"params.{name}", "unknown parameter") for name in extra],
        )


def language(params: Mapping[str, Any], preferred: str | None = None) -> str:
    """The job's `lang` (en, fr, es), else the user's preference, else English: fixed when
    the job is started so the worker writes the file in it (ta_manager.locale)."""
    from ta_manager.locale import UnknownLanguage, choose_language

    asked = params.get("lang")
    if asked is not None and not isinstance(asked, str):
        raise InvalidInput.of("params.lang", "must be a language code: en, fr or es", asked)
    try:
        return choose_language(asked, preferred)
    except UnknownLanguage as exc:
        raise InvalidInput.of("params.lang", str(exc), asked) from exc


def _is_list(annotation: Any) -> bool:
    return "list[" in str(annotation)


def filters_of(cls: type[T], params: Mapping[str, Any], extra: set[str] = frozenset()) -> T:  # type: ignore[assignment]
    """Build the filter dataclass `cls` from params named as in its URL.

    A list filter takes a list of codes or one string (`"BEN,TCD"`, as in the URL).
    Names in `extra` belong to the job (such as `format`) and are skipped here."""
    names = url_names(cls)
    unknown_names(params, set(names) | set(extra))
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for url_name, field_name in names.items():
        if url_name not in params or params[url_name] is None:
            continue
        value = params[url_name]
        if _is_list(hints[field_name]) and isinstance(value, str):
            value = [value]
        values[field_name] = value
    try:
        return msgspec.convert(values, cls)
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = re.search(r"at `\$\.([A-Za-z_]+)", message)
        field_name = match.group(1) if match else ""
        url_name = next((u for u, f in names.items() if f == field_name), field_name)
        reason = message.split(" - at ")[0]
        raise InvalidInput.of(f"params.{url_name}" if url_name else "params", reason) from exc


def params_of(filters: object) -> dict[str, Any]:
    """The params of a filter dataclass, named as in its URL (None left out)."""
    out: dict[str, Any] = {}
    for url_name, field_name in url_names(type(filters)).items():
        value = getattr(filters, field_name)
        if value is None:
            continue
        out[url_name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


async def check_codes(filters: object) -> None:
    """Every code a filter names exists (the report would refuse it later otherwise)."""
    from ta_manager.records.filters import split_values

    for name, ref in CODES.items():
        values = split_values(getattr(filters, name, None))
        if values:
            await ref.ids(values, name)


def prefixed(exc: DomainError) -> DomainError:
    """The same error with its fields named as `params.<field>` (settings keep their names)."""
    if not exc.errors:
        return exc
    renamed = [
        FieldError(
            e.field
            if e.field.startswith(("params", "TA_")) or e.field in OWN_FIELDS
            else f"params.{e.field}",
            e.reason,
            e.value,
        )
        for e in exc.errors
    ]
    return InvalidInput(exc.detail, renamed) if exc.status == 422 else exc


def choice(params: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name) or allowed[0]
    if value not in allowed:
        raise InvalidInput.of(f"params.{name}", f"must be one of {', '.join(allowed)}", value)
    return str(value)
