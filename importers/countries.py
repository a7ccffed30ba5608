"""State names in imported files, matched by the project's one matching function
(ta_manager.reference.country_names: codes, UN names in English, French and Spanish,
aliases; historical names refused with their explanation).

A close match ("Benim") is refused with the closest names, unless the import is run with
`accept_close_matches`; then it is accepted and every such reading is listed as a warning
("'Benim' read as Benin (BEN)"), as is every cell recorded against a former-name entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from importers.cells import CellError
from ta_manager.reference.country_names import StateMatch, StateNameError, StateNames, state_names


class CountryMatcher:
    """Resolves typed State names to ISO-3 codes of rows of the country table, once per
    distinct text, and remembers the readings the import must report."""

    def __init__(
        self, rows: Iterable[Mapping[str, Any]] | StateNames, *, accept_close: bool = False
    ) -> None:
        self.names = rows if isinstance(rows, StateNames) else StateNames(rows)
        self.accept_close = accept_close
        self.cache: dict[tuple[str, bool], str] = {}
        self.close: dict[str, StateMatch] = {}  # typed text -> the close match accepted
        self.former: dict[str, StateMatch] = {}  # typed text -> the former-name entry

    @classmethod
    async def load(cls, *, accept_close: bool = False) -> CountryMatcher:
        return cls(await state_names(), accept_close=accept_close)

    def iso3(self, typed: str, *, current_only: bool = False) -> str:
        """The ISO-3 code of the entry the text names, or CellError saying why not."""
        found = self.cache.get((typed, current_only))
        if found is not None:
            return found
        try:
            match = self.names.match(
                typed, current_only=current_only, accept_close=self.accept_close
            )
        except StateNameError as exc:
            raise CellError(str(exc)) from exc
        if match.how == "close":
            self.close[typed] = match
        if match.status == "former_name":
            self.former[typed] = match
        self.cache[(typed, current_only)] = match.iso3
        return match.iso3

    def readings(self, typed: str) -> str | None:
        """What an import warning says about this text, if anything."""
        if typed in self.close:
            return f"{typed!r} read as {self.close[typed].label} (a close match: check it)"
        if typed in self.former:
            return f"{typed!r} recorded against the former-name entry {self.former[typed].label}"
        return None
