"""Reference routes beyond plain CRUD."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from ta_manager.reference.schemas import PartiesCount
from ta_manager.reference.services import InstrumentService

instruments = InstrumentService()


class InstrumentPartiesController(Controller):
    path = "/instruments"
    tags = ["Instruments"]

    @get(
        "/{code:str}/parties",
        operation_id="countParties",
        opt={"problems": (422,)},  # an unknown instrument code
        summary="Parties on a date",
        description="From the recorded ratifications or the latest published status on or"
        " before the date (`source` says which); `parties` is null with a `reason` when"
        " there is neither.",
    )
    async def parties(
        self,
        code: FromPath[str],
        as_of: Annotated[
            dt.date | None, QueryParameter(description="Date (YYYY-MM-DD); default today")
        ] = None,
    ) -> PartiesCount:
        result = await instruments.parties(code, as_of or dt.date.today())
        return PartiesCount(**result)
