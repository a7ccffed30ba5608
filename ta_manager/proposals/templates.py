"""Activity templates: a few parameters turned into cost lines from the norms.

Pure functions over Decimal; the only input besides the parameters is a `NormBook` (already
read) and where and when the activity takes place. Each line is quantity x unit cost, so that
the spreadsheet can recompute it when an officer edits a quantity.

A line whose norm is missing is kept, uncosted (no unit cost; `missing_norm` says which
norm), so that a draft is made anyway and the missing norms can be listed. A parameter
given as a range ("8 to 10" States) is costed at both ends: the line's `quantity` is the
low end and `quantity_high` the high end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ta_manager.errors import InvalidInput
from ta_manager.proposals.norms import NormBook, NormUse
from ta_manager.proposals.parameters import Params, end_of, has_range, parameters

CATEGORIES = (
    "staff",
    "consultants",
    "travel",
    "contractual_services",
    "operating_costs",
    "equipment",
)
# The unit of an item's norm, for a line left uncosted because the norm is missing.
UNITS = {
    "air_ticket": "trip",
    "dsa": "day",
    "venue": "day",
    "interpretation": "language_day",
    "translation": "page",
    "consultant": "month",
    "staff_post": "year",
    "expert": "day",
    "documentation": "item",
    "equipment": "item",
}


@dataclass(frozen=True)
class Line:
    category: str
    item: str
    description: str
    quantity: Decimal
    unit: str
    unit_cost: Decimal | None  # None: uncosted, see missing_norm
    norm: NormUse | None = None
    # stable name of the line within its template, so a line overridden by hand is kept
    # (and not made again) when the activity is re-costed
    key: str = ""
    missing_norm: str = ""
    quantity_high: Decimal | None = None  # the high end of a range

    @property
    def amount(self) -> Decimal | None:
        return None if self.unit_cost is None else self.quantity * self.unit_cost


@dataclass(frozen=True)
class Setting:
    """Where and when an activity is costed."""

    year: int
    venue_region: str | None
    place: str = ""


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
        try:
            use = self.book.find(
                item,
                self.s.year,
                origin=origin,
                venue=self.s.venue_region if at_venue or origin else None,
                place=self.s.place if at_venue else "",
                grade=grade,
            )
        except InvalidInput as exc:  # no norm (or no rate for it): kept, uncosted
            reason = exc.errors[0].reason if exc.errors else exc.detail
            self.lines.append(
                Line(category, item, description, Decimal(quantity), UNITS.get(item, "item"),
                     None, None, key or item, missing_norm=reason)
            )  # fmt: skip
            return
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


def cost(template: str, raw: Mapping[str, Any] | None, book: NormBook, s: Setting) -> list[Line]:
    """The template's lines; with a range, costed at both ends (quantity, quantity_high)."""
    params = parameters(template, raw)
    low = TEMPLATES[template](end_of(params, False), book, s)
    if not has_range(params):
        return low
    high = {ln.key: ln for ln in TEMPLATES[template](end_of(params, True), book, s)}
    out = []
    for ln in low:
        other = high.pop(ln.key, None)
        above = other.quantity if other is not None and other.quantity != ln.quantity else None
        out.append(replace(ln, quantity_high=above))
    for ln in high.values():  # lines only at the high end (none at the low end)
        out.append(replace(ln, quantity=Decimal(0), quantity_high=ln.quantity))
    return out
