"""The few pieces every chart shares: escaped attributes and text, line wrapping, fonts and inks.

A chart is plain SVG built as strings: presentation attributes only (`fill`, `stroke`, `font-size`),
never a `style` attribute, a `<style>` element or a script, so a strict CSP (no inline style or script)
shows it, and a PDF renderer draws it as it is. Every text and attribute value passes through `attr` or
`text`, so a label cannot break the markup.
"""

from __future__ import annotations

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
