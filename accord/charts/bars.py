"""Bar charts: one bar per category and series side by side (grouped), or the series stacked into one bar
per category (stacked, with the total above it): budget by quarter, controls by status per framework.

Each bar is a `<rect class="bar">` whose `<title>` names its category, series and value, so a screen
reader and a hover read the number; the legend gives the series in stacking order (bottom first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord.charts.axes import Linear, nice_ticks
from accord.charts.numbers import compact_amount
from accord.charts.svg import GRID, INK, MUTED, attr, document, legend, plot_area, series_colour, text, wrap

W, H = 760, 400
LEFT, RIGHT, TOP, BOTTOM, LEGEND = 70, 16, 24, 64, 28


@dataclass(frozen=True)
class BarSeries:
    """One series: a value per category, in the categories' order."""

    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class BarSpec:
    """What to draw. `value_format` writes the axis labels and the bars' titles; `y_title` names the axis."""

    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[BarSeries]
    stacked: bool = False
    y_title: str = ""
    value_format: Callable[[float], str] = compact_amount
    id_prefix: str = "bars"

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series '{s.label}' has {len(s.values)} values for {len(self.categories)} "
                                 "categories")
            if self.stacked and any(v < 0 for v in s.values):
                raise ValueError(f"series '{s.label}' has a negative value; stacked bars add up positive parts")


def _bounds(spec: BarSpec) -> tuple[float, float]:
    if spec.stacked:
        totals = [sum(s.values[i] for s in spec.series) for i in range(len(spec.categories))]
        return 0.0, max(totals, default=0.0)
    values = [v for s in spec.series for v in s.values]
    return min([0.0, *values]), max([0.0, *values])


def bar_svg(spec: BarSpec, *, heading: bool = False, standalone: bool = True) -> str:
    """The bar chart as an SVG image (see `accord.charts.svg.document` for `heading` and `standalone`)."""
    plot = plot_area((W, H), (LEFT, RIGHT, TOP, BOTTOM + LEGEND), description=spec.description, heading=heading)
    top, bottom, plot_w, plot_h, height = plot.top, plot.bottom, plot.width, plot.height, plot.image_height
    ticks = nice_ticks(*_bounds(spec))
    y = Linear(ticks[0], ticks[-1], bottom, top)
    body: list[str] = []
    for tick in ticks:
        body.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{LEFT + plot_w}" y2="{y(tick):.1f}" '
                    f'stroke="{MUTED if tick == 0 else GRID}" stroke-width="1"/>'
                    f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">'
                    f"{text(spec.value_format(tick))}</text>")
    if spec.y_title:
        mid = top + plot_h / 2
        body.append(f'<text x="16" y="{mid:.1f}" transform="rotate(-90 16 {mid:.1f})" text-anchor="middle" '
                    f'font-size="13" font-weight="600" fill="{INK}">{text(spec.y_title)}</text>')
    n = max(len(spec.categories), 1)
    band = plot_w / n
    for i, category in enumerate(spec.categories):
        x0 = LEFT + i * band
        for k, line in enumerate(wrap(category, max(int(band / 7), 4))):
            body.append(f'<text x="{x0 + band / 2:.1f}" y="{bottom + 18 + 14 * k}" text-anchor="middle" '
                        f'font-size="12" fill="{INK}">{text(line)}</text>')
        body.extend(_stack(spec, i, x0, band, y) if spec.stacked else _group(spec, i, x0, band, y))
    body.append(f'<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{bottom}" stroke="{MUTED}" stroke-width="1"/>')
    body.extend(legend([(s.label, series_colour(k), None) for k, s in enumerate(spec.series)], LEFT, height - 12))
    return document(W, height, title=spec.title, description=spec.description, id_prefix=spec.id_prefix,
                    css_class="bar-chart", body=body, heading=heading, standalone=standalone)


def _bar(x: float, y0: float, y1: float, width: float, colour: str, label: str) -> str:
    top, height = min(y0, y1), abs(y1 - y0)
    return (f'<rect class="bar" x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill={attr(colour)} stroke="#ffffff" stroke-width="1"><title>{text(label)}</title></rect>')


def _group(spec: BarSpec, i: int, x0: float, band: float, y: Linear) -> list[str]:
    width = band * 0.8 / max(len(spec.series), 1)
    out = []
    for k, s in enumerate(spec.series):
        value = s.values[i]
        label = f"{spec.categories[i]}, {s.label}: {spec.value_format(value)}"
        out.append(_bar(x0 + band * 0.1 + k * width, y(0), y(value), width, series_colour(k), label))
    return out


def _stack(spec: BarSpec, i: int, x0: float, band: float, y: Linear) -> list[str]:
    width, x = band * 0.6, x0 + band * 0.2
    out, base = [], 0.0
    for k, s in enumerate(spec.series):
        value = s.values[i]
        if value > 0:
            label = f"{spec.categories[i]}, {s.label}: {spec.value_format(value)}"
            out.append(_bar(x, y(base), y(base + value), width, series_colour(k), label))
        base += value
    out.append(f'<text class="bar-total" x="{x + width / 2:.1f}" y="{y(base) - 5:.1f}" text-anchor="middle" '
               f'font-size="12" font-weight="600" fill="{INK}">{text(spec.value_format(base))}</text>')
    return out
