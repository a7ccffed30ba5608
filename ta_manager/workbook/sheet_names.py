"""Sheet names that Excel accepts (31 characters, none of []:*?/\\) and people can read:
cut at a word boundary, never mid-word, without a dangling "of the", and distinct from the
other sheets of the workbook ("(2)" added when two would read the same)."""

from __future__ import annotations

import re
from collections.abc import Iterable

LIMIT = 31
_BAD = re.compile(r"[\[\]:*?/\\]")
# Words a cut name must not end with (English, French, Spanish).
_DANGLING = {
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
    "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour",
    "sur", "un", "une", "al", "con", "del", "el", "las", "los", "para", "por", "y",
}  # fmt: skip


def shorten(name: str, limit: int = LIMIT) -> str:
    """`name` cut to `limit` characters at the last whole word (a single word too long is cut
    and marked with '…')."""
    text = " ".join(_BAD.sub("-", name).split()).strip("'") or "Sheet"
    if len(text) <= limit:
        return text
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit - 1:  # room for the ellipsis
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1].lower().strip(",;-\u2013(") in _DANGLING:
        kept.pop()
    if not kept:
        return text[: limit - 1] + "…"
    return " ".join(kept).rstrip(",;-\u2013(") + "…"


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid sheet name for `name`, distinct (ignoring case) from those `taken`."""
    used = {t.lower() for t in taken}
    base = shorten(name)
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = shorten(name, LIMIT - len(suffix)) + suffix
        n += 1
    return candidate
