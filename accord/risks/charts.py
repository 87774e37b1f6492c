"""The risk charts as SVG, drawn server-side: shown in the page, downloaded, put into reports.

* the heat map (a grid of likelihood × impact cells);
* the loss exceedance curve (LEC): the probability that a year's loss exceeds an amount, inherent and
  residual, with the appetite's money tolerance points; both axes are logarithmic, so that the tail
  (a tolerance point at 2 %, 0.2 % or less) stands as far from the zero line as 20 % does from 100 %.

Plain string building with XML escaping (no charting dependency for rectangles and two polylines).
Colours are SVG presentation attributes, which a strict CSP allows; every fill/text pair has a
contrast ratio of at least 4.5:1, and colour is never the only cue (cells name their level, curves
differ in dash pattern, tolerance markers carry ✓ or ✗).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from accord.risks.choices import Level

# (cell fill, text colour): low green, medium yellow, high orange, critical red. Keyed by the levels'
# values in their order (tests/risks/test_enumerations.py ties it to `Level`).
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    Level.LOW.value: ("#2e7d32", "#ffffff"),
    Level.MEDIUM.value: ("#fdd835", "#212529"),
    Level.HIGH.value: ("#f57c00", "#212529"),
    Level.CRITICAL.value: ("#c62828", "#ffffff"),
}
LEVEL_LABELS: dict[str, str] = {level.value: level.label for level in Level}

CELL_W, CELL_H = 100, 64
LEFT, TOP = 170, 8
HEADING = 48
LABEL_LINE = 14
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class HeatmapSpec:
    """What to draw: the matrix (labels lowest first, `levels[l-1][i-1]`) and the count per cell.

    `above[l-1][i-1]` counts the cell's risks above tolerance (outlined); `link(l, i)` gives a cell's
    URL. `interactive` marks an in-page chart whose cells are links; a standalone chart (download)
    is one image.
    """

    title: str
    description: str
    likelihood_labels: Sequence[str]
    impact_labels: Sequence[str]
    levels: Sequence[Sequence[str]]
    counts: Sequence[Sequence[int]]
    id_prefix: str = "heatmap"
    above: Sequence[Sequence[int]] | None = None
    link: Callable[[int, int], str] | None = None


def _a(value: object) -> str:
    """An attribute value, quoted and escaped."""
    return '"' + escape(str(value), quote=True) + '"'


def _t(value: object) -> str:
    return escape(str(value), quote=False)


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Break `text` into at most `lines` lines of about `width` characters (the last one shortened with …)."""
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1:])]
    return [s if len(s) <= width else s[: width - 1] + "…" for s in out]


def _plural(n: int) -> str:
    return f"{n} risk" if n == 1 else f"{n} risks"


def heatmap_svg(spec: HeatmapSpec, *, standalone: bool = False) -> str:
    """The heat map: likelihood up the side (highest at the top), impact along the bottom.

    `standalone` gives a complete SVG document (XML declaration, `role="img"`, no links) for
    download; otherwise an element to put inside a page, whose cells are links described for
    screen readers (a `role="img"` would hide those links from them).
    """
    n_l, n_i = len(spec.likelihood_labels), len(spec.impact_labels)
    grid_w, grid_h = n_i * CELL_W, n_l * CELL_H
    width = LEFT + grid_w + 8
    top = TOP + (HEADING if standalone else 0)  # a downloaded image carries its own heading
    legend_y = top + grid_h + 2 * LABEL_LINE + 40
    height = legend_y + (50 if spec.above is not None else 28)
    pid = spec.id_prefix
    link = None if standalone else spec.link
    out: list[str] = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    role = ' role="img"' if standalone else ' role="group"'
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f'{role} aria-labelledby="{pid}-title {pid}-desc" class="heatmap" font-family={_a(FONT)}>'
    )
    out.append(f'<title id="{pid}-title">{_t(spec.title)}</title><desc id="{pid}-desc">{_t(spec.description)}</desc>')
    if standalone:
        out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
        out.append(f'<text x="8" y="20" font-size="15" font-weight="700" fill="#212529">{_t(spec.title)}</text>'
                   f'<text x="8" y="38" font-size="12" fill="#495057">{_t(spec.description)}</text>')

    # Axis titles and labels.
    mid_y = top + grid_h / 2
    out.append(f'<text x="14" y="{mid_y}" transform="rotate(-90 14 {mid_y})" text-anchor="middle" font-size="13" '
               f'font-weight="600" fill="#212529">Likelihood</text>')
    for n, label in enumerate(spec.likelihood_labels, 1):
        row = n_l - n  # the highest likelihood is the top row
        lines = _wrap(f"{n} · {label}", 22)
        y0 = top + row * CELL_H + CELL_H / 2 - (len(lines) - 1) * LABEL_LINE / 2 + 4
        tspans = "".join(f'<tspan x="{LEFT - 8}" y="{y0 + k * LABEL_LINE}">{_t(s)}</tspan>'
                         for k, s in enumerate(lines))
        out.append(f'<text text-anchor="end" font-size="12" fill="#212529">{tspans}</text>')
    for n, label in enumerate(spec.impact_labels, 1):
        x = LEFT + (n - 1) * CELL_W + CELL_W / 2
        lines = _wrap(f"{n} · {label}", 15)
        tspans = "".join(f'<tspan x="{x}" y="{top + grid_h + 16 + k * LABEL_LINE}">{_t(s)}</tspan>'
                         for k, s in enumerate(lines))
        out.append(f'<text text-anchor="middle" font-size="12" fill="#212529">{tspans}</text>')
    out.append(f'<text x="{LEFT + grid_w / 2}" y="{top + grid_h + 2 * LABEL_LINE + 26}" text-anchor="middle" '
               f'font-size="13" font-weight="600" fill="#212529">Impact</text>')

    # Cells.
    for li in range(n_l, 0, -1):
        for im in range(1, n_i + 1):
            out.append(_cell(spec, li, im, link, top))

    # Legend: the four levels, and the outline's meaning when the chart marks anything.
    x = LEFT
    for level, label in LEVEL_LABELS.items():
        fill, _ = LEVEL_COLOURS[level]
        out.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" rx="2" fill="{fill}"/>'
                   f'<text x="{x + 19}" y="{legend_y + 12}" font-size="12" fill="#212529">{label}</text>')
        x += 30 + 7 * len(label)
    if spec.above is not None:
        y = legend_y + 22
        out.append(f'<rect x="{LEFT + 1}" y="{y + 1}" width="12" height="12" fill="none" stroke="#111111" '
                   f'stroke-width="2" stroke-dasharray="4 2"/><text x="{LEFT + 19}" y="{y + 12}" font-size="12" '
                   f'fill="#212529">▲ n: the cell holds n risks above the signed risk appetite</text>')
    out.append("</svg>")
    return "".join(out)


def _cell(spec: HeatmapSpec, li: int, im: int, link: Callable[[int, int], str] | None, top: int) -> str:
    n_l = len(spec.likelihood_labels)
    level = str(spec.levels[li - 1][im - 1])
    fill, ink = LEVEL_COLOURS.get(level, ("#adb5bd", "#212529"))
    count = spec.counts[li - 1][im - 1]
    above = spec.above[li - 1][im - 1] if spec.above is not None else 0
    x, y = LEFT + (im - 1) * CELL_W, top + (n_l - li) * CELL_H
    label = (f"Likelihood {li} ({spec.likelihood_labels[li - 1]}), impact {im} ({spec.impact_labels[im - 1]}): "
             f"{_plural(count)}, level {LEVEL_LABELS.get(level, level).lower()}")
    if above:
        label += f", {above} above tolerance"
    parts = [
        f"<title>{_t(label)}</title>",
        f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" rx="4" fill="{fill}" '
        f'class="heatmap-cell"/>',
        # An empty cell's 0 is smaller and lighter, so the eye goes to the cells that hold risks.
        f'<text x="{x + CELL_W / 2}" y="{y + 31}" text-anchor="middle" fill="{ink}" '
        + ('font-size="22" font-weight="700">' if count else 'font-size="15" fill-opacity="0.8">') + f"{count}</text>",
        f'<text x="{x + CELL_W / 2}" y="{y + 50}" text-anchor="middle" font-size="11" fill="{ink}">'
        f"{_t(LEVEL_LABELS.get(level, level))}</text>",
    ]
    if above:
        parts.append(f'<rect x="{x + 4}" y="{y + 4}" width="{CELL_W - 8}" height="{CELL_H - 8}" rx="3" fill="none" '
                     f'stroke="#111111" stroke-width="3" stroke-dasharray="7 3"/>')
        parts.append(f'<text x="{x + CELL_W - 9}" y="{y + 18}" text-anchor="end" font-size="11" font-weight="700" '
                     f'fill="{ink}">▲{above}</text>')
    body = "".join(parts)
    if link is None:
        return f"<g>{body}</g>"
    return f'<a href={_a(link(li, im))} aria-label={_a(label)} class="heatmap-link">{body}</a>'


# --- money ------------------------------------------------------------------------------------------------

_UNITS = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


def compact_amount(amount: float) -> str:
    """An amount in at most three significant figures with k, M or bn: 8,400 → "8.4 k", 1,250,000 →
    "1.25 M", 950 → "950"."""
    value = abs(amount)
    sign = "-" if amount < 0 else ""
    for size, unit in _UNITS:
        if value >= size * 0.9995:
            scaled = value / size
            digits = 0 if scaled >= 99.95 else 1 if scaled >= 9.995 else 2
            text = f"{scaled:.{digits}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}{text} {unit}"
    return f"{sign}{value:,.0f}"


def format_money(amount: float | None, currency: str) -> str:
    """`compact_amount` with the currency code ("1.25 M EUR"); "" for None."""
    if amount is None:
        return ""
    return f"{compact_amount(amount)} {currency}"


def format_probability(p: float) -> str:
    """A probability as a percentage a person reads: 0.1 → "10 %", 0.0123 → "1.23 %", 0.00004 → "0.004 %"."""
    percent = p * 100
    if percent == 0:
        return "0 %"
    if percent >= 10:
        return f"{percent:.0f} %"
    digits = max(1, 1 - math.floor(math.log10(percent)))  # two significant figures
    return f"{percent:.{min(digits, 4)}f}".rstrip("0").rstrip(".") + " %"


# --- loss exceedance curve -----------------------------------------------------------------------------

LEC_W, LEC_H = 760, 420
LEC_LEFT, LEC_RIGHT, LEC_TOP, LEC_BOTTOM = 70, 24, 16, 58
LEC_LEGEND = 28
INK, MUTED, GRID = "#212529", "#495057", "#dee2e6"
# Inherent: the brand navy, solid; residual: a dark orange, dashed. Both at least 4.5:1 on white.
SERIES_STYLES = (("#1f3a5f", ""), ("#b04a00", "8 5"))
OK_INK, BAD_INK = "#1b5e20", "#b71c1c"


@dataclass(frozen=True)
class LecSeries:
    """One curve: [(loss, P(annual loss > loss)), ...] in increasing loss."""

    label: str
    points: Sequence[tuple[float, float]]


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
    lines = _wrap(spec.description, 118, 3) if heading else []
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
           f'height="{height}" role="img" aria-label={_a(spec.title)} font-family={_a(FONT)}>',
           f"<title>{_t(spec.title)}</title><desc>{_t(spec.description)}</desc>",
           f'<rect x="0" y="0" width="{LEC_W}" height="{height}" fill="#ffffff"/>']
    if heading:
        out.append(f'<text x="8" y="20" font-size="15" font-weight="700" fill="{INK}">{_t(spec.title)}</text>')
        for k, line in enumerate(lines):
            out.append(f'<text x="8" y="{38 + 16 * k}" font-size="12" fill="{MUTED}">{_t(line)}</text>')

    # Grid and axes, both logarithmic: probability up the side (a line and a label per decade, ticks
    # at 2× and 5×), loss along the bottom.
    for k in range(p_decades + 1):
        y = y_of(10.0 ** -k)
        out.append(f'<line x1="{LEC_LEFT}" y1="{y:.1f}" x2="{LEC_LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
                   f'stroke-width="1"/><text x="{LEC_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="{INK}">{_t(format_probability(10.0 ** -k))}</text>')
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
                       f"{_t(compact_amount(loss))}</text>")
    out.append(f'<rect x="{LEC_LEFT}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{MUTED}" '
               'stroke-width="1" class="lec-plot"/>')
    out.append(f'<text x="{LEC_LEFT + plot_w / 2}" y="{bottom + 40}" text-anchor="middle" font-size="13" '
               f'font-weight="600" fill="{INK}">Annual loss ({_t(spec.currency)}, log scale)</text>')
    mid = top + plot_h / 2
    out.append(f'<text x="16" y="{mid}" transform="rotate(-90 16 {mid})" text-anchor="middle" font-size="13" '
               f'font-weight="600" fill="{INK}">Probability of a bigger loss in a year (log scale)</text>')

    # The curves; past its last simulated loss a curve drops to the bottom edge (a probability too small
    # for the simulated years to see), once, rather than running along it.
    drawn = [s for s in spec.series if s.points]
    for series, (colour, dash) in zip(drawn, SERIES_STYLES, strict=False):
        shown = [(x, p) for x, p in series.points if x > 0]
        edge = next((i for i, (_, p) in enumerate(shown) if y_of(p) >= bottom), len(shown) - 1)
        path = " ".join(f"{x_of(x):.1f},{y_of(p):.1f}" for x, p in shown[:edge + 1])
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashing} '
                   f'stroke-linejoin="round"><title>{_t(series.label)}</title></polyline>')
    if not drawn:
        out.append(f'<text x="{LEC_LEFT + plot_w / 2}" y="{mid}" text-anchor="middle" font-size="14" '
                   f'fill="{MUTED}">{_t(spec.empty_message)}</text>')

    # Tolerance points: a diamond at (loss, highest acceptable probability); the curve must pass below it.
    for m in spec.markers:
        x, y = x_of(m.loss), y_of(m.max_probability)
        ink = OK_INK if m.ok else BAD_INK
        verdict = "within" if m.ok else "outside"
        label = (f"Tolerance: P(loss > {compact_amount(m.loss)} {spec.currency}) at most "
                 f"{format_probability(m.max_probability)}; simulated {format_probability(m.probability)}, "
                 f"{verdict} tolerance")
        anchor, dx = ("end", -10) if x > LEC_LEFT + plot_w * 0.8 else ("start", 10)
        label_y = y - 8 if y - 8 >= top + 12 else y + 20  # under the diamond at the top edge
        out.append(f'<g class="lec-tolerance"><title>{_t(label)}</title>'
                   f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} L{x - 7:.1f},{y:.1f} Z" '
                   f'fill="#ffffff" stroke="{ink}" stroke-width="2.5"/>'
                   # A white outline under the letters keeps the label readable where it crosses a curve.
                   f'<text x="{x + dx:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" font-size="12" font-weight="600" '
                   f'fill="{ink}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{"✓" if m.ok else "✗"} '
                   f"{_t(compact_amount(m.loss))}: at most {_t(format_probability(m.max_probability))}</text></g>")

    # Legend.
    y = height - 14
    x = float(LEC_LEFT)
    for series, (colour, dash) in zip(drawn, SERIES_STYLES, strict=False):
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 30}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5"'
                   f'{dashing}/><text x="{x + 36}" y="{y}" font-size="12" fill="{INK}">{_t(series.label)}</text>')
        x += 50 + 7 * len(series.label)
    if spec.markers:
        out.append(f'<path d="M{x + 7},{y - 11} L{x + 14},{y - 4} L{x + 7},{y + 3} L{x},{y - 4} Z" fill="#ffffff" '
                   f'stroke="{INK}" stroke-width="2"/><text x="{x + 20}" y="{y}" font-size="12" fill="{INK}">'
                   f"Tolerance point (✓ within, ✗ outside{_t(', ' + spec.judged_on if spec.judged_on else '')})"
                   "</text>")
    out.append("</svg>")
    return "".join(out)
