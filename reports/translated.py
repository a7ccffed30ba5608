"""A report's data with State, priority-area and assistance-type names in a language.

The report queries read English names; this swaps them for the names in `lang` by code
(ISO-3 for States), frame by frame, so the SQL stays one and every builder receives data
already in the language it writes (docs/languages.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl

from reports.matrix import Matrix
from ta_manager.reference.names import ReferenceNames, reference_names

# (code column, name column, which names) found in report frames.
_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("iso3", "country_name", "states"),
    ("priority_area", "priority_area_name", "priority_areas"),
    ("assistance_type", "assistance_type_name", "assistance_types"),
    ("region_code", "region_name", "regions"),
    ("m49_region_code", "m49_region_name", "regions"),
)


def relabel(df: pl.DataFrame, names: ReferenceNames, pairs: Any = _PAIRS) -> pl.DataFrame:
    """`df` with each name column of a known (code, name) pair in the language of `names`
    (a code without a translation keeps its name)."""
    for code, name, which in pairs:
        if code not in df.columns or name not in df.columns:
            continue
        mapping: dict[str, str] = getattr(names, which)
        translated = (
            pl.col(code).cast(pl.String).str.to_uppercase().replace_strict(mapping, default=None)
        )
        df = df.with_columns(pl.coalesce(translated, pl.col(name)).alias(name))
    return df


async def translate_matrix(m: Matrix, lang: str) -> Matrix:
    """The matrix with its names in `lang` (English: unchanged)."""
    if lang == "en":
        return m
    names = await reference_names(lang)
    by_code = (("code", "name", "priority_areas"),)
    summaries = dict(m.summaries)
    for key, which in (("priority area", "priority_areas"), ("region", "regions")):
        if key in summaries:
            summaries[key] = relabel(summaries[key], names, (("key", "name", which),))
    return dataclasses.replace(
        m,
        needs=relabel(m.needs, names),
        activities=relabel(m.activities, names),
        states=relabel(m.states, names),
        priority_areas=relabel(m.priority_areas, names, by_code),
        assistance_types=relabel(
            m.assistance_types, names, (("code", "name", "assistance_types"),)
        ),
        area_cells=relabel(m.area_cells, names),
        type_cells=relabel(m.type_cells, names),
        summaries=summaries,
        regional=relabel(m.regional, names) if m.regional is not None else None,
    )
