"""The host rotation picture of a series: swaps, skips and cancellations marked in shape
and words, the next host named in a sentence, the same facts in a table, on the public
series page and the workspace's."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.meetings import rotation_chart, services
from app.meetings.occurrences import series_occurrences
from tests.meetings.factories import make_series
from tests.svg import NS, assert_accessible_picture, svg, texts


@pytest.fixture
def series(nordic):
    """Göteborg, Århus, Åbo, Bergen in turn, every other year from 2030: the 2030 meeting
    is cancelled, 2032 skipped (the rotation waits), 2034 and 2036 swap hosts."""
    hosts = [nordic[k] for k in ("goteborg", "aarhus", "turku", "bergen")]
    made = make_series(hosts)
    keys = [o.key for o in series_occurrences(made)]
    services.cancel_occurrence(made, keys[0], reason="Valår", reason_en="Election year")
    services.cancel_occurrence(made, keys[1], reason="Pandemi", reason_en="Pandemic", skip=True)
    services.swap_hosts(made, keys[2], keys[3], reason="Jubileum", reason_en="Jubilee")
    db.session.commit()
    return made


def _rows(picture) -> list[dict]:
    """Return each row of the picture: its status, flags and texts."""
    found = []
    for g in picture.iter(f"{NS}g"):
        if g.get("class") != "rot-row":
            continue
        found.append(
            {
                "status": g.get("data-status"),
                "next": g.get("data-next") is not None,
                "swapped": g.get("data-swapped") is not None,
                "texts": texts(g),
            }
        )
    return found


def _table_rows(html: str) -> list[dict]:
    found = []
    for attrs, body in re.findall(r"<tr (data-rotation-row[^>]*)>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        ]
        found.append(
            {
                "status": re.search(r'data-status="([^"]+)"', attrs).group(1),
                "next": " data-next" in attrs,
                "swapped": " data-swapped" in attrs,
                "cells": cells,
            }
        )
    return found


@pytest.mark.parametrize("path", ["/meetings/{public_id}", "/admin/meetings/series/{id}"])
def test_the_picture_marks_the_cancelled_the_skipped_and_the_swapped_meetings(
    logged_in, series, path
):
    html = logged_in.get(path.format(public_id=series.public_id, id=series.id) + "?lang=en").text
    picture = svg(html, "rotation")
    assert_accessible_picture(picture)
    rows = _rows(picture)
    assert [r["status"] for r in rows[:5]] == [
        "cancelled",
        "skipped",
        "planned",
        "planned",
        "planned",
    ]
    cancelled, skipped, first_swap, second_swap, after = rows[:5]
    # Cancelled: Göteborg's turn is used up (struck through, cross-hatched, said in words).
    assert cancelled["texts"] == ["2030", "Göteborg", "Cancelled"]
    assert picture.find(f".//{NS}line[@class='rot-strike']") is not None
    # Skipped: an empty box; the rotation waits, so Århus hosts the next one.
    assert skipped["texts"] == ["2032", "–", "Skipped"]
    # Swapped: Århus (2034 by turn) and Åbo (2036) change places, marked with an arrow.
    assert first_swap["swapped"] and second_swap["swapped"] and not after["swapped"]
    assert first_swap["texts"] == [
        "2034",
        "⇄ Åbo",
        f"{rotation_chart.NEXT} Next, hosts swapped, by turn Århus",
    ]
    assert second_swap["texts"] == ["2036", "⇄ Århus", "Hosts swapped, by turn Åbo"]
    assert after["texts"] == ["2038", "Bergen", ""]
    # The next meeting is the first one held: marked in the picture and named in words.
    assert [r["next"] for r in rows].count(True) == 1 and first_swap["next"]
    assert "The next meeting, on 10 June 2034, is hosted by Åbo." in html.replace(
        "June 10, 2034", "10 June 2034"
    )


def test_the_table_carries_the_same_hosts_and_marks_as_the_picture(client, series):
    html = client.get(f"/meetings/{series.public_id}?lang=en").text
    pictured = _rows(svg(html, "rotation"))
    tabled = _table_rows(html)
    assert len(tabled) == len(pictured) > 5
    for row, drawn in zip(tabled, pictured, strict=True):
        assert (row["status"], row["next"], row["swapped"]) == (
            drawn["status"],
            drawn["next"],
            drawn["swapped"],
        )
        year, host, note = drawn["texts"]
        day, table_host, by_turn, mark = row["cells"]
        assert year in day
        assert table_host == host.removeprefix("⇄ ")
        assert note.removeprefix(f"{rotation_chart.NEXT} ").lower().split(", ")[0] in mark.lower()
    assert tabled[0]["cells"][3] == "Cancelled: Election year"
    assert tabled[1]["cells"][3] == "Skipped, the rotation waits: Pandemic"
    assert tabled[2]["cells"][1:3] == ["Åbo", "Århus"]  # host, and whose turn it was


def test_the_picture_and_the_next_host_are_in_swedish_too(client, series):
    html = client.get(f"/meetings/{series.public_id}?lang=sv").text
    picture = svg(html, "rotation")
    assert picture.find(f"{NS}title").text == "Turordning för värdskap"
    assert "Inställt" in texts(picture) and "Överhoppat" in texts(picture)
    assert "Nästa möte, den 10 juni 2034, hålls i Åbo." in html


def test_a_series_with_nothing_to_come_says_so(client, nordic):
    made = make_series(
        [nordic["goteborg"]], first_date=datetime(2025, 6, 10, tzinfo=UTC).date(), count=1
    )
    html = client.get(f"/meetings/{made.public_id}?lang=en").text
    assert "No meeting of the series is planned." in html
    assert _rows(svg(html, "rotation"))[0]["status"] == "held"


def test_a_monthly_series_is_pictured_by_month(client, nordic):
    made = make_series([nordic["goteborg"], nordic["bergen"]], freq="months", interval=1)
    html = client.get(f"/meetings/{made.public_id}?lang=en").text
    rows = _rows(svg(html, "rotation"))
    assert [r["texts"][:2] for r in rows[:3]] == [
        ["Jun 2030", "Göteborg"],
        ["Jul 2030", "Bergen"],
        ["Aug 2030", "Göteborg"],
    ]


def test_the_picture_escapes_host_names_and_stays_well_formed():
    picture = svg(
        rotation_chart.rotation_svg(
            [
                rotation_chart.Row("2030", "A & <B>", rotation_chart.HELD, "Held", past=True),
                rotation_chart.Row("2032", "C", rotation_chart.PLANNED, "Next", next=True),
            ],
            title="T",
            description="D",
            today_label="Today",
            legend_labels={"held": "Held", "next": "Next"},
        )
    )
    assert_accessible_picture(picture)
    assert "A & <B>" in texts(picture) and "Today" in texts(picture)
