"""The State list as the United Nations writes it, read from the vendored files.

`un_states()` joins the UNSD M49 files (English, French and Spanish short names, codes,
regions) with the UNTERM names (formal names; Member / observer marks) and adds the project's
own entries: areas M49 does not list and former-name entries (data/state_names.toml,
data/former_names.toml). Provenance and licence: data/un/README.md.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA = Path(__file__).parent / "data"
UN = DATA / "un"

Language = Literal["en", "fr", "es"]
LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
Status = Literal["member_state", "observer_state", "non_member_state", "territory", "former_name"]
STATUSES: tuple[Status, ...] = (
    "member_state",
    "observer_state",
    "non_member_state",
    "territory",
    "former_name",
)
# What counts as a State (regional groupings hold these by default; territories only when
# listed explicitly; former-name entries never).
STATE_STATUSES: tuple[Status, ...] = ("member_state", "observer_state", "non_member_state")

_UNTERM_MARK = re.compile(r"\s*\*+\s*$")
_LEADING_ARTICLE = re.compile(r"^(?:the|le|la|les|el|los|las)\s+|^l['\u2019]", re.IGNORECASE)


@dataclass(frozen=True)
class StateEntry:
    """One country or area: codes, names in three languages, status, M49 sub-region."""

    iso3: str
    iso2: str | None
    m49_code: str | None
    names: dict[str, str]  # short name per language (M49 "Country or Area")
    formal: dict[str, str]  # formal name per language (UNTERM, without the leading article)
    status: Status
    sub_region_m49: str | None  # M49 intermediate region, else sub-region
    note: str = ""
    # Further spellings that identify the entry (UNTERM short names, which carry articles).
    other_names: tuple[str, ...] = ()
    # For former-name entries: the names that are refused with `note`.
    historical: tuple[str, ...] = ()
    unterm: dict[str, str] = field(default_factory=dict)


def formal_name(unterm: str) -> str:
    """UNTERM's formal name as a label: without its '*' marks and leading article
    ('the Plurinational State of Bolivia' -> 'Plurinational State of Bolivia')."""
    text = _UNTERM_MARK.sub("", unterm.strip())
    stripped = _LEADING_ARTICLE.sub("", text, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped else stripped


def _read_m49(lang: str) -> dict[str, dict[str, str]]:
    encoding = "utf-8-sig"  # en has a byte-order mark; fr/es have none (utf-8-sig reads both)
    with (UN / f"UNSD-{lang}.csv").open(encoding=encoding, newline="") as fh:
        return {r["ISO-alpha3 Code"]: r for r in csv.DictReader(fh)}


@cache
def m49_area_names(lang: str) -> dict[str, str]:
    """M49 code -> the UN name of a region, sub-region or intermediate region in `lang`
    ('017' -> 'Afrique centrale' in French), from the vendored UNSD files."""
    names: dict[str, str] = {}
    for row in _read_m49(lang).values():
        for level in ("Region", "Sub-region", "Intermediate Region"):
            code, name = row.get(f"{level} Code") or "", row.get(f"{level} Name") or ""
            if code and name:
                names[code] = name
    return names


def _read_unterm() -> dict[str, dict[str, str]]:
    with (UN / "datasets-country-codes.csv").open(encoding="utf-8", newline="") as fh:
        return {r["ISO3166-1-Alpha-3"]: r for r in csv.DictReader(fh) if r["ISO3166-1-Alpha-3"]}


@cache
def project_names() -> dict[str, Any]:
    with (DATA / "state_names.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def former_name_entries() -> tuple[dict[str, Any], ...]:
    with (DATA / "former_names.toml").open("rb") as fh:
        return tuple(tomllib.load(fh)["former"])


def _status(iso3: str, unterm: dict[str, str] | None, filled: dict[str, Any]) -> Status:
    if iso3 in filled:
        return "member_state"
    if unterm is None or not unterm.get("UNTERM English Short"):
        return "territory"
    short = unterm["UNTERM English Short"]
    if short.rstrip().endswith("**"):
        return "non_member_state"  # Cook Islands, Niue: States with full treaty-making capacity
    if short.rstrip().endswith("*"):
        return "observer_state"  # Holy See, State of Palestine
    return "member_state"


@cache
def un_states() -> tuple[StateEntry, ...]:
    """Every entry, M49 order then the project's additions; cached (the files never change
    while the process runs)."""
    m49 = {lang: _read_m49(lang) for lang in LANGUAGES}
    unterm = _read_unterm()
    extra = project_names()
    filled: dict[str, Any] = extra.get("unterm", {})
    entries: list[StateEntry] = []
    for iso3, en in m49["en"].items():
        row = unterm.get(iso3)
        terms: dict[str, str] = {}
        if iso3 in filled:
            for lang in LANGUAGES:
                terms[f"{lang}_short"], terms[f"{lang}_formal"] = filled[iso3][lang]
        elif row is not None:
            for lang, column in (("en", "English"), ("fr", "French"), ("es", "Spanish")):
                terms[f"{lang}_short"] = row.get(f"UNTERM {column} Short", "")
                terms[f"{lang}_formal"] = row.get(f"UNTERM {column} Formal", "")
        names = {lang: m49[lang][iso3]["Country or Area"].strip() for lang in LANGUAGES}
        formal = {
            lang: formal_name(terms.get(f"{lang}_formal", "")) or names[lang] for lang in LANGUAGES
        }
        others = tuple(
            _UNTERM_MARK.sub("", v)
            for k, v in terms.items()
            if k.endswith("_short") and _UNTERM_MARK.sub("", v)
        )
        entries.append(
            StateEntry(
                iso3=iso3,
                iso2=en["ISO-alpha2 Code"] or None,
                m49_code=en["M49 Code"] or None,
                names=names,
                formal=formal,
                status=_status(iso3, row, filled),
                sub_region_m49=en["Intermediate Region Code"] or en["Sub-region Code"] or None,
                other_names=others,
                unterm=terms,
            )
        )
    for area in extra.get("area", []):
        entries.append(
            StateEntry(
                iso3=area["iso3"],
                iso2=area["iso2"],
                m49_code=area.get("m49_code"),
                names={lang: area[lang][0] for lang in LANGUAGES},
                formal={lang: area[lang][1] for lang in LANGUAGES},
                status="territory",
                sub_region_m49=area.get("sub_region"),
                note=area.get("note", ""),
            )
        )
    for former in former_name_entries():
        names = {lang: former[lang] for lang in LANGUAGES}
        entries.append(
            StateEntry(
                iso3=former["code"],
                iso2=None,
                m49_code=None,
                names=names,
                formal=dict(names),
                status="former_name",
                sub_region_m49=former.get("sub_region"),
                note=former["note"],
                historical=tuple(former["historical"]),
            )
        )
    return tuple(entries)


@cache
def by_iso3() -> dict[str, StateEntry]:
    return {e.iso3: e for e in un_states()}


def aliases() -> dict[str, tuple[str, ...]]:
    """ISO-3 -> common non-UN spellings (data/state_names.toml [alias])."""
    return {k: tuple(v) for k, v in project_names().get("alias", {}).items()}


def ambiguous_names() -> dict[str, tuple[str, ...]]:
    """Names that fit several entries -> their ISO-3 codes (refused, listing them)."""
    return {k: tuple(v) for k, v in project_names().get("ambiguous", {}).items()}
