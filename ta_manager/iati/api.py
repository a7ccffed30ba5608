"""/api/v1/iati: the activity file (streamed), what it left out, and the organisation file.

The activity file is streamed as it is written, so the records left out are only known at
its end: they are listed in a comment at the end of the file and, as JSON, by
`GET /api/v1/iati/activities/left-out` with the same filters (the response's `Link` header
points there). A donor user always gets its own money's records (reports' donor forcing).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Stream

from reports.api import donor_scope
from ta_manager.accounts.roles import DONOR, STAFF
from ta_manager.iati.exporter import (
    MEDIA_TYPE,
    ExportResult,
    IatiFilters,
    activity_chunks,
    prepare,
)
from ta_manager.iati.organisation import export_organisation

PROBLEMS = {
    status: ResponseSpec(
        data_container=dict[str, Any],
        description=description,
        media_type="application/problem+json",
        generate_examples=False,
    )
    for status, description in (
        (401, "Not logged in"),
        (403, "The role may not export IATI files"),
        (404, "Unknown donor (or another donor's, for a donor user)"),
        (422, "Bad filter, or IATI publishing not configured (names the setting)"),
    )
}
Donor = Annotated[
    str | None,
    QueryParameter(description="Donor organization code or id: only what its money funded"),
]
Projects = Annotated[
    list[str] | None, QueryParameter(description="Project code(s), with their activities")
]
From = Annotated[
    dt.date | None, QueryParameter(name="from", description="Records ending on or after")
]
To = Annotated[
    dt.date | None, QueryParameter(name="to", description="Records starting on or before")
]


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


async def _filters(
    request: Request[Any, Any, Any],
    donor: str | None,
    project: list[str] | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> IatiFilters:
    return IatiFilters(await donor_scope(request, donor), project, date_from, date_to)


class IatiController(Controller):
    path = "/iati"
    tags = ["IATI"]
    opt = {"roles": (*STAFF, DONOR)}

    @get(
        "/activities.xml",
        operation_id="iatiActivities",
        summary="IATI activity file (iati-activities 2.03), streamed",
        description="Projects and their activities as iati-activity elements, each checked"
        " against the IATI 2.03 schema and the Standard Ruleset's main rules before it is"
        " written. Records that cannot be published are left out: see"
        " /api/v1/iati/activities/left-out with the same filters.",
        media_type=MEDIA_TYPE,
        responses=PROBLEMS,
    )
    async def activities(
        self,
        request: Request[Any, Any, Any],
        donor: Donor = None,
        project: Projects = None,
        date_from: From = None,
        date_to: To = None,
    ) -> Stream:
        filters = await _filters(request, donor, project, date_from, date_to)
        prepared = await prepare(filters)  # settings and filters refused before streaming
        query = urlencode(list(request.query_params.multi_items()))
        left_out = "/api/v1/iati/activities/left-out" + (f"?{query}" if query else "")
        name = f"iati-activities-{dt.date.today().isoformat()}.xml"
        return Stream(
            activity_chunks(prepared, ExportResult()),
            media_type=MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Link": f'<{left_out}>; rel="describedby"',
            },
        )

    @get(
        "/activities/left-out",
        operation_id="iatiActivitiesLeftOut",
        summary="What the IATI activity file leaves out, by record and field (JSON)",
        responses=PROBLEMS,
    )
    async def left_out(
        self,
        request: Request[Any, Any, Any],
        donor: Donor = None,
        project: Projects = None,
        date_from: From = None,
        date_to: To = None,
    ) -> dict[str, Any]:
        filters = await _filters(request, donor, project, date_from, date_to)
        result = ExportResult()
        sink = _Discard()
        async for chunk in activity_chunks(await prepare(filters), result):
            sink.write(chunk)
        return result.as_dict()

    @get(
        "/organisation.xml",
        operation_id="iatiOrganisation",
        summary="IATI organisation file (iati-organisations 2.03): budgets and spending by year",
        media_type=MEDIA_TYPE,
        responses=PROBLEMS,
        opt={"roles": STAFF},
    )
    async def organisation(self) -> Response[bytes]:
        buffer = io.BytesIO()  # one element per year and State: small
        await export_organisation(buffer)
        name = f"iati-organisation-{dt.date.today().isoformat()}.xml"
        return Response(
            buffer.getvalue(),
            media_type=MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


ROUTES: list[Any] = [IatiController]
