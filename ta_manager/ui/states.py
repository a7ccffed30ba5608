"""/admin/states: the States and areas of the country table as the UN writes them (UN M49
short names and UNTERM formal names in English, French and Spanish; Member State,
observer State, non-member State, territory or former-name entry; the note explaining a
former name). Everyone may read it; administrators edit an entry (the form is the
reference-data form of ui/admin.py, on CountryService with the API's checks)."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template

from ta_manager.accounts.roles import ADMINS, EVERYONE
from ta_manager.locale import N_
from ta_manager.reference.services import CountryService, ReferenceFilters
from ta_manager.ui import choices
from ta_manager.ui.forms import Field
from ta_manager.ui.pages import AnyRequest, may, render
from ta_manager.ui.records import listing

STATE_FIELDS: list[Field] = [
    Field("iso3", N_("ISO-3 code"), required=True),
    Field("iso2", N_("ISO-2 code"), help=N_("Only former-name entries have none")),
    Field("m49_code", N_("M49 code")),
    Field("status", N_("Status"), "select", choices="country_status", required=True),
    Field("name", N_("Name (UN M49, English)"), required=True),
    Field("official_name", N_("Formal name (UNTERM, English)")),
    Field("name_fr", N_("Name in French")),
    Field("official_name_fr", N_("Formal name in French")),
    Field("name_es", N_("Name in Spanish")),
    Field("official_name_es", N_("Formal name in Spanish")),
    Field("region", N_("M49 region"), "picker", picker="regions"),
    Field("sub_region", N_("M49 sub-region"), "picker", picker="regions"),
    Field("note", N_("Note"), "textarea", help=N_("Why a former name is kept, or what an area is")),
]


@get("/admin/states", opt={"roles": EVERYONE}, include_in_schema=False)
async def states_page(request: AnyRequest) -> Template:
    found = await listing(request, CountryService(), ReferenceFilters, shared=True)
    return render(
        request,
        "admin/states.html",
        fragment="admin/partials/states.html",
        page=found.page,
        errors=found.errors,
        may_edit=may(request, ADMINS),
        choices=await choices.load({"country_status", "regions"}),
    )


ROUTES: list[Any] = [states_page]
