"""The agreement timeline in the pictures' one style: a bar per term, the same terms in a
table under it, and the image URL styled by the app's stylesheet."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date

from tests.agreements.factories import make_agreement
from tests.factories import make_partner
from tests.svg import NS, assert_accessible_picture, svg


def _bars(picture) -> list[tuple[str, str]]:
    """Return each term's bar: its status and the words read out for it."""
    return [
        (r.get("data-status"), r.find(f"{NS}title").text)
        for r in picture.iter(f"{NS}rect")
        if r.get("data-status")
    ]


def test_the_table_lists_every_term_the_timeline_draws(logged_in):
    make_agreement(make_partner("Shanghai"), starts_on=date(2018, 1, 1))
    make_agreement(make_partner("Lyon"), starts_on=date(2023, 1, 1))
    html = logged_in.get("/admin/agreements/timeline?lang=en").text
    picture = svg(html, "timeline")
    assert_accessible_picture(picture)
    bars = _bars(picture)
    rows = re.findall(
        r'<tr data-term data-status="([^"]+)" data-starts="([^"]+)" data-ends="([^"]+)">\s*'
        r"<th scope=\"row\">([^<]+)</th>",
        html,
    )
    assert len(bars) == len(rows) == 2
    assert Counter(s for s, _ in bars) == Counter(r[0] for r in rows)
    for status, starts, _ends, partner in rows:
        year = starts[:4]
        assert any(s == status and t.startswith(f"{partner}:") and year in t for s, t in bars)
    assert "January 1, 2018" in html or "1 January 2018" in html


def test_the_timeline_image_parses_and_points_at_the_stylesheet(logged_in):
    make_agreement(make_partner("Shanghai"), starts_on=date(2018, 1, 1))
    body = logged_in.get("/admin/agreements/timeline.svg?lang=en").get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert '<?xml-stylesheet type="text/css" href="/static/css/vanort.css' in body
    picture = ET.fromstring(body.encode())  # noqa: S314 (the app's own answer)
    assert_accessible_picture(picture)
    assert [s for s, _ in _bars(picture)] and picture.get("class").startswith(
        "chart chart-timeline"
    )
