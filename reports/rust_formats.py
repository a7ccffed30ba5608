"""xlsxwriter's format properties and option dicts on rvgsrust-xlsxwriter (rust_workbook.py).

A property or option not translated here raises ValueError naming it: never a silently
dropped setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_ALIGN = ("left", "center", "right", "fill", "justify", "center_across", "distributed")
_VALIGN = {
    "top": "top", "vcenter": "center", "bottom": "bottom", "vjustify": "justify",
    "vdistributed": "distributed",
}  # fmt: skip
_PATTERNS = {0: "none", 1: "solid"}  # xlsxwriter's pattern index (the two the reports use)
# xlsxwriter's border index -> rust_xlsxwriter's style name
_BORDERS = (
    None, "thin", "medium", "dashed", "dotted", "thick", "double", "hair", "medium_dashed",
    "dash_dot", "medium_dash_dot", "dash_dot_dot", "medium_dash_dot_dot", "slant_dash_dot",
)  # fmt: skip
# xlsxwriter's validation criteria (either spelling) -> rust_xlsxwriter's rule


def options(call: str, options: Mapping[str, Any] | None, known: set[str]) -> Mapping[str, Any]:
    """The options of an xlsxwriter call; one this module does not translate is an error."""
    given = options or {}
    unknown = set(given) - known
    if unknown:
        raise ValueError(f"{call}: options not mapped to rvgsrust: {sorted(unknown)}")
    return given


def _border(f: Any, setter: str, index: int) -> None:
    if index:
        getattr(f, setter)(_BORDERS[index])


# ------------------------------------------------------------------------------- formats
# xlsxwriter's format property -> what it does on an rvgsrust Format
FORMAT_PROPERTIES: dict[str, Callable[[Any, Any], Any]] = {
    "bold": lambda f, v: v and f.set_bold(),
    "italic": lambda f, v: v and f.set_italic(),
    "underline": lambda f, v: v and f.set_underline(),
    "font_strikeout": lambda f, v: v and f.set_font_strikethrough(),
    "font_name": lambda f, v: f.set_font_name(v),
    "font_size": lambda f, v: f.set_font_size(v),
    "font_color": lambda f, v: f.set_font_color(v),
    "bg_color": lambda f, v: f.set_background_color(v),
    "fg_color": lambda f, v: f.set_foreground_color(v),
    "pattern": lambda f, v: f.set_pattern(_PATTERNS[v]) if v in _PATTERNS else _no("pattern", v),
    "border": lambda f, v: _border(f, "set_border", v),
    "top": lambda f, v: _border(f, "set_top_border", v),
    "bottom": lambda f, v: _border(f, "set_bottom_border", v),
    "left": lambda f, v: _border(f, "set_left_border", v),
    "right": lambda f, v: _border(f, "set_right_border", v),
    "border_color": lambda f, v: f.set_border_color(v),
    "text_wrap": lambda f, v: v and f.set_text_wrap(),
    "shrink": lambda f, v: v and f.set_shrink(),
    "indent": lambda f, v: f.set_indent(v),
    "rotation": lambda f, v: f.set_rotation(v),
    "align": lambda f, v: f.set_align(v) if v in _ALIGN else _no("align", v),
    "valign": lambda f, v: f.set_vertical_align(_VALIGN[v]) if v in _VALIGN else _no("valign", v),
    "quote_prefix": lambda f, v: v and f.set_quote_prefix(),
    "num_format": lambda f, v: f.set_num_format(v),
    "locked": lambda f, v: f.set_locked() if v else f.set_unlocked(),
    "hidden": lambda f, v: v and f.set_hidden(),
}


def _no(prop: str, value: Any) -> None:
    raise ValueError(f"format property {prop}={value!r} not mapped to rvgsrust")
