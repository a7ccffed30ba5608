"""Cumulative figures: totals a document reports for a period ("USD 4 million over
2005-2008", then "USD 5.5 million since 2005"), which must never be added to each other.

The rule (docs/reports.md, "Cumulative figures"), applied per donor and earmark (the same
earmarking to the same priority area or project, or none):

- cumulative figures are taken longest period first (an open period, "since 2005", ends
  on the report's date), then the latest end, then the largest amount, then the code;
- each one is counted unless its period overlaps a figure already counted; then it is
  "superseded" by that figure and left out of every total (it stays listed, marked so);
- contributions that are not cumulative are always counted.

So of "2005-2008: 4.0" and "since 2005: 5.5" only 5.5 counts; two cumulative figures for
2005-2006 and 2007-2008 do not overlap and both count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    id: int
    code: str
    fund: Hashable  # (donor, earmarking, earmarked priority area, earmarked project)
    start: dt.date
    end: dt.date | None  # None: open ("since")
    amount: Decimal | None


def superseded(figures: Iterable[Figure], as_of: dt.date) -> dict[int, str]:
    """Ids of the cumulative figures left out of totals, each with the code of the
    counted figure that supersedes it."""
    by_fund: dict[Hashable, list[Figure]] = {}
    for f in figures:
        by_fund.setdefault(f.fund, []).append(f)
    out: dict[int, str] = {}
    for group in by_fund.values():
        ordered = sorted(
            group,
            key=lambda f: (
                -(_end(f, as_of) - f.start).days,
                -_end(f, as_of).toordinal(),
                -(f.amount if f.amount is not None else Decimal(-1)),
                f.code,
            ),
        )
        counted: list[Figure] = []
        for f in ordered:
            end = f.end or max(as_of, f.start)
            over = next(
                (
                    c
                    for c in counted
                    if f.start <= (c.end or max(as_of, c.start)) and c.start <= end
                ),
                None,
            )
            if over is None:
                counted.append(f)
            else:
                out[f.id] = over.code
    return out


def _end(f: Figure, as_of: dt.date) -> dt.date:
    """An open period ("since 2005") ends on the report's date."""
    return f.end or max(as_of, f.start)
