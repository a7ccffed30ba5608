"""Activity templates: a few parameters turned into cost lines from the norms.

Pure functions over Decimal; the only input besides the parameters is a `NormBook` (already
read) and where and when the activity takes place. Each line is quantity x unit cost, so that
the spreadsheet can recompute it when an officer edits a quantity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ta_manager.errors import FieldError, InvalidInput
from ta_manager.proposals.norms import NormBook, NormUse

CATEGORIES = (
    "staff",
    "consultants",
    "travel",
    "contractual_services",
    "operating_costs",
    "equipment",
)
HQ_REGION = "EUR"  # staff and consultants travel from headquarters (Vienna) by default


@dataclass(frozen=True)
class Line:
    category: str
    item: str
    description: str
    quantity: Decimal
    unit: str
    unit_cost: Decimal
    norm: NormUse | None = None
    # stable name of the line within its template, so a line overridden by hand is kept
    # (and not made again) when the activity is re-costed
    key: str = ""

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_cost


@dataclass(frozen=True)
class Setting:
    """Where and when an activity is costed."""

    year: int
    venue_region: str | None
    place: str = ""


Params = dict[str, Any]
Template = Callable[[Params, NormBook, Setting], list[Line]]


class Costing:
    """Collects the lines of one activity."""

    def __init__(self, book: NormBook, setting: Setting) -> None:
        self.book, self.s, self.lines = book, setting, list[Line]()

    def add(
        self,
        category: str,
        item: str,
        description: str,
        quantity: Decimal | int,
        *,
        origin: str | None = None,
        at_venue: bool = True,
        grade: str = "",
        key: str = "",
    ) -> None:
        if Decimal(quantity) == 0:
            return
        use = self.book.find(
            item,
            self.s.year,
            origin=origin,
            venue=self.s.venue_region if at_venue or origin else None,
            place=self.s.place if at_venue else "",
            grade=grade,
        )
        self.lines.append(
            Line(
                category,
                item,
                description,
                Decimal(quantity),
                use.norm.unit,
                use.unit_cost,
                use,
                key or item,
            )
        )

    def travel(
        self,
        role: str,
        who: str,
        people: Decimal | int,
        dsa_days: Decimal | int,
        origin: str | None,
    ) -> None:
        """Round-trip tickets for `people` and their subsistence for `dsa_days` days each."""
        self.add(
            "travel",
            "air_ticket",
            f"Air tickets, {who}",
            people,
            origin=origin,
            key=f"{role}:air_ticket",
        )
        self.add(
            "travel",
            "dsa",
            f"Daily subsistence allowance, {who}",
            Decimal(people) * dsa_days,
            key=f"{role}:dsa",
        )

    def meeting(self, days: Decimal | int, languages: Decimal | int, documentation: int) -> None:
        self.add("contractual_services", "venue", f"Conference venue, {days} days", days)
        self.add(
            "contractual_services",
            "interpretation",
            f"Interpretation, {languages} languages x {days} days",
            Decimal(languages) * days,
        )
        self.add("operating_costs", "documentation", "Meeting documentation", documentation)


def regional_workshop(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """States x participants per State x (ticket + DSA x (days + 1)) + venue x days
    + interpretation x languages x days + staff travel + documentation."""
    c = Costing(book, s)
    people = p["states"] * p["participants_per_state"]
    origin = p["origin_region"] or s.venue_region
    c.travel(
        "participants",
        f"participants ({p['states']} States x {p['participants_per_state']})",
        people,
        p["days"] + 1,
        origin,
    )
    c.meeting(p["days"], p["languages"], p["documentation"])
    c.travel("staff", f"staff ({p['staff']})", p["staff"], p["days"] + 1, p["staff_origin_region"])
    return c.lines


def legal_advisory_mission(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """Consultant months + missions x travellers x (ticket + DSA x mission days)."""
    c = Costing(book, s)
    c.add(
        "consultants",
        "consultant",
        f"International legal consultant, {p['consultant_months']} months",
        p["consultant_months"],
        at_venue=False,
    )
    trips = p["missions"] * p["travellers"]
    c.travel(
        "mission",
        f"{p['missions']} missions x {p['travellers']}",
        trips,
        p["mission_days"],
        p["origin_region"],
    )
    return c.lines


def expert_group_meeting(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """Experts x (ticket + DSA x (days + 1)) + venue, interpretation, documentation."""
    c = Costing(book, s)
    c.travel(
        "experts", f"experts ({p['experts']})", p["experts"], p["days"] + 1, p["origin_region"]
    )
    c.meeting(p["days"], p["languages"], p["documentation"])
    return c.lines


def training_of_trainers(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """Trainees and trainers travel, trainers' fees x days, venue, interpretation, materials."""
    c = Costing(book, s)
    c.travel(
        "trainees", f"trainees ({p['trainees']})", p["trainees"], p["days"] + 1, p["origin_region"]
    )
    c.travel(
        "trainers",
        f"trainers ({p['trainers']})",
        p["trainers"],
        p["days"] + 1,
        p["trainer_origin_region"],
    )
    c.add(
        "consultants",
        "expert",
        f"Trainers' fees, {p['trainers']} x {p['days']} days",
        p["trainers"] * p["days"],
        at_venue=False,
    )
    c.meeting(p["days"], p["languages"], p["documentation"])
    return c.lines


def study_tour(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """(Participants + escorts) x (ticket + DSA x days) + documentation."""
    c = Costing(book, s)
    people = p["participants"] + p["escorts"]
    who = f"{p['participants']} participants and {p['escorts']} escorts"
    c.travel("tour", who, people, p["days"], p["origin_region"])
    c.add("operating_costs", "documentation", "Programme documentation", p["documentation"])
    return c.lines


def tool_publication(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """Consultant months + translation of pages into N languages + printing."""
    c = Costing(book, s)
    c.add(
        "consultants",
        "consultant",
        f"Drafting consultant, {p['consultant_months']} months",
        p["consultant_months"],
        at_venue=False,
    )
    c.add(
        "contractual_services",
        "translation",
        f"Translation, {p['pages']} pages into {p['languages']} languages",
        p["pages"] * p["languages"],
        at_venue=False,
    )
    c.add(
        "operating_costs",
        "documentation",
        "Printing and dissemination",
        p["printing"],
        at_venue=False,
        key="printing",
    )
    return c.lines


def manual(p: Params, book: NormBook, s: Setting) -> list[Line]:
    """No formula: every line is entered by hand."""
    return []


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

TEMPLATES: dict[str, Template] = {
    "regional_workshop": regional_workshop,
    "legal_advisory_mission": legal_advisory_mission,
    "expert_group_meeting": expert_group_meeting,
    "training_of_trainers": training_of_trainers,
    "study_tour": study_tour,
    "tool_publication": tool_publication,
    "manual": manual,
}

# The activity type a template's activity is recorded as.
ACTIVITY_TYPE = {
    "regional_workshop": "workshop",
    "legal_advisory_mission": "legal_advisory",
    "expert_group_meeting": "expert_group_meeting",
    "training_of_trainers": "training",
    "study_tour": "study_tour",
    "tool_publication": "tool_publication",
    "manual": "conference",
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
            number = Decimal(str(value))
        except InvalidOperation:
            errors.append(FieldError(f"parameters.{name}", "must be a number", value))
            continue
        if number < 0:
            errors.append(FieldError(f"parameters.{name}", "must not be negative", value))
        out[name] = int(number) if number == number.to_integral_value() else number
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    return out


def cost(template: str, raw: Mapping[str, Any] | None, book: NormBook, s: Setting) -> list[Line]:
    return TEMPLATES[template](parameters(template, raw), book, s)
