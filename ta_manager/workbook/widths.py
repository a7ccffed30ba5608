"""Column widths from what the cells hold: wide enough for the usual value, never wider than
a readable line (longer text wraps), never so narrow that a number shows as `###`.

Widths are in Excel's unit (characters of the default font). A header wraps over up to
three lines, so a long header does not widen a column of short values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

MIN_WIDTH = 6.0
MAX_TEXT_WIDTH = 48.0  # longer text wraps
HEADER_LINES = 3
PADDING = 2.0
SAMPLE_ROWS = 2000  # rows looked at per column (the first ones)
DATE_WIDTH = 13.0  # "12 sept. 2007"


class _Classes(dict[int, str]):
    """Each character's width class, as str.translate reads it: 'w' wide (capitals, digits,
    m, w, @, %), 'n' narrow (i, l, punctuation, space), 'x' double (CJK), 'a' average.
    Filled on first sight of a character, so a text is classed in one C-level pass."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isupper() or ch.isdigit() or ch in "mwMW@%":
            cls = "w"
        elif ch in "iljtf.,;:'!|() ":
            cls = "n"
        elif code > 0x2E80:  # CJK and other wide scripts
            cls = "x"
        else:
            cls = "a"
        self[code] = cls
        return cls


_CLASSES = _Classes()


@lru_cache(maxsize=1 << 16)  # report columns repeat their values (names, places, States)
def text_width(text: str) -> float:
    """Approximate width of one line of text in character units (capitals and digits are a
    little wider than the average letter; wide characters count double)."""
    classes = text.translate(_CLASSES)
    wide, narrow, double = classes.count("w"), classes.count("n"), classes.count("x")
    width = 1.15 * wide + 0.6 * narrow + 2.0 * double + (len(text) - wide - narrow - double)
    if abs(width - round(width)) > 1e-6:
        return width
    # A whole number: callers round up and divide by whole widths there, where a last-digit
    # difference from the character-by-character sum would change a line count.
    return _summed(text)


def _summed(text: str) -> float:
    width = 0.0
    for ch in text.translate(_CLASSES):
        width += _WIDTH[ch]
    return width


_WIDTH = {"w": 1.15, "n": 0.6, "x": 2.0, "a": 1.0}


def longest_line(text: str) -> float:
    return max((text_width(line) for line in text.split("\n")), default=0.0)


def header_width(header: str) -> float:
    """The narrowest width at which the header fits in HEADER_LINES lines (words unbroken)."""
    lines = header.split("\n")
    words = [w for line in lines for w in line.split()]
    if not words:
        return MIN_WIDTH
    longest_word = max(text_width(w) for w in words)
    whole = sum(text_width(line) for line in lines)
    return max(longest_word, whole / HEADER_LINES) + 1


def number_text(value: Any, kind: str) -> str:
    """How a number shows with its format (thousands separators, decimals)."""
    if isinstance(value, bool):
        return "TRUE"
    number = float(value) if isinstance(value, Decimal) else value
    if kind == "money":
        return f"{number:,.2f}"
    if kind == "rate":
        return f"{number:.6f}"
    if kind == "percent":
        return f"{number * 100:.1f}%"
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.2f}"
    return f"{int(number):,}"


def value_width(value: Any, kind: str = "text") -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, dt.date):
        return DATE_WIDTH
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return text_width(number_text(value, kind)) + 1  # numbers never wrap: room for all
    return longest_line(str(value))


def fit(
    header: str,
    values: Iterable[Any],
    kind: str = "text",
    minimum: float = MIN_WIDTH,
    maximum: float = MAX_TEXT_WIDTH,
) -> tuple[float, bool]:
    """(width, wraps): the width for a column and whether its longest values must wrap."""
    sample = list(islice(values, SAMPLE_ROWS))
    if kind == "text":
        widest = _widest_text(sample, maximum - PADDING)
    else:  # each distinct value measured once (typed: 1, 1.0 and True show differently)
        distinct = {(v.__class__, v) for v in sample if v is not None}
        widest = max((value_width(v, kind) for _, v in distinct), default=0.0)
    if kind == "date":
        widest = max(widest, DATE_WIDTH)
    content = widest + PADDING if widest else 0.0
    width = max(minimum, header_width(header) + PADDING, content)
    numeric = kind not in ("text",)
    if numeric:  # numbers are never cut: the column takes what they need
        return math.ceil(width), False
    wraps = width > maximum
    return math.ceil(min(width, maximum)), wraps


def _widest_text(sample: list[Any], limit: float) -> float:
    """The widest value of a text column, as `value_width` measures it, looking only at the
    values that could be the widest: distinct texts from the longest down, until no shorter
    one can be wider (a character is at most 2 units) or one is past `limit` (the column
    wraps at its maximum then, whatever the others)."""
    texts = {v for v in sample if v.__class__ is str}
    widest = max((value_width(v) for v in sample if v.__class__ is not str), default=0.0)
    for text in sorted(texts, key=len, reverse=True):
        if 2.0 * len(text) <= widest or widest > limit:
            break
        widest = max(widest, longest_line(text))
    return widest
