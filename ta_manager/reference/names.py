"""Names of States, priority areas and assistance types in a language, for outputs and pages.

English names are the rows' `name`; French and Spanish ones are `name_fr` / `name_es`
(States: UN M49 / UNTERM names, ta_manager.reference.country_names.state_name). A blank
translation falls back to English, so a secretariat's new priority area shows in every
language from the day it is made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ta_manager.database import sql
from ta_manager.reference.country_names import state_name
from ta_manager.reference.un_states import LANGUAGES, m49_area_names


def translated(row: Mapping[str, Any], lang: str = "en", column: str = "name") -> str:
    """`row[column]` in `lang` (`name_fr` for French...), English when blank or unknown."""
    if lang != "en" and lang in LANGUAGES:
        value = row.get(f"{column}_{lang}")
        if value:
            return str(value)
    return str(row.get(column) or "")


def translated_sql(alias: str, lang: str = "en", column: str = "name") -> str:
    """The SQL of a translated name: translated_sql('pa', 'fr') ->
    "coalesce(nullif(pa.name_fr, ''), pa.name)"."""
    if lang == "en" or lang not in LANGUAGES:
        return f"{alias}.{column}"
    return f"coalesce(nullif({alias}.{column}_{lang}, ''), {alias}.{column})"


@dataclass(frozen=True)
class ReferenceNames:
    """Code -> name in one language: States by ISO-3, priority areas, assistance types and
    regions by code (upper case). M49 regions take the UN's names; groupings the project
    defined (WCA...) keep theirs."""

    lang: str
    states: dict[str, str]
    priority_areas: dict[str, str]
    assistance_types: dict[str, str]
    regions: dict[str, str] = dataclasses.field(default_factory=dict)

    def state(self, iso3: str, default: str = "") -> str:
        return self.states.get(iso3.upper(), default)

    def priority_area(self, code: str, default: str = "") -> str:
        return self.priority_areas.get(code.upper(), default)

    def assistance_type(self, code: str, default: str = "") -> str:
        return self.assistance_types.get(code.upper(), default)


async def reference_names(lang: str = "en") -> ReferenceNames:
    """Every State, priority area and assistance type named in `lang`."""
    countries = await sql.fetch(
        "SELECT iso3::text AS iso3, name, official_name, name_fr, name_es, official_name_fr,"
        " official_name_es FROM country"
    )
    areas = await sql.fetch("SELECT code, name, name_fr, name_es FROM priority_area")
    types = await sql.fetch("SELECT code, name, name_fr, name_es FROM assistance_type")
    regions: dict[str, str] = {}
    if lang != "en" and lang in LANGUAGES:
        un_names = m49_area_names(lang)
        for r in await sql.fetch("SELECT code, m49_code FROM region WHERE m49_code IS NOT NULL"):
            if r["m49_code"] in un_names:
                regions[str(r["code"]).upper()] = un_names[r["m49_code"]]
    return ReferenceNames(
        lang=lang,
        states={str(r["iso3"]).upper(): state_name(dict(r), lang) for r in countries},
        priority_areas={str(r["code"]).upper(): translated(r, lang) for r in areas},
        assistance_types={str(r["code"]).upper(): translated(r, lang) for r in types},
        regions=regions,
    )
