"""The timeline: a bar per item from its first to its last day, proportional to its duration, a diamond
per milestone, today's line, and the dates in every title."""

import datetime as dt

import pytest

from accord.charts import TimelineItem, TimelineMarker, TimelineSpec, timeline_svg
from tests.charts.conftest import SVG

D = dt.date


def _spec(**extra):
    items = [TimelineItem("Backups tested", D(2026, 1, 1), D(2026, 1, 31), group="Resilience"),
             TimelineItem("MFA for all", D(2026, 2, 1), D(2026, 3, 31), group="Access"),
             TimelineItem("Audit <ISO & co>", D(2026, 4, 15))]
    return TimelineSpec("Roadmap", "Treatment plan, 2026.", items, **extra)


def _groups(root):
    return [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]


def test_every_item_is_a_bar_or_a_milestone_with_its_dates(clean):
    root = clean(timeline_svg(_spec()))
    groups = _groups(root)
    assert [g.find(f"{SVG}title").text for g in groups] == [
        "Backups tested, Resilience: 2026-01-01 to 2026-01-31", "MFA for all, Access: 2026-02-01 to 2026-03-31",
        "Audit <ISO & co>: 2026-04-15"]
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "timeline-bar"]
    milestones = [p for p in root.iter(f"{SVG}path") if p.get("class") == "timeline-milestone"]
    assert len(bars) == 2 and len(milestones) == 1


def test_positions_are_proportional_to_dates(clean):
    root = clean(timeline_svg(_spec()))
    january, feb_march = (r for r in root.iter(f"{SVG}rect") if r.get("class") == "timeline-bar")
    x0, w0 = float(january.get("x")), float(january.get("width"))
    x1, w1 = float(feb_march.get("x")), float(feb_march.get("width"))
    assert x0 + w0 == pytest.approx(x1, abs=0.11)  # February starts where January ends
    assert w1 / w0 == pytest.approx(59 / 31, rel=0.01)  # 59 days against 31
    # The span is whole months: January 1 to April 30 (120 days) across the plot.
    day = w0 / 31
    (milestone,) = (p for p in root.iter(f"{SVG}path") if p.get("class") == "timeline-milestone")
    centre = float(milestone.get("d").split()[0][1:].split(",")[0])
    assert centre == pytest.approx(x0 + (D(2026, 4, 15) - D(2026, 1, 1)).days * day, abs=0.2)


def test_today_is_a_line_at_its_date(clean):
    root = clean(timeline_svg(_spec(today=D(2026, 2, 1))))
    (today,) = (line for line in root.iter(f"{SVG}line") if line.get("class") == "timeline-today")
    (feb_march,) = (r for r in root.iter(f"{SVG}rect")
                    if r.get("class") == "timeline-bar" and float(r.get("x")) > 300)
    assert float(today.get("x1")) == pytest.approx(float(feb_march.get("x")), abs=0.11)
    assert today.find(f"{SVG}title").text == "Today, 2026-02-01"


def test_month_labels_run_along_the_top(clean):
    texts = [t.text for t in clean(timeline_svg(_spec())).iter(f"{SVG}text")]
    assert {"Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"} <= set(texts)


def test_an_item_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends"):
        TimelineItem("x", D(2026, 2, 1), D(2026, 1, 1))


def test_an_empty_timeline_says_so(clean):
    root = clean(timeline_svg(TimelineSpec("Roadmap", "Nothing yet.", [])))
    assert "Nothing is planned." in [t.text for t in root.iter(f"{SVG}text")]


def _roadmap(**extra):
    gate = TimelineMarker(D(2026, 3, 1), "Approval gate: review overdue", "overdue")
    items = [TimelineItem("ERP", D(2026, 1, 10), D(2026, 5, 20), group="In delivery", key="I-1",
                          section="Grow online sales", detail="at risk", markers=(gate,)),
             TimelineItem("Shop", D(2026, 6, 1), D(2026, 9, 30), group="Approved", key="I-2",
                          section="Grow online sales"),
             TimelineItem("Backups", D(2026, 2, 1), D(2026, 2, 28), group="In delivery", key="I-3",
                          section="Resilience")]
    return TimelineSpec("Roadmap", "By objective.", items, links=[("I-1", "I-2"), ("I-3", "I-9")], quarters=True,
                        legend=True, **extra)


def test_a_roadmap_has_a_heading_row_per_section_quarters_gates_and_dependency_arrows(clean):
    root = clean(timeline_svg(_roadmap()))
    sections = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "timeline-section"]
    assert sections == ["Grow online sales", "Resilience"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert [t for t in texts if t and t.startswith("Q")] == ["Q1 2026", "Q2 2026", "Q3 2026"]
    titles = [g.find(f"{SVG}title").text for g in _groups(root)]
    assert "ERP, In delivery: 2026-01-10 to 2026-05-20 (at risk)" in titles
    assert "ERP: Approval gate: review overdue, 2026-03-01" in titles
    assert "Shop needs ERP" in titles and not any("I-9" in t for t in titles)  # a link to nothing is left out
    (marker,) = (p for p in root.iter(f"{SVG}path") if "timeline-marker" in (p.get("class") or ""))
    assert marker.get("class") == "timeline-marker marker-overdue"
    (link,) = (p for p in root.iter(f"{SVG}path") if p.get("class") == "timeline-link")
    erp, shop, _backups = (r for r in root.iter(f"{SVG}rect") if r.get("class") == "timeline-bar")
    start_x, start_y = (float(v) for v in link.get("d").split()[0][1:].split(","))
    assert start_x == pytest.approx(float(erp.get("x")) + float(erp.get("width")), abs=0.11)  # the end of ERP
    assert start_y == float(erp.get("y")) + 8  # the middle of its row
    assert float(link.get("d").split()[-1][1:]) == pytest.approx(float(shop.get("x")), abs=0.11)  # Shop's start
    # Rows: a heading, two items, a heading, one item; each bar sits in its own row below its heading.
    assert float(shop.get("y")) - float(erp.get("y")) == 28 and float(_backups.get("y")) - float(shop.get("y")) == 56
    assert {"In delivery", "Approved"} <= set(texts)  # the legend names each group


def test_the_quarter_label_and_the_words_come_from_the_caller(clean):
    root = clean(timeline_svg(_roadmap(quarter_label="T%(quarter)s %(year)s", link_label="%(needing)s après "
                                       "%(needed)s", today=D(2026, 4, 1), today_label="Aujourd’hui")))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "T2 2026" in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Shop après ERP" in titles and "Aujourd’hui, 2026-04-01" in titles
