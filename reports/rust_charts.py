"""xlsxwriter's chart calls on an rvgsrust-xlsxwriter chart (reports/rust_workbook.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import rvgsrust_xlsxwriter as rx
from xlsxwriter.utility import xl_col_to_name

from reports.rust_formats import options as _options


def _range(ref: Sequence[Any]) -> str:
    sheet, r1, c1, r2, c2 = ref
    quoted = "'" + str(sheet).replace("'", "''") + "'"
    return f"{quoted}!${xl_col_to_name(c1)}${r1 + 1}:${xl_col_to_name(c2)}${r2 + 1}"


class Chart:
    """xlsxwriter's chart calls on an rvgsrust chart."""

    def __init__(self, kind: str) -> None:
        self.chart = rx.Chart(cast(Any, kind))

    def add_series(self, options: dict[str, Any]) -> None:
        o = _options("add_series", options, {"name", "categories", "values", "fill"})
        series = rx.ChartSeries()  # its setters return None: one call each
        if "name" in o:
            series.set_name(str(o["name"]))
        if "categories" in o:
            series.set_categories(_range(o["categories"]))
        series.set_values(_range(o["values"]))
        if "fill" in o:
            fill = rx.ChartFormat()
            fill.set_fill_color(_options("fill", o["fill"], {"color"})["color"])
            series.set_format(fill)
        self.chart.push_series(series)

    def set_title(self, options: dict[str, Any]) -> None:
        o = _options("set_title", options, {"name", "none"})
        if o.get("none"):
            self.chart.set_title_hidden()
        else:
            self.chart.set_title_name(str(o["name"]))

    def set_legend(self, options: dict[str, Any]) -> None:
        o = _options("set_legend", options, {"none", "position"})
        if o.get("none"):
            self.chart.set_legend_hidden()
        if "position" in o:
            self.chart.set_legend_position(o["position"])

    def _axis(self, axis: str, options: dict[str, Any]) -> None:
        o = _options(f"set_{axis}_axis", options, {"name", "min", "max"})
        for key in ("name", "min", "max"):
            if key in o:
                value = str(o[key]) if key == "name" else o[key]
                getattr(self.chart, f"set_{axis}_axis_{key}")(value)

    def set_x_axis(self, options: dict[str, Any]) -> None:
        self._axis("x", options)

    def set_y_axis(self, options: dict[str, Any]) -> None:
        self._axis("y", options)

    def set_size(self, options: dict[str, Any]) -> None:
        o = _options("set_size", options, {"width", "height"})
        if "width" in o:
            self.chart.set_width(o["width"])
        if "height" in o:
            self.chart.set_height(o["height"])

    def set_style(self, style: int) -> None:
        self.chart.set_style(style)
