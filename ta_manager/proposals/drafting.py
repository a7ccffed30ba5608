"""Drafting a proposal from the needs States stated and no activity meets yet.

Rules (the officer edits the draft afterwards):
- one regional workshop per programming region (see `coverage`) where three or more States
  share a training need (PA2-TRN) or a cooperation need (PA3 types other than PA3-LEG);
- one national legislative-assistance mission per State that asked for legislative help
  (PA2-LEG, PA3-LEG, PA5-LEG), answering all of that State's legislative needs;
- each activity falls in one year of the cycle, taken in turn, so the work is spread.
Existing `proposed` activity records named in `activities` (or, with `take_proposed`,
every one of the draft's priority areas not yet taken) come first, as they are written
(proposals/from_records.py); the needs they answer are not proposed for again.
Needs that none of these rules picks up are listed as remaining without a proposal.
A cost norm that is missing leaves its lines uncosted; the draft is made all the same and
lists the missing norms (`missing_norms`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from ta_manager.database import sql
from ta_manager.errors import FieldError, InvalidInput
from ta_manager.proposals import service
from ta_manager.proposals.coverage import open_needs
from ta_manager.proposals.from_records import proposed_records
from ta_manager.proposals.norms import load_norm_book
from ta_manager.proposals.schemas import DraftRequest, convert

LEGISLATIVE = ("PA2-LEG", "PA3-LEG", "PA5-LEG")
DEFAULT_PSC = Decimal(13)


@dataclass(frozen=True)
class WorkshopKind:
    name: str
    priority_area: str
    topic: str


TRAINING = WorkshopKind("training", "PA2", "training of criminal justice practitioners")
COOPERATION = WorkshopKind(
    "cooperation", "PA3", "international cooperation and central authorities"
)


def workshop_kind() -> pl.Expr:
    return (
        pl.when(pl.col("assistance_type") == "PA2-TRN")
        .then(pl.lit(TRAINING.name))
        .when((pl.col("priority_area") == "PA3") & (pl.col("assistance_type") != "PA3-LEG"))
        .then(pl.lit(COOPERATION.name))
        .otherwise(pl.lit(None))
    )


def propose(needs: pl.DataFrame, min_states: int) -> list[dict[str, Any]]:
    """The activities the rules propose for these needs (pure; no costing yet)."""
    proposed: list[dict[str, Any]] = []
    kinds = {k.name: k for k in (TRAINING, COOPERATION)}
    tagged = needs.with_columns(workshop_kind().alias("kind"))
    groups = (
        tagged.filter(pl.col("kind").is_not_null())
        .group_by("programming_region", "programming_region_name", "kind")
        .agg(
            pl.col("iso3").unique().sort().alias("countries"),
            pl.col("code").sort().alias("needs"),
        )
        .filter(pl.col("countries").list.len() >= min_states)
        .sort("kind", "programming_region", descending=[True, False])
    )
    for g in groups.iter_rows(named=True):
        kind = kinds[g["kind"]]
        proposed.append(
            {
                "title": f"Regional workshop on {kind.topic} for {g['programming_region_name']}",
                "priority_area": kind.priority_area,
                "template": "regional_workshop",
                "parameters": {"states": len(g["countries"])},
                "venue_region": g["programming_region"],
                "countries": g["countries"],
                "needs": g["needs"],
            }
        )
    missions = (
        needs.filter(pl.col("assistance_type").is_in(list(LEGISLATIVE)))
        .sort("priority_area_order", "priority_area", "code")
        .group_by("iso3", "country_name", "programming_region", maintain_order=True)
        .agg(pl.col("code").alias("needs"), pl.col("priority_area").first())
        .sort("country_name")
    )
    for m in missions.iter_rows(named=True):
        proposed.append(
            {
                "title": f"Legislative assistance mission to {m['country_name']}",
                "priority_area": m["priority_area"],
                "template": "legal_advisory_mission",
                "venue_region": m["programming_region"],
                "countries": [m["iso3"]],
                "needs": m["needs"],
            }
        )
    return proposed


def spread(activities: list[dict[str, Any]], start: int, end: int) -> None:
    years = list(range(start, end + 1))
    for i, a in enumerate(activities):
        a["phasing"] = {str(years[i % len(years)]): 100}


async def draft(request: DraftRequest | Mapping[str, Any]) -> dict[str, Any]:
    """Create the draft proposal and return its document (with the needs left over)."""
    req = convert(request, DraftRequest)
    if req.end_year < req.start_year:
        raise InvalidInput(
            f"end_year: the cycle ends ({req.end_year}) before it starts ({req.start_year})",
            [FieldError("end_year", "is before start_year", req.end_year)],
        )
    filters: dict[str, Any] = {
        "priority_areas": req.priority_areas,
        "regions": req.regions,
        "instruments": req.instruments,
        "include_partly_met": req.include_partly_met,
        "min_states_for_workshop": req.min_states_for_workshop,
    }
    needs = await open_needs(filters)
    taken = list(dict.fromkeys(req.activities))
    if req.take_proposed:
        taken += await proposed_records(req.priority_areas, taken)
    answered = await _needs_of(taken)
    if answered:
        needs = needs.filter(~pl.col("code").is_in(answered))
    activities = propose(needs, req.min_states_for_workshop)
    spread(activities, req.start_year, req.end_year)
    activities = [{"activity": code} for code in taken] + activities
    book = await load_norm_book(req.currency, [req.start_year])
    try:
        psc = book.find("psc_rate", req.start_year).norm.unit_cost
    except InvalidInput:
        psc = DEFAULT_PSC
    return await service.create(
        {
            "title": req.title,
            "start_year": req.start_year,
            "end_year": req.end_year,
            "currency": req.currency,
            "psc_rate": psc,
            "description": f"Drafted from {needs.height} open needs"
            + (f" and {len(taken)} proposed activity records" if taken else "")
            + f"; {len(activities)} activities proposed.",
            "activities": activities,
        },
        drafted_with=filters,
    )


async def _needs_of(codes: list[str]) -> list[str]:
    """Codes of the needs these activity records answer."""
    if not codes:
        return []
    rows = await sql.fetch(
        "SELECT DISTINCT n.code FROM activity a JOIN activity_need l ON l.activity_id = a.id"
        " JOIN assistance_request n ON n.id = l.assistance_request_id"
        " WHERE upper(a.code) = ANY($1::text[])",
        [c.upper() for c in codes],
    )
    return [r["code"] for r in rows]
