"""Template parameters: their defaults, and the values officers give (numbers, or ranges
such as "8 to 10" States, costed at both ends)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ta_manager.errors import FieldError, InvalidInput

HQ_REGION = "EUR"  # staff and consultants travel from headquarters (Vienna) by default
Params = dict[str, Any]


@dataclass(frozen=True)
class Range:
    """A parameter given as a range, e.g. 8 to 10 States (docs/proposals.md)."""

    low: Decimal | int
    high: Decimal | int

    def plain(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


# Parameters of each template with their defaults; None = required.
PARAMETERS: dict[str, dict[str, Any]] = {
    "regional_workshop": {
        "states": None,
        "participants_per_state": 2,
        "days": 3,
        "languages": 2,
        "staff": 2,
        "documentation": 1,
        "origin_region": None,
        "staff_origin_region": HQ_REGION,
    },
    "legal_advisory_mission": {
        "consultant_months": 2,
        "missions": 2,
        "travellers": 1,
        "mission_days": 5,
        "origin_region": HQ_REGION,
    },
    "expert_group_meeting": {
        "experts": 12,
        "days": 3,
        "languages": 0,
        "documentation": 1,
        "origin_region": None,
    },
    "training_of_trainers": {
        "trainees": 20,
        "trainers": 2,
        "days": 5,
        "languages": 0,
        "documentation": 1,
        "origin_region": None,
        "trainer_origin_region": HQ_REGION,
    },
    "study_tour": {
        "participants": 6,
        "escorts": 1,
        "days": 5,
        "documentation": 0,
        "origin_region": None,
    },
    "tool_publication": {
        "consultant_months": 3,
        "pages": 100,
        "languages": 5,
        "printing": 1,
    },
    "manual": {},
}


def parameters(template: str, raw: Mapping[str, Any] | None) -> Params:
    """The template's parameters with defaults filled in; every bad one is reported."""
    if template not in PARAMETERS:
        raise InvalidInput.of(
            "template", f"unknown template; choose from {', '.join(PARAMETERS)}", template
        )
    spec = PARAMETERS[template]
    raw = dict(raw or {})
    errors: list[FieldError] = []
    out: Params = {}
    for name in raw:
        if name not in spec:
            allowed = ", ".join(spec) or "none"
            errors.append(FieldError(f"parameters.{name}", f"unknown; allowed: {allowed}"))
    for name, default in spec.items():
        value = raw.get(name, default)
        if name.endswith("_region"):
            out[name] = str(value).upper() if value else None
            continue
        if value is None:
            errors.append(FieldError(f"parameters.{name}", "is required"))
            continue
        try:
            out[name] = _number_or_range(value)
        except ValueError as exc:
            errors.append(FieldError(f"parameters.{name}", str(exc), value))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    return out


_RANGE_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-|\u2013|to|à|a)\s*(\d+(?:\.\d+)?)\s*$")


def _number(value: Any) -> Decimal | int:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError("must be a number or a range such as '8 to 10'") from exc
    if not number.is_finite():
        raise ValueError("must be a number or a range such as '8 to 10'")
    if number < 0:
        raise ValueError("must not be negative")
    return int(number) if number == number.to_integral_value() else number


def _number_or_range(value: Any) -> Decimal | int | Range:
    """8, "8", "8 to 10", "8-10", [8, 10] or {"low": 8, "high": 10}."""
    low: Any
    high: Any
    if isinstance(value, Range):
        return value
    if isinstance(value, Mapping) and set(value) == {"low", "high"}:
        low, high = value["low"], value["high"]
    elif isinstance(value, list | tuple) and len(value) == 2:
        low, high = value
    elif isinstance(value, str) and (m := _RANGE_TEXT.match(value)):
        low, high = m[1], m[2]
    else:
        return _number(value)
    lo, hi = _number(low), _number(high)
    if hi < lo:
        raise ValueError(f"the range ends ({hi}) below its start ({lo})")
    return lo if lo == hi else Range(lo, hi)


def plain_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as stored (a range as {"low": .., "high": ..})."""
    return {k: v.plain() if isinstance(v, Range) else v for k, v in params.items()}


def has_range(params: Mapping[str, Any]) -> bool:
    return any(isinstance(v, Range) for v in params.values())


def end_of(params: Mapping[str, Any], high: bool) -> Params:
    return {
        k: (v.high if high else v.low) if isinstance(v, Range) else v for k, v in params.items()
    }
