"""Line charts: one polyline per series over a linear or logarithmic axis each way, for trends (risk
exposure per quarter, open findings per month) and curves (an exceedance curve without its tolerance
points: `accord.charts.exceedance` draws the register's).

Series differ in dash pattern as well as colour; each polyline's `<title>` names its series, and each
point carries a small circle whose `<title>` gives its two values. `marks` single out points (a budget's
chosen envelope on its frontier): a ring with its label beside it and in its `<title>`, so neither colour
nor hovering is needed to find it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord.charts.axes import Linear, Log10, decade_ticks, nice_ticks
from accord.charts.numbers import compact_amount
from accord.charts.svg import (
    GRID,
    INK,
    MUTED,
    attr,
    document,
    legend,
    plot_area,
    series_colour,
    series_dash,
    text,
)

W, H = 760, 400
LEFT, RIGHT, TOP, BOTTOM, LEGEND = 70, 24, 16, 58, 28


@dataclass(frozen=True)
class LineSeries:
    """One curve: (x, y) points in increasing x."""

    label: str
    points: Sequence[tuple[float, float]]


@dataclass(frozen=True)
class LineMark:
    """A point singled out on the chart, drawn as a ring with its label."""

    label: str
    x: float
    y: float


@dataclass(frozen=True)
class LineSpec:
    """What to draw. `x_log`/`y_log` make an axis logarithmic (points at or below 0 are left out);
    `x_format`/`y_format` write the tick labels and the points' titles."""

    title: str
    description: str
    series: Sequence[LineSeries]
    x_title: str = ""
    y_title: str = ""
    x_log: bool = False
    y_log: bool = False
    x_format: Callable[[float], str] = compact_amount
    y_format: Callable[[float], str] = compact_amount
    id_prefix: str = "lines"
    empty_message: str = "No data."
    marks: Sequence[LineMark] = ()


def _scale(values: list[float], *, log: bool, start: float, end: float) -> tuple[Linear | Log10, list[float]]:
    if log:
        ticks = decade_ticks(min(values), max(values)) if values else [1.0, 10.0]
        return Log10(ticks[0], ticks[-1], start, end), ticks
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    return Linear(ticks[0], ticks[-1], start, end), ticks


def line_svg(spec: LineSpec, *, heading: bool = False, standalone: bool = True) -> str:
    """The line chart as an SVG image (see `accord.charts.svg.document` for `heading` and `standalone`)."""
    plot = plot_area((W, H), (LEFT, RIGHT, TOP, BOTTOM + LEGEND), description=spec.description, heading=heading)
    top, bottom, plot_w, plot_h, height = plot.top, plot.bottom, plot.width, plot.height, plot.image_height
    shown = [[(x, y) for x, y in s.points if (x > 0 or not spec.x_log) and (y > 0 or not spec.y_log)]
             for s in spec.series]
    marks = [m for m in spec.marks if (m.x > 0 or not spec.x_log) and (m.y > 0 or not spec.y_log)]
    xs = [x for p in shown for x, _ in p] + ([m.x for m in marks] if any(shown) else [])
    ys = [y for p in shown for _, y in p] + ([m.y for m in marks] if any(shown) else [])
    x_scale, x_ticks = _scale(xs, log=spec.x_log, start=LEFT, end=LEFT + plot_w)
    ys_scale, y_ticks = _scale(ys, log=spec.y_log, start=bottom, end=top)
    body: list[str] = []
    for tick in y_ticks:
        y = ys_scale(tick)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
                    f'stroke-width="1"/><text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                    f'fill="{INK}">{text(spec.y_format(tick))}</text>')
    for tick in x_ticks:
        x = x_scale(tick)
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}" stroke-width="1"/>'
                    f'<text x="{x:.1f}" y="{bottom + 19}" text-anchor="middle" font-size="12" fill="{INK}">'
                    f"{text(spec.x_format(tick))}</text>")
    body.append(f'<rect class="line-plot" x="{LEFT}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
                f'stroke="{MUTED}" stroke-width="1"/>')
    if spec.x_title:
        body.append(f'<text x="{LEFT + plot_w / 2}" y="{bottom + 40}" text-anchor="middle" font-size="13" '
                    f'font-weight="600" fill="{INK}">{text(spec.x_title)}</text>')
    if spec.y_title:
        mid = top + plot_h / 2
        body.append(f'<text x="16" y="{mid}" transform="rotate(-90 16 {mid})" text-anchor="middle" '
                    f'font-size="13" font-weight="600" fill="{INK}">{text(spec.y_title)}</text>')
    entries: list[tuple[str, str, str | None]] = []
    for k, (series, points) in enumerate(zip(spec.series, shown, strict=True)):
        if not points:
            continue
        colour, dash = series_colour(k), series_dash(k)
        path = " ".join(f"{x_scale(x):.1f},{ys_scale(y):.1f}" for x, y in points)
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<polyline points="{path}" fill="none" stroke={attr(colour)} stroke-width="2.5"{dashing} '
                    f'stroke-linejoin="round"><title>{text(series.label)}</title></polyline>')
        body.extend(f'<circle cx="{x_scale(x):.1f}" cy="{ys_scale(y):.1f}" r="3" fill={attr(colour)}><title>'
                    f"{text(series.label)}: {text(spec.x_format(x))}, {text(spec.y_format(y))}</title></circle>"
                    for x, y in points)
        entries.append((series.label, colour, dash))
    if entries:
        for mark in marks:
            mx, my = x_scale(mark.x), ys_scale(mark.y)
            anchor = "end" if mx > LEFT + plot_w * 0.7 else "start"
            dx = -10 if anchor == "end" else 10
            body.append(f'<g class="line-mark"><circle cx="{mx:.1f}" cy="{my:.1f}" r="7" fill="none" stroke="{INK}" '
                        f'stroke-width="2"/><text x="{mx + dx:.1f}" y="{my - 10:.1f}" text-anchor="{anchor}" '
                        f'font-size="12" font-weight="600" fill="{INK}">{text(mark.label)}</text><title>'
                        f"{text(mark.label)}: {text(spec.x_format(mark.x))}, {text(spec.y_format(mark.y))}</title></g>")
    if not entries:
        body.append(f'<text x="{LEFT + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" font-size="14" '
                    f'fill="{MUTED}">{text(spec.empty_message)}</text>')
    body.extend(legend(entries, LEFT, height - 14))
    return document(W, height, title=spec.title, description=spec.description, id_prefix=spec.id_prefix,
                    css_class="line-chart", body=body, heading=heading, standalone=standalone)
