"""The few pieces every chart shares: escaped attributes and text, line wrapping, fonts and inks.

A chart is plain SVG built as strings: presentation attributes only (`fill`, `stroke`, `font-size`),
never a `style` attribute, a `<style>` element or a script, so a strict CSP (no inline style or script)
shows it, and a PDF renderer draws it as it is. Every text and attribute value passes through `attr` or
`text`, so a label cannot break the markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
#: Text, secondary text and grid lines; INK and MUTED read at least 4.5:1 on white.
INK, MUTED, GRID = "#212529", "#495057", "#dee2e6"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def attr(value: object) -> str:
    """An attribute value, quoted and escaped."""
    return '"' + escape(str(value), quote=True) + '"'


def text(value: object) -> str:
    """Element text, escaped."""
    return escape(str(value), quote=False)


def wrap(words_text: str, width: int, lines: int = 2) -> list[str]:
    """Break the text into at most `lines` lines of about `width` characters (the last one shortened with …)."""
    words, out, line = words_text.split(), [], ""
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


#: Fills of a chart's series, in order: dark enough for white text on them and for 3:1 against white (the
#: contrast WCAG asks of graphics); past six, they repeat with a hatched outline (`series_style`).
SERIES_COLOURS = ("#1f3a5f", "#b04a00", "#2e7d32", "#6a1b9a", "#00695c", "#8d3b3b")
#: Dash patterns that tell line series apart without colour.
SERIES_DASHES = ("", "8 5", "2 4", "12 4 2 4", "4 4", "1 3")


def series_colour(index: int) -> str:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def series_dash(index: int) -> str:
    return SERIES_DASHES[index % len(SERIES_DASHES)]


def document(width: float, height: float, *, title: str, description: str, id_prefix: str, css_class: str,
             body: list[str], heading: bool = False, standalone: bool = True) -> str:
    """A chart as an SVG image: `role="img"` labelled by its `<title>` and `<desc>`, a white background,
    and, with `heading`, the title and description drawn in (for a download that travels alone; the
    body is moved down by `heading_height(description)`). `standalone` adds the XML declaration (a file);
    without it the markup goes inside a page or a report.
    """
    pid = id_prefix
    lines = wrap(description, 118, 3) if heading else []
    out = [XML_DECLARATION] if standalone else []
    out.append(f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
               f'role="img" aria-labelledby="{pid}-title {pid}-desc" class={attr(css_class)} font-family={attr(FONT)}>')
    out.append(f'<title id="{pid}-title">{text(title)}</title><desc id="{pid}-desc">{text(description)}</desc>')
    out.append(f'<rect x="0" y="0" width="{width:g}" height="{height:g}" fill="#ffffff"/>')
    if heading:
        out.append(f'<text x="8" y="20" font-size="15" font-weight="700" fill="{INK}">{text(title)}</text>')
        for k, line in enumerate(lines):
            out.append(f'<text x="8" y="{38 + 16 * k}" font-size="12" fill="{MUTED}">{text(line)}</text>')
    out.extend(body)
    out.append("</svg>")
    return "".join(out)


def heading_height(description: str, *, heading: bool) -> int:
    """How far `document(..., heading=True)` moves the chart down for its drawn title and description."""
    return 34 + 16 * len(wrap(description, 118, 3)) if heading else 0


@dataclass(frozen=True)
class Plot:
    """Where a chart plots: the rectangle inside its margins, moved down by a drawn heading."""

    left: float
    top: float
    width: float
    height: float
    image_height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


def plot_area(size: tuple[float, float], margins: tuple[float, float, float, float], *, description: str,
              heading: bool) -> Plot:
    """The plot of an image of `size` (width, height) inside `margins` (left, right, top, bottom), the
    image growing by the heading `document(..., heading=True)` draws."""
    (width, height), (left, right, top, bottom) = size, margins
    head = heading_height(description, heading=heading)
    return Plot(left, top + head, width - left - right, height - top - bottom, height + head)


def legend(entries: list[tuple[str, str, str | None]], x: float, y: float) -> list[str]:
    """A row of legend entries (label, fill, dash): a swatch, or a line when `dash` is given, then the label."""
    out = []
    for label, colour, dash in entries:
        if dash is None:
            out.append(f'<rect x="{x:g}" y="{y - 11:g}" width="14" height="14" rx="2" fill={attr(colour)}/>')
            step = 19
        else:
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{x:g}" y1="{y - 4:g}" x2="{x + 30:g}" y2="{y - 4:g}" stroke={attr(colour)} '
                       f'stroke-width="2.5"{dashing}/>')
            step = 36
        out.append(f'<text x="{x + step:g}" y="{y:g}" font-size="12" fill="{INK}">{text(label)}</text>')
        x += step + 20 + 7 * len(label)
    return out
