"""Figure 1: render /calendar.ics cold and after one change, against icalendar alone.

At about 100, 1,000 and 10,000 events (SQLite, in-process test client). The reference is
the same events serialised with icalendar alone (no database, no Flask): one Event per
CalEvent, VTIMEZONEs by `Calendar.add_missing_timezones()`. Targets at 10,000 events:
cold render <= 1.3x the reference, the render after one event changed <= 0.1x of it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import SIZES, machine, make_app, verdict

COLD_TARGET, CHANGED_TARGET = 1.3, 0.1


def icalendar_alone(events) -> bytes:
    """Serialise CalEvents with icalendar and nothing else: the reference."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("PRODID", "-//bench//EN")
    cal.add("VERSION", "2.0")
    for e in events:
        zone = ZoneInfo(e.timezone) if e.timezone else UTC
        ev = Event()
        ev.add("UID", e.uid)
        ev.add("DTSTAMP", e.last_modified or datetime(2026, 1, 1, tzinfo=UTC))
        if isinstance(e.start, datetime):
            ev.add("DTSTART", e.start.astimezone(zone))
            ev.add("DTEND", e.end.astimezone(zone))
        else:
            ev.add("DTSTART", e.start)
            ev.add("DTEND", e.end)
        ev.add("SUMMARY", e.title)
        ev.add("SEQUENCE", e.sequence)
        ev.add("STATUS", e.status)
        if e.description:
            ev.add("DESCRIPTION", e.description)
        if e.location:
            ev.add("LOCATION", e.location)
        if e.url:
            ev.add("URL", e.url)
        ev.add("CATEGORIES", list(e.categories))
        if e.created:
            ev.add("CREATED", e.created)
        if e.last_modified:
            ev.add("LAST-MODIFIED", e.last_modified)
        if e.rrule:
            ev.add("RRULE", e.rrule)
        if e.exdates:
            ev.add("EXDATE", [d.astimezone(zone) for d in e.exdates])
        if e.recurrence_id is not None:
            rzone = ZoneInfo(e.recurrence_timezone) if e.recurrence_timezone else zone
            ev.add("RECURRENCE-ID", e.recurrence_id.astimezone(rzone))
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def _clear_process_caches() -> None:
    from app.feeds import ical, vtimezone

    ical._vtimezone_bytes.cache_clear()
    vtimezone._zone_history.cache_clear()


def measure(size: int, tmp: Path) -> dict[str, float]:
    import sqlalchemy as sa
    from benchlib.data import build

    from app.calendar import feeds
    from app.extensions import db
    from app.meetings.models import Meeting

    app = make_app(f"sqlite:///{tmp}/feeds-{size}.db", tmp / f"i{size}")
    with app.app_context():
        built = build(size)
    year = datetime.now(UTC).year
    with app.test_request_context("/?lang=en"):
        events = feeds.public_events("all", "en", year)
    reference = []
    for _ in range(2 if size >= 10_000 else 3):
        start = time.perf_counter()
        icalendar_alone(events)
        reference.append(time.perf_counter() - start)
    client = app.test_client()
    cold = []
    for _ in range(2 if size >= 10_000 else 3):
        app.extensions.pop("vanort.feed_cache", None)
        app.extensions.pop("vanort.event_cache", None)
        _clear_process_caches()
        start = time.perf_counter()
        response = client.get("/calendar.ics?lang=en")
        cold.append(time.perf_counter() - start)
        assert response.status_code == 200
    changed = []
    for k in range(3):
        with app.app_context():
            meeting = db.session.get(Meeting, built.meeting_ids[k])
            meeting.title_en = f"{meeting.title_en} (changed)"
            meeting.sequence += 1
            db.session.commit()
        start = time.perf_counter()
        response = client.get("/calendar.ics?lang=en")
        changed.append(time.perf_counter() - start)
        assert b"(changed)" in response.data
    vevents = response.data.count(b"BEGIN:VEVENT")
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.engine.dispose()
    return {
        "vevents": vevents,
        "reference": min(reference),
        "cold": min(cold),
        "changed": min(changed),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(SIZES),
        metavar="N",
        help="events in the feed (default: %(default)s; the targets judge 10,000 and more)",
    )
    sizes = parser.parse_args(argv).sizes
    print(f"== Feed render (figure 1), {machine()}")
    print(
        f"{'events':>7} {'VEVENTs':>8} {'icalendar s':>12} {'cold s':>8} {'cold/ical':>10}"
        f" {'target':>7} {'changed s':>10} {'changed/ical':>13} {'target':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            r = measure(size, Path(tmp))
            cold_ratio = r["cold"] / r["reference"]
            changed_ratio = r["changed"] / r["reference"]
            judged = size >= 10_000
            print(
                f"{size:>7} {r['vevents']:>8} {r['reference']:>12.3f} {r['cold']:>8.3f}"
                f" {cold_ratio:>9.2f}x {'<=1.3x':>7} {r['changed']:>10.3f}"
                f" {changed_ratio:>12.3f}x {'<=0.1x':>7}"
                + (
                    f"  {verdict(cold_ratio <= COLD_TARGET)}/"
                    f"{verdict(changed_ratio <= CHANGED_TARGET)}"
                    if judged
                    else ""
                )
            )


if __name__ == "__main__":
    main()
