"""Accord's charts: SVG drawn server-side, shown in pages, downloaded, and put into PDF reports
(decision 0007, moved here from the risk app by decision 0030).

Pure: no Django, no domain app (import contract "charts-pure"). An app builds a spec (plain
dataclasses holding its labels, values and palette) and gets markup back:

* `heatmap_svg`: a grid of levels with a count per cell (the risk matrix);
* `lec_svg`: the loss exceedance curve with tolerance points (log-log);
* `line_svg`: line curves over linear or logarithmic axes;
* `bar_svg`: grouped or stacked bars;
* `timeline_svg`: a Gantt chart of dated items and milestones;
* `graph_svg`: a dependency graph in layers.
"""

from accord.charts.bars import BarSeries, BarSpec, bar_svg
from accord.charts.exceedance import LecMarker, LecSeries, LecSpec, lec_svg
from accord.charts.graph import GraphNode, GraphSpec, graph_svg
from accord.charts.heatmap import HeatmapSpec, Swatch, heatmap_svg
from accord.charts.lines import LineMark, LineSeries, LineSpec, line_svg
from accord.charts.numbers import compact_amount, format_money, format_probability
from accord.charts.timeline import TimelineItem, TimelineMarker, TimelineSpec, timeline_svg

__all__ = [
    "BarSeries", "BarSpec", "GraphNode", "GraphSpec", "HeatmapSpec", "LecMarker", "LecSeries", "LecSpec",
    "LineMark", "LineSeries", "LineSpec", "Swatch", "TimelineItem", "TimelineMarker", "TimelineSpec", "bar_svg",
    "compact_amount",
    "format_money", "format_probability", "graph_svg", "heatmap_svg", "lec_svg", "line_svg", "timeline_svg",
]
