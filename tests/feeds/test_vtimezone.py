"""Tests for VTIMEZONE generation on its own (the serialiser's tests read it back in feeds)."""

from __future__ import annotations

from app.feeds.vtimezone import vtimezone


def test_a_rule_that_ended_in_the_range_stops_and_the_current_rule_stays_open() -> None:
    zone = vtimezone("America/Chicago", 2005, 2009)  # US rules changed in 2007
    rules = {c["DTSTART"].to_ical().decode(): c["RRULE"] for c in zone.daylight}
    assert list(rules) == ["20050403T020000", "20070311T020000"]
    assert "UNTIL" in rules["20050403T020000"]
    assert "UNTIL" not in rules["20070311T020000"]


def test_a_zone_without_changes_is_one_standard_observance_from_the_first_year() -> None:
    zone = vtimezone("Asia/Shanghai", 2024, 2026)
    assert zone.daylight == []
    (standard,) = zone.standard
    assert standard["DTSTART"].to_ical().decode() == "20240101T000000"
    assert standard["TZOFFSETFROM"].to_ical() == standard["TZOFFSETTO"].to_ical() == "+0800"


def test_the_same_zone_and_years_give_the_same_bytes() -> None:
    assert (
        vtimezone("Europe/Stockholm", 2024, 2026).to_ical()
        == vtimezone("Europe/Stockholm", 2024, 2026).to_ical()
    )
