"""The reciprocity chart: bars in the pictures' one style, with the same figures as the
table beside them, in Swedish and English."""

from __future__ import annotations

import re

from app.exchanges import models as m
from app.exchanges.charts import nice_top, reciprocity_svg
from app.exchanges.reports import YearFigures
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner
from tests.svg import NS, assert_accessible_picture, svg, svgs, texts


def _bars(picture) -> dict[int, tuple[int, int]]:
    """Return the figures written over the bars, year by year: (sent, received)."""
    found = {}
    for g in picture.iter(f"{NS}g"):
        if g.get("class") == "rc-year":
            values = {
                t.get("class").split()[-1]: int(t.text)
                for t in g.iter(f"{NS}text")
                if "rc-value" in t.get("class")
            }
            found[int(g.get("data-year"))] = (values["rc-sent-value"], values["rc-received-value"])
    return found


def test_the_bars_are_as_tall_as_their_figures_and_the_scale_is_round():
    picture = svg(
        reciprocity_svg(
            [YearFigures(2027, 4, 9), YearFigures(2028, 10, 0)],
            title="T",
            description="D",
            sent_label="Sent",
            received_label="Received",
        )
    )
    assert_accessible_picture(picture)
    bars = [r for r in picture.iter(f"{NS}rect") if "rc-bar" in r.get("class") and r.get("y")]
    heights = [float(r.get("height")) for r in bars][:4]  # the legend's swatches come last
    assert heights == [160 * 4 / 10, 160 * 9 / 10, 160.0, 0.0]
    assert [nice_top(n) for n in (0, 1, 3, 9, 10, 11, 49, 120)] == [1, 1, 5, 10, 10, 20, 50, 200]


def test_the_chart_and_the_table_carry_the_same_figures(logged_in, app):
    lyon = make_partner("Lyon")
    both = make_exchange(lyon, direction=m.BOTH, incoming_pupils=9)
    make_signup(both, pupils=4)
    make_exchange(make_partner("Bergen"), direction=m.THEY_VISIT, incoming_pupils=12)
    html = logged_in.get("/admin/exchanges/reciprocity?lang=en").text
    pictures = svgs(html)
    assert len(pictures) == 2
    for picture in pictures:
        assert_accessible_picture(picture)
    ids = [p.get("aria-labelledby") for p in pictures]
    assert len(set(ids)) == 2  # two charts on one page never share an id
    table = {
        (int(y), int(s), int(r))
        for y, s, r in re.findall(
            r'data-year="(\d+)"><th scope="row">\d+</th><td data-sent="(\d+)">\d+</td><td data-received="(\d+)">',
            html,
        )
    }
    drawn = {(y, s, r) for p in pictures for y, (s, r) in _bars(p).items()}
    assert drawn == table
    assert (both.starts_on.year, 4, 9) in drawn
    assert "Pupils sent and received with Lyon, per year" in [
        p.find(f"{NS}title").text for p in pictures
    ]


def test_the_chart_speaks_swedish(logged_in, app):
    make_exchange(make_partner("Lyon"), direction=m.THEY_VISIT, incoming_pupils=3)
    picture = svg(logged_in.get("/admin/exchanges/reciprocity?lang=sv").text, "reciprocity")
    assert picture.find(f"{NS}title").text == "Skickade och mottagna elever med Lyon, per år"
    assert {"Skickade", "Mottagna"} <= set(texts(picture))
