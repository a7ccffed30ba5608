"""Server-generated charts: the geometry of horizontal bar charts, drawn as inline SVG by
templates/partials/bar_chart.svg (no chart library, no script; every bar has its value
written beside it, so the chart reads without colour)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROW = 26
LABEL_WIDTH = 190
BAR_WIDTH = 250
VALUE_WIDTH = 70


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    row: int = ROW


def bar_chart(
    chart_id: str, title: str, rows: Iterable[tuple[str, float | int | None]]
) -> BarChart:
    data = [(label, float(value or 0)) for label, value in rows]
    top = max((v for _, v in data), default=0) or 1
    bars = [
        Bar(label[:32], value, i * ROW, round(BAR_WIDTH * value / top, 1))
        for i, (label, value) in enumerate(data)
    ]
    return BarChart(
        chart_id, title, bars, LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, max(ROW, len(bars) * ROW)
    )
