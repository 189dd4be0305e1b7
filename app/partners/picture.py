"""The partner graph of the partners page: partners and their links as graph nodes and
edges (in the reader's language, with each node's page), drawn by `graph.py`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.partners import graph
from app.partners.labels import KIND_LABELS
from app.partners.models import (
    ASSOCIATED_TOWN,
    HOME,
    LINK_MEMBER_OF,
    LINK_TWIN_TOWN,
    NETWORK,
    PARTNER_CITY,
    TWIN_TOWN,
    Partner,
)

# How a relation reads in the table: "<partner> <relation> <other>".
RELATION_LABELS = {
    LINK_TWIN_TOWN: _l("Twin town of"),
    PARTNER_CITY: _l("Partner city of"),
    LINK_MEMBER_OF: _l("Member of"),
}
# The legend's words for the kinds of line.
EDGE_LEGEND = {
    LINK_TWIN_TOWN: _l("Twin towns"),
    PARTNER_CITY: _l("Partner cities"),
    LINK_MEMBER_OF: _l("Member of a network"),
}
HOME_EDGE = {TWIN_TOWN: LINK_TWIN_TOWN, PARTNER_CITY: PARTNER_CITY}


@dataclass(frozen=True)
class Relation:
    """One line of the table beside the graph: partner, relation, other."""

    partner: Partner
    kind: str
    other: Partner

    @property
    def label(self) -> str:
        return str(RELATION_LABELS[self.kind])


def page_of(partner: Partner) -> str | None:
    """Return the page of a partner, or None for the home city (it has none of its own)."""
    if partner.kind == HOME:
        return None
    return url_for("partners.detail", slug=partner.slug)


def relations(home: Partner | None, partners: list[Partner]) -> list[Relation]:
    """Return every link the graph draws, once each, in the order of the partner list."""
    found: dict[tuple[int, int, str], Relation] = {}

    def add(a: Partner, kind: str, b: Partner) -> None:
        pair = (min(a.id, b.id), max(a.id, b.id), kind)
        found.setdefault(pair, Relation(a, kind, b))

    shown = {p.id for p in partners} | ({home.id} if home else set())
    for p in partners:
        if home is not None and p.kind in HOME_EDGE:
            add(p, HOME_EDGE[p.kind], home)
        if home is not None and p.kind == NETWORK:
            add(home, LINK_MEMBER_OF, p)
    for p in [*([home] if home else []), *partners]:
        for link in p.links:
            if link.other_id in shown:
                add(p, link.kind, link.other)
    return list(found.values())


def _parent(p: Partner, links: list[Relation]) -> str | None:
    """Return the twin town a twin town's own twin town sits beside, if any."""
    if p.kind != ASSOCIATED_TOWN:
        return None
    for r in links:
        if r.kind != LINK_TWIN_TOWN or p.id not in (r.partner.id, r.other.id):
            continue
        other = r.other if r.partner.id == p.id else r.partner
        if other.kind not in (HOME, ASSOCIATED_TOWN):
            return other.slug
    return None


def partner_graph(home: Partner | None, partners: list[Partner]) -> tuple[Markup, list[Relation]]:
    """Return the graph of the home city, its partners and their twin towns, and its relations."""
    links = relations(home, partners)
    nodes = []
    if home is not None:
        nodes.append(
            graph.Node(home.slug, home.name, HOME, None, title=f"{home.name}, {KIND_LABELS[HOME]}")
        )
    for p in partners:
        nodes.append(
            graph.Node(
                p.slug,
                p.name,
                p.kind,
                page_of(p),
                parent=_parent(p, links),
                title=f"{p.name}, {KIND_LABELS[p.kind]}",
            )
        )
    edges = [graph.Edge(r.partner.slug, r.other.slug, r.kind) for r in links]
    name = home.name if home is not None else _("The municipality")
    svg = graph.graph_svg(
        nodes,
        edges,
        title=_("How %(home)s is linked to its partners", home=name),
        description=_(
            "%(home)s in the middle, linked to its partner cities, twin towns and networks; "
            "the twin towns' own twin towns sit on the outer ring beside the town they are "
            "twinned with. Each kind has its own shape and outline, each kind of link its own "
            "line. The same links are listed in the table below the picture.",
            home=name,
        ),
        kind_labels={k: str(v) for k, v in KIND_LABELS.items()},
        edge_labels={k: str(v) for k, v in EDGE_LEGEND.items()},
    )
    return svg, links
