"""Accord's charts: SVG drawn server-side, shown in pages, downloaded, and put into PDF reports
(decision 0007, moved here from the risk app by decision 0030).

Pure: no Django, no domain app (import contract "charts-pure"). An app builds a spec (plain
dataclasses holding its labels, values and palette) and gets markup back.
"""

from accord.charts.exceedance import LecMarker, LecSeries, LecSpec, lec_svg
from accord.charts.heatmap import HeatmapSpec, Swatch, heatmap_svg
from accord.charts.numbers import compact_amount, format_money, format_probability

__all__ = [
    "HeatmapSpec", "LecMarker", "LecSeries", "LecSpec", "Swatch", "compact_amount", "format_money",
    "format_probability", "heatmap_svg", "lec_svg",
]
