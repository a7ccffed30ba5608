"""/forms/source-row: one more blank row of a sources editor (the "Add another source"
button with htmx; without JavaScript the same button posts the form, which comes back with
one more row and nothing saved)."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from ta_manager.accounts.roles import EDITORS
from ta_manager.errors import InvalidInput
from ta_manager.ui.forms import SOURCE_KEY
from ta_manager.ui.pages import AnyRequest, render

EDITORS_OF = {"sources"}  # the sources fields of the forms (activities, needs)
MAX_ROWS = 200


@get("/forms/source-row", opt={"roles": EDITORS}, include_in_schema=False)
async def source_row(request: AnyRequest, field: FromQuery[str]) -> Template:
    """The next row: numbered after the rows the editor sends (htmx includes them)."""
    if field not in EDITORS_OF:
        raise InvalidInput.of("field", "no sources editor of that name", field)
    taken = [
        int(m["row"])
        for key in request.query_params
        if (m := SOURCE_KEY.match(key)) is not None and m["field"] == field
    ]
    index = max(taken, default=-1) + 1
    if index >= MAX_ROWS:
        raise InvalidInput.of(field, f"at most {MAX_ROWS} sources on one form", index)
    return render(request, "partials/source_row.html", name=field, index=index)


ROUTES: list[Any] = [source_row]
