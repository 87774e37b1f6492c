"""The heat map SVG: well-formed, escaped, accessible, and it draws what it is given."""

import itertools
import xml.etree.ElementTree as ET

from accord.risks.charts import LEVEL_COLOURS, HeatmapSpec, _wrap, heatmap_svg

SVG = "{http://www.w3.org/2000/svg}"
LEVELS = [["low", "low", "medium"], ["low", "medium", "high"], ["medium", "high", "critical"]]


def _spec(**extra):
    data = {
        "title": "Residual risk heat map", "description": "7 risks by residual likelihood and impact.",
        "likelihood_labels": ["Rare", "Possible", "Likely"], "impact_labels": ["Minor", "Major", "Severe"],
        "levels": LEVELS, "counts": [[1, 0, 0], [0, 2, 0], [0, 0, 4]], "id_prefix": "hm",
    }
    return HeatmapSpec(**{**data, **extra})


def _parse(svg):
    return ET.fromstring(svg.encode())  # noqa: S314 - markup the code under test made


def test_the_download_is_a_standalone_image_with_title_and_description():
    root = _parse(heatmap_svg(_spec(link=lambda li, im: "/x"), standalone=True))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "hm-title hm-desc"
    assert root.find(f"{SVG}title").text == "Residual risk heat map"
    assert root.find(f"{SVG}desc").text.startswith("7 risks")
    assert root.findall(f".//{SVG}a") == []  # a downloaded image has no links to follow


def test_in_the_page_every_cell_is_a_described_link():
    root = _parse(heatmap_svg(_spec(link=lambda li, im: f"/risks/?residual_cell={li}-{im}")))
    links = root.findall(f".//{SVG}a")
    assert len(links) == 9
    assert root.get("role") != "img"  # an image role would hide the links from screen readers
    by_href = {a.get("href"): a.get("aria-label") for a in links}
    assert by_href["/risks/?residual_cell=3-3"] == (
        "Likelihood 3 (Likely), impact 3 (Severe): 4 risks, level critical")
    assert by_href["/risks/?residual_cell=1-1"].endswith(": 1 risk, level low")


def test_each_cell_shows_its_count_in_its_level_colour():
    root = _parse(heatmap_svg(_spec()))
    cells = root.findall(f".//{SVG}g")
    assert len(cells) == 9
    # Rows are drawn from the highest likelihood down; the first cell is likelihood 3, impact 1.
    first = cells[0]
    assert first.find(f"{SVG}rect").get("fill") == LEVEL_COLOURS["medium"][0]
    texts = [t.text for t in first.findall(f"{SVG}text")]
    assert texts == ["0", "Medium"]
    last_row_first = cells[6]  # likelihood 1, impact 1
    assert [t.text for t in last_row_first.findall(f"{SVG}text")] == ["1", "Low"]
    assert cells[2].find(f"{SVG}rect").get("fill") == LEVEL_COLOURS["critical"][0]


def test_labels_are_escaped():
    svg = heatmap_svg(_spec(title='Risks of "A & B" <Ltd>', likelihood_labels=["<b>Rare</b>", "Possible", "Likely"],
                            link=lambda li, im: "/r?a=1&b=2"))
    root = _parse(svg)  # would raise on unescaped markup
    assert root.find(f"{SVG}title").text == 'Risks of "A & B" <Ltd>'
    assert "<b>" not in svg
    assert 'href="/r?a=1&amp;b=2"' in svg


def test_cells_above_tolerance_are_outlined_and_counted():
    above = [[0, 0, 0], [0, 1, 0], [0, 0, 3]]
    svg = heatmap_svg(_spec(above=above))
    root = _parse(svg)
    outlined = [g for g in root.findall(f".//{SVG}g")
                if any(r.get("stroke-dasharray") for r in g.findall(f"{SVG}rect"))]
    assert len(outlined) == 2
    assert "3 above tolerance" in svg and "▲3" in svg
    assert "above the signed risk appetite" in svg  # the legend explains the outline
    assert "above the signed" not in heatmap_svg(_spec())


def test_long_labels_wrap_onto_two_lines_and_are_shortened_beyond():
    assert _wrap("Almost certain", 22) == ["Almost certain"]
    assert _wrap("Catastrophic for the whole group", 15) == ["Catastrophic", "for the whole …"]
    assert _wrap("Supercalifragilistic", 10) == ["Supercali…"]


# --- the loss exceedance curve ------------------------------------------------------------------------

def _lec(markers=(), series=None, **extra):
    from accord.risks.charts import LecMarker, LecSeries, LecSpec

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
    from accord.risks.charts import lec_svg

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
    from accord.risks.charts import lec_svg

    root = _parse(lec_svg(_lec(markers=[(2e7, 0.0002)])))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end" and (t.text or "").endswith("%")]
    assert labels[:5] == ["100 %", "10 %", "1 %", "0.1 %", "0.01 %"]
    assert any("log scale" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_the_probability_axis_spans_at_least_two_decades():
    from accord.risks.charts import LecSeries, lec_svg

    flat = [LecSeries("Inherent", [(1e4, 0.9), (1e5, 0.5), (1e6, 0.2)])]
    labels = [t.text for t in _parse(lec_svg(_lec(series=flat))).iter(f"{SVG}text") if (t.text or "").endswith(" %")]
    assert "1 %" in labels


def test_a_curve_past_its_last_simulated_loss_drops_to_the_bottom_edge_once():
    from accord.risks.charts import lec_svg

    root = _parse(lec_svg(_lec()))
    _, bottom = _plot_area(root)
    (curve,) = root.iter(f"{SVG}polyline")
    ys = [float(point.split(",")[1]) for point in curve.get("points").split()]
    assert ys[-1] == bottom
    assert ys.count(bottom) == 1
    assert ys == sorted(ys)  # an exceedance curve only falls


def test_a_tolerance_label_at_the_top_edge_stays_inside_the_plot():
    from accord.risks.charts import lec_svg

    root = _parse(lec_svg(_lec(markers=[(1e5, 0.95)])))
    top, bottom = _plot_area(root)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "lec-tolerance"]
    assert top < float(group.find(f"{SVG}text").get("y")) < bottom


def test_the_curve_svg_is_csp_safe():
    from accord.risks.charts import lec_svg

    svg = lec_svg(_lec(markers=[(5e6, 0.02)]), heading=True)
    _parse(svg)
    assert "style=" not in svg and "<script" not in svg and "javascript:" not in svg
