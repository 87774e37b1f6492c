"""The heat map: a grid of rows × columns (a risk matrix's likelihood × impact, a control's maturity by
domain), each cell coloured by the level it belongs to and showing how many items it holds.

Colour is never the only cue: a cell names its level, and the cells marked (`above`) carry a dashed
outline and ▲n. Every fill/ink pair of a palette should read at least 4.5:1 (the risk palette does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord.charts.svg import FONT, XML_DECLARATION, attr, text, wrap

CELL_W, CELL_H = 100, 64
LEFT, TOP = 170, 8
HEADING = 48
LABEL_LINE = 14
UNKNOWN = ("#adb5bd", "#212529")


@dataclass(frozen=True)
class Swatch:
    """One level of a heat map: its key (as `levels` holds it), its label, cell fill and text colour."""

    key: str
    label: str
    fill: str
    ink: str


@dataclass(frozen=True)
class HeatmapSpec:
    """What to draw: the grid (labels lowest first, `levels[r-1][c-1]`) and the count per cell.

    `palette` colours and names the levels, in the legend's order. `above[r-1][c-1]` counts the cell's
    items past a limit (outlined, explained by `above_legend`); `link(r, c)` gives a cell's URL.
    `noun` is the item counted, singular and plural (`items`, when given, writes a count with its noun
    instead, for languages whose plural rules differ). The words the chart writes itself are fields too, so
    that the caller gives them in the reader's language: `cell_label` (named placeholders: row_title, row,
    row_label, column_title, column, column_label, items, level), `above_label` and `above_legend` (the
    legend's whole line).
    """

    title: str
    description: str
    row_labels: Sequence[str]
    column_labels: Sequence[str]
    levels: Sequence[Sequence[str]]
    counts: Sequence[Sequence[int]]
    palette: Sequence[Swatch]
    row_title: str = "Likelihood"
    column_title: str = "Impact"
    noun: tuple[str, str] = ("risk", "risks")
    id_prefix: str = "heatmap"
    above: Sequence[Sequence[int]] | None = None
    above_label: str = "above tolerance"
    above_legend: str = "▲ n: the cell holds n risks above the signed risk appetite"
    link: Callable[[int, int], str] | None = None
    items: Callable[[int], str] | None = None
    cell_label: str = ("%(row_title)s %(row)d (%(row_label)s), %(column_title)s %(column)d (%(column_label)s): "
                       "%(items)s, level %(level)s")


def heatmap_svg(spec: HeatmapSpec, *, standalone: bool = False) -> str:
    """The heat map: rows up the side (the highest at the top), columns along the bottom.

    `standalone` gives a complete SVG document (XML declaration, `role="img"`, no links) for
    download; otherwise an element to put inside a page, whose cells are links described for
    screen readers (a `role="img"` would hide those links from them).
    """
    n_r, n_c = len(spec.row_labels), len(spec.column_labels)
    grid_w, grid_h = n_c * CELL_W, n_r * CELL_H
    width = LEFT + grid_w + 8
    top = TOP + (HEADING if standalone else 0)  # a downloaded image carries its own heading
    legend_y = top + grid_h + 2 * LABEL_LINE + 40
    height = legend_y + (50 if spec.above is not None else 28)
    pid = spec.id_prefix
    link = None if standalone else spec.link
    out: list[str] = []
    if standalone:
        out.append(XML_DECLARATION)
    role = ' role="img"' if standalone else ' role="group"'
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f'{role} aria-labelledby="{pid}-title {pid}-desc" class="heatmap" font-family={attr(FONT)}>'
    )
    out.append(f'<title id="{pid}-title">{text(spec.title)}</title>'
               f'<desc id="{pid}-desc">{text(spec.description)}</desc>')
    if standalone:
        out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
        out.append(f'<text x="8" y="20" font-size="15" font-weight="700" fill="#212529">{text(spec.title)}</text>'
                   f'<text x="8" y="38" font-size="12" fill="#495057">{text(spec.description)}</text>')

    # Axis titles and labels.
    mid_y = top + grid_h / 2
    out.append(f'<text x="14" y="{mid_y}" transform="rotate(-90 14 {mid_y})" text-anchor="middle" font-size="13" '
               f'font-weight="600" fill="#212529">{text(spec.row_title)}</text>')
    for n, label in enumerate(spec.row_labels, 1):
        row = n_r - n  # the highest row is the top one
        lines = wrap(f"{n} · {label}", 22)
        y0 = top + row * CELL_H + CELL_H / 2 - (len(lines) - 1) * LABEL_LINE / 2 + 4
        tspans = "".join(f'<tspan x="{LEFT - 8}" y="{y0 + k * LABEL_LINE}">{text(s)}</tspan>'
                         for k, s in enumerate(lines))
        out.append(f'<text text-anchor="end" font-size="12" fill="#212529">{tspans}</text>')
    for n, label in enumerate(spec.column_labels, 1):
        x = LEFT + (n - 1) * CELL_W + CELL_W / 2
        lines = wrap(f"{n} · {label}", 15)
        tspans = "".join(f'<tspan x="{x}" y="{top + grid_h + 16 + k * LABEL_LINE}">{text(s)}</tspan>'
                         for k, s in enumerate(lines))
        out.append(f'<text text-anchor="middle" font-size="12" fill="#212529">{tspans}</text>')
    out.append(f'<text x="{LEFT + grid_w / 2}" y="{top + grid_h + 2 * LABEL_LINE + 26}" text-anchor="middle" '
               f'font-size="13" font-weight="600" fill="#212529">{text(spec.column_title)}</text>')

    swatches = {s.key: s for s in spec.palette}
    for r in range(n_r, 0, -1):
        for c in range(1, n_c + 1):
            out.append(_cell(spec, swatches, r, c, link, top))

    # Legend: the levels, and the outline's meaning when the chart marks anything.
    x = LEFT
    for swatch in spec.palette:
        out.append(f'<rect x="{x}" y="{legend_y}" width="14" height="14" rx="2" fill={attr(swatch.fill)}/>'
                   f'<text x="{x + 19}" y="{legend_y + 12}" font-size="12" fill="#212529">{text(swatch.label)}</text>')
        x += 30 + 7 * len(swatch.label)
    if spec.above is not None:
        y = legend_y + 22
        out.append(f'<rect x="{LEFT + 1}" y="{y + 1}" width="12" height="12" fill="none" stroke="#111111" '
                   f'stroke-width="2" stroke-dasharray="4 2"/><text x="{LEFT + 19}" y="{y + 12}" font-size="12" '
                   f'fill="#212529">{text(spec.above_legend)}</text>')
    out.append("</svg>")
    return "".join(out)


def _cell(spec: HeatmapSpec, swatches: dict[str, Swatch], r: int, c: int,
          link: Callable[[int, int], str] | None, top: int) -> str:
    n_r = len(spec.row_labels)
    level = str(spec.levels[r - 1][c - 1])
    swatch = swatches.get(level)
    fill, ink = (swatch.fill, swatch.ink) if swatch else UNKNOWN
    level_label = swatch.label if swatch else level
    count = spec.counts[r - 1][c - 1]
    above = spec.above[r - 1][c - 1] if spec.above is not None else 0
    x, y = LEFT + (c - 1) * CELL_W, top + (n_r - r) * CELL_H
    items = spec.items(count) if spec.items else f"{count} {spec.noun[0] if count == 1 else spec.noun[1]}"
    label = spec.cell_label % {"row_title": spec.row_title, "row": r, "row_label": spec.row_labels[r - 1],
                               "column_title": spec.column_title.lower(), "column": c,
                               "column_label": spec.column_labels[c - 1], "items": items,
                               "level": level_label.lower()}
    if above:
        label += f", {above} {spec.above_label}"
    parts = [
        f"<title>{text(label)}</title>",
        f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" rx="4" fill={attr(fill)} '
        f'class="heatmap-cell"/>',
        # An empty cell's 0 is smaller and lighter, so the eye goes to the cells that hold something.
        f'<text x="{x + CELL_W / 2}" y="{y + 31}" text-anchor="middle" fill={attr(ink)} '
        + ('font-size="22" font-weight="700">' if count else 'font-size="15" fill-opacity="0.8">') + f"{count}</text>",
        f'<text x="{x + CELL_W / 2}" y="{y + 50}" text-anchor="middle" font-size="11" fill={attr(ink)}>'
        f"{text(level_label)}</text>",
    ]
    if above:
        parts.append(f'<rect x="{x + 4}" y="{y + 4}" width="{CELL_W - 8}" height="{CELL_H - 8}" rx="3" fill="none" '
                     f'stroke="#111111" stroke-width="3" stroke-dasharray="7 3"/>')
        parts.append(f'<text x="{x + CELL_W - 9}" y="{y + 18}" text-anchor="end" font-size="11" font-weight="700" '
                     f'fill={attr(ink)}>▲{above}</text>')
    body = "".join(parts)
    if link is None:
        return f"<g>{body}</g>"
    return f'<a href={attr(link(r, c))} aria-label={attr(label)} class="heatmap-link">{body}</a>'
