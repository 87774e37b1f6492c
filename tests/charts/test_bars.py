"""Bar charts: a bar per category and series, heights proportional to the values on one baseline, stacked
segments that touch and add up to the total, escaped labels and a title on every bar."""

import itertools

import pytest

from accord.charts import BarSeries, BarSpec, bar_svg
from tests.charts.conftest import SVG

CATEGORIES = ["Q1", "Q2", "Q3"]


def _bars(root):
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def _box(rect):
    return tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))


def test_grouped_bars_stand_on_one_baseline_with_heights_proportional_to_values(clean):
    spec = BarSpec("Budget", "Budget by quarter.", CATEGORIES,
                   [BarSeries("Planned", [100, 50, 25]), BarSeries("Spent", [80, 0, 100])])
    root = clean(bar_svg(spec))
    bars = _bars(root)
    assert len(bars) == 6
    boxes = [_box(b) for b in bars]
    baseline = {round(y + h, 1) for _, y, _, h in boxes}
    assert len(baseline) == 1  # every bar ends on the zero line
    heights = {b.find(f"{SVG}title").text: h for b, (_, _, _, h) in zip(bars, boxes, strict=True)}
    assert heights["Q1, Planned: 100"] == pytest.approx(2 * heights["Q2, Planned: 50"], abs=0.2)
    assert heights["Q2, Planned: 50"] == pytest.approx(2 * heights["Q3, Planned: 25"], abs=0.2)
    assert heights["Q2, Spent: 0"] == 0
    xs = [x for x, _, _, _ in boxes]
    assert xs == sorted(xs)  # categories left to right, series side by side within each


def test_stacked_segments_touch_and_the_total_is_written_above(clean):
    spec = BarSpec("Controls", "Controls by status.", ["ISO 27001", "NIST"],
                   [BarSeries("Done", [30, 10]), BarSeries("Doing", [10, 0]), BarSeries("To do", [20, 5])],
                   stacked=True, value_format=lambda v: f"{v:g}")
    root = clean(bar_svg(spec))
    bars = _bars(root)
    assert len(bars) == 5  # a zero segment is not drawn
    iso = [_box(b) for b in bars if b.find(f"{SVG}title").text.startswith("ISO")]
    for (_, y_low, _, _), (_, y_up, _, h_up) in itertools.pairwise(iso):
        assert y_up + h_up == pytest.approx(y_low, abs=0.11)  # the next segment sits on the one below
    assert [b.find(f"{SVG}title").text for b in bars][:3] == ["ISO 27001, Done: 30", "ISO 27001, Doing: 10",
                                                                "ISO 27001, To do: 20"]
    totals = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "bar-total"]
    assert totals == ["60", "15"]
    heights = [h for _, _, _, h in iso]
    assert heights[0] == pytest.approx(3 * heights[1], abs=0.3)


def test_labels_are_escaped(clean):
    svg = bar_svg(BarSpec('Spend of "A & B" <Ltd>', "x < y", ["<b>R&D</b>"], [BarSeries("S&P", [1])]))
    root = clean(svg)
    assert root.find(f"{SVG}title").text == 'Spend of "A & B" <Ltd>'
    assert "<b>" not in svg
    assert any(t.text == "<b>R&D</b>" for t in root.iter(f"{SVG}text"))


def test_a_series_of_the_wrong_length_or_a_negative_stack_is_refused():
    with pytest.raises(ValueError, match="'S' has 2 values for 3 categories"):
        BarSpec("t", "d", CATEGORIES, [BarSeries("S", [1, 2])])
    with pytest.raises(ValueError, match="negative"):
        BarSpec("t", "d", ["a"], [BarSeries("S", [-1])], stacked=True)


def test_negative_values_hang_below_the_zero_line(clean):
    root = clean(bar_svg(BarSpec("Variance", "d", ["a", "b"], [BarSeries("S", [10, -10])])))
    (_, y_up, _, h_up), (_, y_down, _, h_down) = (_box(b) for b in _bars(root))
    assert y_up + h_up == pytest.approx(y_down, abs=0.11)  # both start at zero, one up, one down
    assert h_up == pytest.approx(h_down, abs=0.11)


def test_a_downloaded_chart_carries_its_heading(clean):
    root = clean(bar_svg(BarSpec("Budget", "By quarter.", ["a"], [BarSeries("S", [1])]), heading=True))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:2] == ["Budget", "By quarter."]
