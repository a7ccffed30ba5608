"""What an import reports: every problem names the sheet, row, column, value and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ta_manager.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. `row` is the spreadsheet row number (1-based)."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column {self.column}"
        value = f" ({self.value!r})" if self.value not in (None, "") else ""
        if not where and not value:
            return self.reason
        return f"{where}{value}: {self.reason}"


@dataclass
class Problems:
    """Problems collected while reading and checking a file, capped so a bad file stays cheap."""

    sheet: str = ""
    limit: int = 1000
    items: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(
        self, row: int | None, column: str | None, value: Any, reason: str, sheet: str | None = None
    ) -> None:
        if len(self.items) >= self.limit:
            self.dropped += 1
            return
        shown = None if value is None else str(value)[:200]
        self.items.append(Problem(sheet or self.sheet, row, column, shown, reason))

    def __bool__(self) -> bool:
        return bool(self.items)


class ImportFailed(InvalidInput):
    """The file was rejected; nothing was written. `problems` lists every reason found."""

    title = "Import rejected"

    def __init__(self, problems: list[Problem], dropped: int = 0) -> None:
        self.problems = sorted(
            problems, key=lambda p: (p.sheet, p.row or 0, p.column or "", p.reason)
        )
        self.dropped = dropped
        first = self.problems[0] if self.problems else None
        more = len(self.problems) + dropped - 1
        detail = f"{first}" + (f" (and {more} more problems)" if more > 0 else "")
        super().__init__(
            detail,
            [
                FieldError(
                    p.column or "file", f"row {p.row}: {p.reason}" if p.row else p.reason, p.value
                )
                for p in self.problems
            ],
        )


def reject(reason: str, sheet: str = "", value: Any = None) -> ImportFailed:
    """A whole-file problem (not a spreadsheet, too big, no header...)."""
    return ImportFailed([Problem(sheet, None, None, None if value is None else str(value), reason)])
