"""The partner graph: a layout with no overlapping nodes inside its picture, and the
partners page drawing it with every node linking to its partner's page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.partners import graph
from app.partners.graph import Edge, Node, layout
from tests.conftest import seed_demo
from tests.svg import NS as SVG
from tests.svg import assert_accessible_picture, svg, texts

MOLNDAL_NETWORK = ["Ricany", "East Renfrewshire", "Grabow", "Balkow", "Dainville"]


def _svg(html: str) -> ET.Element:
    return svg(html, "graph")


def _nodes(svg: ET.Element) -> dict[str, str | None]:
    """Return each node's label and the page it links to (None for a plain node)."""
    found = {}
    for a in svg.iter(f"{SVG}a"):
        found[a.find(f"{SVG}text").text] = a.get("href")
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "graph-plain":
            found[g.find(f"{SVG}text").text] = None
    return found


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÅÄÖ -/", min_size=1, max_size=28)


@st.composite
def graphs(draw) -> list[Node]:
    inner = draw(st.lists(names, min_size=0, max_size=14))
    nodes = [Node("home", draw(names), "home")]
    kinds = ["twin_town", "partner_city", "network"]
    for i, label in enumerate(inner):
        nodes.append(Node(f"n{i}", label, draw(st.sampled_from(kinds))))
    outer = draw(st.lists(st.tuples(names, st.integers(0, 20)), max_size=10))
    for j, (label, parent) in enumerate(outer):
        parent_key = f"n{parent}" if parent < len(inner) else "elsewhere"
        nodes.append(Node(f"o{j}", label, "associated_town", parent=parent_key))
    return nodes


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_no_two_nodes_overlap_and_every_node_lies_inside_the_picture(nodes):
    placed = layout(nodes)
    boxes = list(placed.boxes.values())
    assert len(boxes) == len(nodes)
    for i, a in enumerate(boxes):
        assert a.left >= 0 and a.top >= 0
        assert a.right <= placed.width and a.bottom <= placed.height
        for b in boxes[i + 1 :]:
            assert a.apart(b, graph.GAP)


def test_the_same_partners_give_the_same_picture():
    nodes = [Node("home", "Mölndal", "home"), Node("b", "Borken", "twin_town")]
    nodes.append(Node("r", "Ricany", "associated_town", parent="b"))
    edges = [Edge("b", "home", "twin_town"), Edge("r", "b", "twin_town")]
    args = {"title": "T", "description": "D", "kind_labels": {}, "edge_labels": {}}
    assert graph.graph_svg(nodes, edges, **args) == graph.graph_svg(nodes, edges, **args)


def test_a_twin_towns_own_twin_town_sits_further_out_than_its_town():
    nodes = [Node("home", "Mölndal", "home"), Node("b", "Borken", "twin_town")]
    nodes.append(Node("r", "Ricany", "associated_town", parent="b"))
    boxes = layout(nodes).boxes
    home, borken, ricany = boxes["home"], boxes["b"], boxes["r"]

    def far(box):
        return abs(box.x - home.x) / graph.ASPECT + abs(box.y - home.y)

    assert far(ricany) > far(borken) > 0


@pytest.fixture
def molndal(app):
    seed_demo("molndal")
    db.session.commit()


@pytest.fixture
def goteborg(app):
    seed_demo("goteborg")
    db.session.commit()


def test_the_molndal_graph_has_its_twin_towns_and_their_five_twin_towns(client, molndal):
    html = client.get("/partners/graph?lang=en").text
    svg = _svg(html)
    assert svg.find(f"{SVG}title").text == "How Mölndal is linked to its partners"
    nodes = _nodes(svg)
    for name in [*MOLNDAL_NETWORK, "Albertslund", "Borken", "Canterbury/Whitstable"]:
        assert name in nodes, name
    assert {"Eurotowns", "SERN", "Mölndal"} <= set(nodes)
    # The twin towns' twin towns are linked to the town they are twinned with, in words too.
    for relation in (
        "ricany twin_town borken",
        "grabow twin_town borken",
        "east-renfrewshire twin_town albertslund",
        "balkow twin_town albertslund",
        "dainville twin_town canterbury-whitstable",
        "molndal member_of eurotowns",
        "borken twin_town molndal",
    ):
        assert f'data-relation="{relation}"' in html, relation


def test_every_node_links_to_its_partners_page_and_the_home_city_is_plain_text(client, molndal):
    nodes = _nodes(_svg(client.get("/partners/graph?lang=en").text))
    assert nodes.pop("Mölndal") is None  # the home city has no page of its own
    for name, href in nodes.items():
        page = client.get(href)
        assert page.status_code == 200, (name, href)
        assert f"<h1>{name}" in page.text.replace("&amp;", "&")


def test_the_picture_is_well_formed_with_its_text_alternatives_and_no_inline_style(
    client, goteborg
):
    html = client.get("/partners/graph?lang=sv").text
    picture = _svg(html)
    assert_accessible_picture(picture)
    assert "Göteborg" in picture.find(f"{SVG}title").text
    assert "Partnerstad" in texts(picture)  # the legend, in Swedish
    # Every edge of the picture is a row of the table, and the other way round.
    rows = re.findall(r'data-relation="([^"]+)"', html)
    edges = next(g for g in picture.iter(f"{SVG}g") if g.get("class") == "graph-edges")
    assert len(rows) == len(list(edges)) == 9  # seven partners, two in Délice
    assert "shanghai partner_city goteborg" in rows and "chicago member_of delice" in rows


def test_the_partner_list_links_to_the_picture(client, goteborg):
    html = client.get("/partners/?lang=en").text
    assert '<a href="/partners/graph?lang=en">How the partners are linked: a picture</a>' in html
    assert "<svg" not in html  # the list stays a list


def test_with_no_partners_the_picture_page_says_so(client, app):
    html = client.get("/partners/graph?lang=en").text
    assert "No partners have been recorded yet." in html and "<svg" not in html
