"""Reading an IATI activity file for import: every record checked (XSD, codes), each
problem named by its element path, before anything is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from importers.problems import Problem
from ta_manager.iati import mapping as M
from ta_manager.iati.codelists import codes
from ta_manager.iati.reading import ACTIVITIES, IatiFileRefused, records
from ta_manager.iati.validator import schema_problems
from ta_manager.settings import get_settings

Progress = Callable[[str, int, int], None]
CODE = re.compile(r"[^A-Za-z0-9._/-]+")
RECORD_PATH = re.compile(r"^/iati-activities/iati-activity(\[\d+\])?")


@dataclass
class Item:
    number: int  # position of the iati-activity in the file (1-based)
    pub: M.Publication
    code: str
    parent: str | None = None  # project code


def as_code(text: str) -> str:
    """A ta-manager code from an identifier: other characters become '-', 64 at most."""
    code = CODE.sub("-", text.strip()).strip("-._/")
    return code[:64] or "X"


class FileReader:
    """Reads the file's records, collecting every problem (element path + reason)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.items: list[Item] = []
        own = get_settings().iati_reporting_org
        self.own_prefix = own + "-" if own else None

    def problem(self, path: str, value: Any, reason: str, number: int | None = None) -> None:
        if len(self.problems) < 1000:
            shown = None if value is None else str(value)[:200]
            self.problems.append(Problem(self.name, number, path, shown, reason))

    def read(self, source: Path | IO[bytes], progress: Progress | None) -> None:
        for number, (root, element) in enumerate(records(source, self.name), start=1):
            if root.tag != ACTIVITIES:
                raise IatiFileRefused(
                    f"{self.name}: an organisation file (iati-organisations) has no activities"
                    " to import; import an iati-activities file"
                )
            if element is None:
                break
            self._record(number, element)
            if progress and number % 200 == 0:
                progress("read", number, 0)

    def _path(self, number: int, element: Any) -> str:
        return self._numbered(number, element.getroottree().getpath(element))

    @staticmethod
    def _numbered(number: int, path: str) -> str:
        """An element path with the record's position in the file (earlier records are
        already gone from the tree)."""
        return RECORD_PATH.sub(f"/iati-activities/iati-activity[{number}]", path, count=1)

    def _record(self, number: int, element: Any) -> None:
        for p in schema_problems(element, ACTIVITIES):
            self.problem(
                self._numbered(number, p.path or "/iati-activities/iati-activity"),
                None,
                f"not valid IATI 2.03: {p.message}",
                number,
            )
        pub, read_problems = M.from_element(element)
        for rp in read_problems:
            self.warnings.append(f"{rp.path}: {rp.reason}")
        identifier = pub.identifier
        if not identifier:
            return
        code = self._code(identifier)
        parent = next((ref for ref, kind in pub.related if kind == M.PARENT), None)
        item = Item(number, pub, code, self._code(parent) if parent else None)
        self._check_codes(item, element)
        self.items.append(item)

    def _code(self, identifier: str) -> str:
        if self.own_prefix and identifier.startswith(self.own_prefix):
            return as_code(identifier[len(self.own_prefix) :])
        return as_code(identifier)

    def _check_codes(self, item: Item, element: Any) -> None:
        n = item.number
        country_codes, sector_codes = codes("Country"), codes("Sector")
        currencies = codes("Currency")
        for c in element.findall("recipient-country"):
            code = (c.get("code") or "").strip().upper()
            if code not in country_codes:
                self.problem(
                    self._path(n, c) + "/@code", code, "not a code of the IATI Country codelist", n
                )
        for s in element.findall("sector"):
            if (s.get("vocabulary") or "1").strip() == "1":
                code = (s.get("code") or "").strip()
                if code not in sector_codes:
                    self.problem(
                        self._path(n, s) + "/@code", code, "not a DAC 5-digit sector code", n
                    )
        for path, value in (
            ("/@default-currency", element.get("default-currency")),
            *[
                (self._path(n, v)[len(self._path(n, element)) :] + "/@currency", v.get("currency"))
                for v in element.iter("value")
                if v.get("currency")
            ],
        ):
            if value is not None and value.strip() not in currencies:
                self.problem(
                    self._path(n, element) + path,
                    value,
                    "not a code of the IATI Currency codelist",
                    n,
                )
        status = element.find("activity-status")
        if status is not None and (status.get("code") or "") not in M.ACTIVITY_STATUS_BACK:
            self.problem(
                self._path(n, status) + "/@code",
                status.get("code"),
                "not a code of the IATI ActivityStatus codelist",
                n,
            )
        for t in element.iter("transaction-type"):
            if (t.get("code") or "") not in codes("TransactionType"):
                self.problem(
                    self._path(n, t) + "/@code",
                    t.get("code"),
                    "not a code of the IATI TransactionType codelist",
                    n,
                )
