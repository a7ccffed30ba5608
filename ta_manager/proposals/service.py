"""Costed proposals: create, read (with totals, secured funding and gap), edit, delete.

Every write is one transaction: a bad activity or line anywhere leaves nothing behind.
Edits carry the `version` that was read (optimistic concurrency), like every record.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ta_manager.audit.trail import record_bulk, record_change
from ta_manager.database import sql
from ta_manager.errors import FieldError, InvalidInput, NotFound, StaleVersion, VersionRequired
from ta_manager.funding.service import rate_exists
from ta_manager.funding_needs.service import funding_needs_for
from ta_manager.proposals import activities as acts
from ta_manager.proposals import store
from ta_manager.proposals.coverage import needs_without_proposal
from ta_manager.proposals.funding import funding_of
from ta_manager.proposals.norms import NormBook, load_norm_book
from ta_manager.proposals.schemas import plain
from ta_manager.proposals.totals import money, present, proposal_totals, totals_of

RESOURCE = "proposal"
ACTIVITY = "proposed activity"
LINE = "cost line"


def _check_version(kind: str, key: object, current: int, sent: int | None) -> None:
    if sent is None:
        raise VersionRequired()
    if sent != current:
        raise StaleVersion(kind, key, sent, current)


async def _check_header(values: Mapping[str, Any]) -> None:
    errors = []
    start, end = values.get("start_year"), values.get("end_year")
    if start is not None and end is not None and end < start:
        errors.append(
            FieldError("end_year", f"the cycle ends ({end}) before it starts ({start})", end)
        )
    currency = values.get("currency")
    if currency and not await rate_exists(currency):
        errors.append(
            FieldError("currency", f"no exchange rate to USD is recorded for {currency}", currency)
        )
    rate = values.get("psc_rate")
    if rate is not None and not 0 <= rate <= 100:
        errors.append(FieldError("psc_rate", "must be a percentage between 0 and 100", rate))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)


async def book_for(proposal: Mapping[str, Any]) -> NormBook:
    years = range(proposal["start_year"], proposal["end_year"] + 1)
    return await load_norm_book(proposal["currency"], years)


async def create(data: Any, drafted_with: dict[str, Any] | None = None) -> dict[str, Any]:
    """A proposal, with any activities it arrives with, costed from the norms."""
    values = plain(data)
    activities = values.pop("activities", []) or []
    await _check_header(values)
    async with sql.transaction():
        proposal_id = await store.insert_proposal(values, drafted_with)
        proposal = await _row(proposal_id)
        if activities:
            book = await book_for(proposal)
            for i, raw in enumerate(activities):
                await acts.create_activity(proposal, raw, book, f"activities[{i}]")
        await record_change(RESOURCE, "create", proposal_id, None, proposal)
        created = await store.activities_of(proposal_id)
        await record_bulk(ACTIVITY, "create", [(a["id"], None, a) for a in created])
        return await document(proposal_id)


async def _row(proposal_id: int, lock: bool = False) -> dict[str, Any]:
    row = await store.proposal_row(proposal_id, lock)
    if row is None:
        raise NotFound(RESOURCE, proposal_id)
    return row


async def update(
    proposal_id: int, changes: Mapping[str, Any], version: int | None
) -> dict[str, Any]:
    changes = {k: v for k, v in changes.items() if k != "version"}
    async with sql.transaction():
        current = await _row(proposal_id, lock=True)
        _check_version(RESOURCE, proposal_id, current["version"], version)
        merged = {**current, **changes}
        await _check_header(merged)
        existing = await store.activities_of(proposal_id)
        if existing and merged["currency"] != current["currency"]:
            raise InvalidInput.of(
                "currency", "cannot change once the proposal has activities (they are costed in it)"
            )
        for a in existing:
            outside = [
                y for y in a["phasing"] if not merged["start_year"] <= y <= merged["end_year"]
            ]
            if outside:
                raise InvalidInput.of(
                    "end_year" if outside[0] > merged["end_year"] else "start_year",
                    f'activity {a["id"]} "{a["title"]}" is phased in {outside[0]},'
                    f" outside {merged['start_year']}-{merged['end_year']}",
                )
        await store.update_proposal(proposal_id, changes)
        await record_change(RESOURCE, "update", proposal_id, current, await _row(proposal_id))
        return await document(proposal_id)


async def delete(proposal_id: int) -> None:
    async with sql.transaction():
        before = await _row(proposal_id, lock=True)
        await store.delete_proposal(proposal_id)
        await record_change(RESOURCE, "delete", proposal_id, before, None)


async def listing(limit: int = 50, offset: int = 0) -> dict[str, Any]:
    items, total = await store.list_proposals(limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


# ---------------------------------------------------------------------- reading
async def contents(
    proposal_id: int,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    proposal = await _row(proposal_id)
    activities = await store.activities_of(proposal_id)
    lines: dict[int, list[dict[str, Any]]] = {a["id"]: [] for a in activities}
    for ln in await store.lines_of(list(lines)):
        lines[ln["activity_id"]].append(ln)
    return proposal, activities, lines


async def figures(proposal_id: int) -> dict[str, Any]:
    """Exact (unrounded) totals, secured funding and gap of a proposal."""
    proposal, activities, lines = await contents(proposal_id)
    return await _figures(proposal, activities, lines)


async def _figures(
    proposal: Mapping[str, Any],
    activities: list[dict[str, Any]],
    lines: Mapping[int, list[dict[str, Any]]],
    high: bool = False,
) -> dict[str, Any]:
    totals, _ = await _figures_and_unconverted(proposal, activities, lines, high)
    return totals


async def _figures_and_unconverted(
    proposal: Mapping[str, Any],
    activities: list[dict[str, Any]],
    lines: Mapping[int, list[dict[str, Any]]],
    high: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    years = list(range(proposal["start_year"], proposal["end_year"] + 1))
    areas = sorted({a["priority_area"] for a in activities})
    secured, unconverted = await funding_of(proposal, areas)
    totals = proposal_totals(years, proposal["psc_rate"], activities, lines, secured, high)
    return totals, unconverted


def has_ranges(lines: Mapping[int, list[dict[str, Any]]]) -> bool:
    return any(ln["quantity_high"] is not None for ls in lines.values() for ln in ls)


def missing_norms(
    activities: list[dict[str, Any]], lines: Mapping[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Each missing norm once, with the activities whose lines it left uncosted."""
    found: dict[str, list[str]] = {}
    for a in activities:
        for ln in lines.get(a["id"], []):
            if ln["missing_norm"]:
                titles = found.setdefault(ln["missing_norm"], [])
                if a["title"] not in titles:
                    titles.append(a["title"])
    return [{"norm": norm, "activities": titles} for norm, titles in sorted(found.items())]


async def document(proposal_id: int) -> dict[str, Any]:
    """The proposal with its activities, lines and totals (amounts rounded to the cent)."""
    proposal, activities, lines = await contents(proposal_id)
    totals, unconverted = await _figures_and_unconverted(proposal, activities, lines)
    ranged = has_ranges(lines)
    high = await _figures(proposal, activities, lines, high=True) if ranged else None
    per_activity = totals.pop("activities")
    per_activity_high = high.pop("activities") if high else {}
    out_activities = []
    for a in activities:
        figs = per_activity[a["id"]]
        doc: dict[str, Any] = {
            **a,
            "phasing": {str(y): s for y, s in a["phasing"].items()},
            "lines": [_line(ln) for ln in lines[a["id"]]],
            "total": money(figs["direct"]),
            "by_year": present(figs["by_year"]),
            "uncosted_lines": sum(1 for ln in lines[a["id"]] if ln["missing_norm"]),
        }
        if ranged:
            doc["total_high"] = money(per_activity_high[a["id"]]["direct"])
        out_activities.append(doc)
    remaining = await needs_without_proposal(proposal, activities)
    areas = sorted({a["priority_area"] for a in activities})
    missing = missing_norms(activities, lines)
    return {
        **proposal,
        "years": list(range(proposal["start_year"], proposal["end_year"] + 1)),
        "activities": out_activities,
        "totals": present(totals),
        # With ranges ("8 to 10 States"): the same totals costed at the high end.
        "totals_high": present(high) if high is not None else None,
        "complete": not missing,
        "missing_norms": missing,
        "unconverted_funding": present(unconverted),
        "funding_needs": await funding_needs_for(areas, None, proposal_id),
        "needs_without_proposal": remaining,
    }


def _line(ln: Mapping[str, Any]) -> dict[str, Any]:
    out = {**ln, "amount": None if ln["amount"] is None else money(ln["amount"])}
    out["amount_high"] = None if ln["amount_high"] is None else money(ln["amount_high"])
    out["uncosted"] = bool(ln["missing_norm"])
    return out


# ---------------------------------------------------------------------- activities
async def _activity_of(proposal_id: int, activity_id: int, lock: bool = False) -> dict[str, Any]:
    a = await store.activity(activity_id, lock)
    if a is None or a["proposal_id"] != proposal_id:
        raise NotFound("proposed activity", activity_id)
    return a


async def add_activity(proposal_id: int, data: Any) -> dict[str, Any]:
    raw = plain(data)
    async with sql.transaction():
        proposal = await _row(proposal_id, lock=True)
        activity_id = await acts.create_activity(
            proposal, raw, await book_for(proposal), "activity"
        )
        await record_change(
            ACTIVITY, "create", activity_id, None, await store.activity(activity_id)
        )
        return await activity_document(proposal_id, activity_id)


async def update_activity(
    proposal_id: int, activity_id: int, changes: Mapping[str, Any], version: int | None
) -> dict[str, Any]:
    changes = {k: v for k, v in changes.items() if k != "version"}
    async with sql.transaction():
        proposal = await _row(proposal_id, lock=True)
        current = await _activity_of(proposal_id, activity_id, lock=True)
        _check_version("proposed activity", activity_id, current["version"], version)
        await acts.change_activity(proposal, current, changes, await book_for(proposal))
        after = await store.activity(activity_id)
        await record_change(ACTIVITY, "update", activity_id, current, after)
        return await activity_document(proposal_id, activity_id)


async def delete_activity(proposal_id: int, activity_id: int) -> None:
    async with sql.transaction():
        before = await _activity_of(proposal_id, activity_id, lock=True)
        await store.delete_activity(activity_id)
        await record_change(ACTIVITY, "delete", activity_id, before, None)


async def activity_document(proposal_id: int, activity_id: int) -> dict[str, Any]:
    """What an activity or line write changed: the activity with its lines and figures, and
    the proposal's totals. The totals come from each activity's direct cost as the database
    sums it (one aggregate, not every line of the proposal); the needs left without a
    proposal (coverage over every need) and the funding needs are only in `document`."""
    proposal = await _row(proposal_id)
    activities = await store.activities_of(proposal_id)
    found = next((a for a in activities if a["id"] == activity_id), None)
    if found is None:
        raise NotFound("proposed activity", activity_id)
    lines = await store.lines_of([activity_id])
    sums = await store.direct_totals(proposal_id)
    years = list(range(proposal["start_year"], proposal["end_year"] + 1))
    areas = sorted({a["priority_area"] for a in activities})
    secured, _ = await funding_of(proposal, areas)
    direct = {i: s["direct"] for i, s in sums.items()}
    totals = totals_of(years, proposal["psc_rate"], activities, direct, secured)
    figs = totals.pop("activities")[activity_id]
    doc: dict[str, Any] = {
        **found,
        "phasing": {str(y): share for y, share in found["phasing"].items()},
        "lines": [_line(ln) for ln in lines],
        "total": money(figs["direct"]),
        "by_year": present(figs["by_year"]),
        "uncosted_lines": sum(1 for ln in lines if ln["missing_norm"]),
    }
    if any(s["ranged"] for s in sums.values()):
        doc["total_high"] = money(sums.get(activity_id, {}).get("high", Decimal(0)))
    return {**doc, "proposal_totals": present(totals)}


# ---------------------------------------------------------------------- cost lines
async def _line_of(proposal_id: int, activity_id: int, line_id: int) -> dict[str, Any]:
    await _activity_of(proposal_id, activity_id)
    ln = await store.line(line_id, lock=True)
    if ln is None or ln["activity_id"] != activity_id:
        raise NotFound("cost line", line_id)
    return ln


async def add_line(proposal_id: int, activity_id: int, data: Any) -> dict[str, Any]:
    async with sql.transaction():
        proposal = await _row(proposal_id)
        await _activity_of(proposal_id, activity_id, lock=True)
        try:
            line = acts.hand_line(data, proposal["currency"])
        except InvalidInput as exc:
            raise acts.renamed(exc, "line", f'"{acts._desc(data)}"') from exc
        (line_id,) = await store.insert_lines(activity_id, [line], proposal["currency"], True)
        await record_change(LINE, "create", line_id, None, await store.line(line_id))
        return await activity_document(proposal_id, activity_id)


async def update_line(
    proposal_id: int,
    activity_id: int,
    line_id: int,
    changes: Mapping[str, Any],
    version: int | None,
) -> dict[str, Any]:
    changes = {k: v for k, v in changes.items() if k != "version"}
    async with sql.transaction():
        current = await _line_of(proposal_id, activity_id, line_id)
        _check_version("cost line", line_id, current["version"], version)
        errors = [
            FieldError(k, "must not be negative", str(changes[k]))
            for k in ("quantity", "unit_cost")
            if changes.get(k) is not None and changes[k] < 0
        ]
        if errors:
            raise InvalidInput(
                f'cost line {line_id} "{current["description"]}": '
                + "; ".join(f"{e.field}: {e.reason}" for e in errors),
                errors,
            )
        await store.update_line(line_id, changes)
        await record_change(LINE, "update", line_id, current, await store.line(line_id))
        return await activity_document(proposal_id, activity_id)


async def delete_line(proposal_id: int, activity_id: int, line_id: int) -> None:
    async with sql.transaction():
        before = await _line_of(proposal_id, activity_id, line_id)
        await store.delete_line(line_id)
        await record_change(LINE, "delete", line_id, before, None)
