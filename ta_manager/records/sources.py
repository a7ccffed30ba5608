"""Where a record comes from: citations of UN documents (symbol, paragraph, footnote, quote).

Needs, activities, contributions and funding needs carry `sources`, a list of citations,
stored as a jsonb array on the record. Files and exports write them as text, one
citation per line (or separated by `;`), in the form the documents themselves use:

    CTOC/COP/2008/16 para 9
    CTOC/COP/2008/16 fn 17
    E/CN.15/2009/8 para 26 "In September 2008, UNODC organized an informal expert group"

`para`/`paragraph`/`paras`, `fn`/`footnote`/`note` are understood; a quote is the text in
double quotes (straight or curly) and may contain `;`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import msgspec
from msgspec import Meta


class Source(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=False):
    """One citation: the document symbol, and where in it."""

    document: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=200,
            description="Document symbol, e.g. CTOC/COP/2008/16 or E/CN.15/2009/8",
        ),
    ]
    paragraph: Annotated[str, Meta(max_length=50, description="e.g. 9 or 22 (a)")] = ""
    footnote: Annotated[str, Meta(max_length=50, description="e.g. 17")] = ""
    quote: Annotated[str, Meta(max_length=5000)] = ""


Sources = list[Source]
FIELDS = ("document", "paragraph", "footnote", "quote")

_QUOTE = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")
_PARA = re.compile(r"\b(?:paras?\.?|paragraphs?)\s*([0-9][^,;\s]*(?:\s*\([a-z]\))?)", re.I)
_NOTE = re.compile(r"\b(?:fn\.?|footnotes?|notes?)\s*([0-9][^,;\s]*)", re.I)


class NotACitation(ValueError):
    """The text is not a citation; the message says why."""


def as_dicts(values: Iterable[Source | Mapping[str, Any]] | None) -> list[dict[str, str]]:
    """Citations as plain dicts (the stored jsonb shape), blanks trimmed, duplicates dropped."""
    out: list[dict[str, str]] = []
    for value in values or []:
        item = msgspec.structs.asdict(value) if isinstance(value, Source) else dict(value)
        clean = {
            k: str(item.get(k) or "").strip()
            for k in ("document", "paragraph", "footnote", "quote")
        }
        if clean not in out:
            out.append(clean)
    return out


def merged(*lists: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    """Every citation of several records, each once (used when records are merged)."""
    return as_dicts(item for values in lists for item in (values or []))


def _split(text: str) -> list[str]:
    """Entries separated by new lines or `;`, except inside quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch in '"“”':
            quoted = not quoted if ch == '"' else ch == "“"
        if ch in ";\n" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_one(entry: str) -> dict[str, str]:
    quote = ""
    if m := _QUOTE.search(entry):
        quote = m.group(1).strip()
        entry = (entry[: m.start()] + entry[m.end() :]).strip()
    paragraph = footnote = ""
    if m := _PARA.search(entry):
        paragraph = m.group(1).strip()
        entry = (entry[: m.start()] + entry[m.end() :]).strip()
    if m := _NOTE.search(entry):
        footnote = m.group(1).strip()
        entry = (entry[: m.start()] + entry[m.end() :]).strip()
    document = entry.strip(" ,:")
    if not document:
        raise NotACitation(
            "names no document: write the symbol first, e.g. 'CTOC/COP/2008/16 para 9'"
        )
    for name, value, limit in (
        ("document symbol", document, 200),
        ("paragraph", paragraph, 50),
        ("footnote", footnote, 50),
        ("quote", quote, 5000),
    ):
        if len(value) > limit:
            raise NotACitation(
                f"the {name} is longer than {limit} characters (separate citations with ';'"
                " or new lines, and put quotes in double quotes)"
            )
    return {"document": document, "paragraph": paragraph, "footnote": footnote, "quote": quote}


def parse(text: str) -> list[dict[str, str]]:
    """The citations written in a cell (see the module docstring)."""
    return as_dicts(parse_one(entry) for entry in _split(text))


def format_one(source: Mapping[str, Any]) -> str:
    parts = [str(source.get("document", ""))]
    if source.get("paragraph"):
        parts.append(f"para {source['paragraph']}")
    if source.get("footnote"):
        parts.append(f"fn {source['footnote']}")
    if source.get("quote"):
        parts.append(f'"{source["quote"]}"')
    return " ".join(parts)


def format_all(sources: Iterable[Mapping[str, Any]] | None, separator: str = "; ") -> str:
    """The citations as the text a file carries (parse() reads it back)."""
    return separator.join(format_one(s) for s in sources or [])
