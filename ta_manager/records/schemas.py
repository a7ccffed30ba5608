"""Field types and struct builders shared by every resource's schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import Meta

Code = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
Name = Annotated[str, Meta(min_length=1, max_length=500)]
Text = Annotated[str, Meta(max_length=20000)]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD")]
Money = Annotated[Decimal, Meta(description="Non-negative amount (checked by the service)")]
Count = Annotated[int, Meta(ge=0, le=10_000_000)]
CountryCode = Annotated[
    str,
    Meta(
        min_length=2,
        max_length=200,
        description="ISO-3, ISO-2 or M49 code, or the State's UN name in English, French or"
        " Spanish (common spellings such as 'Russia' resolve to the UN entry; former names such"
        " as 'Southern Sudan' are refused with the reason)",
    ),
]
# A year, a month or a day, kept at the precision given (ta_manager/records/partial_dates.py).
# The service checks the form ("2019-13" -> 422 naming the field, with the reason).
PartialDateText = Annotated[
    str,
    Meta(
        min_length=4,
        max_length=10,
        description="YYYY, YYYY-MM or YYYY-MM-DD: a year or a month stands for the whole"
        " interval and is returned as given",
        examples=["2008", "2008-05", "2008-05-12"],
    ),
]


def update_struct(create: type[msgspec.Struct], name: str) -> type[msgspec.Struct]:
    """The PATCH body: every create field optional (absent = unchanged) plus `version`."""
    hints = msgspec.structs.fields(create)
    fields: list[tuple[str, Any, Any]] = [
        (f.name, f.type | None | msgspec.UnsetType, msgspec.UNSET) for f in hints
    ]
    fields.append(("version", int | None | msgspec.UnsetType, msgspec.UNSET))
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True)


STAMPS: list[tuple[str, Any]] = [
    ("id", int),
    ("version", int),
    ("created_at", dt.datetime),
    ("updated_at", dt.datetime),
]


def read_struct(
    create: type[msgspec.Struct], name: str, extra: list[tuple[str, Any, Any]] | None = None
) -> Any:
    """The read shape: the create fields plus id, version and timestamps (and `extra`)."""
    return msgspec.defstruct(
        name,
        [*STAMPS, *(extra or [])],
        bases=(create,),
        kw_only=True,
        forbid_unknown_fields=False,
        module=create.__module__,
    )


def page_struct(read: type[msgspec.Struct], name: str) -> type[msgspec.Struct]:
    """A page of a list: `total` is exact when `total_exact`, else the planner's estimate
    (ask `?total=exact` for a count); `next_cursor`/`prev_cursor` lead to the pages after and
    before (keyset: `?cursor=...`), None at either end."""
    return msgspec.defstruct(
        name,
        [
            ("items", list[read]),  # type: ignore[valid-type]
            ("total", int),
            ("limit", int),
            ("offset", int),
            ("total_exact", bool),
            ("next_cursor", str | None),
            ("prev_cursor", str | None),
        ],
    )
