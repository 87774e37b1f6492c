"""The risk heat map as SVG, drawn server-side: shown in the page, downloaded, put into reports.

Plain string building with XML escaping (no charting dependency for a grid of rectangles). Colours
are SVG presentation attributes, which a strict CSP allows; every fill/text pair has a contrast
ratio of at least 4.5:1, and each cell also names its level, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# (cell fill, text colour): low green, medium yellow, high orange, critical red.
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    "low": ("#2e7d32", "#ffffff"),
    "medium": ("#fdd835", "#212529"),
    "high": ("#f57c00", "#212529"),
    "critical": ("#c62828", "#ffffff"),
}
LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}

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
