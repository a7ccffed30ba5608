"""Activities: what was delivered, where, for whom, with whose money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ta_manager.activities import queries
from ta_manager.activities.links import check_links
from ta_manager.activities.queries import END, START, ActivityFilters, add_activity_filters
from ta_manager.activities.tables import ActivityParticipantGroup
from ta_manager.errors import FieldError
from ta_manager.records import references as R
from ta_manager.records.filters import Where
from ta_manager.records.partial_dates import end_before_start
from ta_manager.records.service import LinkField, RecordService, RefField
from ta_manager.reference.tables import Organization

__all__ = ["END", "START", "ActivityFilters", "ActivityService", "add_activity_filters"]

DATES = ("planned_start", "planned_end", "actual_start", "actual_end")


def _link(field: str, table: str, target: str, ref: R.Reference) -> LinkField:
    return LinkField(field, table, "activity_id", target, ref)


class ActivityService(RecordService):
    resource = "activity"
    table = "activity"
    columns = (
        "code",
        "title",
        "status",
        "category",
        "events",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "venue_city",
        "scope",
        "description",
        "outputs",
        "participants_total",
        "participants_female",
        "participants_male",
        "planned_cost",
        "actual_cost",
        "cost_currency",
        "sources",
    )
    partial_dates = DATES
    refs = (
        RefField("type", "activity_type_id", R.ACTIVITY_TYPE),
        RefField("venue_country", "venue_country_id", R.COUNTRY),
        RefField("project", "project_id", R.PROJECT),
        RefField("delivers", "delivers_id", R.ACTIVITY),
    )
    links = (
        _link("priority_areas", "activity_priority_area", "priority_area_id", R.PRIORITY_AREA),
        _link(
            "assistance_types", "activity_assistance_type", "assistance_type_id", R.ASSISTANCE_TYPE
        ),
        _link("instruments", "activity_instrument", "instrument_id", R.INSTRUMENT),
        _link("beneficiary_countries", "activity_country", "country_id", R.COUNTRY),
        _link(
            "beneficiary_institutions", "activity_institution", "organization_id", R.ORGANIZATION
        ),
        _link("partners", "activity_partner", "organization_id", R.ORGANIZATION),
        _link("sectors", "activity_sector", "sector_id", R.SECTOR),
        _link("needs", "activity_need", "assistance_request_id", R.NEED),
        _link("same_event_as", "activity_same_event", "other_id", R.ACTIVITY),
        _link("donors", "activity_donor", "organization_id", R.ORGANIZATION),
    )
    archivable = True
    search_columns = ("code", "title", "venue_city")
    search_indexed = True
    sortable = (
        "code",
        "title",
        "status",
        "category",
        "events",
        "starts_on",
        "ends_on",
        "planned_start",
        "actual_start",
        "participants_total",
        "actual_cost",
        "planned_cost",
        "created_at",
        "updated_at",
    )
    default_sort = "code"

    dict_links = frozenset({"participants_by_profession"})

    def extra_links(self) -> dict[str, str]:
        return {
            "participants_by_profession": queries.PARTICIPANTS_BY_PROFESSION,
            "same_event_group": queries.SAME_EVENT_GROUP,
            "delivered_by": queries.DELIVERED_BY,
        }

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        errors = end_before_start(record, "planned_start", "planned_end")
        errors += end_before_start(record, "actual_start", "actual_end")
        errors += _self_references(record, record_id)
        if donors := record.get("donors"):
            errors += await _not_donors(donors)
        total = record.get("participants_total")
        female = record.get("participants_female") or 0
        male = record.get("participants_male") or 0
        if total is not None and female + male > total:
            errors.append(
                FieldError(
                    "participants_female",
                    f"female ({female}) + male ({male}) exceeds participants_total ({total})",
                    female,
                )
            )
        professions = record.get("participants_by_profession")
        if professions is None and record_id is not None:
            professions = await _professions(record_id)
        by_profession = sum((professions or {}).values())
        if total is not None and by_profession > total:
            errors.append(
                FieldError(
                    "participants_by_profession",
                    f"professions add up to {by_profession}, above participants_total ({total})",
                    by_profession,
                )
            )
        return errors

    async def after_write(self, record_id: int, values: Mapping[str, Any]) -> None:
        await check_links(record_id, "same_event_as" in values, "delivers" in values)
        professions = values.get("participants_by_profession")
        if professions is None:
            return
        group = ActivityParticipantGroup
        await group.delete().where(group.activity_id == record_id)
        if professions:
            await group.insert(
                *(
                    group(activity_id=record_id, profession=p, participants=n)
                    for p, n in professions.items()
                )
            )

    async def filter(self, where: Where, f: ActivityFilters) -> None:
        await add_activity_filters(where, f, "t")


def _self_references(record: dict[str, Any], record_id: int | None) -> list[FieldError]:
    """`delivers` and `same_event_as` never name the record itself."""
    errors = []
    own = str(record.get("code") or "").upper()
    delivers = record.get("delivers")
    if (record_id is not None and record.get("delivers_id") == record_id) or (
        own and isinstance(delivers, str) and delivers.upper() == own
    ):
        errors.append(FieldError("delivers", "is this record itself", delivers))
    if own and own in {str(c).upper() for c in record.get("same_event_as") or []}:
        errors.append(FieldError("same_event_as", "names this record itself", record["code"]))
    return errors


async def _not_donors(codes: list[str]) -> list[FieldError]:
    """Donors named on an activity must have the donor role (as a contribution's donor), so
    that a donor user never sees another donor's name (accounts/donor_view.py)."""
    rows = (
        await Organization.select(Organization.code)
        .where(R.ORGANIZATION.matching(codes) & Organization.roles.not_any("donor"))
        .order_by(Organization.code)
    )
    return [
        FieldError("donors", "organization does not have the 'donor' role", r["code"]) for r in rows
    ]


async def _professions(activity_id: int) -> dict[str, int]:
    group = ActivityParticipantGroup
    rows = await group.select(group.profession, group.participants).where(
        group.activity_id == activity_id
    )
    return {r["profession"]: r["participants"] for r in rows}
