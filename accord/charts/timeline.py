"""The timeline (Gantt chart): one row per item, a bar from its start to its end day (both included) or a
diamond for a milestone, months along the top, and a line at today: an IT roadmap, a treatment plan, audit
fieldwork.

Each bar is a `<rect class="timeline-bar">` (a milestone a `<path class="timeline-milestone">`) inside a
`<g>` whose `<title>` names the item and its dates, so the dates are read, not guessed from positions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from accord.charts.axes import Dates, month_starts
from accord.charts.svg import GRID, INK, MUTED, attr, document, heading_height, series_colour, text, wrap

W = 760
LEFT, RIGHT, TOP, ROW, BOTTOM = 200, 16, 40, 28, 16
TODAY_INK = "#b71c1c"


@dataclass(frozen=True)
class TimelineItem:
    """One row: from `start` to `end` (inclusive; a milestone has `end` None), `group` picks its colour
    (the same group, the same colour; named in the title)."""

    label: str
    start: dt.date
    end: dt.date | None = None
    group: str = ""

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'{self.label}' ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class TimelineSpec:
    title: str
    description: str
    items: Sequence[TimelineItem]
    today: dt.date | None = None
    id_prefix: str = "timeline"
    empty_message: str = "Nothing is planned."


def _span(spec: TimelineSpec) -> tuple[dt.date, dt.date]:
    days = [d for item in spec.items for d in (item.start, item.end) if d is not None]
    if spec.today is not None:
        days.append(spec.today)
    if not days:
        today = spec.today or dt.date(2000, 1, 1)
        return today.replace(day=1), today.replace(day=28)
    first, last = min(days), max(days)
    # Whole months, so the month grid lines start and end the plot.
    following = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.replace(day=1), following - dt.timedelta(days=1)


def timeline_svg(spec: TimelineSpec, *, heading: bool = False, standalone: bool = True) -> str:
    """The timeline as an SVG image (see `accord.charts.svg.document` for `heading` and `standalone`)."""
    head = heading_height(spec.description, heading=heading)
    top = TOP + head
    rows = max(len(spec.items), 1)
    height = top + rows * ROW + BOTTOM
    first, last = _span(spec)
    x = Dates(first, last, LEFT, W - RIGHT)
    body: list[str] = []
    months = month_starts(first, last)
    label_every = max(1, round(len(months) / 12))  # at most about twelve month labels
    for k, month in enumerate(months):
        body.append(f'<line x1="{x(month):.1f}" y1="{top - 6}" x2="{x(month):.1f}" y2="{top + rows * ROW}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        if k % label_every == 0:
            body.append(f'<text x="{x(month) + 3:.1f}" y="{top - 10}" font-size="11" fill="{MUTED}">'
                        f"{month:%b %Y}</text>")
    groups = list(dict.fromkeys(item.group for item in spec.items))
    for i, item in enumerate(spec.items):
        row_y = top + i * ROW
        body.append(f'<text x="{LEFT - 8}" y="{row_y + ROW / 2 + 4:.1f}" text-anchor="end" font-size="12" '
                    f'fill="{INK}">{text(wrap(item.label, 30, 1)[0])}</text>')
        colour = series_colour(groups.index(item.group))
        group = f", {item.group}" if item.group else ""
        if item.end is None:
            cx, cy = x(item.start), row_y + ROW / 2
            label = f"{item.label}{group}: {item.start.isoformat()}"
            shape = (f'<path class="timeline-milestone" d="M{cx:.1f},{cy - 8:.1f} L{cx + 8:.1f},{cy:.1f} '
                     f'L{cx:.1f},{cy + 8:.1f} L{cx - 8:.1f},{cy:.1f} Z" fill={attr(colour)}/>')
        else:
            x0, x1 = x(item.start), x(item.end + dt.timedelta(days=1))
            label = f"{item.label}{group}: {item.start.isoformat()} to {item.end.isoformat()}"
            shape = (f'<rect class="timeline-bar" x="{x0:.1f}" y="{row_y + 6}" width="{x1 - x0:.1f}" '
                     f'height="{ROW - 12}" rx="3" fill={attr(colour)}/>')
        body.append(f"<g><title>{text(label)}</title>{shape}</g>")
    if not spec.items:
        body.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{top + ROW / 2 + 4}" text-anchor="middle" '
                    f'font-size="13" fill="{MUTED}">{text(spec.empty_message)}</text>')
    if spec.today is not None:
        tx = x(spec.today)
        body.append(f'<line class="timeline-today" x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" '
                    f'y2="{top + rows * ROW}" stroke="{TODAY_INK}" stroke-width="2" stroke-dasharray="4 3">'
                    f"<title>Today, {spec.today.isoformat()}</title></line>")
    return document(W, height, title=spec.title, description=spec.description, id_prefix=spec.id_prefix,
                    css_class="timeline", body=body, heading=heading, standalone=standalone)
