"""The partner graph: who is linked to whom, laid out and drawn as SVG (pure, no Flask).

The home city sits in the middle; its partner cities, twin towns and networks on a ring
around it; the twin towns' own twin towns on an outer ring, each beside the town it is
twinned with. The layout is deterministic (same data, same picture) and is grown until
no two boxes come closer than GAP; the viewBox is then fitted around every box, so every
node lies inside it. Each node with a page of its own is a link; the kinds differ in
shape and outline as well as tone, and the legend says which is which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup

from app import charts

PAD_X, PAD_Y = 10, 7  # room around a label inside its box
GAP = 10  # the least room between two boxes
MARGIN = 12  # room between the boxes and the edge of the picture
RING = 120  # the inner ring's vertical radius before growing
ASPECT = 2.2  # the rings are ellipses: boxes are wide, screens are wider than tall
OUTER = 1.9  # the outer ring's radius, as a multiple of the inner one
GROW = 1.08  # each try widens the rings by this much
MAX_TRIES = 200

# The kinds of node and edge (the partner kinds, so the caller need not translate).
HOME = "home"
KINDS = ("home", "twin_town", "partner_city", "network", "associated_town")
EDGE_KINDS = ("twin_town", "partner_city", "member_of")


@dataclass(frozen=True)
class Node:
    """A partner in the graph; `parent` places it on the outer ring beside that node."""

    key: str
    label: str
    kind: str
    href: str | None = None
    parent: str | None = None
    title: str = ""  # read out and shown on hover, e.g. "Borken, twin town"


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    kind: str


@dataclass(frozen=True)
class Box:
    """Where a node is drawn: its centre and size, in viewBox units."""

    x: float
    y: float
    w: float
    h: float

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h / 2

    def apart(self, other: Box, gap: float = 0) -> bool:
        """Tell whether two boxes keep at least `gap` between them."""
        return (
            self.right + gap <= other.left
            or other.right + gap <= self.left
            or self.bottom + gap <= other.top
            or other.bottom + gap <= self.top
        )

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)


@dataclass
class Layout:
    width: float
    height: float
    boxes: dict[str, Box] = field(default_factory=dict)


def size(node: Node) -> tuple[float, float]:
    """Return a node's box size from its label (the home city is drawn larger)."""
    font = charts.FONT * (1.15 if node.kind == HOME else 1)
    return charts.text_width(node.label, font) + 2 * PAD_X, font + 2 * PAD_Y


def _angles(nodes: list[Node]) -> dict[str, float]:
    """Give each inner node a sector sized by its children, and each child a share of it."""
    inner = [n for n in nodes if n.kind != HOME and n.parent is None]
    keys = {n.key for n in inner}
    children: dict[str, list[Node]] = {n.key: [] for n in inner}
    orphans = []
    for n in nodes:
        if n.parent is not None:
            if n.parent in keys:
                children[n.parent].append(n)
            else:
                orphans.append(n)
    # An outer node whose town is not in the graph gets a sector of its own.
    slots: list[tuple[Node | None, list[Node]]] = [(n, children[n.key]) for n in inner]
    slots += [(None, [n]) for n in orphans]
    total = sum(max(1, len(kids)) for _, kids in slots) or 1
    angle = -math.pi / 2  # start at the top, go clockwise
    found: dict[str, float] = {}
    for node, kids in slots:
        sector = 2 * math.pi * max(1, len(kids)) / total
        if node is not None:
            found[node.key] = angle + sector / 2
        for i, kid in enumerate(kids):
            found[kid.key] = angle + sector * (i + 0.5) / len(kids)
        angle += sector
    return found


def _place(nodes: list[Node], angles: dict[str, float], scale: float) -> dict[str, Box]:
    boxes = {}
    for n in nodes:
        w, h = size(n)
        if n.kind == HOME and n.parent is None:
            boxes[n.key] = Box(0, 0, w, h)
            continue
        radius = RING * scale * (OUTER if n.parent is not None else 1)
        a = angles[n.key]
        boxes[n.key] = Box(radius * ASPECT * math.cos(a), radius * math.sin(a), w, h)
    return boxes


def _clear(boxes: dict[str, Box]) -> bool:
    found = list(boxes.values())
    return all(a.apart(b, GAP) for i, a in enumerate(found) for b in found[i + 1 :])


def layout(nodes: list[Node]) -> Layout:
    """Place every node so that no two boxes overlap, and fit the picture around them."""
    angles = _angles(nodes)
    scale = 1.0
    boxes = _place(nodes, angles, scale)
    for _ in range(MAX_TRIES):
        if _clear(boxes):
            break
        scale *= GROW
        boxes = _place(nodes, angles, scale)
    if not boxes:
        return Layout(2 * MARGIN, 2 * MARGIN)
    left = min(b.left for b in boxes.values())
    top = min(b.top for b in boxes.values())
    right = max(b.right for b in boxes.values())
    bottom = max(b.bottom for b in boxes.values())
    dx, dy = MARGIN - left, MARGIN - top
    return Layout(
        right - left + 2 * MARGIN,
        bottom - top + 2 * MARGIN,
        {k: b.moved(dx, dy) for k, b in boxes.items()},
    )


# --- drawing -----------------------------------------------------------------------------


def _edge(
    edge: Edge, boxes: dict[str, Box], centre: tuple[float, float], bend: bool, placed: Layout
) -> str:
    a, b = boxes[edge.a], boxes[edge.b]
    cls = f"graph-edge edge-{edge.kind}"
    if bend:
        # Between two nodes of the ring: bend away from the middle, not through the home city.
        mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
        vx, vy = mx - centre[0], my - centre[1]
        length = math.hypot(vx, vy) or 1
        push = 0.35 * math.hypot(b.x - a.x, b.y - a.y)
        # The curve stays inside the triangle a, control, b: keeping the control point in
        # the picture keeps the whole curve in it.
        cx = min(max(mx + vx / length * push, MARGIN), placed.width - MARGIN)
        cy = min(max(my + vy / length * push, MARGIN), placed.height - MARGIN)
        return (
            f'<path class="{cls}" d="M{charts.fmt(a.x)} {charts.fmt(a.y)} '
            f'Q{charts.fmt(cx)} {charts.fmt(cy)} {charts.fmt(b.x)} {charts.fmt(b.y)}"/>'
        )
    return charts.line(a.x, a.y, b.x, b.y, cls)


def _bends(edge: Edge, nodes: dict[str, Node]) -> bool:
    """Tell whether an edge joins two nodes of a ring that are not parent and child."""
    a, b = nodes[edge.a], nodes[edge.b]
    return HOME not in (a.kind, b.kind) and a.parent != b.key and b.parent != a.key


def _node(node: Node, box: Box) -> str:
    corner = {"twin_town": 12, "associated_town": 12, HOME: 4}.get(node.kind, 0)
    shape = charts.rect(
        box.left, box.top, box.w, box.h, f"graph-node node-{node.kind}", rx=float(corner)
    )
    label = charts.text(
        box.x, box.y + charts.FONT * 0.35, node.label, f"graph-label label-{node.kind}", "middle"
    )
    title = f"<title>{Markup.escape(node.title)}</title>" if node.title else ""
    inner = f"{title}{shape}{label}"
    if node.href is None:
        return f'<g class="graph-plain" data-node="{Markup.escape(node.key)}">{inner}</g>'
    return (
        f'<a href="{Markup.escape(node.href)}" class="graph-link" '
        f'data-node="{Markup.escape(node.key)}">{inner}</a>'
    )


def graph_svg(
    nodes: list[Node],
    edges: list[Edge],
    *,
    title: str,
    description: str,
    kind_labels: dict[str, str],
    edge_labels: dict[str, str],
    prefix: str = "pg",
) -> Markup:
    """Return the partner graph as SVG: edges, then nodes (links where they have a page), a legend."""
    placed = layout(nodes)
    boxes = placed.boxes
    width = max(placed.width, 360)
    home = next((boxes[n.key] for n in nodes if n.kind == HOME and n.parent is None), None)
    centre = (home.x, home.y) if home else (placed.width / 2, placed.height / 2)
    kinds_present = [k for k in KINDS if any(n.kind == k for n in nodes)]
    edges_present = [k for k in EDGE_KINDS if any(e.kind == k for e in edges)]
    items = [(_kind_key(k), kind_labels.get(k, k)) for k in kinds_present]
    items += [(_edge_key(k), edge_labels.get(k, k)) for k in edges_present]
    legend_top = placed.height + 8
    legend_parts, legend_height = charts.legend(items, MARGIN, legend_top, width - 2 * MARGIN)
    height = legend_top + legend_height + MARGIN
    out = charts.open_svg(
        width,
        height,
        prefix=prefix,
        title=title,
        description=description,
        kind="graph",
        image=False,
    )
    out.append('<g class="graph-edges" aria-hidden="true">')
    by_key = {n.key: n for n in nodes}
    out += [
        _edge(e, boxes, centre, _bends(e, by_key), placed)
        for e in edges
        if e.a in boxes and e.b in boxes
    ]
    out.append("</g>")
    out += [_node(n, boxes[n.key]) for n in nodes]
    out.append('<g class="chart-legend" aria-hidden="true">')
    out += legend_parts
    out.append("</g>")
    return charts.close(out)


def _kind_key(kind: str):
    corner = 4.0 if kind in ("twin_town", "associated_town") else 0.0
    return lambda x, y: charts.rect(x, y, 24, 16, f"graph-node node-{kind}", rx=corner)


def _edge_key(kind: str):
    return lambda x, y: charts.line(x, y + 8, x + 24, y + 8, f"graph-edge edge-{kind}")
