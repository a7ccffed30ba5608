"""Reading IATI XML safely: one hardened parser configuration for the validator and importer.

Files come from other publishers, so they are read as hostile input:
- no DTD is accepted (a DOCTYPE or entity declaration is refused before parsing), entities
  are never resolved and nothing is fetched from the network (no XXE, no billion laughs);
- libxml2's limits stay on (`huge_tree=False`: text nodes up to 10 MB, depth 256);
- the root must be `iati-activities` or `iati-organisations` with no namespace and
  `version="2.03"` (IATI 1.x files, and files of other formats, are refused by name).

Records are streamed one `iati-activity` / `iati-organisation` at a time (`records`), so a
large file is read in constant memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

ACTIVITIES = "iati-activities"
ORGANISATIONS = "iati-organisations"
RECORD_OF = {ACTIVITIES: "iati-activity", ORGANISATIONS: "iati-organisation"}
SUPPORTED_VERSION = "2.03"
PROLOG_BYTES = 64 * 1024


class IatiFileRefused(ValueError):
    """The file is not an IATI 2.03 file ta-manager will read; nothing was read from it."""


@dataclass(frozen=True)
class Root:
    """The root element of a file: its name, version and attributes (no children)."""

    tag: str
    version: str
    attributes: dict[str, str]

    @property
    def record_tag(self) -> str:
        return RECORD_OF[self.tag]


def parser_options() -> dict[str, Any]:
    """The parser settings every IATI read uses (documented in docs/iati.md)."""
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def _check_prolog(head: bytes, name: str) -> None:
    """Refuse DTDs before libxml2 sees them (also in UTF-16 files)."""
    text = head
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
    upper = text.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise IatiFileRefused(
            f"{name}: the file declares a DTD or entities (<!DOCTYPE ...>); IATI files have"
            " none, and ta-manager refuses them (they can expand to gigabytes or read local"
            " files)"
        )


def _describe(exc: etree.XMLSyntaxError, name: str) -> str:
    line = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc).strip()
    if "huge" in message.lower():
        message += " (text nodes are limited to 10 MB)"
    return f"{name}{line}: not well-formed XML: {message}"


def check_root(element: Any, name: str, strict_version: bool = True) -> Root:
    """The root's name, namespace and version, or IatiFileRefused saying what is wrong.

    1.x files are always refused; other versions only when `strict_version` (the importer:
    the validator checks such files against 2.03 and says so)."""
    qname = etree.QName(element)
    if qname.namespace:
        raise IatiFileRefused(
            f"{name}: the root element is in namespace {qname.namespace!r}; IATI elements have"
            f" no namespace (expected <{ACTIVITIES}> or <{ORGANISATIONS}>)"
        )
    if qname.localname not in RECORD_OF:
        raise IatiFileRefused(
            f"{name}: the root element is <{qname.localname}>, not <{ACTIVITIES}> or"
            f" <{ORGANISATIONS}>: this is not an IATI file"
        )
    version = (element.get("version") or "").strip()
    if version.startswith("1."):
        raise IatiFileRefused(
            f"{name}: IATI version {version} is not read; ta-manager reads version"
            f" {SUPPORTED_VERSION} (convert the file to 2.03 first)"
        )
    if version != SUPPORTED_VERSION and strict_version:
        raise IatiFileRefused(
            f"{name}: version={version or '(missing)'!r} on <{qname.localname}>; ta-manager"
            f" reads IATI version {SUPPORTED_VERSION}"
        )
    return Root(qname.localname, version, {str(k): str(v) for k, v in element.attrib.items()})


def records(
    source: Path | IO[bytes], name: str | None = None, strict_version: bool = True
) -> Iterator[tuple[Root, Any]]:
    """Yield (root, record element) for each record of the file, clearing each one after use;
    a file without records yields (root, None) once.

    The element is only valid until the next iteration. Raises IatiFileRefused for a hostile
    or malformed file (possibly after some records were yielded: callers that write must
    read the whole file before writing, as the importer does)."""
    label = name or (source.name if isinstance(source, Path) else "the file")
    if isinstance(source, Path):
        with source.open("rb") as fh:
            yield from _records(fh, label, strict_version)
    else:
        yield from _records(source, label, strict_version)


def _records(fh: IO[bytes], label: str, strict_version: bool) -> Iterator[tuple[Root, Any]]:
    head = fh.read(PROLOG_BYTES)
    _check_prolog(head, label)
    fh.seek(0)
    opts = parser_options()
    context = etree.iterparse(
        fh,
        events=("start", "end"),
        resolve_entities=opts["resolve_entities"],
        no_network=opts["no_network"],
        load_dtd=opts["load_dtd"],
        dtd_validation=opts["dtd_validation"],
        huge_tree=opts["huge_tree"],
        remove_comments=opts["remove_comments"],
        remove_pis=opts["remove_pis"],
    )
    root: Root | None = None
    depth = 0
    seen = False
    try:
        for event, element in context:
            if event == "start":
                depth += 1
                if root is None:
                    if element.getroottree().docinfo.internalDTD is not None:
                        raise IatiFileRefused(f"{label}: the file declares a DTD; refused")
                    root = check_root(element, label, strict_version)
                continue
            depth -= 1
            if depth == 1 and root is not None:
                seen = True
                yield root, element
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)
    except etree.XMLSyntaxError as exc:
        raise IatiFileRefused(_describe(exc, label)) from exc
    if root is None:
        raise IatiFileRefused(f"{label}: the file is empty")
    if not seen:
        yield root, None  # a root without records
