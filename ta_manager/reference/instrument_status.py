"""Parties to an instrument on a date: from the per-State ratifications, or from the status
documents publish ("147 parties", E/CN.15/2009/8 para 2), and never 0 for "we do not know".

The rule (docs/api.md, "Parties to an instrument"), per instrument and date D:
- the recorded ratifications are *complete* when they account for every published status of
  the instrument (at least as many deposits recorded by each status's date as it states);
- complete and some ratification recorded: the count of deposits on or before D
  (`source` "ratifications"; 0 before the first deposit is a real 0);
- otherwise the latest published status dated on or before D (`source` "published_status");
- otherwise no data: `parties` None, `source` None, and `reason` says why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from ta_manager.database import sql
from ta_manager.errors import Conflict, FieldError
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes
from ta_manager.records.service import RecordService, RefField

RATIFICATIONS = "ratifications"
PUBLISHED = "published_status"

_PARTIES = """
SELECT i.id, i.code, i.short_name AS name,
       EXISTS (SELECT 1 FROM ratification r WHERE r.instrument_id = i.id) AS recorded_any,
       coalesce((SELECT jsonb_object_agg(k.kind, k.n) FROM (
           SELECT r.kind, count(*) AS n FROM ratification r
           WHERE r.instrument_id = i.id AND r.deposited_on <= $1 GROUP BY r.kind) k),
           '{}'::jsonb) AS by_kind,
       (SELECT count(*) FROM ratification r
        WHERE r.instrument_id = i.id AND r.deposited_on <= $1) AS recorded,
       s.as_of AS status_as_of, s.parties AS status_parties, s.document, s.paragraph,
       s.footnote, s.quote,
       (SELECT to_jsonb(x) FROM (
            SELECT st.as_of, st.parties, st.document, st.paragraph, st.footnote, st.recorded
            FROM (SELECT st.*, (SELECT count(*) FROM ratification r
                                WHERE r.instrument_id = i.id
                                  AND r.deposited_on <= st.as_of) AS recorded
                  FROM instrument_status st WHERE st.instrument_id = i.id) st
            WHERE st.recorded < st.parties
            ORDER BY abs(st.as_of - $1), st.id LIMIT 1) x) AS shortfall
FROM instrument i
LEFT JOIN LATERAL (
    SELECT * FROM instrument_status st
    WHERE st.instrument_id = i.id AND st.as_of <= $1
    ORDER BY st.as_of DESC, st.id DESC LIMIT 1
) s ON true
WHERE $2::bigint[] IS NULL OR i.id = ANY($2::bigint[])
ORDER BY i.id
"""


def cited(row: dict[str, Any]) -> str:
    """'CTOC/COP/2008/16, footnote 10' / 'E/CN.15/2009/8, para. 2'."""
    parts = [row["document"]]
    if row.get("paragraph"):
        parts.append(f"para. {row['paragraph']}")
    if row.get("footnote"):
        parts.append(f"footnote {row['footnote']}")
    return ", ".join(parts)


def _decide(row: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    published = None
    if row["status_as_of"] is not None:
        published = {
            "as_of": row["status_as_of"],
            "parties": row["status_parties"],
            "document": row["document"],
            "paragraph": row["paragraph"],
            "footnote": row["footnote"],
            "quote": row["quote"],
        }
    result: dict[str, Any] = {
        "instrument": row["code"],
        "as_of": as_of,
        "recorded_ratifications": row["recorded"],
        "published_status": published,
        "reason": None,
    }
    short = row["shortfall"]
    incomplete = (
        f"the ratifications recorded are incomplete ({short['recorded']} deposited by"
        f" {short['as_of']}, when {cited(short)} gives {short['parties']} parties)"
        if short
        else ""
    )
    if row["recorded_any"] and not short:
        result |= {"parties": row["recorded"], "source": RATIFICATIONS, "by_kind": row["by_kind"]}
        if published is not None:
            result["reason"] = (
                "the recorded ratifications account for every published status, so they are counted"
            )
    elif published is not None:
        result |= {"parties": published["parties"], "source": PUBLISHED, "by_kind": {}}
        result["reason"] = (
            f"published: {published['parties']} parties as at {published['as_of']}"
            f" ({cited(published)})" + (f"; {incomplete}" if row["recorded_any"] else "")
        )
    else:
        result |= {"parties": None, "source": None, "by_kind": {}}
        if row["recorded_any"]:
            result["reason"] = (
                f"no data: {incomplete}, and no status is published on or before {as_of}"
            )
        else:
            result["reason"] = (
                f"no data: no ratification of {row['code']} is recorded and no published"
                f" status is dated on or before {as_of}"
            )
    return result


def parties_source(result: dict[str, Any]) -> str:
    """The source of a parties figure in a few words, for reports: 'recorded ratifications',
    'published: 146 parties as at 2008-08-22 (CTOC/COP/2008/16, footnote 10)', or 'no data
    (...)'; the full reason is the API's."""
    if result["source"] == RATIFICATIONS:
        return "recorded ratifications"
    published = result["published_status"]
    if result["source"] == PUBLISHED:
        return f"published: {published['parties']} parties as at {published['as_of']}" + (
            f" ({cited(published)})"
        )
    if result["recorded_ratifications"] or "incomplete" in (result["reason"] or ""):
        return (
            f"no data (recorded ratifications incomplete; no status published by {result['as_of']})"
        )
    return f"no data (no ratification recorded, no status published by {result['as_of']})"


async def parties_on(as_of: dt.date, instruments: list[str] | None = None) -> list[dict[str, Any]]:
    """Parties of each instrument (all, or those given by code) on `as_of`, with the
    source used; one query for all instruments (the annual report's table)."""
    ids = None if instruments is None else await R.INSTRUMENT.ids(instruments, "instrument")
    rows = await sql.fetch(_PARTIES, as_of, ids)
    return [{**_decide(dict(r), as_of), "name": r["name"]} for r in rows]


async def parties_of(code: str, as_of: dt.date) -> dict[str, Any]:
    """One instrument's parties on `as_of` (GET /instruments/{code}/parties)."""
    (result,) = await parties_on(as_of, [code])
    del result["name"]
    return result


class InstrumentStatusService(RecordService):
    """Published numbers of parties, each with the document that states it."""

    resource = "instrument status"
    table = "instrument_status"
    columns = ("as_of", "parties", "document", "paragraph", "footnote", "quote", "notes")
    refs = (RefField("instrument", "instrument_id", R.INSTRUMENT),)
    search_columns = ("document", "quote", "notes")
    sortable = ("as_of", "parties", "document")
    default_sort = "as_of"
    code_column = None

    def translate(self, exc: asyncpg.PostgresError) -> Exception:
        if isinstance(exc, asyncpg.UniqueViolationError):
            return Conflict(
                "this document already gives a status of this instrument on this date",
                [FieldError("as_of", "already recorded for this instrument and document")],
            )
        return super().translate(exc)

    async def filter(self, where: Where, filters: Any) -> None:
        await add_codes(
            where, "t.instrument_id = ANY({})", filters.instrument, R.INSTRUMENT, "instrument"
        )
        where.period("t.as_of", "t.as_of", filters.date_from, filters.date_to)
