"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app.

/proposals                                  list, create
/proposals/draft                            draft from open needs (201)
/proposals/{id}  /proposals/{id}.xlsx       read (JSON or workbook), PATCH, DELETE
/proposals/{id}/activities[/{aid}]          add, PATCH, DELETE proposed activities
/proposals/{id}/activities/{aid}/lines[/{lid}]  add, PATCH, DELETE cost lines
PATCH needs the `version` read (body or If-Match), like every record.
Reading is for staff (admin, officer, secretariat); writing for editors (admin, officer).
Donors and viewers are kept out: a proposal shows every donor's secured money.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from ta_manager.accounts.roles import EDITORS, STAFF
from ta_manager.api.crud import RecordId, version_from
from ta_manager.api.language import LANGUAGE
from ta_manager.errors import InvalidInput
from ta_manager.proposals import drafting, service
from ta_manager.proposals.export import proposal_workbook
from ta_manager.proposals.schemas import (
    CostLineCreate,
    CostLineUpdate,
    DraftRequest,
    ProposalCreate,
    ProposalUpdate,
    ProposedActivityCreate,
    ProposedActivityUpdate,
    changes_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Doc = Response[dict[str, Any]]


def _doc(doc: dict[str, Any], status: int = 200) -> Doc:
    return Response(doc, status_code=status, headers={"ETag": f'"{doc["version"]}"'})


def _proposal_ref(ref: FromPath[str]) -> tuple[int, bool]:
    """`12` -> (12, json); `12.xlsx` -> (12, workbook)."""
    key, _, suffix = ref.partition(".")
    if not key.isdigit() or suffix not in ("", "xlsx", "json"):
        raise InvalidInput.of("id", "use /proposals/{id} or /proposals/{id}.xlsx", ref)
    return int(key), suffix == "xlsx"


def _changes(request: Request[Any, Any, Any], data: Any) -> tuple[dict[str, Any], int | None]:
    changes = changes_of(data)
    return changes, version_from(request, changes.pop("version", None))


class ProposalController(Controller):
    path = "/proposals"
    tags = ["Costed proposals"]

    @get("/", operation_id="listProposal", summary="List proposals", opt={"roles": STAFF})
    async def list_proposals(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> dict[str, Any]:
        return await service.listing(limit, offset)

    @post(
        "/",
        operation_id="createProposal",
        summary="Create a proposal (and its activities)",
        opt={"roles": EDITORS},
    )
    async def create_proposal(self, data: JSONBody[ProposalCreate]) -> Doc:
        return _doc(await service.create(data), 201)

    @post(
        "/draft",
        operation_id="draftProposal",
        summary="Draft a costed proposal from the needs no activity meets yet",
        opt={"roles": EDITORS},
    )
    async def draft_proposal(self, data: JSONBody[DraftRequest]) -> Doc:
        return _doc(await drafting.draft(data), 201)

    @get(
        "/{proposal_id:str}",
        operation_id="getProposal",
        summary="A proposal with activities, lines, totals, secured funding and gap;"
        " /proposals/{id}.xlsx for the workbook",
        opt={"roles": STAFF, "also_media_types": (XLSX,), "problems": (422,)},
        dependencies=LANGUAGE,
    )
    async def get_proposal(
        self, proposal_id: FromPath[str], language: NamedDependency[str]
    ) -> Response[Any]:
        number, workbook = _proposal_ref(proposal_id)
        if workbook:
            content = await proposal_workbook(number, lang=language)
            return Response(
                content,
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="proposal-{number}.xlsx"'},
            )
        return _doc(await service.document(number))

    @patch(
        "/{proposal_id:int}",
        operation_id="updateProposal",
        summary="Update a proposal",
        opt={"roles": EDITORS},
    )
    async def update_proposal(
        self,
        request: Request[Any, Any, Any],
        proposal_id: RecordId,
        data: JSONBody[ProposalUpdate],
    ) -> Doc:
        changes, version = _changes(request, data)
        return _doc(await service.update(proposal_id, changes, version))

    @delete(
        "/{proposal_id:int}", operation_id="deleteProposal", status_code=204, opt={"roles": EDITORS}
    )
    async def delete_proposal(self, proposal_id: RecordId) -> None:
        await service.delete(proposal_id)

    @post(
        "/{proposal_id:int}/activities",
        operation_id="addProposedActivity",
        summary="Add an activity, costed by its template",
        opt={"roles": EDITORS},
    )
    async def add_activity(
        self, proposal_id: RecordId, data: JSONBody[ProposedActivityCreate]
    ) -> Doc:
        return _doc(await service.add_activity(proposal_id, data), 201)

    @patch(
        "/{proposal_id:int}/activities/{activity_id:int}",
        operation_id="updateProposedActivity",
        summary="Update an activity (re-costs its template lines; hand-made lines stay)",
        opt={"roles": EDITORS},
    )
    async def update_activity(
        self,
        request: Request[Any, Any, Any],
        proposal_id: RecordId,
        activity_id: RecordId,
        data: JSONBody[ProposedActivityUpdate],
    ) -> Doc:
        changes, version = _changes(request, data)
        return _doc(await service.update_activity(proposal_id, activity_id, changes, version))

    @delete(
        "/{proposal_id:int}/activities/{activity_id:int}",
        operation_id="deleteProposedActivity",
        status_code=204,
        opt={"roles": EDITORS},
    )
    async def delete_activity(self, proposal_id: RecordId, activity_id: RecordId) -> None:
        await service.delete_activity(proposal_id, activity_id)

    @post(
        "/{proposal_id:int}/activities/{activity_id:int}/lines",
        operation_id="addCostLine",
        summary="Add a cost line by hand",
        opt={"roles": EDITORS},
    )
    async def add_line(
        self,
        proposal_id: RecordId,
        activity_id: RecordId,
        data: JSONBody[CostLineCreate],
    ) -> Doc:
        return _doc(await service.add_line(proposal_id, activity_id, data), 201)

    @patch(
        "/{proposal_id:int}/activities/{activity_id:int}/lines/{line_id:int}",
        operation_id="updateCostLine",
        summary="Override a cost line by hand (send the line's version)",
        opt={"roles": EDITORS},
    )
    async def update_line(
        self,
        request: Request[Any, Any, Any],
        proposal_id: RecordId,
        activity_id: RecordId,
        line_id: RecordId,
        data: JSONBody[CostLineUpdate],
    ) -> Doc:
        changes, version = _changes(request, data)
        doc = await service.update_line(proposal_id, activity_id, line_id, changes, version)
        return _doc(doc)

    @delete(
        "/{proposal_id:int}/activities/{activity_id:int}/lines/{line_id:int}",
        operation_id="deleteCostLine",
        status_code=204,
        opt={"roles": EDITORS},
    )
    async def delete_line(
        self, proposal_id: RecordId, activity_id: RecordId, line_id: RecordId
    ) -> None:
        await service.delete_line(proposal_id, activity_id, line_id)


ROUTES: list[Any] = [ProposalController]
