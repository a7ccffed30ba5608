"""Matching what people type for a State to an entry of the country table, and State names
in a language. The one place the rules live (docs/data-model.md, "States"):

1. a code: ISO-3 (`BEN`), ISO-2 (`bj`) or M49 (`204`) of a row;
2. a name of the row (UN short or formal name in English, French or Spanish, the UNTERM short
   name) or of the vendored UN list for that row, ignoring case, accents, apostrophes,
   punctuation, a leading article, "the", "St." for "Saint", and "X, Republic of" order;
3. an alias: a common non-UN spelling ("Russia", "DR Congo", "Ivory Coast"), shown afterwards
   with the UN name;
4. a historical or former name ("Southern Sudan", "Zaire") is refused with its explanation;
   the user who wants to keep it names the former-name entry instead (its code, `XSS`, or its
   name, "Southern Sudan (former name)"), which only fields that accept history take;
5. a name that fits several entries ("Korea", "Niger and Nigeria") is refused, listing them;
6. anything else is unknown, with the closest names suggested (rapidfuzz). A close match
   (a typo such as "Benim") is accepted only when the caller asks for it (`accept_close`) and
   only when one State is clearly closest; it comes back marked `how="close"` so that the
   caller can warn ("'Benim' read as Benin").

Everyone calls the same function: `await match_state(text)` for one name, or
`(await state_names()).match(text)` to match many against one snapshot of the table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ta_manager.database import sql
from ta_manager.reference.un_states import (
    LANGUAGES,
    STATE_STATUSES,
    aliases,
    ambiguous_names,
    by_iso3,
)

How = Literal["code", "name", "alias", "close"]
SUGGESTED = 3
SIMILAR = 70  # the least similarity (rapidfuzz token_sort_ratio, 0-100) of a suggestion
_ARTICLE_IN_PARENS = re.compile(r"\((?:the|l'|le|la|les|el|los|las)\)")
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|el|los|las)\s+|l')")
_NOT_WORD = re.compile(r"[^\w\s]")
# Right and left single quotation marks, grave and acute accents typed as apostrophes.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sto": "santo", "sta": "santa"}


@lru_cache(maxsize=50_000)
def normalise(text: str) -> str:
    """The matching key of a name: 'Côte d\u2019Ivoire' -> 'cote divoire', 'St. Lucia' ->
    'saint lucia', 'Gambia (the)' -> 'gambia', 'the Republic of the Niger' -> 'republic of
    niger'."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = t.translate(_APOSTROPHES)
    t = _ARTICLE_IN_PARENS.sub(" ", t.replace("*", " ")).strip()
    t = _LEADING_ARTICLE.sub("", t)
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.replace("&", " and ").replace("'", "")
    words = _NOT_WORD.sub(" ", t).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w != "the")


def _keys(typed: str) -> list[str]:
    """The keys to try for what was typed: as written, and 'Korea, Republic of' reordered."""
    keys = [normalise(typed)]
    if typed.count(",") == 1:
        head, tail = typed.split(",")
        keys.append(normalise(f"{tail} {head}"))
    return [k for k in dict.fromkeys(keys) if k]


@dataclass(frozen=True)
class StateMatch:
    """What a typed name resolved to. `name` is the entry's UN (English short) name."""

    typed: str
    iso3: str
    name: str
    status: str
    how: How
    id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.iso3})"


class StateNameError(ValueError):
    """The typed text names no usable State; the message says why and what to do."""

    def __init__(self, message: str, suggestions: list[StateMatch] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class UnknownState(StateNameError):
    pass


class AmbiguousState(StateNameError):
    pass


class FormerName(StateNameError):
    """A historical name typed as a State ('Southern Sudan', 'Zaire')."""


class NotCurrentState(StateNameError):
    """A former-name entry given where a current State is required."""


@cache
def _historical_names() -> dict[str, str]:
    """Normalised historical name -> code of its former-name entry (data/former_names.toml)."""
    out: dict[str, str] = {}
    for entry in by_iso3().values():
        for name in entry.historical:
            out.setdefault(normalise(name), entry.iso3)
    return out


@cache
def _vendored_keys() -> dict[str, tuple[str, ...]]:
    """ISO-3 -> the normalised names of the UN list for that entry (computed once)."""
    return {
        iso3: tuple(
            dict.fromkeys(
                normalise(n)
                for n in (*entry.names.values(), *entry.formal.values(), *entry.other_names)
                if n
            )
        )
        for iso3, entry in by_iso3().items()
    }


@cache
def _alias_keys() -> dict[str, tuple[str, ...]]:
    return {iso3: tuple(normalise(n) for n in names) for iso3, names in aliases().items()}


@cache
def _ambiguous_keys() -> dict[str, tuple[str, ...]]:
    return {normalise(name): codes for name, codes in ambiguous_names().items()}


class StateNames:
    """One snapshot of the country table (rows with iso3, iso2, m49_code, the names, status,
    note and id), with the vendored UN names, aliases and former names of its rows."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.by_iso2: dict[str, str] = {}
        self.by_m49: dict[str, str] = {}
        self.names: dict[str, set[str]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.historical: dict[str, str] = {}
        self.ambiguous: dict[str, tuple[str, ...]] = {}
        self.absent: dict[str, str] = {}  # names of vendored entries the table lacks
        for raw in rows:
            row = dict(raw)
            iso3 = str(row["iso3"]).strip().upper()
            row["iso3"] = iso3
            row.setdefault("status", "member_state")
            self.rows[iso3] = row
            if row.get("iso2"):
                self.by_iso2.setdefault(str(row["iso2"]).strip().upper(), iso3)
            if row.get("m49_code"):
                self.by_m49.setdefault(str(row["m49_code"]), iso3)
            keys = [normalise(str(row[c])) for c in _NAME_COLUMNS if row.get(c)]
            keys += _vendored_keys().get(iso3, ())
            for key in keys:
                self.names.setdefault(key, set()).add(iso3)
            if row["status"] == "former_name" and row.get("name"):
                # A former-name entry added by hand: its name without "(former name)" is the
                # historical name it stands for.
                bare = re.sub(r"\s*\([^)]*\)\s*$", "", str(row["name"]))
                if bare and bare != row["name"]:
                    self.historical.setdefault(normalise(bare), iso3)
        for iso3, spellings in _alias_keys().items():
            if iso3 in self.rows:
                for key in spellings:
                    self.aliases.setdefault(key, set()).add(iso3)
        for key, iso3 in _historical_names().items():
            self.historical.setdefault(key, iso3)
        for key, codes in _ambiguous_keys().items():
            self.ambiguous[key] = tuple(c for c in codes if c in self.rows)
        for iso3, names in _vendored_keys().items():
            if iso3 not in self.rows:
                for key in names:
                    self.absent.setdefault(key, iso3)
        # Fuzzy matching runs over every name key; historical keys map to their entry.
        self._choices: list[str] = []
        self._codes: list[str] = []
        for key, named in (*self.names.items(), *self.aliases.items()):
            for code in sorted(named):
                self._choices.append(key)
                self._codes.append(code)
        for key, code in self.historical.items():
            if code in self.rows:
                self._choices.append(key)
                self._codes.append(code)

    @classmethod
    async def load(cls) -> StateNames:
        rows = await sql.fetch(
            f"SELECT id, iso3, iso2, m49_code, status, note, {_NAMES} FROM country"
        )
        return cls([dict(r) for r in rows])

    # ------------------------------------------------------------------ matching
    def match(
        self, typed: str, *, current_only: bool = False, accept_close: bool = False
    ) -> StateMatch:
        """The entry `typed` names, or StateNameError saying why not (see the module doc).
        `current_only`: refuse former-name entries (the field needs a current State)."""
        text = " ".join(str(typed).split())
        if not text:
            raise UnknownState("no State given")
        found = self._by_code(text)
        if found is not None:
            return self._found(typed, found, "code", current_only)
        for key in _keys(text):
            if key in self.names:
                return self._one(typed, self.names[key], "name", current_only)
            if key in self.aliases:
                return self._one(typed, self.aliases[key], "alias", current_only)
            if key in self.historical:
                raise self._former(text, self.historical[key])
            if key in self.ambiguous:
                raise self._ambiguous(self.ambiguous[key])
        return self._unmatched(typed, text, current_only, accept_close)

    def suggestions(self, typed: str, limit: int = SUGGESTED) -> list[StateMatch]:
        """The closest entries to `typed` (best first), for 'did you mean' messages."""
        key = normalise(typed)
        if not key or not self._choices:
            return []
        found = process.extract(key, self._choices, scorer=fuzz.token_sort_ratio, limit=limit * 8)
        best = found[0][1] if found else 0
        out: dict[str, StateMatch] = {}
        for _, score, index in found:
            code = self._codes[index]
            if score >= max(SIMILAR, best - 10) and code not in out:
                out[code] = self._match_of(typed, code, "close")
        return list(out.values())[:limit]

    # ------------------------------------------------------------------ names
    def name(self, iso3: str, lang: str = "en", *, formal: bool = False) -> str:
        """The entry's name in `lang` (en, fr, es): the table's value, else the UN list's,
        else the English name."""
        row = self.rows.get(iso3.upper())
        if row is None:
            raise UnknownState(f"{iso3} is not in the country table")
        return state_name(row, lang, formal=formal)

    # ------------------------------------------------------------------ internals
    def _by_code(self, text: str) -> str | None:
        code = text.upper()
        if len(code) == 3 and code.isalpha() and code in self.rows:
            return code
        if len(code) == 2 and code in self.by_iso2:
            return self.by_iso2[code]
        if code.isdigit() and len(code) <= 3:
            return self.by_m49.get(code.zfill(3))
        return None

    def _match_of(self, typed: str, iso3: str, how: How) -> StateMatch:
        row = self.rows[iso3]
        return StateMatch(
            typed=typed,
            iso3=iso3,
            name=str(row.get("name") or iso3),
            status=str(row.get("status") or ""),
            how=how,
            id=row.get("id"),
        )

    def _found(self, typed: str, iso3: str, how: How, current_only: bool) -> StateMatch:
        found = self._match_of(typed, iso3, how)
        if current_only and found.status == "former_name":
            note = self.rows[iso3].get("note") or ""
            raise NotCurrentState(
                f"{found.label} is a former-name entry, not a current State"
                + (f": {note}" if note else "")
            )
        return found

    def _one(self, typed: str, codes: set[str], how: How, current_only: bool) -> StateMatch:
        if len(codes) > 1:
            raise self._ambiguous(tuple(sorted(codes)))
        return self._found(typed, next(iter(codes)), how, current_only)

    def _ambiguous(self, codes: tuple[str, ...]) -> AmbiguousState:
        options = "; ".join(self._match_of("", c, "name").label for c in codes if c in self.rows)
        return AmbiguousState(
            f"ambiguous State name: could be {options or 'several States'}; use the ISO-3 code",
            [self._match_of("", c, "close") for c in codes if c in self.rows],
        )

    def _former(self, text: str, code: str) -> FormerName:
        entry = by_iso3().get(code)
        row = self.rows.get(code)
        note = (row or {}).get("note") or (entry.note if entry else "")
        return FormerName(f"{text}: {note or 'a former name, not a current State'}")

    def _contained(self, key: str) -> dict[str, str]:
        """Codes (with the name found) whose names appear as whole words in `key`, keeping
        only the longest of overlapping names ('Papua New Guinea' wins over 'Guinea')."""
        padded = f" {key} "
        hits = {
            (choice, self._codes[i])
            for i, choice in enumerate(self._choices)
            if len(choice) >= 4 and f" {choice} " in padded
        }
        longest = {
            (choice, code)
            for choice, code in hits
            if not any(choice != other and f" {choice} " in f" {other} " for other, _ in hits)
        }
        return {code: choice for choice, code in sorted(longest)}

    def _close(self, key: str) -> tuple[str, str] | None:
        """The one entry (code, name found) within a small edit distance of `key` (1 edit for
        4-7 characters, 2 for 8-13, 3 beyond) with every other entry at least 2 edits further
        away."""
        allowed = 0 if len(key) < 4 else 1 if len(key) < 8 else 2 if len(key) < 14 else 3
        if not allowed:
            return None
        found = process.extract(
            key, self._choices, scorer=OSA.distance, score_cutoff=allowed + 1, limit=None
        )
        best: dict[str, tuple[int, str]] = {}
        for choice, distance, index in found:
            code = self._codes[index]
            if code not in best or distance < best[code][0]:
                best[code] = (int(distance), choice)
        ranked = sorted(best.items(), key=lambda kv: kv[1][0])
        if not ranked:
            return None
        code, (distance, choice) = ranked[0]
        if distance > allowed or (len(ranked) > 1 and ranked[1][1][0] < distance + 2):
            return None
        return code, choice

    def _unmatched(
        self, typed: str, text: str, current_only: bool, accept_close: bool
    ) -> StateMatch:
        key = normalise(text)
        if key in self.absent:
            code = self.absent[key]
            raise UnknownState(
                f"{by_iso3()[code].names['en']} ({code}) is not in the country table"
            )
        contained = self._contained(key)
        if len(contained) > 1:
            raise self._ambiguous(tuple(contained))
        candidate = self._close(key) or next(iter(contained.items()), None)
        if candidate is not None:
            code, choice = candidate
            if choice in self.historical:
                raise self._former(text, code)
            if accept_close:
                return self._found(typed, code, "close", current_only)
        suggested = self.suggestions(text)
        if candidate is not None:
            first = self._match_of(typed, candidate[0], "close")
            suggested = [first, *[s for s in suggested if s.iso3 != first.iso3]][:SUGGESTED]
        hint = f"; closest: {', '.join(s.label for s in suggested)}" if suggested else ""
        raise UnknownState(f"unknown State{hint}; use the ISO-3 code or the UN name", suggested)


_NAME_COLUMNS = (
    "name",
    "official_name",
    "name_fr",
    "name_es",
    "official_name_fr",
    "official_name_es",
)
_NAMES = ", ".join(_NAME_COLUMNS)


def state_name(row: Mapping[str, Any], lang: str = "en", *, formal: bool = False) -> str:
    """A country-table row's name in `lang` ('en', 'fr' or 'es'), short or formal; a blank
    translation falls back to the vendored UN name, then to English."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    base = "official_name" if formal else "name"
    column = base if lang == "en" else f"{base}_{lang}"
    value = row.get(column)
    if value:
        return str(value)
    entry = by_iso3().get(str(row.get("iso3", "")).upper())
    if entry is not None:
        return (entry.formal if formal else entry.names)[lang]
    return str(row.get(base) or row.get("name") or "")


def name_sql(alias: str, lang: str = "en", *, formal: bool = False) -> str:
    """The SQL expression of a country row's name in `lang` (for report queries), falling back
    to English where the translation is blank: name_sql('c', 'fr') ->
    "coalesce(nullif(c.name_fr, ''), c.name)"."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    base = "official_name" if formal else "name"
    if lang == "en":
        return f"{alias}.{base}"
    return f"coalesce(nullif({alias}.{base}_{lang}, ''), {alias}.{base}, {alias}.name)"


def is_state(status: str) -> bool:
    """Member, observer or other State (not a territory, not a former-name entry)."""
    return status in STATE_STATUSES


# One snapshot per version of the country table, so that each lookup costs one small query.
_cached: tuple[tuple[Any, ...], StateNames] | None = None


async def state_names() -> StateNames:
    """The matcher over the country table as the current transaction sees it (cached until
    a row is added, changed or deleted)."""
    global _cached
    row = await sql.fetchrow(
        "SELECT count(*) AS n, max(updated_at) AS at, coalesce(sum(version), 0) AS v,"
        " coalesce(max(id), 0) AS m FROM country"
    )
    key = tuple(row.values()) if row is not None else ()
    if _cached is not None and _cached[0] == key:
        return _cached[1]
    names = await StateNames.load()
    _cached = (key, names)
    return names


async def match_state(
    typed: str, *, current_only: bool = False, accept_close: bool = False
) -> StateMatch:
    """THE matching function: the country-table entry `typed` names (code, UN name in
    English/French/Spanish, alias), or StateNameError with the reason and suggestions."""
    return (await state_names()).match(typed, current_only=current_only, accept_close=accept_close)
