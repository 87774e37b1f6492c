"""The timeline (Gantt chart): one row per item, a bar from its start to its end day (both included) or a
diamond for a milestone, months (or quarters) along the top, and a line at today: an IT roadmap, a treatment
plan, audit fieldwork.

Each bar is a `<rect class="timeline-bar">` (a milestone a `<path class="timeline-milestone">`) inside a
`<g>` whose `<title>` names the item and its dates, so the dates are read, not guessed from positions.
Items may come in sections (a heading row each time `section` changes), carry markers (a flag on a day of
their row, such as a gate, `<path class="timeline-marker marker-STATE">` with its own title), and depend on
each other (`links`: an arrow from the end of one item's bar to the start of the other's,
`<path class="timeline-link">`). With `legend`, the groups' colours are named under the plot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from accord.charts.axes import Dates, month_starts
from accord.charts.svg import GRID, INK, MUTED, attr, document, heading_height, legend, series_colour, text, wrap

W = 760
LEFT, RIGHT, TOP, ROW, BOTTOM = 200, 16, 40, 28, 16
TODAY_INK = "#b71c1c"
LINK_INK = "#6c757d"
#: A marker's fill by its state (the caller's words; unknown states are drawn in INK).
MARKER_INKS = {"passed": "#2e7d32", "waiting": "#6c757d", "open": "#b04a00", "overdue": "#b71c1c"}


@dataclass(frozen=True)
class TimelineMarker:
    """A flag on a day of an item's row (a gate), `state` picking its fill (MARKER_INKS) and CSS class."""

    day: dt.date
    label: str
    state: str = ""


@dataclass(frozen=True)
class TimelineItem:
    """One row: from `start` to `end` (inclusive; a milestone has `end` None), `group` picks its colour
    (the same group, the same colour; named in the title)."""

    label: str
    start: dt.date
    end: dt.date | None = None
    group: str = ""
    key: str = ""  # what `TimelineSpec.links` name it by
    section: str = ""  # consecutive items of one section sit under its heading row
    detail: str = ""  # more words for the title (phase, health)
    markers: tuple[TimelineMarker, ...] = ()

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
    #: (key of the item needed, key of the item that needs it): drawn as arrows.
    links: Sequence[tuple[str, str]] = ()
    #: Quarters along the top instead of months, each named by `quarter_label` (%(quarter)s, %(year)s).
    quarters: bool = False
    quarter_label: str = "Q%(quarter)s %(year)s"
    today_label: str = "Today"
    link_label: str = "%(needing)s needs %(needed)s"
    legend: bool = False


def _span(spec: TimelineSpec) -> tuple[dt.date, dt.date]:
    days = [d for item in spec.items for d in (item.start, item.end) if d is not None]
    days += [marker.day for item in spec.items for marker in item.markers]
    if spec.today is not None:
        days.append(spec.today)
    if not days:
        today = spec.today or dt.date(2000, 1, 1)
        return today.replace(day=1), today.replace(day=28)
    first, last = min(days), max(days)
    if spec.quarters:  # whole quarters
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1, day=1)
        last = last.replace(month=(last.month - 1) // 3 * 3 + 3)
    # Whole months, so the month grid lines start and end the plot.
    following = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.replace(day=1), following - dt.timedelta(days=1)


def _rows(spec: TimelineSpec) -> list[tuple[str, TimelineItem | None]]:
    """The rows top to bottom: a section's heading (its name, None) before its first item, then the items."""
    rows: list[tuple[str, TimelineItem | None]] = []
    current: str | None = None
    for item in spec.items:
        if item.section and item.section != current:
            rows.append((item.section, None))
        current = item.section
        rows.append(("", item))
    return rows


def _ticks(spec: TimelineSpec, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    months = month_starts(first, last)
    if spec.quarters:
        return [(m, spec.quarter_label % {"quarter": (m.month - 1) // 3 + 1, "year": m.year})
                for m in months if m.month in (1, 4, 7, 10)]
    label_every = max(1, round(len(months) / 12))  # at most about twelve month labels
    return [(m, f"{m:%b %Y}" if k % label_every == 0 else "") for k, m in enumerate(months)]


def _link(x0: float, y0: float, x1: float, y1: float, title: str) -> str:
    """An arrow from (x0, y0), the end of the needed item, to (x1, y1), the start of the one needing it."""
    bend = max(x0 + 6, x1 - 6) if x1 > x0 + 12 else x0 + 6
    path = f"M{x0:.1f},{y0:.1f} H{bend:.1f} V{y1:.1f} H{x1:.1f}"
    head = f"M{x1:.1f},{y1:.1f} l-5,-3.5 v7 Z"
    return (f'<g><title>{text(title)}</title><path class="timeline-link" d="{path}" fill="none" '
            f'stroke="{LINK_INK}" stroke-width="1.2"/><path d="{head}" fill="{LINK_INK}"/></g>')


def timeline_svg(spec: TimelineSpec, *, heading: bool = False, standalone: bool = True) -> str:
    """The timeline as an SVG image (see `accord.charts.svg.document` for `heading` and `standalone`)."""
    head = heading_height(spec.description, heading=heading)
    top = TOP + head
    rows = _rows(spec)
    count = max(len(rows), 1)
    groups = list(dict.fromkeys(item.group for _section, item in rows if item is not None))
    legend_height = ROW if spec.legend and any(groups) else 0
    height = top + count * ROW + BOTTOM + legend_height
    first, last = _span(spec)
    x = Dates(first, last, LEFT, W - RIGHT)
    body: list[str] = []
    for day, label in _ticks(spec, first, last):
        body.append(f'<line x1="{x(day):.1f}" y1="{top - 6}" x2="{x(day):.1f}" y2="{top + count * ROW}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        if label:
            body.append(f'<text x="{x(day) + 3:.1f}" y="{top - 10}" font-size="11" fill="{MUTED}">{text(label)}</text>')
    ends: dict[str, tuple[float, float]] = {}
    starts: dict[str, tuple[float, float]] = {}
    for i, (section, item) in enumerate(rows):
        row_y = top + i * ROW
        if item is None:
            body.append(f'<text class="timeline-section" x="8" y="{row_y + ROW / 2 + 5:.1f}" font-size="12" '
                        f'font-weight="700" fill="{INK}">{text(wrap(section, 90, 1)[0])}</text>')
            continue
        body.append(f'<text x="{LEFT - 8}" y="{row_y + ROW / 2 + 4:.1f}" text-anchor="end" font-size="12" '
                    f'fill="{INK}">{text(wrap(item.label, 30, 1)[0])}</text>')
        colour = series_colour(groups.index(item.group))
        group = f", {item.group}" if item.group else ""
        detail = f" ({item.detail})" if item.detail else ""
        cy = row_y + ROW / 2
        if item.end is None:
            cx = x(item.start)
            label = f"{item.label}{group}: {item.start.isoformat()}{detail}"
            shape = (f'<path class="timeline-milestone" d="M{cx:.1f},{cy - 8:.1f} L{cx + 8:.1f},{cy:.1f} '
                     f'L{cx:.1f},{cy + 8:.1f} L{cx - 8:.1f},{cy:.1f} Z" fill={attr(colour)}/>')
            starts[item.key], ends[item.key] = (cx - 8, cy), (cx + 8, cy)
        else:
            x0, x1 = x(item.start), x(item.end + dt.timedelta(days=1))
            label = f"{item.label}{group}: {item.start.isoformat()} to {item.end.isoformat()}{detail}"
            shape = (f'<rect class="timeline-bar" x="{x0:.1f}" y="{row_y + 6}" width="{x1 - x0:.1f}" '
                     f'height="{ROW - 12}" rx="3" fill={attr(colour)}/>')
            starts[item.key], ends[item.key] = (x0, cy), (x1, cy)
        body.append(f"<g><title>{text(label)}</title>{shape}</g>")
        for marker in item.markers:
            mx = x(marker.day)
            fill = MARKER_INKS.get(marker.state, INK)
            state = f" marker-{marker.state}" if marker.state else ""
            body.append(f"<g><title>{text(f'{item.label}: {marker.label}, {marker.day.isoformat()}')}</title>"
                        f'<path class="timeline-marker{state}" d="M{mx:.1f},{row_y + 2:.1f} v{ROW - 4} '
                        f'M{mx:.1f},{row_y + 2:.1f} h7 l-2.5,3.5 l2.5,3.5 h-7" fill={attr(fill)} '
                        f'stroke={attr(fill)} stroke-width="1.5"/></g>')
    labels = {item.key: item.label for _section, item in rows if item is not None and item.key}
    for needed, needing in spec.links:
        if needed in ends and needing in starts:
            (x0, y0), (x1, y1) = ends[needed], starts[needing]
            body.append(_link(x0, y0, x1, y1, spec.link_label % {"needing": labels[needing],
                                                                 "needed": labels[needed]}))
    if not spec.items:
        body.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{top + ROW / 2 + 4}" text-anchor="middle" '
                    f'font-size="13" fill="{MUTED}">{text(spec.empty_message)}</text>')
    if spec.today is not None:
        tx = x(spec.today)
        body.append(f'<line class="timeline-today" x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" '
                    f'y2="{top + count * ROW}" stroke="{TODAY_INK}" stroke-width="2" stroke-dasharray="4 3">'
                    f"<title>{text(spec.today_label)}, {spec.today.isoformat()}</title></line>")
    if legend_height:
        body.extend(legend([(g, series_colour(k), None) for k, g in enumerate(groups) if g], 8,
                           top + count * ROW + BOTTOM + 12))
    return document(W, height, title=spec.title, description=spec.description, id_prefix=spec.id_prefix,
                    css_class="timeline", body=body, heading=heading, standalone=standalone)
