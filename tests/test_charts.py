"""The pictures' one style (app/charts.py and the chart classes of vanort.css): markup that
escapes what it is given, and colours with the contrast WCAG 1.4.3 and 1.4.11 ask for."""

from __future__ import annotations

import re

import pytest

from app import ROOT, charts
from tests.svg import NS, assert_accessible_picture, svg

CSS = (ROOT / "app" / "static" / "css" / "vanort.css").read_text()
WHITE = "#ffffff"


def _rules() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(
        r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    ):
        props = dict(
            (k.strip(), v.strip())
            for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d)
        )
        for selector in selectors.split(","):
            found.setdefault(selector.strip(), {}).update(props)
    return found


RULES = _rules()


def colour(selector: str, prop: str) -> str:
    return RULES[selector][prop]


def contrast(a: str, b: str) -> float:
    def lum(hex_: str) -> float:
        rgb = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


TEXT_ON = [  # (text colour, what it sits on): 4.5:1
    (("svg.chart text", "fill"), WHITE),
    (("svg.chart .chart-muted", "fill"), WHITE),
    (("svg.chart .label-home", "fill"), ("svg.chart .label-home", "fill")),
    (("svg.chart .graph-link .graph-label", "fill"), (".node-twin_town", "fill")),
    (("svg.chart .graph-link .graph-label", "fill"), (".node-partner_city", "fill")),
    (("svg.chart .graph-link .graph-label", "fill"), (".node-network", "fill")),
    (("svg.chart .graph-link .graph-label", "fill"), (".node-associated_town", "fill")),
    (("svg.chart text", "fill"), (".rot-held", "fill")),
    (("svg.chart .rot-host-next", "fill"), (".rot-next", "fill")),
]
GRAPHICS = [  # lines, outlines and fills that carry meaning, against white: 3:1
    (".edge-twin_town", "stroke"),
    (".edge-partner_city", "stroke"),
    (".edge-member_of", "stroke"),
    (".node-home", "fill"),
    (".node-twin_town", "stroke"),
    (".node-partner_city", "stroke"),
    (".node-network", "stroke"),
    (".node-associated_town", "stroke"),
    (".rot-planned", "stroke"),
    (".rot-next", "fill"),
    (".rot-held", "stroke"),
    (".rot-cancelled", "stroke"),
    (".rot-skipped", "stroke"),
    (".rot-strike", "stroke"),
    (".tl-active", "fill"),
    (".tl-decision_due", "stroke"),
    (".tl-expired", "stroke"),
    (".tl-draft", "stroke"),
    (".tl-upcoming", "stroke"),
    (".rc-sent", "fill"),
    (".rc-received", "stroke"),
    ("svg.chart .tone-blue", "stroke"),
    ("svg.chart .tone-brown", "stroke"),
    ("svg.chart .tone-grey", "stroke"),
    ("svg.chart .tone-red", "stroke"),
    ("svg.chart .chart-axis", "stroke"),
]


@pytest.mark.parametrize(("text", "back"), TEXT_ON)
def test_text_in_pictures_has_4_5_to_1_contrast(text, back):
    fore = colour(*text)
    behind = back if isinstance(back, str) else colour(*back)
    if text == back:  # white on the home city's box
        behind = colour(".node-home", "fill")
    assert contrast(fore, behind) >= 4.5, (text, back)


@pytest.mark.parametrize(("selector", "prop"), GRAPHICS)
def test_graphics_in_pictures_have_3_to_1_contrast_with_the_page(selector, prop):
    assert contrast(colour(selector, prop), WHITE) >= 3, selector


def test_a_picture_escapes_its_words_and_is_named_by_its_title_and_description():
    parts = charts.open_svg(300, 100, prefix="x", title="A <b>&", description='"D"', kind="t")
    parts.append(charts.text(1, 2, "<script>", "c"))
    picture = svg(str(charts.close(parts)))
    assert_accessible_picture(picture)
    assert picture.find(f"{NS}title").text == "A <b>&"
    assert picture.find(f"{NS}text").text == "<script>"
    assert "chart-s" in picture.get("class").split()


def test_a_legend_wraps_to_a_new_row_when_its_width_is_full():
    def swatch(x, y):
        return charts.rect(x, y, 24, 16, "k")

    parts, height = charts.legend([(swatch, "word " * 4)] * 3, 0, 0, 200)
    rows = {p.split('y="', 1)[1].split('"', 1)[0] for p in parts if p.startswith("<rect")}
    assert len(rows) == 3 and height == 3 * (charts.FONT + 12)


def test_numbers_are_written_short_and_the_same_every_time():
    assert [charts.fmt(v) for v in (12.0, 12.5, 12.04, 0.1 + 0.2)] == ["12", "12.5", "12", "0.3"]
