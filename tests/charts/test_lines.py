"""Line charts: points mapped linearly (or by decades on a log axis) inside the plot, series told apart by
dash as well as colour, escaped labels."""

import pytest

from accord.charts import LineMark, LineSeries, LineSpec, line_svg
from tests.charts.conftest import SVG


def _plot(root):
    (frame,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "line-plot"]
    x, y, w, h = (float(frame.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, w, h


def _points(polyline):
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]


def test_points_map_linearly_onto_the_plot(clean):
    spec = LineSpec("Open findings", "Per month.", [LineSeries("Open", [(0, 0), (5, 50), (10, 100)])],
                    x_format=lambda v: f"{v:g}", y_format=lambda v: f"{v:g}")
    root = clean(line_svg(spec))
    x, y, w, h = _plot(root)
    (curve,) = root.iter(f"{SVG}polyline")
    expected = [(x, y + h), (x + w / 2, y + h / 2), (x + w, y)]  # 0 at the bottom left, 100 at the top right
    assert _points(curve) == [(pytest.approx(px, abs=0.06), pytest.approx(py, abs=0.06)) for px, py in expected]
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")][1] == "Open: 5, 50"


def test_a_log_axis_gives_each_decade_the_same_length(clean):
    spec = LineSpec("Tail", "d", [LineSeries("S", [(1e3, 1), (1e4, 2), (1e5, 3)])], x_log=True)
    root = clean(line_svg(spec))
    (curve,) = root.iter(f"{SVG}polyline")
    xs = [px for px, _ in _points(curve)]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.2)


def test_series_differ_in_dash_and_colour_and_the_legend_names_them(clean):
    spec = LineSpec("Exposure", "d", [LineSeries("Inherent", [(1, 1), (2, 2)]),
                                      LineSeries("Residual", [(1, 1), (2, 1)])])
    root = clean(line_svg(spec))
    first, second = root.iter(f"{SVG}polyline")
    assert first.get("stroke") != second.get("stroke")
    assert first.get("stroke-dasharray") is None and second.get("stroke-dasharray")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Inherent" in texts and "Residual" in texts


def test_labels_are_escaped_and_an_empty_chart_says_so(clean):
    svg = line_svg(LineSpec("<Trend> & co", "d", [LineSeries("<s>", [])], y_title="Risks <open>"))
    root = clean(svg)
    assert root.find(f"{SVG}title").text == "<Trend> & co"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Risks <open>" in texts and "No data." in texts


def test_a_mark_is_a_labelled_ring_at_its_point(clean):
    spec = LineSpec("Frontier", "d", [LineSeries("Value", [(0, 0), (10, 100)])],
                    marks=[LineMark("Chosen <1x>", 5, 50)], x_format=lambda v: f"{v:g}", y_format=lambda v: f"{v:g}")
    root = clean(line_svg(spec))
    x, y, w, h = _plot(root)
    (mark,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "line-mark"]
    ring = mark.find(f"{SVG}circle")
    assert (float(ring.get("cx")), float(ring.get("cy"))) == (pytest.approx(x + w / 2, abs=0.06),
                                                              pytest.approx(y + h / 2, abs=0.06))
    assert ring.get("fill") == "none"
    assert mark.find(f"{SVG}text").text == "Chosen <1x>"
    assert mark.find(f"{SVG}title").text == "Chosen <1x>: 5, 50"


def test_marks_are_left_out_of_an_empty_chart(clean):
    root = clean(line_svg(LineSpec("Frontier", "d", [LineSeries("Value", [])], marks=[LineMark("Chosen", 1, 1)])))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "line-mark"]
