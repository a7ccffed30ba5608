"""Keyset pagination: the sort order of a list, and cursors that point into it.

A list is ordered by the sort keys the user asked for (`?sort=-actual_start,code`), each
NULLS LAST, then by id, so that every row has one place. A cursor holds the sort it was
made for and the keys of one row: the next page is the rows after the last row of this
one, the previous page the rows before its first. Unlike `offset`, a cursor costs the
same on page 2,000 as on page 2, and a row inserted or deleted meanwhile moves nothing:
no row is shown twice and none is skipped.

The cursor is opaque to clients (base64url of a small JSON document); a damaged cursor,
or one made for another sort, is refused naming `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ta_manager.errors import InvalidInput

VERSION = 1
FORWARD, BACKWARD = "next", "prev"


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool
    nullable: bool
    sql_type: str  # the column's type, to read a cursor's text value back


@dataclass(frozen=True)
class Cursor:
    sort: str  # the sort as given (normalised), e.g. "-actual_start,code"
    direction: str  # next | prev
    values: tuple[str | None, ...]  # the row's sort keys then its id, as text (or None)


def encode(sort: str, direction: str, row: dict[str, Any], keys: list[SortKey]) -> str:
    values = [_text(row[k.column]) for k in keys] + [str(row["id"])]
    document = {"v": VERSION, "s": sort, "d": direction, "k": values}
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str, sort: str, keys: list[SortKey]) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        document = json.loads(raw)
        values = document["k"]
        ok = (
            document.get("v") == VERSION
            and document.get("d") in (FORWARD, BACKWARD)
            and isinstance(values, list)
            and len(values) == len(keys) + 1
            and isinstance(values[-1], str)
            and values[-1].isdigit()
            and all(v is None or isinstance(v, str) for v in values)
        )
    except (ValueError, binascii.Error, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise InvalidInput.of("cursor", "is not a cursor this list gave", text[:80])
    if document["s"] != sort:
        raise InvalidInput.of(
            "cursor",
            f"was made for sort {document['s']!r}, not {sort!r}: use it with the same sort",
            text[:80],
        )
    return Cursor(sort=sort, direction=document["d"], values=tuple(values))


def _text(value: Any) -> str | None:
    """A sort key as text PostgreSQL reads back exactly (`$n::<type>`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (Decimal, int)):
        return str(value)
    return str(value)
