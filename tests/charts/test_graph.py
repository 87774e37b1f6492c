"""The dependency graph: a box per node and an arrow per edge, every arrow pointing right (a dependant is
laid out after what it depends on), crossings removed where the layout can, cycles refused."""

import itertools

import pytest

from accord.charts import GraphNode, GraphSpec, graph_svg
from accord.charts.graph import layout
from tests.charts.conftest import SVG

NODES = [GraphNode("dc", "Data centre", "site"), GraphNode("db", "Database <prod>", "system"),
         GraphNode("crm", "CRM & billing", "system"), GraphNode("web", "Web shop", "system"),
         GraphNode("sso", "Single sign-on", "system")]
EDGES = [("dc", "db"), ("db", "crm"), ("db", "web"), ("sso", "web"), ("crm", "web")]


def _spec():
    return GraphSpec("Dependencies", "What runs on what.", NODES, EDGES)


def test_every_node_is_a_box_and_every_edge_an_arrow(clean):
    root = clean(graph_svg(_spec()))
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "graph-node"]
    edges = [p for p in root.iter(f"{SVG}path") if p.get("class") == "graph-edge"]
    assert len(nodes) == 5 and len(edges) == 5
    assert {g.find(f"{SVG}title").text for g in nodes} >= {"Database <prod> (system)", "CRM & billing (system)"}
    assert {e.find(f"{SVG}title").text for e in edges} >= {"Data centre → Database <prod>"}
    assert all(e.get("marker-end") == "url(#graph-arrow)" for e in edges)


def test_arrows_point_right_from_the_box_they_leave_to_the_box_they_reach(clean):
    root = clean(graph_svg(_spec()))
    boxes = {g.find(f"{SVG}title").text.split(" (")[0]: g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g")
             if g.get("class") == "graph-node"}
    for edge in (p for p in root.iter(f"{SVG}path") if p.get("class") == "graph-edge"):
        source, target = edge.find(f"{SVG}title").text.split(" → ")
        start = edge.get("d").split()[0][1:]
        end = edge.get("d").split()[-1]
        sx, sy = map(float, start.split(","))
        ex, ey = map(float, end.split(","))
        s, t = boxes[source], boxes[target]
        assert sx == pytest.approx(float(s.get("x")) + float(s.get("width")))
        assert sy == pytest.approx(float(s.get("y")) + float(s.get("height")) / 2)
        assert ex == pytest.approx(float(t.get("x")))
        assert ey == pytest.approx(float(t.get("y")) + float(t.get("height")) / 2)
        assert ex > sx


def test_a_node_sits_one_layer_after_its_furthest_dependency():
    placed = layout([n.id for n in NODES], EDGES)
    assert placed.layers == (("dc", "sso"), ("db",), ("crm",), ("web",))


def test_the_layout_orders_a_layer_by_its_neighbours_to_remove_crossings():
    # a1 → b2 and a2 → b1 cross in input order; the barycentre sweep swaps the b layer.
    placed = layout(["a1", "a2", "b1", "b2"], [("a1", "b2"), ("a2", "b1")])
    assert placed.layers == (("a1", "a2"), ("b2", "b1"))

    def crossings(edges):
        pos = placed.position
        return sum(1 for (s1, t1), (s2, t2) in itertools.combinations(edges, 2)
                   if (pos[s1][1] - pos[s2][1]) * (pos[t1][1] - pos[t2][1]) < 0)

    assert crossings([("a1", "b2"), ("a2", "b1")]) == 0


@pytest.mark.parametrize(("nodes", "edges", "message"), [
    (["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")], "cycle through: b, c"),
    (["a"], [("a", "a")], "'a' depends on itself"),
    (["a"], [("a", "z")], "'z', which is not a node"),
    (["a", "a"], [], "named more than once: a"),
])
def test_a_graph_that_cannot_be_layered_is_refused_naming_the_nodes(nodes, edges, message):
    with pytest.raises(ValueError, match=message):
        layout(nodes, edges)


def test_nodes_without_edges_share_the_first_layer(clean):
    root = clean(graph_svg(GraphSpec("Alone", "No dependencies.", [GraphNode("a", "A"), GraphNode("b", "B")], [])))
    xs = {g.find(f"{SVG}rect").get("x") for g in root.iter(f"{SVG}g") if g.get("class") == "graph-node"}
    assert len(xs) == 1
