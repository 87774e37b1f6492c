"""The loss exceedance curve SVG: logarithmic axes that keep the tail apart, tolerance points inside the
plot, curves that only fall, and nothing a strict CSP refuses."""

import itertools
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    return ET.fromstring(svg.encode())  # noqa: S314 - markup the code under test made

def _lec(markers=(), series=None, **extra):
    from accord.charts import LecMarker, LecSeries, LecSpec

    if series is None:
        losses = [10.0 ** (4 + k / 10) for k in range(41)]  # 10 k to 100 M
        series = [LecSeries("Inherent", [(x, 0.4 * (x / 1e4) ** -0.8 if x < 5e7 else 0.0) for x in losses])]
    return LecSpec(title="Loss exceedance curve", description="Test curve.", currency="EUR", series=series,
                   markers=[LecMarker(loss, p, p / 2, True) for loss, p in markers], **extra)


def _plot_area(root):
    (frame,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "lec-plot"]
    top, height = float(frame.get("y")), float(frame.get("height"))
    return top, top + height


def _tolerance_ys(root):
    """The centre of each tolerance diamond: its path is M x,y-7 L x+7,y L x,y+7 L x-7,y Z."""
    ys = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "lec-tolerance":
            d = group.find(f"{SVG}path").get("d")
            ys.append(float(d.split(" L")[1].split(",")[1]))
    return ys


def test_tolerance_points_in_the_tail_stand_apart_inside_the_plot():
    from accord.charts import lec_svg

    svg = lec_svg(_lec(markers=[(1e6, 0.10), (5e6, 0.02), (2e7, 0.002), (5e7, 0.0002)]))
    root = _parse(svg)
    top, bottom = _plot_area(root)
    ys = _tolerance_ys(root)
    assert len(ys) == 4
    assert all(top < y < bottom for y in ys), (top, ys, bottom)
    assert ys == sorted(ys)  # a smaller probability sits lower
    gaps = [b - a for a, b in itertools.pairwise(ys)]
    assert min(gaps) > 30  # not on the zero line together, as on a linear axis
    assert abs(gaps[1] - gaps[2]) < 1  # a decade is a decade: 2 % → 0.2 % as far as 0.2 % → 0.02 %
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for label in ("at most 10 %", "at most 2 %", "at most 0.2 %", "at most 0.02 %"):
        assert any(label in t for t in texts), label


def test_the_probability_axis_is_labelled_per_decade_down_to_the_smallest_point():
    from accord.charts import lec_svg

    root = _parse(lec_svg(_lec(markers=[(2e7, 0.0002)])))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end" and (t.text or "").endswith("%")]
    assert labels[:5] == ["100 %", "10 %", "1 %", "0.1 %", "0.01 %"]
    assert any("log scale" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_the_probability_axis_spans_at_least_two_decades():
    from accord.charts import LecSeries, lec_svg

    flat = [LecSeries("Inherent", [(1e4, 0.9), (1e5, 0.5), (1e6, 0.2)])]
    labels = [t.text for t in _parse(lec_svg(_lec(series=flat))).iter(f"{SVG}text") if (t.text or "").endswith(" %")]
    assert "1 %" in labels


def test_a_curve_past_its_last_simulated_loss_drops_to_the_bottom_edge_once():
    from accord.charts import lec_svg

    root = _parse(lec_svg(_lec()))
    _, bottom = _plot_area(root)
    (curve,) = root.iter(f"{SVG}polyline")
    ys = [float(point.split(",")[1]) for point in curve.get("points").split()]
    assert ys[-1] == bottom
    assert ys.count(bottom) == 1
    assert ys == sorted(ys)  # an exceedance curve only falls


def test_a_tolerance_label_at_the_top_edge_stays_inside_the_plot():
    from accord.charts import lec_svg

    root = _parse(lec_svg(_lec(markers=[(1e5, 0.95)])))
    top, bottom = _plot_area(root)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "lec-tolerance"]
    assert top < float(group.find(f"{SVG}text").get("y")) < bottom


def test_the_curve_svg_is_csp_safe():
    from accord.charts import lec_svg

    svg = lec_svg(_lec(markers=[(5e6, 0.02)]), heading=True)
    _parse(svg)
    assert "style=" not in svg and "<script" not in svg and "javascript:" not in svg


def test_the_axes_can_be_named_for_another_curve():
    from accord.charts import lec_svg

    root = _parse(lec_svg(_lec(x_title="Loss per incident (EUR, log scale)", y_title="Share of incidents")))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Loss per incident (EUR, log scale)" in texts and "Share of incidents" in texts
    assert not any("Annual loss" in (t or "") for t in texts)
