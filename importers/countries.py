"""Match the names officers type for States ("Venezuela (Bolivarian Republic of)",
"Bolivarian Republic of Venezuela", "Czech Republic", BEN, bj) to the country table.

Order: ISO-2/ISO-3 code, then the table's own name or official name, then the regular
expressions of `country_converter` (a maintained library of UN/ISO spellings). More than
one match is ambiguous; none is unknown, with the closest names suggested.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from importers.cells import CellError
from ta_manager.database import sql


@cache
def _converter() -> Any:
    import logging

    import country_converter

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return country_converter.CountryConverter()


@cache
def _patterns() -> list[tuple[re.Pattern[str], str, str]]:
    """(compiled regex, ISO-3, short name) for every entry of the converter's table."""
    data = _converter().data
    return [
        (re.compile(str(regex), re.IGNORECASE), str(iso3), str(name))
        for regex, iso3, name in zip(data["regex"], data["ISO3"], data["name_short"], strict=True)
        if isinstance(regex, str) and regex
    ]


@cache
def _library_names() -> tuple[str, ...]:
    data = _converter().data
    names = {str(n) for n in data["name_short"]} | {str(n) for n in data["name_official"]}
    return tuple(sorted(n for n in names if n and n != "nan"))


class CountryMatcher:
    """Resolves typed State names to ISO-3 codes of rows of the country table."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.by_key: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for r in rows:
            iso3 = str(r["iso3"]).strip()
            self.names[iso3] = r["name"]
            for key in (r["iso2"], iso3, r["name"], r["official_name"]):
                if key:
                    self.by_key.setdefault(str(key).strip().casefold(), iso3)
        self.cache: dict[str, str] = {}

    @classmethod
    async def load(cls) -> CountryMatcher:
        rows = await sql.fetch("SELECT iso2, iso3, name, official_name FROM country")
        return cls([dict(r) for r in rows])

    def iso3(self, typed: str) -> str:
        """The ISO-3 code of the State the text names, or CellError with suggestions."""
        found = self.cache.get(typed)
        if found is not None:
            return found
        found = self._match(typed)
        self.cache[typed] = found
        return found

    def _match(self, typed: str) -> str:
        key = " ".join(typed.split()).casefold()
        if key in self.by_key:
            return self.by_key[key]
        matches: dict[str, str] = {}
        for pattern, iso3, name in _patterns():
            if pattern.search(key):
                matches[iso3] = name
        known = {code: name for code, name in matches.items() if code in self.names}
        if len(known) == 1:
            return next(iter(known))
        if len(known) > 1:
            options = "; ".join(f"{self.names[c]} ({c})" for c in sorted(known))
            raise CellError(f"ambiguous State name: could be {options}; use the ISO-3 code")
        if matches:
            code, name = next(iter(matches.items()))
            raise CellError(f"{name} ({code}) is not in the country table")
        candidates = list(self.names.values()) + list(_library_names())
        close = difflib.get_close_matches(typed.strip(), candidates, n=3, cutoff=0.6)
        close_codes = []
        for name in close:
            try:
                close_codes.append(f"{name} ({self._match(name)})")
            except CellError:
                continue
        hint = f"; closest: {', '.join(dict.fromkeys(close_codes))}" if close_codes else ""
        raise CellError(f"unknown State{hint}; use the ISO-3 code or the UN name")
