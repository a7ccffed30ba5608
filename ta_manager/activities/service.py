from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ta_manager.activities.links import check_links
from ta_manager.activities.schemas import ActivityStatus, Scope
from ta_manager.database import sql
from ta_manager.errors import FieldError
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes, split_values
from ta_manager.records.partial_dates import end_before_start
from ta_manager.records.service import LinkField, RecordService, RefField

# The interval an activity occupies (stored by PostgreSQL, see docs/data-model.md): from
# the first day of its actual start (else planned start) to the last day of its actual end
# (else of its start at the precision given, else the planned ones). END is NULL when an
# ongoing activity has no end (open until today); both are NULL when it is undated.
START = "t.starts_on"
END = "t.ends_on"
DATES = ("planned_start", "planned_end", "actual_start", "actual_end")

# The other records of the same event (connected through same_event_as links, either way).
_GROUP = """ARRAY(
    WITH RECURSIVE r (n) AS (
        SELECT t.id
        UNION SELECT CASE WHEN l.activity_id = r.n THEN l.other_id ELSE l.activity_id END
          FROM r JOIN activity_same_event l ON r.n IN (l.activity_id, l.other_id))
    SELECT x.code::text FROM r JOIN activity x ON x.id = r.n WHERE r.n <> t.id ORDER BY 1
) AS same_event_group"""


@dataclass(frozen=True)
class ActivityFilters:
    country: list[str] | None = None
    region: list[str] | None = None
    priority_area: list[str] | None = None
    assistance_type: list[str] | None = None
    instrument: list[str] | None = None
    type: list[str] | None = None
    status: list[ActivityStatus] | None = None
    activity_scope: list[Scope] | None = field(default=None, metadata={"query": "scope"})
    project: list[str] | None = None
    partner: list[str] | None = None
    donor: list[str] | None = None
    need: list[str] | None = None
    category: list[str] | None = None
    undated: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


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

    def extra_select(self) -> list[str]:
        return [
            "coalesce((SELECT jsonb_object_agg(g.profession, g.participants)"
            " FROM activity_participant_group g WHERE g.activity_id = t.id), '{}'::jsonb)"
            " AS participants_by_profession",
            _GROUP,
            "ARRAY(SELECT x.code::text FROM activity x WHERE x.delivers_id = t.id ORDER BY 1)"
            " AS delivered_by",
        ]

    def defaults(self) -> dict[str, Any]:
        return {"status": "planned", "category": "technical_assistance", "events": 1}

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
        await sql.execute(
            "DELETE FROM activity_participant_group WHERE activity_id = $1", record_id
        )
        await sql.executemany(
            "INSERT INTO activity_participant_group (activity_id, profession, participants)"
            " VALUES ($1, $2, $3)",
            [(record_id, p, n) for p, n in professions.items()],
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
    rows = await sql.fetch(
        "SELECT code FROM organization WHERE upper(code) = ANY($1::text[])"
        " AND NOT ('donor' = ANY(roles)) ORDER BY code",
        [str(c).upper() for c in codes],
    )
    return [
        FieldError("donors", "organization does not have the 'donor' role", r["code"]) for r in rows
    ]


async def _professions(activity_id: int) -> dict[str, int]:
    rows = await sql.fetch(
        "SELECT profession, participants FROM activity_participant_group WHERE activity_id = $1",
        activity_id,
    )
    return {r["profession"]: r["participants"] for r in rows}


def _in_link(alias: str, table: str, column: str) -> str:
    return f"{alias}.id IN (SELECT activity_id FROM {table} WHERE {column} = ANY({{}}))"


async def add_activity_filters(where: Where, f: ActivityFilters, alias: str) -> None:
    """Activity filters, shared with reports so that the API and spreadsheets agree."""
    a = alias
    for values, table, column, ref, name in (
        (f.country, "activity_country", "country_id", R.COUNTRY, "country"),
        (
            f.priority_area,
            "activity_priority_area",
            "priority_area_id",
            R.PRIORITY_AREA,
            "priority_area",
        ),
        (
            f.assistance_type,
            "activity_assistance_type",
            "assistance_type_id",
            R.ASSISTANCE_TYPE,
            "assistance_type",
        ),
        (f.instrument, "activity_instrument", "instrument_id", R.INSTRUMENT, "instrument"),
        (f.partner, "activity_partner", "organization_id", R.ORGANIZATION, "partner"),
        (f.need, "activity_need", "assistance_request_id", R.NEED, "need"),
    ):
        await add_codes(where, _in_link(a, table, column), values, ref, name)
    await add_codes(
        where,
        f"{a}.id IN (SELECT ac.activity_id FROM activity_country ac JOIN region_member rm"
        " ON rm.country_id = ac.country_id WHERE rm.region_id = ANY({}))",
        f.region,
        R.REGION,
        "region",
    )
    await add_codes(where, f"{a}.activity_type_id = ANY({{}})", f.type, R.ACTIVITY_TYPE, "type")
    await add_codes(where, f"{a}.project_id = ANY({{}})", f.project, R.PROJECT, "project")
    await add_codes(where, f"{a}.status = ANY({{}})", f.status, None, "status")
    await add_codes(where, f"{a}.category = ANY({{}})", f.category, None, "category")
    await add_codes(where, f"{a}.scope = ANY({{}})", f.activity_scope, None, "scope")
    if f.undated is not None:
        where.add(f"{a}.starts_on IS {'' if f.undated else 'NOT '}NULL")
    if donors := split_values(f.donor):
        ids = await R.ORGANIZATION.ids(donors, "donor")
        funded = (
            "SELECT a.{} FROM allocation a JOIN contribution c ON c.id = a.contribution_id"
            " WHERE c.donor_id = ANY({{}})"
        )
        where.add(
            f"({a}.id IN ({funded.format('activity_id')})"
            f" OR {a}.project_id IN ({funded.format('project_id')}))",
            ids,
            ids,
        )
    where.period(START.replace("t.", f"{a}."), END.replace("t.", f"{a}."), f.date_from, f.date_to)
