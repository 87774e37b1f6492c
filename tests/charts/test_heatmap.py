"""The heat map SVG: well-formed, escaped, accessible, and it draws what it is given."""

import xml.etree.ElementTree as ET

from accord.charts import HeatmapSpec, Swatch, heatmap_svg
from accord.charts.svg import wrap

SVG = "{http://www.w3.org/2000/svg}"
LEVELS = [["low", "low", "medium"], ["low", "medium", "high"], ["medium", "high", "critical"]]
PALETTE = (Swatch("low", "Low", "#2e7d32", "#ffffff"), Swatch("medium", "Medium", "#fdd835", "#212529"),
           Swatch("high", "High", "#f57c00", "#212529"), Swatch("critical", "Critical", "#c62828", "#ffffff"))
FILL = {s.key: s.fill for s in PALETTE}


def _spec(**extra):
    data = {
        "title": "Residual risk heat map", "description": "7 risks by residual likelihood and impact.",
        "row_labels": ["Rare", "Possible", "Likely"], "column_labels": ["Minor", "Major", "Severe"],
        "levels": LEVELS, "counts": [[1, 0, 0], [0, 2, 0], [0, 0, 4]], "id_prefix": "hm", "palette": PALETTE,
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
    assert first.find(f"{SVG}rect").get("fill") == FILL["medium"]
    texts = [t.text for t in first.findall(f"{SVG}text")]
    assert texts == ["0", "Medium"]
    last_row_first = cells[6]  # likelihood 1, impact 1
    assert [t.text for t in last_row_first.findall(f"{SVG}text")] == ["1", "Low"]
    assert cells[2].find(f"{SVG}rect").get("fill") == FILL["critical"]


def test_labels_are_escaped():
    svg = heatmap_svg(_spec(title='Risks of "A & B" <Ltd>', row_labels=["<b>Rare</b>", "Possible", "Likely"],
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
    assert wrap("Almost certain", 22) == ["Almost certain"]
    assert wrap("Catastrophic for the whole group", 15) == ["Catastrophic", "for the whole …"]
    assert wrap("Supercalifragilistic", 10) == ["Supercali…"]


def test_any_grid_can_be_drawn_with_its_own_axes_noun_and_palette():
    maturity = (Swatch("weak", "Weak", "#c62828", "#ffffff"), Swatch("good", "Good", "#2e7d32", "#ffffff"))
    spec = HeatmapSpec(title="Control maturity", description="Controls by domain and maturity.",
                       row_labels=["Initial", "Managed"], column_labels=["Access", "Backup", "Network"],
                       levels=[["weak", "weak", "good"], ["good", "good", "good"]], counts=[[1, 0, 2], [3, 1, 0]],
                       palette=maturity, row_title="Maturity", column_title="Domain", noun=("control", "controls"),
                       link=lambda r, c: f"/c/{r}/{c}")
    root = _parse(heatmap_svg(spec))
    labels = {a.get("href"): a.get("aria-label") for a in root.findall(f".//{SVG}a")}
    assert len(labels) == 6
    assert labels["/c/2/1"] == "Maturity 2 (Managed), domain 1 (Access): 3 controls, level good"
    assert labels["/c/1/3"].endswith(": 2 controls, level good")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Maturity" in texts and "Domain" in texts and "Likelihood" not in texts
    legend = [t.text for t in root.iter(f"{SVG}text") if t.text in ("Weak", "Good")]
    assert legend[-2:] == ["Weak", "Good"]  # the legend lists the palette, in its order
