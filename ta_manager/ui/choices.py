"""The choices a select or a set of checkboxes offers: codelists read through the services,
and the fixed values of the API's schemas (statuses, scopes, sources...)."""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable
from typing import Any

from ta_manager.activities.schemas import ActivityCategory, ActivityStatus, Profession, Scope
from ta_manager.cost_norms.schemas import CostItem, CostUnit
from ta_manager.locale import N_, current_language
from ta_manager.needs.schemas import NeedPriority, NeedSource, NeedStatus
from ta_manager.proposals.schemas import Category, Status, TemplateName
from ta_manager.records.service import RecordService
from ta_manager.reference import services as refsvc
from ta_manager.reference.names import translated
from ta_manager.reference.schemas import CountryStatus, OrgRole

Choice = tuple[str, str]  # (value, label shown)

# Labels of fixed values, so they read as words and reach the catalogue.
LABELS: dict[str, str] = {
    "proposed": N_("proposed"),
    "planned": N_("planned"),
    "approved": N_("approved"),
    "ongoing": N_("ongoing"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "national": N_("national"),
    "regional": N_("regional"),
    "interregional": N_("interregional"),
    "global": N_("global"),
    "open": N_("open"),
    "in_progress": N_("in progress"),
    "met": N_("met"),
    "partly": N_("partly met"),
    "unmet": N_("unmet"),
    "none": N_("no stated need"),
    "withdrawn": N_("withdrawn"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "questionnaire": N_("questionnaire"),
    "checklist": N_("checklist"),
    "field_office": N_("field office"),
    "training": N_("training"),
    "letter": N_("letter"),
    "other": N_("other"),
    "judge": N_("judges"),
    "prosecutor": N_("prosecutors"),
    "investigator": N_("investigators"),
    "police": N_("police"),
    "central_authority": N_("central authorities"),
    "legislative_drafter": N_("legislative drafters"),
    "border_guard": N_("border guards"),
    "customs": N_("customs"),
    "policymaker": N_("policymakers"),
    "civil_society": N_("civil society"),
    "donor": N_("donor"),
    "partner": N_("partner"),
    "beneficiary_institution": N_("beneficiary institution"),
    "implementing_office": N_("implementing office"),
    "admin": N_("administrator"),
    "officer": N_("programme officer"),
    "secretariat": N_("secretariat"),
    "viewer": N_("viewer"),
    "technical_assistance": N_("technical assistance"),
    "intergovernmental": N_("intergovernmental meeting"),
    "participation": N_("participation in others' meetings"),
    "coordination": N_("coordination"),
    "member_state": N_("Member State"),
    "observer_state": N_("observer State"),
    "non_member_state": N_("non-member State"),
    "territory": N_("territory"),
    "former_name": N_("former name"),
    "funding_gap": N_("funding gap"),
    "resource_request": N_("resource request"),
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "endorsed": N_("endorsed"),
}

FIXED: dict[str, Any] = {
    "activity_status": ActivityStatus,
    "activity_category": ActivityCategory,
    "country_status": CountryStatus,
    "scope": Scope,
    "profession": Profession,
    "need_status": NeedStatus,
    "need_source": NeedSource,
    "need_priority": NeedPriority,
    "org_role": OrgRole,
    "cost_item": CostItem,
    "cost_unit": CostUnit,
    "proposal_status": Status,
    "line_category": Category,
    "proposal_template": TemplateName,
    "role": typing.Literal["admin", "officer", "secretariat", "donor", "viewer"],
}


def fixed(name: str) -> list[Choice]:
    return [(v, LABELS.get(v, v.replace("_", " "))) for v in typing.get_args(FIXED[name])]


async def _listing(
    service: RecordService, label: Callable[[dict[str, Any]], str], sort: str | None = None
) -> list[Choice]:
    page = await service.page(None, sort=sort, limit=1000)
    return [(str(r["code"]), label(r)) for r in page.items]


def _coded(r: dict[str, Any]) -> str:
    """`PA2 — Réponses de la justice pénale`: the code and the name in the page's language."""
    return f"{r['code']} — {translated(r, current_language.get())}"


LOADERS: dict[str, Callable[[], Awaitable[list[Choice]]]] = {
    "activity_types": lambda: _listing(refsvc.ActivityTypeService(), lambda r: r["name"]),
    "priority_areas": lambda: _listing(refsvc.PriorityAreaService(), _coded, "sort_order"),
    "assistance_types": lambda: _listing(
        refsvc.AssistanceTypeService(), _coded, "priority_area_id,sort_order"
    ),
    "instruments": lambda: _listing(refsvc.InstrumentService(), lambda r: r["short_name"]),
    "regions": lambda: _listing(refsvc.RegionService(), _coded, "name"),
}


async def load(names: set[str]) -> dict[str, list[Choice]]:
    """The choice lists a form needs, by name."""
    out: dict[str, list[Choice]] = {}
    for name in names:
        out[name] = fixed(name) if name in FIXED else await LOADERS[name]()
    return out
