"""The dependency graph: boxes for things (systems, controls, suppliers) and arrows for "depends on",
laid out in layers from left to right (a simple Sugiyama layout, no dependency):

1. layers: each node sits one layer right of the furthest node that points to it (longest path from
   the sources, by Kahn's topological order); a cycle has no such order and is refused, naming its nodes;
2. order within a layer: a few sweeps that place each node at the mean position of its neighbours in the
   previous layer (the barycentre heuristic), which removes most crossings of a small graph;
3. positions: layer k at x = LEFT + k × (box width + gap), the j-th node of a layer at row j; an arrow
   between neighbouring layers is one curve, one that skips layers runs in the gap below the rows it joins.

Every box is a `<g class="graph-node">` with a `<title>`, every arrow a `<path class="graph-edge">` with a
`<title>` "A → B"; the arrow head is an SVG marker (presentation attributes only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from accord.charts.svg import INK, MUTED, attr, document, heading_height, series_colour, text, wrap

NODE_W, NODE_H = 150, 44
GAP_X, GAP_Y = 60, 18
LEFT, TOP, MARGIN = 16, 16, 16
SWEEPS = 4


@dataclass(frozen=True)
class GraphNode:
    """A box: `id` names it in the edges, `label` is shown, `group` picks its outline colour (named in its
    title)."""

    id: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class GraphSpec:
    """Nodes and edges (source id, target id): an arrow from source to target, the target drawn right of
    the source."""

    title: str
    description: str
    nodes: Sequence[GraphNode]
    edges: Sequence[tuple[str, str]]
    id_prefix: str = "graph"


@dataclass(frozen=True)
class Layout:
    """Where each node goes: its layer (column) and its row within the layer."""

    layers: tuple[tuple[str, ...], ...]
    position: dict[str, tuple[int, int]] = field(default_factory=dict)


def layout(nodes: Sequence[str], edges: Sequence[tuple[str, str]]) -> Layout:
    """Layers and order of a directed acyclic graph (see the module's docstring); ValueError for an unknown
    node in an edge, a node named twice, a loop or a cycle."""
    known = set(nodes)
    if len(known) != len(nodes):
        twice = sorted({n for n in nodes if list(nodes).count(n) > 1})
        raise ValueError(f"node(s) named more than once: {', '.join(twice)}")
    successors: dict[str, list[str]] = defaultdict(list)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for source, target in dict.fromkeys(edges):
        for end in (source, target):
            if end not in known:
                raise ValueError(f"an edge names '{end}', which is not a node")
        if source == target:
            raise ValueError(f"'{source}' depends on itself")
        successors[source].append(target)
        predecessors[target].append(source)
    # Longest path from the sources, in Kahn's order (input order among the ready nodes: a stable layout).
    waiting = {n: len(predecessors[n]) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    layer = dict.fromkeys(ready, 0)
    order: list[str] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for target in successors[node]:
            layer[target] = max(layer.get(target, 0), layer[node] + 1)
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    if len(order) < len(nodes):
        stuck = [n for n in nodes if waiting[n] > 0]
        raise ValueError(f"the dependencies form a cycle through: {', '.join(stuck)}")
    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for node in nodes:
        columns[layer[node]].append(node)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        neighbours = predecessors if forward else successors
        for k in indices:
            reference = {n: j for j, n in enumerate(columns[k - 1 if forward else k + 1])}
            keys: dict[str, tuple[float, int]] = {}
            for j, node in enumerate(columns[k]):
                placed = [reference[m] for m in neighbours[node] if m in reference]
                keys[node] = (sum(placed) / len(placed) if placed else float(j), j)
            columns[k].sort(key=keys.__getitem__)
    position = {n: (k, j) for k, column in enumerate(columns) for j, n in enumerate(column)}
    return Layout(tuple(tuple(c) for c in columns), position)


def graph_svg(spec: GraphSpec, *, heading: bool = False, standalone: bool = True) -> str:
    """The dependency graph as an SVG image (see `accord.charts.svg.document` for `heading` and
    `standalone`); ValueError as `layout` says."""
    by_id = {n.id: n for n in spec.nodes}
    placed = layout([n.id for n in spec.nodes], spec.edges)
    head = heading_height(spec.description, heading=heading)
    top = TOP + head
    width = max(LEFT + len(placed.layers) * (NODE_W + GAP_X) - GAP_X + MARGIN, 320)
    rows = max((len(c) for c in placed.layers), default=1)
    height = top + rows * (NODE_H + GAP_Y) + MARGIN  # a gap below the last row for edges that skip layers

    def box(node_id: str) -> tuple[float, float]:
        k, j = placed.position[node_id]
        return LEFT + k * (NODE_W + GAP_X), top + j * (NODE_H + GAP_Y)

    pid = spec.id_prefix
    body = [f'<defs><marker id="{pid}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 Z" fill="{MUTED}"/></marker>'
            "</defs>"]
    for source, target in dict.fromkeys(spec.edges):
        (sx, sy), (tx, ty) = box(source), box(target)
        x0, y0, x1, y1 = sx + NODE_W, sy + NODE_H / 2, tx, ty + NODE_H / 2
        if placed.position[target][0] - placed.position[source][0] == 1:
            bend = (x1 - x0) / 2
            d = f"M{x0:.1f},{y0:.1f} C{x0 + bend:.1f},{y0:.1f} {x1 - bend:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        else:
            # An edge that skips layers runs in the gap below the rows it joins, not behind the boxes between.
            lane, r = max(sy, ty) + NODE_H + GAP_Y / 2, GAP_X / 2
            d = (f"M{x0:.1f},{y0:.1f} C{x0 + r:.1f},{y0:.1f} {x0 + r:.1f},{lane:.1f} {x0 + GAP_X:.1f},{lane:.1f} "
                 f"L{x1 - GAP_X:.1f},{lane:.1f} C{x1 - r:.1f},{lane:.1f} {x1 - r:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
        body.append(f'<path class="graph-edge" d="{d}" fill="none" stroke="{MUTED}" stroke-width="1.5" '
                    f'marker-end="url(#{pid}-arrow)"><title>{text(by_id[source].label)} → '
                    f"{text(by_id[target].label)}</title></path>")
    groups = list(dict.fromkeys(n.group for n in spec.nodes))
    for node in spec.nodes:
        x, y = box(node.id)
        colour = series_colour(groups.index(node.group))
        lines = wrap(node.label, 20)
        first = y + NODE_H / 2 + 4 - (len(lines) - 1) * 7
        label = f"{node.label} ({node.group})" if node.group else node.label
        tspans = "".join(f'<tspan x="{x + NODE_W / 2:.1f}" y="{first + 14 * k:.1f}">{text(s)}</tspan>'
                         for k, s in enumerate(lines))
        body.append(f'<g class="graph-node"><title>{text(label)}</title><rect x="{x:.1f}" y="{y:.1f}" '
                    f'width="{NODE_W}" height="{NODE_H}" rx="6" fill="#ffffff" stroke={attr(colour)} '
                    f'stroke-width="2"/><text text-anchor="middle" font-size="12" fill="{INK}">{tspans}</text></g>')
    return document(width, height, title=spec.title, description=spec.description, id_prefix=pid,
                    css_class="dependency-graph", body=body, heading=heading, standalone=standalone)
