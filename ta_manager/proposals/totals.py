"""Totals of a proposal: per activity, per priority area and year, PSC, secured and gap.

Pure and exact: amounts stay unrounded Decimals here and are rounded once, by `present`,
when a document leaves the service. Uncosted lines (no norm) add nothing; `high=True`
costs ranges at their high end (quantity_high where a line has one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def activity_total(lines: Sequence[Mapping[str, Any]], high: bool = False) -> Decimal:
    def quantity(ln: Mapping[str, Any]) -> Decimal:
        if high and ln.get("quantity_high") is not None:
            return Decimal(ln["quantity_high"])
        return Decimal(ln["quantity"])

    return sum(
        (quantity(ln) * Decimal(ln["unit_cost"]) for ln in lines if ln["unit_cost"] is not None),
        ZERO,
    )


def activity_by_year(total: Decimal, phasing: Mapping[int, Decimal]) -> dict[int, Decimal]:
    return {year: total * Decimal(share) / HUNDRED for year, share in sorted(phasing.items())}


def _block(direct: Decimal, rate: Decimal, secured: Decimal | None) -> dict[str, Any]:
    psc = direct * rate / HUNDRED
    out: dict[str, Any] = {"direct": direct, "psc": psc, "total": direct + psc}
    if secured is not None:
        out["secured"] = secured
        out["gap"] = direct + psc - secured
    return out


def proposal_totals(
    years: Sequence[int],
    psc_rate: Decimal,
    activities: Sequence[Mapping[str, Any]],
    lines_by_activity: Mapping[int, Sequence[Mapping[str, Any]]],
    secured: Mapping[tuple[str, int], Decimal] | None = None,
    high: bool = False,
) -> dict[str, Any]:
    """Totals of every activity, of every priority area x year, and of the whole cycle.

    `secured` maps (priority area code, year) to funding already secured; when given,
    every block also carries `secured` and `gap` (= total with PSC - secured).
    """
    direct_costs = {
        a["id"]: activity_total(lines_by_activity.get(a["id"], []), high) for a in activities
    }
    return totals_of(years, psc_rate, activities, direct_costs, secured)


def totals_of(
    years: Sequence[int],
    psc_rate: Decimal,
    activities: Sequence[Mapping[str, Any]],
    direct_costs: Mapping[int, Decimal],
    secured: Mapping[tuple[str, int], Decimal] | None = None,
) -> dict[str, Any]:
    """`proposal_totals` from each activity's direct cost (e.g. summed by the database)."""
    rate = Decimal(psc_rate)
    per_activity: dict[int, dict[str, Any]] = {}
    direct: dict[tuple[str, int], Decimal] = {}
    areas: dict[str, str] = {}
    for a in activities:
        total = direct_costs.get(a["id"], ZERO)
        by_year = activity_by_year(total, a["phasing"])
        per_activity[a["id"]] = {"direct": total, "by_year": by_year}
        areas.setdefault(a["priority_area"], a.get("priority_area_name", ""))
        for year, amount in by_year.items():
            key = (a["priority_area"], year)
            direct[key] = direct.get(key, ZERO) + amount

    def sec(keys: Sequence[tuple[str, int]]) -> Decimal | None:
        if secured is None:
            return None
        return sum((secured.get(k, ZERO) for k in keys), ZERO)

    secured_areas = {pa for pa, _ in (secured or {})}
    by_area = []
    for code in sorted(areas.keys() | secured_areas):
        keys = [(code, y) for y in years]
        year_blocks = {
            y: _block(direct.get((code, y), ZERO), rate, sec([(code, y)])) for y in years
        }
        area_direct = sum((direct.get(k, ZERO) for k in keys), ZERO)
        by_area.append(
            {
                "priority_area": code,
                "name": areas.get(code, ""),
                "years": year_blocks,
                **_block(area_direct, rate, sec(keys)),
            }
        )
    all_codes = [b["priority_area"] for b in by_area]
    year_totals = {
        y: _block(
            sum((direct.get((c, y), ZERO) for c in all_codes), ZERO),
            rate,
            sec([(c, y) for c in all_codes]),
        )
        for y in years
    }
    grand_direct = sum((b["direct"] for b in by_area), ZERO)
    grand_keys = [(c, y) for c in all_codes for y in years]
    return {
        "activities": per_activity,
        "by_priority_area": by_area,
        "by_year": year_totals,
        **_block(grand_direct, rate, sec(grand_keys)),
    }


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def present(value: Any) -> Any:
    """The document with every amount rounded to the cent and year keys as strings."""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, Mapping):
        return {str(k): present(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [present(v) for v in value]
    return value
