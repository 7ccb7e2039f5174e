"""SVG building blocks shared by the charts: escaping, scales, nice axis ticks, colours.

Charts are drawn in Python as inline SVG, so the report needs no script and no library at view
time, opens offline and prints as vectors. Coordinates are rounded to one decimal, which keeps the
output byte-for-byte stable for the same data.
"""

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Formatter = Callable[[float], str]

# Colour-blind-safe (Okabe-Ito) colours, one fixed colour per platform across every chart.
PLATFORM_COLOURS = {
    "facebook": "#0072B2",
    "meta": "#0072B2",
    "instagram": "#CC79A7",
    "x": "#3B3B3B",
    "tiktok": "#009E73",
    "youtube": "#D55E00",
    "google": "#E69F00",
    "linkedin": "#56B4E9",
    "web": "#8A8A8A",
}
FALLBACK_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#3B3B3B")
ACCENT = "#0B5CAD"


def esc(text: object) -> str:
    """Text made safe for HTML and SVG content and attribute values."""
    return html.escape(str(text), quote=True)


def num(value: float) -> str:
    """A coordinate with at most one decimal ('12', '12.5')."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def colour(platform: str | None, index: int) -> str:
    """The platform's colour, or the next fallback colour for anything else."""
    if platform in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[platform]
    return FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)]


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round axis ticks (multiples of 1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    low, high = min(low, 0.0), max(high, 0.0)
    if math.isclose(low, high):
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = math.floor(low / step + 1e-9) * step
    ticks = [first]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 12) for t in ticks]


@dataclass(frozen=True)
class Scale:
    """A linear map from data values to pixels."""

    domain: tuple[float, float]
    pixels: tuple[float, float]

    def __call__(self, value: float) -> float:
        """Pixel position of `value`."""
        (d0, d1), (p0, p1) = self.domain, self.pixels
        if d1 == d0:
            return p0
        return p0 + (value - d0) / (d1 - d0) * (p1 - p0)


def svg_open(width: int, height: int, label: str, css_class: str, stretch: bool = False) -> str:
    """An accessible, responsive <svg> start tag with its tooltip title."""
    aspect = ' preserveAspectRatio="none"' if stretch else ""
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}"{aspect} role="img" '
        f'aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title>"
    )


def text(x: float, y: float, content: str, anchor: str = "start", css: str = "") -> str:
    """A text element; `content` is escaped here."""
    cls = f' class="{css}"' if css else ""
    return f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}"{cls}>{esc(content)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, tip: str, css: str = "") -> str:
    """A rectangle with a tooltip."""
    cls = f' class="{css}"' if css else ""
    return (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" height="{num(max(h, 0))}" '
        f'fill="{fill}"{cls}><title>{esc(tip)}</title></rect>'
    )


def thin_labels(count: int, most: int = 8) -> list[int]:
    """Indexes of the x positions that get a label: evenly spread, always the last one."""
    if count <= most:
        return list(range(count))
    step = math.ceil(count / most)
    picked = list(range(count - 1, -1, -step))
    return sorted(picked)


def y_axis(ticks: Sequence[float], scale: Scale, left: float, right: float, fmt: Formatter) -> str:
    """Horizontal grid lines with their labels."""
    parts = []
    for tick in ticks:
        y = scale(tick)
        parts.append(
            f'<line x1="{num(left)}" x2="{num(right)}" y1="{num(y)}" y2="{num(y)}" '
            f'class="{"axis" if tick == 0 else "grid"}"/>'
        )
        parts.append(text(left - 6, y + 4, fmt(tick), "end", "tick"))
    return "".join(parts)
