"""HTTP routes for records of one event, mounted under /api/v1 by ta_manager.app.

GET  /activities/duplicates              pairs that may be one event (scored; never merged)
POST /activities/duplicates/distinct     a reviewer's "not the same event" for a pair
POST /activities/{id}/merge              merge another record into this one (keeps both
                                         records' sources; the other is archived)
Linking a pair is a PATCH of `same_event_as` (or `delivers`) on /activities/{id}.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from msgspec import Meta

from ta_manager.accounts.assignments import within_assignment
from ta_manager.accounts.roles import EDITORS, STAFF
from ta_manager.activities.duplicates import (
    DEFAULT_MIN_SCORE,
    DuplicateFilters,
    find_duplicates,
    mark_distinct,
)
from ta_manager.activities.merging import merge_activities
from ta_manager.activities.schemas import ActivityRead
from ta_manager.api.crud import RecordId, etag, version_from
from ta_manager.records.schemas import Code


class MergeRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    other: Annotated[Code, Meta(description="Code of the record merged into this one")]
    version: int | None = None


class DistinctRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    activities: Annotated[list[Code], Meta(min_length=2, max_length=2)]


class ActivityEventsController(Controller):
    path = "/activities"
    tags = ["Activities"]

    @get(
        "/duplicates",
        operation_id="listActivityDuplicates",
        summary="Pairs of activity records that may be one event (scored, for review)",
        opt={"roles": STAFF, "problems": (422,)},
    )
    async def duplicates(
        self,
        min_score: Annotated[int, QueryParameter(ge=0, le=100)] = DEFAULT_MIN_SCORE,
        type: Annotated[list[str] | None, QueryParameter(description="Activity type codes")] = None,
        date_from: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[dt.date | None, QueryParameter(name="to")] = None,
        include_linked: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        return await find_duplicates(
            DuplicateFilters(min_score, type, date_from, date_to, include_linked, limit)
        )

    @post(
        "/duplicates/distinct",
        operation_id="markActivitiesDistinct",
        summary="Mark a pair as not the same event (no longer offered as duplicates)",
        status_code=204,
        opt={"roles": EDITORS},
    )
    async def distinct(self, data: JSONBody[DistinctRequest]) -> None:
        await mark_distinct(data.activities[0], data.activities[1])

    @post(
        "/{record_id:int}/merge",
        operation_id="mergeActivity",
        summary="Merge another record of the same event into this one (both kept, the other"
        " archived)",
        status_code=200,
        opt={"roles": EDITORS},
    )
    async def merge(
        self, request: Request[Any, Any, Any], record_id: RecordId, data: JSONBody[MergeRequest]
    ) -> Response[ActivityRead]:
        version = version_from(request, data.version)
        account = request.scope.get("user")
        merged = await within_assignment(
            account,
            "activity",
            record_id,
            lambda: merge_activities(record_id, data.other, version),
        )
        body = msgspec.convert(merged, ActivityRead, strict=False)
        return Response(body, headers={"ETag": etag(merged["version"])})


ROUTES: list[Any] = [ActivityEventsController]
