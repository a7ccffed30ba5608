"""Proposed activities and their cost lines: resolving input, costing, writing.

Every function runs inside the caller's transaction; errors name the activity and the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ta_manager.errors import FieldError, InvalidInput
from ta_manager.proposals import store
from ta_manager.proposals.from_records import taken_from_record
from ta_manager.proposals.norms import NormBook
from ta_manager.proposals.schemas import CostLineCreate, ProposedActivityCreate, convert, plain
from ta_manager.proposals.templates import ACTIVITY_TYPE, Line, Setting, cost, parameters
from ta_manager.records import references as R

HUNDRED = Decimal(100)


def renamed(exc: InvalidInput, prefix: str, label: str = "") -> InvalidInput:
    """The same errors with their fields under `prefix` and the detail naming `label`."""
    errors = [FieldError(f"{prefix}.{e.field}", e.reason, e.value) for e in exc.errors]
    head = f"{prefix} {label}".strip()
    return InvalidInput(f"{head}: {exc.detail}", errors or [FieldError(prefix, exc.detail)])


def phasing_of(raw: Mapping[Any, Any] | None, start: int, end: int) -> dict[int, Decimal]:
    """Year -> share (percent); default all in the first year. Shares must sum to 100."""
    if not raw:
        return {start: HUNDRED}
    out: dict[int, Decimal] = {}
    errors: list[FieldError] = []
    for key, value in raw.items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            errors.append(FieldError(f"phasing.{key}", "is not a year", key))
            continue
        share = Decimal(str(value))
        if not start <= year <= end:
            errors.append(FieldError(f"phasing.{year}", f"is outside the cycle {start}-{end}"))
        if not 0 <= share <= 100:
            errors.append(FieldError(f"phasing.{year}", "share must be between 0 and 100", value))
        out[year] = share
    total = sum(out.values(), Decimal(0))
    if not errors and total != HUNDRED:
        errors.append(
            FieldError("phasing", f"shares sum to {total.normalize():f}%, not 100%", total)
        )
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    return dict(sorted(out.items()))


def costing_year(phasing: Mapping[int, Decimal]) -> int:
    """Norms are taken for the first year that carries a share of the cost."""
    return min(y for y, s in phasing.items() if s > 0)


async def resolve(values: Mapping[str, Any], proposal: Mapping[str, Any]) -> dict[str, Any]:
    """Codes to ids, defaults filled, parameters and phasing checked (all errors at once)."""
    errors: list[FieldError] = []
    if not values.get("title") or not values.get("priority_area"):
        missing = [k for k in ("title", "priority_area") if not values.get(k)]
        raise InvalidInput(
            f"{', '.join(missing)}: required (or name a proposed `activity` record to take)",
            [
                FieldError(k, "is required unless `activity` names a proposed record")
                for k in missing
            ],
        )
    out: dict[str, Any] = {
        "title": values["title"],
        "description": values.get("description", ""),
        "template": values.get("template", "manual"),
        "venue_place": values.get("venue_place", ""),
        "venue_region": values.get("venue_region"),
    }

    async def attempt(key: str, make: Any) -> None:
        try:
            out[key] = await make()
        except InvalidInput as exc:
            errors.extend(exc.errors)

    async def params() -> Any:
        return parameters(out["template"], values.get("parameters"))

    async def phasing() -> Any:
        return phasing_of(values.get("phasing"), proposal["start_year"], proposal["end_year"])

    async def type_id() -> Any:
        code = values.get("activity_type") or ACTIVITY_TYPE[out["template"]]
        return await R.ACTIVITY_TYPE.id(code, "activity_type")

    region = values.get("venue_region")
    await attempt("parameters", params)
    await attempt("phasing", phasing)
    await attempt(
        "priority_area_id", lambda: R.PRIORITY_AREA.id(values["priority_area"], "priority_area")
    )
    await attempt("activity_type_id", type_id)
    await attempt(
        "venue_region_id", lambda: R.REGION.id(region, "venue_region") if region else _none()
    )
    await attempt(
        "country_ids", lambda: R.CURRENT_COUNTRY.ids(values.get("countries") or [], "countries")
    )
    await attempt("need_ids", lambda: R.NEED.ids(values.get("needs") or [], "needs"))
    record = values.get("activity")
    await attempt("activity_id", lambda: R.ACTIVITY.id(record, "activity") if record else _none())
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    if out["venue_region"]:
        out["venue_region"] = out["venue_region"].upper()
    return out


async def _none() -> None:
    return None


def template_lines(v: Mapping[str, Any], book: NormBook) -> list[Line]:
    setting = Setting(costing_year(v["phasing"]), v["venue_region"], v["venue_place"])
    return cost(v["template"], v["parameters"], book, setting)


def hand_line(raw: Any, currency: str) -> Line:
    """A line entered by hand; quantities and costs must not be negative."""
    data = convert(raw, CostLineCreate)
    errors = []
    if data.quantity < 0:
        errors.append(FieldError("quantity", "must not be negative", str(data.quantity)))
    if data.unit_cost < 0:
        errors.append(FieldError("unit_cost", "must not be negative", str(data.unit_cost)))
    if data.currency not in (None, currency):
        errors.append(FieldError("currency", f"must be the proposal's currency {currency}"))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    if data.quantity_high is not None and data.quantity_high < data.quantity:
        errors.append(FieldError("quantity_high", "is below quantity", str(data.quantity_high)))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    return Line(
        data.category,
        data.item,
        data.description,
        data.quantity,
        data.unit,
        data.unit_cost,
        quantity_high=data.quantity_high,
    )


async def create_activity(
    proposal: Mapping[str, Any], raw: Mapping[str, Any], book: NormBook, prefix: str
) -> int:
    """Insert one activity with its template lines and hand lines."""
    label = f'"{raw.get("title") or raw.get("activity") or ""}"'
    try:
        raw = await taken_from_record(plain(convert(raw, ProposedActivityCreate)), proposal)
        label = f'"{raw.get("title") or ""}"'
        v = await resolve(raw, proposal)
        lines = template_lines(v, book)
        extra = []
        for j, item in enumerate(raw.get("lines") or []):
            try:
                extra.append(hand_line(item, proposal["currency"]))
            except InvalidInput as exc:
                raise renamed(exc, f"lines[{j}]", f'"{_desc(item)}"') from exc
    except InvalidInput as exc:
        raise renamed(exc, prefix, label) from exc
    activity_id = await store.insert_activity(proposal["id"], v)
    await store.set_links(activity_id, v["country_ids"], v["need_ids"], v["phasing"])
    await store.insert_lines(activity_id, lines, proposal["currency"], overridden=False)
    await store.insert_lines(activity_id, extra, proposal["currency"], overridden=True)
    return activity_id


async def change_activity(
    proposal: Mapping[str, Any],
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    book: NormBook,
) -> None:
    merged = {**current, **changes}
    if changes.get("activity"):
        merged = await taken_from_record(merged, proposal)
    if "parameters" in changes and merged["template"] == current["template"]:
        merged["parameters"] = {**current["parameters"], **(changes["parameters"] or {})}
    elif "template" in changes and "parameters" not in changes:
        merged["parameters"] = {}
    label = f'"{merged["title"]}"'
    try:
        v = await resolve(merged, proposal)
        lines = template_lines(v, book)
    except InvalidInput as exc:
        raise renamed(exc, f"activities[{current['id']}]", label) from exc
    await store.update_activity(current["id"], v)
    await store.set_links(current["id"], v["country_ids"], v["need_ids"], v["phasing"])
    await store.replace_template_lines(current["id"], lines, proposal["currency"])


def _desc(item: Any) -> str:
    if isinstance(item, Mapping):
        return str(item.get("description", ""))
    return str(getattr(item, "description", ""))
