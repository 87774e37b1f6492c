"""The loss exceedance curve (LEC): the probability that a year's loss exceeds an amount, one curve per
series (inherent and residual), with tolerance points; both axes are logarithmic, so that the tail
(a tolerance point at 2 %, 0.2 % or less) stands as far from the zero line as 20 % does from 100 %.

Curves differ in dash pattern as well as colour, and tolerance markers carry ✓ or ✗, so colour is never
the only cue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord.charts.lines import LineSeries
from accord.charts.numbers import compact_amount, format_probability
from accord.charts.svg import FONT, GRID, INK, MUTED, attr, text, wrap

LEC_W, LEC_H = 760, 420
LEC_LEFT, LEC_RIGHT, LEC_TOP, LEC_BOTTOM = 70, 24, 16, 58
LEC_LEGEND = 28
# Inherent: the brand navy, solid; residual: a dark orange, dashed. Both at least 4.5:1 on white.
SERIES_STYLES = (("#1f3a5f", ""), ("#b04a00", "8 5"))
OK_INK, BAD_INK = "#1b5e20", "#b71c1c"


#: One curve: [(loss, P(annual loss > loss)), ...] in increasing loss.
LecSeries = LineSeries


@dataclass(frozen=True)
class LecMarker:
    """A tolerance point: P(annual loss > loss) must not exceed max_probability; `ok` is the verdict
    on the last series (residual when there is one), `probability` its simulated value."""

    loss: float
    max_probability: float
    probability: float
    ok: bool


@dataclass(frozen=True)
class LecSpec:
    title: str
    description: str
    currency: str
    series: Sequence[LecSeries]
    markers: Sequence[LecMarker] = ()
    empty_message: str = "No simulated year had a loss."
    judged_on: str = ""  # which curve the markers' verdicts are about, when there are several
    #: The axes' titles; by default a year's loss in the currency, and the chance of a bigger one.
    x_title: str = ""
    y_title: str = "Probability of a bigger loss in a year (log scale)"
    #: How the reader writes an amount (ticks, tolerance points) and a probability; English by default.
    amount: Callable[[float], str] = compact_amount
    probability: Callable[[float], str] = format_probability
    #: The words the chart writes itself, for the caller to give in the reader's language. Placeholders:
    #: loss, most (the highest acceptable probability), simulated, currency, on (", " + judged_on or "").
    tolerance_label: str = ("Tolerance: P(loss > %(loss)s %(currency)s) at most %(most)s; simulated %(simulated)s, "
                            "%(verdict)s")
    within: str = "within tolerance"
    outside: str = "outside tolerance"
    marker_text: str = "%(loss)s: at most %(most)s"
    marker_legend: str = "Tolerance point (✓ within, ✗ outside%(on)s)"
    default_x_title: str = "Annual loss (%(currency)s, log scale)"


def _decades(spec: LecSpec) -> tuple[int, int]:
    losses = [x for s in spec.series for x, _ in s.points if x > 0] + [m.loss for m in spec.markers]
    if not losses:
        return 3, 6
    low = math.floor(math.log10(min(losses)) + 1e-9)
    high = math.ceil(math.log10(max(losses)) - 1e-9)
    return low, max(high, low + 1)


#: The probability axis goes down to a power of ten at or below the smallest probability drawn, at least
#: 1 % (two decades) and at most 0.000001 % (the tail of a curve is as fine as 1 / simulated years).
LEC_MIN_DECADES, LEC_MAX_DECADES = 2, 8


def _probability_decades(spec: LecSpec) -> int:
    """How many decades below 100 % the probability axis spans: enough for the smallest positive
    probability of a curve and for every tolerance point (its limit and its simulated value)."""
    probabilities = [p for s in spec.series for x, p in s.points if x > 0 and p > 0]
    probabilities += [q for m in spec.markers for q in (m.max_probability, m.probability) if q > 0]
    if not probabilities:
        return LEC_MIN_DECADES + 1
    decades = math.ceil(-math.log10(min(min(probabilities), 1.0)) - 1e-9)
    return min(max(decades, LEC_MIN_DECADES), LEC_MAX_DECADES)


def _x_ticks(low: int, high: int) -> list[tuple[float, bool]]:
    """(loss, labelled) for the money axis: every decade (every other one past eight decades), and 2× and 5×
    when the axis spans two decades or fewer."""
    step = 2 if high - low > 8 else 1
    ticks: list[tuple[float, bool]] = []
    for k in range(low, high + 1):
        ticks.append((10.0 ** k, (k - low) % step == 0))
        if k < high:
            ticks += [(m * 10.0 ** k, high - low <= 2 and m in (2, 5)) for m in range(2, 10)]
    return ticks


def lec_svg(spec: LecSpec, *, heading: bool = False) -> str:
    """The loss exceedance curve as a standalone SVG document (an image: `role="img"`).

    `heading` draws the title and description into the image, for a download that travels alone.
    """
    lines = wrap(spec.description, 118, 3) if heading else []
    head = 34 + 16 * len(lines) if heading else 0
    top = LEC_TOP + head
    plot_w = LEC_W - LEC_LEFT - LEC_RIGHT
    plot_h = LEC_H - LEC_TOP - LEC_BOTTOM - LEC_LEGEND
    height = LEC_H + head
    low, high = _decades(spec)
    p_decades = _probability_decades(spec)
    bottom = top + plot_h

    def x_of(loss: float) -> float:
        return LEC_LEFT + plot_w * (math.log10(loss) - low) / (high - low)

    def y_of(p: float) -> float:
        # log10(p) from 0 (100 %, the top) to -p_decades (the bottom edge); below it (and 0), the edge.
        if p <= 10.0 ** -p_decades:
            return float(bottom)
        return top + plot_h * min(-math.log10(min(p, 1.0)), p_decades) / p_decades

    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LEC_W} {height}" width="{LEC_W}" '
           f'height="{height}" role="img" aria-label={attr(spec.title)} font-family={attr(FONT)}>',
           f"<title>{text(spec.title)}</title><desc>{text(spec.description)}</desc>",
           f'<rect x="0" y="0" width="{LEC_W}" height="{height}" fill="#ffffff"/>']
    if heading:
        out.append(f'<text x="8" y="20" font-size="15" font-weight="700" fill="{INK}">{text(spec.title)}</text>')
        for k, line in enumerate(lines):
            out.append(f'<text x="8" y="{38 + 16 * k}" font-size="12" fill="{MUTED}">{text(line)}</text>')

    # Grid and axes, both logarithmic: probability up the side (a line and a label per decade, ticks
    # at 2× and 5×), loss along the bottom.
    for k in range(p_decades + 1):
        y = y_of(10.0 ** -k)
        out.append(f'<line x1="{LEC_LEFT}" y1="{y:.1f}" x2="{LEC_LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
                   f'stroke-width="1"/><text x="{LEC_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="{INK}">{text(spec.probability(10.0 ** -k))}</text>')
        if k < p_decades:
            for factor in (2, 5):
                y = y_of(factor * 10.0 ** -(k + 1))
                out.append(f'<line x1="{LEC_LEFT - 3}" y1="{y:.1f}" x2="{LEC_LEFT}" y2="{y:.1f}" stroke="{MUTED}" '
                           'stroke-width="1"/>')
    for loss, labelled in _x_ticks(low, high):
        x = x_of(loss)
        major = abs(math.log10(loss) - round(math.log10(loss))) < 1e-9
        if major:
            out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + (6 if major else 3)}" '
                   f'stroke="{MUTED}" stroke-width="1"/>')
        if labelled:
            out.append(f'<text x="{x:.1f}" y="{bottom + 19}" text-anchor="middle" font-size="12" fill="{INK}">'
                       f"{text(spec.amount(loss))}</text>")
    out.append(f'<rect x="{LEC_LEFT}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{MUTED}" '
               'stroke-width="1" class="lec-plot"/>')
    x_title = spec.x_title or spec.default_x_title % {"currency": spec.currency}
    out.append(f'<text x="{LEC_LEFT + plot_w / 2}" y="{bottom + 40}" text-anchor="middle" font-size="13" '
               f'font-weight="600" fill="{INK}">{text(x_title)}</text>')
    mid = top + plot_h / 2
    out.append(f'<text x="16" y="{mid}" transform="rotate(-90 16 {mid})" text-anchor="middle" font-size="13" '
               f'font-weight="600" fill="{INK}">{text(spec.y_title)}</text>')

    # The curves; past its last simulated loss a curve drops to the bottom edge (a probability too small
    # for the simulated years to see), once, rather than running along it.
    drawn = [s for s in spec.series if s.points]
    for series, (colour, dash) in zip(drawn, SERIES_STYLES, strict=False):
        shown = [(x, p) for x, p in series.points if x > 0]
        edge = next((i for i, (_, p) in enumerate(shown) if y_of(p) >= bottom), len(shown) - 1)
        path = " ".join(f"{x_of(x):.1f},{y_of(p):.1f}" for x, p in shown[:edge + 1])
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashing} '
                   f'stroke-linejoin="round"><title>{text(series.label)}</title></polyline>')
    if not drawn:
        out.append(f'<text x="{LEC_LEFT + plot_w / 2}" y="{mid}" text-anchor="middle" font-size="14" '
                   f'fill="{MUTED}">{text(spec.empty_message)}</text>')

    # Tolerance points: a diamond at (loss, highest acceptable probability); the curve must pass below it.
    for m in spec.markers:
        x, y = x_of(m.loss), y_of(m.max_probability)
        ink = OK_INK if m.ok else BAD_INK
        label = spec.tolerance_label % {
            "loss": spec.amount(m.loss), "currency": spec.currency, "most": spec.probability(m.max_probability),
            "simulated": spec.probability(m.probability), "verdict": spec.within if m.ok else spec.outside}
        anchor, dx = ("end", -10) if x > LEC_LEFT + plot_w * 0.8 else ("start", 10)
        label_y = y - 8 if y - 8 >= top + 12 else y + 20  # under the diamond at the top edge
        out.append(f'<g class="lec-tolerance"><title>{text(label)}</title>'
                   f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} L{x - 7:.1f},{y:.1f} Z" '
                   f'fill="#ffffff" stroke="{ink}" stroke-width="2.5"/>'
                   # A white outline under the letters keeps the label readable where it crosses a curve.
                   f'<text x="{x + dx:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" font-size="12" font-weight="600" '
                   f'fill="{ink}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{"✓" if m.ok else "✗"} '
                   + text(spec.marker_text % {"loss": spec.amount(m.loss), "most": spec.probability(m.max_probability)})
                   + "</text></g>")

    # Legend.
    y = height - 14
    x = float(LEC_LEFT)
    for series, (colour, dash) in zip(drawn, SERIES_STYLES, strict=False):
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 30}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5"'
                   f'{dashing}/><text x="{x + 36}" y="{y}" font-size="12" fill="{INK}">{text(series.label)}</text>')
        x += 50 + 7 * len(series.label)
    if spec.markers:
        out.append(f'<path d="M{x + 7},{y - 11} L{x + 14},{y - 4} L{x + 7},{y + 3} L{x},{y - 4} Z" fill="#ffffff" '
                   f'stroke="{INK}" stroke-width="2"/><text x="{x + 20}" y="{y}" font-size="12" fill="{INK}">'
                   + text(spec.marker_legend % {"on": ", " + spec.judged_on if spec.judged_on else ""}) + "</text>")
    out.append("</svg>")
    return "".join(out)
