"""Regenerate ta_manager/iati/standard/codelists.json from the IATI codelist XML files.

    python tools/build_iati_codelists.py PATH/TO/iati/codelists

reads `embedded/*.xml` and `non-embedded/*.xml` (IATI/IATI-Codelists version-2.03 and
IATI/IATI-Codelists-NonEmbedded, commits in ta_manager/iati/standard/PROVENANCE.md) and
writes one compact JSON file: per codelist, whether it is complete, its active codes, its
withdrawn codes, and the English names of the lists ta-manager shows or imports by name.
The JSON is committed so that validation needs neither the network nor the XML files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lxml import etree

OUT = Path(__file__).resolve().parents[1] / "ta_manager/iati/standard/codelists.json"
# Lists whose names are kept (messages, imported sectors and organisation types).
NAMED = {"Sector", "Country", "Region", "OrganisationType", "Currency", "ActivityStatus"}


def read(path: Path) -> tuple[str, dict[str, object]]:
    root = etree.parse(
        str(path), etree.XMLParser(resolve_entities=False, no_network=True)
    ).getroot()
    name = root.get("name") or path.stem
    active: list[str] = []
    withdrawn: list[str] = []
    names: dict[str, str] = {}
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        if not code:
            continue
        (withdrawn if item.get("status") == "withdrawn" else active).append(code)
        if name in NAMED:
            names[code] = (item.findtext("name/narrative") or "").strip()
    entry: dict[str, object] = {
        "complete": root.get("complete", "1") == "1",
        "codes": active,
        "withdrawn": withdrawn,
    }
    if names:
        entry["names"] = names
    return name, entry


def main(source: Path) -> None:
    lists = {}
    for path in sorted([*source.glob("embedded/*.xml"), *source.glob("non-embedded/*.xml")]):
        name, entry = read(path)
        lists[name] = entry
    OUT.write_text(json.dumps(lists, ensure_ascii=False, sort_keys=True, indent=0) + "\n")
    print(f"wrote {OUT} ({len(lists)} codelists)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
