"""Inline SVG charts: trend lines, stacked bars, horizontal bars, the access-time heatmap, a funnel.

Each function takes labels and values already chosen by the caller and returns one `<svg>` string.
A missing value (NULL in the tables) is drawn as a gap, never as 0. Every mark carries a `<title>`,
which browsers show as a tooltip and screen readers read.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from flows.report.svg import (
    ACCENT,
    Formatter,
    Scale,
    esc,
    nice_ticks,
    num,
    rect,
    svg_open,
    text,
    thin_labels,
    y_axis,
)

WIDTH, HEIGHT = 520, 250
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 14, 34
HEAT_LOW, HEAT_HIGH = (239, 245, 251), (8, 48, 107)


@dataclass(frozen=True)
class Series:
    """One line or one layer of bars."""

    name: str
    colour: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value (None: no bar) and the text beside it."""

    label: str
    value: float | None
    note: str


def _frame(
    label: str,
    css: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    axis: Formatter,
    stacked: bool,
) -> tuple[list[str], Scale]:
    """Start tag, grid, y labels and x labels of a trend chart spanning the series; its y scale."""
    ticks = nice_ticks(*_extent(series, stacked))
    scale = Scale((ticks[0], ticks[-1]), (HEIGHT - BOTTOM, TOP))
    parts = [svg_open(WIDTH, HEIGHT, label, css), y_axis(ticks, scale, LEFT, WIDTH - RIGHT, axis)]
    for index in thin_labels(len(x_labels)):
        parts.append(text(_x_centre(index, len(x_labels)), HEIGHT - 12, x_labels[index], "middle"))
    return parts, scale


def _slot(count: int) -> float:
    """Width of one period on the x axis."""
    return (WIDTH - LEFT - RIGHT) / max(count, 1)


def _x_centre(index: int, count: int) -> float:
    return LEFT + _slot(count) * (index + 0.5)


def _extent(series: Sequence[Series], stacked: bool) -> tuple[float, float]:
    if stacked:
        count = max(len(s.values) for s in series)
        tops = [sum(v for s in series if (v := s.values[i]) is not None) for i in range(count)]
        return min(tops, default=0.0), max(tops, default=0.0)
    values = [v for s in series for v in s.values if v is not None]
    return min(values, default=0.0), max(values, default=0.0)


def line_chart(
    label: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    axis: Formatter,
    value: Formatter,
) -> str:
    """Lines over periods, one per series; a NULL breaks the line."""
    parts, scale = _frame(label, "chart line-chart", x_labels, series, axis, stacked=False)
    parts += [_line(one, x_labels, scale, value) for one in series]
    return "".join(parts) + "</svg>"


def _line(series: Series, x_labels: Sequence[str], scale: Scale, value: Formatter) -> str:
    segments: list[list[str]] = [[]]
    dots = []
    for index, point in enumerate(series.values):
        if point is None:
            segments.append([])
            continue
        x, y = _x_centre(index, len(x_labels)), scale(point)
        segments[-1].append(f"{num(x)},{num(y)}")
        tip = f"{series.name} · {x_labels[index]}: {value(point)}"
        dots.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="3" fill="{series.colour}">'
            f"<title>{esc(tip)}</title></circle>"
        )
    paths = [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{series.colour}" '
        'stroke-width="2" stroke-linejoin="round"/>'
        for points in segments
        if len(points) > 1
    ]
    return f'<g class="series">{"".join(paths)}{"".join(dots)}</g>'


def stacked_bars(
    label: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    axis: Formatter,
    value: Formatter,
) -> str:
    """Bars over periods, each series a layer; the tooltip names the layer and its value."""
    parts, scale = _frame(label, "chart bar-chart", x_labels, series, axis, stacked=True)
    width = max(_slot(len(x_labels)) * 0.72, 1.0)
    for index, x_label in enumerate(x_labels):
        base = 0.0
        x = _x_centre(index, len(x_labels)) - width / 2
        for one in series:
            point = one.values[index]
            if point is None or point <= 0:
                continue
            top, bottom = scale(base + point), scale(base)
            tip = f"{one.name} · {x_label}: {value(point)}"
            parts.append(rect(x, top, width, bottom - top, one.colour, tip))
            base += point
    parts.append("</svg>")
    return "".join(parts)


def hbars(label: str, bars: Sequence[Bar]) -> str:
    """Horizontal bars, longest value full width; a bar without a value shows only its note."""
    row, gap, label_width, note_width = 20, 6, 104, 118
    height = len(bars) * (row + gap) + gap
    biggest = max((b.value for b in bars if b.value is not None), default=0.0) or 1.0
    span = WIDTH - label_width - note_width - 12
    parts = [svg_open(WIDTH, height, label, "chart hbar-chart")]
    for index, bar in enumerate(bars):
        y = gap + index * (row + gap)
        parts.append(text(label_width - 8, y + 15, bar.label, "end", "label"))
        length = 0.0 if bar.value is None else max(bar.value, 0.0) / biggest * span
        if bar.value is not None:
            tip = f"{bar.label}: {bar.note}"
            parts.append(rect(label_width, y, max(length, 1.5), row, ACCENT, tip))
        parts.append(text(label_width + length + 6, y + 15, bar.note, "start", "value"))
    parts.append("</svg>")
    return "".join(parts)


def _heat(fraction: float) -> str:
    channels = (round(a + (b - a) * fraction) for a, b in zip(HEAT_LOW, HEAT_HIGH, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


def heatmap(
    label: str, days: Sequence[str], cells: dict[tuple[int, int], tuple[float | None, str]]
) -> str:
    """Weekday (rows, 1-7) by hour (columns, 0-23); cells map (day, hour) to (value, tooltip).

    A cell without a value (or not in `cells`) is drawn light grey, not as the lowest value.
    """
    left, top, cell_w, cell_h = 44, 22, 24, 22
    width, height = left + 24 * cell_w + 8, top + 7 * cell_h + 6
    biggest = max((v for v, _ in cells.values() if v is not None), default=0.0) or 1.0
    parts = [svg_open(width, height, label, "chart heatmap")]
    for hour in range(0, 24, 3):
        parts.append(text(left + hour * cell_w + cell_w / 2, 14, f"{hour:02d}", "middle"))
    for day in range(1, 8):
        y = top + (day - 1) * cell_h
        parts.append(text(left - 6, y + 15, days[day - 1], "end"))
        for hour in range(24):
            x = left + hour * cell_w
            value, tip = cells.get((day, hour), (None, days[day - 1]))
            fill = "#f3f3f3" if value is None else _heat(max(value, 0.0) / biggest)
            parts.append(rect(x + 1, y + 1, cell_w - 2, cell_h - 2, fill, tip, "cell"))
    parts.append("</svg>")
    return "".join(parts)


def heat_legend(low: str, high: str) -> str:
    """A small colour ramp from 'fewer' to 'more'."""
    stops = "".join(
        f'<rect x="{num(40 + i * 14)}" y="2" width="14" height="10" fill="{_heat(i / 9)}"/>'
        for i in range(10)
    )
    return (
        f'<svg class="legend-ramp" viewBox="0 0 240 16" role="img" aria-label="{esc(low)} → '
        f'{esc(high)}">{text(34, 11, low, "end")}{stops}{text(186, 11, high)}</svg>'
    )


def funnel(label: str, steps: Sequence[tuple[str, float | None, str, str]]) -> str:
    """Funnel steps (label, value, value text, step-rate text), bars centred like a funnel."""
    row, gap, left, right = 26, 8, 104, 150
    height = len(steps) * (row + gap) + gap
    span = WIDTH - left - right
    biggest = max((v for _, v, _, _ in steps if v is not None), default=0.0) or 1.0
    parts = [svg_open(WIDTH, height, label, "chart funnel")]
    for index, (name, value, shown, rate) in enumerate(steps):
        y = gap + index * (row + gap)
        parts.append(text(left - 8, y + 17, name, "end", "label"))
        if value is not None:
            length = max(max(value, 0.0) / biggest * span, 2.0)
            x = left + (span - length) / 2
            tip = f"{name}: {shown}" + (f" ({rate})" if rate else "")
            parts.append(rect(x, y, length, row, ACCENT, tip))
        parts.append(text(WIDTH - right + 8, y + 12, shown, "start", "value"))
        if rate:
            parts.append(text(WIDTH - right + 8, y + 25, rate, "start", "rate"))
    parts.append("</svg>")
    return "".join(parts)


def status_strip(label: str, parts_in: Sequence[tuple[str, int, str]]) -> str:
    """One horizontal bar split by scorecard status: (css class, count, tooltip)."""
    total = sum(count for _, count, _ in parts_in) or 1
    parts = [svg_open(WIDTH, 18, label, "chart status-strip", stretch=True)]
    x = 0.0
    for css, count, tip in parts_in:
        width = count / total * WIDTH
        if width > 0:
            parts.append(rect(x, 0, width, 18, "currentColor", tip, f"status-{css}"))
        x += width
    parts.append("</svg>")
    return "".join(parts)
