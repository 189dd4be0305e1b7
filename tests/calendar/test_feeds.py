"""The public and private feeds: what they hold, and how every calendar app reads them."""

from __future__ import annotations

import time as time_module
from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
import sqlalchemy as sa

from app import demo
from app.calendar import feeds
from app.calendar.models import FeedToken
from app.calendar.routes import feed_cache
from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting
from app.meetings.occurrences import occurrences_between, series_occurrences
from app.partners.models import Partner
from tests.agreements.factories import make_agreement
from tests.calendar.conftest import parse, sequences
from tests.exchanges.factories import make_exchange
from tests.meetings.factories import make_meeting, make_series

FEEDS = ("/calendar.ics", "/calendar/meetings.ics", "/calendar/exchanges.ics")


def rotation(nordic):
    return [nordic[s] for s in ("goteborg", "aarhus", "turku", "bergen")]


@pytest.mark.parametrize("city", ["goteborg", "molndal"])
def test_every_demo_feed_parses_cleanly_with_a_vtimezone_for_every_tzid(client, city, private_url):
    demo.seed(city)
    db.session.commit()
    slugs = db.session.scalars(sa.select(Partner.slug)).all()
    paths = [*FEEDS, private_url, *(f"/calendar/partners/{s}.ics" for s in slugs)]
    for path in paths:
        response = client.get(path)
        if response.status_code == 404:  # the home city and networks have no page
            assert path.startswith("/calendar/partners/")
            continue
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert b"\r\n" in response.data and b"\n" not in response.data.replace(b"\r\n", b"")
        assert all(len(line) <= 75 for line in response.data.split(b"\r\n")), path
        cal = parse(response.data)
        assert "METHOD" not in cal
        assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"])
        assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
        assert "X-PUBLISHED-TTL" in cal
    everything = parse(client.get("/calendar.ics").data)
    assert len(everything.walk("VEVENT")) >= 3
    english = parse(client.get("/calendar.ics?lang=en").data)
    swedish = parse(client.get("/calendar.ics?lang=sv").data)
    assert str(english["X-WR-CALNAME"]) != str(swedish["X-WR-CALNAME"])


def _change_the_nordic_series(nordic, **fields):
    series = make_series(rotation(nordic), first_date=date(2026, 6, 10), interval=1, **fields)
    found = series_occurrences(series, through=date(2045, 12, 31))
    services.move_occurrence(series, found[1].key, new_date=date(2028, 9, 1), new_time=time(13))
    services.cancel_occurrence(series, found[2].key, reason="Budget")
    services.cancel_occurrence(series, found[4].key, reason="Rotation waits", skip=True)
    services.swap_hosts(series, found[5].key, found[6].key, reason="Anniversary")
    services.move_occurrence(series, found[7].key, venue="Konserthuset")
    services.move_occurrence(series, found[8].key, new_timezone="Europe/London")
    db.session.commit()
    return series


def _expanded(body: bytes) -> list[tuple[datetime, str]]:
    cal = parse(body)
    events = recurring_ical_events.of(cal).between(datetime(2025, 1, 1), datetime(2046, 1, 1))
    return sorted((e["DTSTART"].dt.astimezone(UTC), str(e.get("LOCATION", ""))) for e in events)


def _listed() -> list[tuple[datetime, str]]:
    found = occurrences_between(datetime(2025, 1, 1, tzinfo=UTC), datetime(2046, 1, 1, tzinfo=UTC))
    return sorted((o.start.astimezone(UTC), o.venue) for o in found)


@pytest.mark.parametrize("fixed", [False, True], ids=["rotating-hosts", "one-zone-and-place"])
def test_feed_expands_to_the_occurrences_the_app_lists(client, nordic, fixed):
    """2025 to 2045, instant by instant in UTC, with moves, swaps, skips and cancellations."""
    extra = {"in_host_timezone": False, "venue": "Online"} if fixed else {}
    series = _change_the_nordic_series(nordic, **extra)
    make_meeting(nordic["aarhus"], start_date=date(2027, 3, 12))
    body = client.get("/calendar/meetings.ics").data
    listed = _listed()
    assert _expanded(body) == listed
    assert len(listed) >= 8
    assert datetime(2028, 9, 1, 11, tzinfo=UTC) in [start for start, _ in listed]
    vevents = parse(body).walk("VEVENT")
    if fixed:  # one master with RRULE, EXDATEs and overrides, and its meeting
        masters = [v for v in vevents if "RRULE" in v]
        assert len(masters) == 1
        assert len(masters[0]["EXDATE"] if isinstance(masters[0]["EXDATE"], list) else [1]) >= 1
        overrides = [v for v in vevents if "RECURRENCE-ID" in v]
        assert overrides
        assert "Europe/London" in {str(o["DTSTART"].params["TZID"]) for o in overrides}
        for override in overrides:  # written exactly as the master's DTSTART is
            assert override["RECURRENCE-ID"].params["TZID"] == masters[0]["DTSTART"].params["TZID"]
            assert override["RECURRENCE-ID"].to_ical()[8:9] == b"T"
    else:  # one event per meeting, up to the planned horizon, which ends a year
        assert not [v for v in vevents if "RRULE" in v or "RECURRENCE-ID" in v]
        last = max(o.start for o in series_occurrences(series))
        assert last.year == datetime.now(UTC).year + 10
        assert {str(v["DTSTART"].params.get("TZID")) for v in vevents} >= {
            "Europe/Copenhagen",
            "Europe/Helsinki",
            "Europe/Oslo",
        }


def test_one_event_per_meeting_has_a_uid_from_the_series_and_its_original_start(client, nordic):
    series = _change_the_nordic_series(nordic)
    cal = parse(client.get("/calendar/meetings.ics").data)
    uids = [str(v["UID"]) for v in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    first = series_occurrences(series)[0]
    assert any(u.startswith(f"meeting-series-{series.id}-{first.key}@") for u in uids)


def test_the_same_feed_is_the_same_bytes_and_a_second_request_is_a_304(client, nordic):
    _change_the_nordic_series(nordic)
    make_exchange(nordic["turku"], title_sv="Sommarläger i Åbo – Čeština")
    first = client.get("/calendar.ics")
    second = client.get("/calendar.ics")
    assert first.data == second.data
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "Sommarläger i Åbo – Čeština" in first.data.decode("utf-8")
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    # If-None-Match decides even when If-Modified-Since would say "not modified".
    stale = client.get(
        "/calendar.ics",
        headers={
            "If-None-Match": '"something-else"',
            "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT",
        },
    )
    assert stale.status_code == 200 and stale.data == first.data
    modified = client.get(
        "/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert modified.status_code == 304


def test_a_change_to_one_meeting_changes_the_etag_and_that_events_sequence_only(client, nordic):
    series = _change_the_nordic_series(nordic)
    meeting = make_meeting(nordic["bergen"], start_date=date(2027, 5, 4))
    before = client.get("/calendar/meetings.ics")
    seq_before = sequences(parse(before.data))

    services.move_occurrence(series, series_occurrences(series)[3].key, new_time=time(9))
    db.session.commit()
    after = client.get("/calendar/meetings.ics")
    assert after.headers["ETag"] != before.headers["ETag"]
    seq_after = sequences(parse(after.data))
    changed = {k for k in seq_before if seq_after.get(k) != seq_before[k]}
    assert changed == {(f"{k}", "") for k, _ in changed}  # no override in this form
    assert len(changed) == 1
    (key,) = changed
    assert seq_after[key] > seq_before[key]

    values = {"start_time": time(11)}
    services.update_meeting(meeting, **_meeting_fields(meeting, **values))
    db.session.commit()
    third = sequences(parse(client.get("/calendar/meetings.ics").data))
    assert {k for k in seq_after if third[k] != seq_after[k]} == {
        (f"meeting-{meeting.id}@{key[0].split('@')[1]}", "")
    }


def _meeting_fields(meeting: Meeting, **changes) -> dict:
    from tests.meetings.factories import meeting_values

    values = meeting_values(meeting.partner, start_date=date(2027, 5, 4))
    values.update(changes)
    return values


def test_a_series_sequence_rises_when_its_meetings_change_and_never_goes_back(client, nordic):
    series = make_series(rotation(nordic), in_host_timezone=False, venue="Online")
    uid_key = lambda body: sequences(parse(body))  # noqa: E731
    seen = []
    found = series_occurrences(series)

    def master_sequence():
        body = client.get("/calendar/meetings.ics").data
        return max(v for (uid, rid), v in uid_key(body).items() if rid == "")

    seen.append(master_sequence())
    services.cancel_occurrence(series, found[1].key)
    db.session.commit()
    seen.append(master_sequence())
    services.move_occurrence(series, found[2].key, new_date=date(2034, 6, 12))
    db.session.commit()
    seen.append(master_sequence())
    services.swap_hosts(series, found[3].key, found[4].key, reason="Jubilee")
    db.session.commit()
    seen.append(master_sequence())
    services.restore_occurrence(series, found[2].key)
    db.session.commit()
    seen.append(master_sequence())
    assert seen == sorted(set(seen)), seen


def test_changing_the_public_address_changes_no_uid(client, app, nordic):
    _change_the_nordic_series(nordic)
    make_exchange(nordic["aarhus"])
    uids = lambda: {str(v["UID"]) for v in parse(client.get("/calendar.ics").data).walk("VEVENT")}  # noqa: E731
    before = uids()
    old = app.config["PUBLIC_BASE_URL"]
    try:
        app.config["PUBLIC_BASE_URL"] = "https://vanort.goteborg.example.org"
        after_body = client.get("/calendar.ics").data
        assert b"https://vanort.goteborg.example.org/meetings/" in after_body.replace(b"\r\n ", b"")
        assert uids() == before
    finally:
        app.config["PUBLIC_BASE_URL"] = old


def test_last_modified_never_goes_back_and_a_deletion_moves_it(client, nordic):
    meeting = make_meeting(nordic["aarhus"], start_date=date(2027, 3, 3))
    first = client.get("/calendar.ics")
    time_module.sleep(1.05)  # HTTP dates count whole seconds
    db.session.delete(meeting)
    db.session.commit()
    second = client.get("/calendar.ics")
    assert second.headers["ETag"] != first.headers["ETag"]
    parse_date = __import__("werkzeug.http", fromlist=["parse_date"]).parse_date
    assert parse_date(second.headers["Last-Modified"]) > parse_date(first.headers["Last-Modified"])


def test_an_unchanged_feed_is_served_from_the_cache_until_the_data_changes(client, nordic):
    make_series(rotation(nordic))
    client.get("/calendar/meetings.ics")
    renders = feed_cache().renders
    for _ in range(3):
        client.get("/calendar/meetings.ics")
    assert feed_cache().renders == renders
    make_meeting(nordic["aarhus"])
    client.get("/calendar/meetings.ics")
    assert feed_cache().renders == renders + 1


def test_an_unchanged_feed_keeps_its_bytes_from_one_day_to_the_next(app, nordic, monkeypatch):
    _change_the_nordic_series(nordic)
    make_exchange(nordic["turku"])
    from app.meetings import occurrences

    bodies = []
    for day in (datetime(2026, 12, 1, 8, tzinfo=UTC), datetime(2026, 12, 30, 23, tzinfo=UTC)):
        monkeypatch.setattr(occurrences, "utcnow", lambda day=day: day)
        with app.test_request_context():
            bodies.append(feeds.public_feed("all", "sv", 2026))
    assert bodies[0] == bodies[1]


def test_exchanges_are_all_day_with_an_exclusive_end(client, nordic):
    exchange = make_exchange(nordic["bergen"], starts_on=date(2027, 4, 12))
    exchange_end = exchange.ends_on
    cal = parse(client.get("/calendar/exchanges.ics").data)
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["DTSTART"].dt == date(2027, 4, 12)
    assert event["DTEND"].dt == exchange_end + timedelta(days=1)
    assert str(event["CATEGORIES"].cats[0]) == "exchange"
    assert str(event["URL"]).endswith(f"/exchanges/{exchange.id}")


def test_a_partner_feed_holds_its_series_meetings_and_exchanges_only(client, nordic):
    make_series(rotation(nordic))
    make_meeting(nordic["aarhus"], title_en="Aarhus visit")
    make_meeting(nordic["bergen"], title_en="Bergen visit")
    make_exchange(nordic["aarhus"], title_en="Aarhus exchange")
    body = client.get("/calendar/partners/aarhus.ics?lang=en").data.decode()
    parse(body.encode())
    assert "Aarhus visit" in body and "Aarhus exchange" in body and "Nordic" in body
    assert "Bergen visit" not in body
    assert "Århus" in body.split("X-WR-CALNAME:")[1].split("\r\n")[0]
    assert client.get("/calendar/partners/no-such-town.ics").status_code == 404


def test_private_feed_adds_unpublished_meetings_and_agreement_deadlines(
    client, nordic, private_url
):
    make_meeting(nordic["aarhus"], published=False, title_en="Secret visit")
    agreement = make_agreement(nordic["turku"], starts_on=date(2026, 1, 1))
    public = client.get("/calendar.ics?lang=en").data.decode()
    assert "Secret visit" not in public
    response = client.get(private_url + "?lang=en")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    cal = parse(response.data)
    by_uid = {str(v["UID"]).split("@")[0]: v for v in cal.walk("VEVENT")}
    assert "Secret visit" in response.data.decode()
    decision = by_uid[f"agreement-{agreement.id}-decision"]
    expiry = by_uid[f"agreement-{agreement.id}-expiry"]
    assert decision["DTSTART"].dt == agreement.decision_on
    assert expiry["DTSTART"].dt == agreement.ends_on
    assert expiry["DTEND"].dt == agreement.ends_on + timedelta(days=1)
    assert expiry["DTSTART"].params["VALUE"] == "DATE"


def test_unknown_and_revoked_tokens_are_404_and_only_a_hash_is_stored(client, private_url):
    secret = private_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(secret) >= 40
    stored = db.session.scalars(sa.select(FeedToken)).one()
    assert secret not in (stored.token_hash, stored.hint) and stored.hint == secret[:6]
    assert client.get("/calendar/private/" + secret[:-1] + "x.ics").status_code == 404
    assert client.get("/calendar/private/%00%ff.ics").status_code == 404
    from app.calendar import tokens

    tokens.revoke(stored)
    db.session.commit()
    assert client.get(private_url).status_code == 404


@pytest.mark.parametrize("query", ["?lang=xx", "?x=1&y=2", "?lang=en&lang=sv", "?" + "a" * 3000])
def test_a_query_string_on_a_feed_is_ignored(client, nordic, query):
    make_meeting(nordic["aarhus"])
    response = client.get("/calendar.ics" + query)
    assert response.status_code == 200
    parse(response.data)


def test_a_query_string_with_control_characters_is_refused_clearly(client):
    response = client.get("/calendar.ics?x=%00")
    assert response.status_code == 400
    assert b"Traceback" not in response.data


def test_a_series_page_says_how_far_ahead_its_rotating_meetings_are_planned(client, nordic):
    rotating = make_series(rotation(nordic), first_date=date(2026, 6, 10))
    fixed = make_series(
        rotation(nordic), first_date=date(2026, 6, 10), in_host_timezone=False, venue="Online"
    )
    horizon = date(datetime.now(UTC).year + 10, 12, 31)
    page = client.get(f"/meetings/{rotating.public_id}?lang=en").text
    assert f'data-planned-through="{horizon.isoformat()}"' in page
    assert f"planned through December 31, {horizon.year}" in page
    swedish = client.get(f"/meetings/{rotating.public_id}?lang=sv").text
    assert f"planerade till och med 31 december {horizon.year}" in swedish
    assert "data-planned-through" not in client.get(f"/meetings/{fixed.public_id}").text
    listed = series_occurrences(rotating)
    assert listed[-1].start.year == horizon.year


def test_every_vtimezone_agrees_with_the_tz_database_over_the_whole_feed(client, nordic):
    """Mexico City dropped daylight saving time in 2022: a rule from 2020 must say so."""
    from zoneinfo import ZoneInfo

    make_series(
        rotation(nordic),
        first_date=date(2020, 7, 15),
        freq="months",
        interval=6,
        in_host_timezone=False,
        timezone="America/Mexico_City",
        venue="Online",
    )
    _change_the_nordic_series(nordic)
    cal = parse(client.get("/calendar/meetings.ics").data)
    horizon = datetime.now(UTC).year + 10
    checked = 0
    for vtimezone in cal.walk("VTIMEZONE"):
        tzid = str(vtimezone["TZID"])
        embedded, real = vtimezone.to_tz(), ZoneInfo(tzid)
        for year in range(2020, horizon + 1):
            for month in (1, 4, 7, 10):
                local = datetime(year, month, 15, 12)
                assert (
                    local.replace(tzinfo=embedded).utcoffset()
                    == local.replace(tzinfo=real).utcoffset()
                ), (tzid, local)
                checked += 1
    assert checked > 100


def test_one_meeting_downloads_under_the_uid_the_feed_gives_it(client, nordic):
    fixed = make_series(
        rotation(nordic), first_date=date(2027, 3, 31), in_host_timezone=False, venue="Online"
    )
    rotating = make_series(rotation(nordic), first_date=date(2027, 6, 10))
    feed = parse(client.get("/calendar/meetings.ics").data)
    (master,) = [v for v in feed.walk("VEVENT") if "RRULE" in v]
    feed_uids = {str(v["UID"]) for v in feed.walk("VEVENT")}
    for series in (fixed, rotating):
        occ = series_occurrences(series)[1]
        cal = parse(client.get(f"/meetings/{series.public_id}/{occ.key}.ics").data)
        (event,) = cal.walk("VEVENT")
        assert str(event["UID"]) in feed_uids
        assert event["DTSTART"].dt.astimezone(UTC) == occ.start.astimezone(UTC)
        if series is fixed:  # the feed's own override of that meeting
            assert str(event["UID"]) == str(master["UID"])
            assert event["RECURRENCE-ID"].params["TZID"] == master["DTSTART"].params["TZID"]
            assert event["RECURRENCE-ID"].dt.astimezone(UTC) == occ.occurrence.original_start
            assert int(event["SEQUENCE"]) == int(master["SEQUENCE"])


def test_renaming_or_rezoning_a_host_raises_the_sequence_of_what_is_held_there(client, nordic):
    from app.partners import workspace

    make_series(rotation(nordic), first_date=date(2027, 6, 10))
    make_meeting(nordic["bergen"], venue="", start_date=date(2027, 9, 1))
    make_exchange(nordic["bergen"], direction="we_travel", starts_on=date(2027, 4, 12))
    before = sequences(parse(client.get("/calendar.ics").data))
    workspace.update_partner(nordic["bergen"], name="Bergen (Vestland)", timezone="Europe/London")
    db.session.commit()
    body = client.get("/calendar.ics").data
    after = sequences(parse(body))
    assert "Bergen (Vestland)" in body.decode()
    assert set(after) == set(before)
    assert all(after[k] > before[k] for k in before), {k: (before[k], after[k]) for k in before}


def test_a_series_first_set_in_the_spring_forward_gap_keeps_its_time_in_feeds(client, nordic):
    """02:30 does not exist in Stockholm on 29 March 2026; every later month it does."""
    make_series(
        rotation(nordic),
        first_date=date(2026, 3, 29),
        start_time=time(2, 30),
        freq="months",
        interval=1,
        count=6,
        in_host_timezone=False,
        venue="Rum 1",
        duration_minutes=60,
        confirm_gap=True,  # the coordinator was warned and kept the time
    )
    body = client.get("/calendar/meetings.ics").data
    assert b"DTSTART;TZID=Europe/Stockholm:20260329T023000" in body
    assert _expanded(body) == _listed()


# Feeds are made from each series', meeting's and exchange's events kept per process
# under the contents of their rows (read as plain columns): the bytes must be those of a
# feed made the plain way, from objects, with nothing kept, before and after any change.


def _plain_meetings(
    *, include_unpublished=False, lang=None, since=None, partner=None, partners=None
):
    from app.meetings.calendar import meeting_calevent, series_calevents
    from app.meetings.occurrences import series_query

    events = []
    for series in db.session.scalars(series_query(include_unpublished)):
        if partner is None or partner.id in {p.id for p in series.rotation}:
            events += series_calevents(series, lang=lang, since=since)
    query = sa.select(Meeting).where(Meeting.cancelled_at.is_(None))
    if not include_unpublished:
        query = query.where(Meeting.published.is_(True))
    if since is not None:
        query = query.where(Meeting.ends_at > since)
    if partner is not None:
        query = query.where(Meeting.partner_id == partner.id)
    for meeting in db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)):
        events.append(meeting_calevent(meeting, lang=lang))
    return events


def _plain_exchanges(since, lang, *, partner=None, drafts=False, partners=None):
    import dataclasses

    from app.exchanges import models as xm
    from app.exchanges.calendar import exchange_event

    query = sa.select(xm.Exchange).where(xm.Exchange.ends_on >= since)
    if not drafts:
        query = query.where(xm.Exchange.status != xm.DRAFT)
    if partner is not None:
        query = query.where(xm.Exchange.partner_id == partner.id)
    events = []
    for exchange in db.session.scalars(query.order_by(xm.Exchange.starts_on, xm.Exchange.id)):
        event = exchange_event(exchange, lang)
        if exchange.status == xm.DRAFT:
            event = dataclasses.replace(event, status="TENTATIVE")
        events.append(event)
    return events


def _plain_feed(client, path: str) -> bytes:
    """Return the feed at `path` made from objects, with nothing kept from before."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(feeds, "calendar_events", _plain_meetings)
        patch.setattr(feeds, "_exchanges", _plain_exchanges)
        patch.setattr(feeds, "event_cache", dict)  # a fresh, empty cache per feed
        feed_cache().clear()
        body = client.get(path).data
    feed_cache().clear()
    return body


@pytest.fixture
def varied(nordic):
    """Rotating and single-place series with moved, cancelled, skipped and swapped
    meetings, one-off meetings (one unpublished, one cancelled) and exchanges (a draft,
    a cancelled one), hosted in five zones."""
    from app.exchanges import models as xm
    from tests.factories import make_partner

    far = make_partner("Boston", slug="boston", country="US", timezone="America/New_York")
    rotating = make_series(
        rotation(nordic), freq="months", interval=4, first_date=date(2025, 6, 10)
    )
    found = series_occurrences(rotating)
    services.cancel_occurrence(rotating, found[1].key, reason="Storm", reason_en="Storm")
    services.cancel_occurrence(rotating, found[2].key, skip=True)
    services.move_occurrence(rotating, found[4].key, new_time=time(8), new_timezone="UTC")
    services.swap_hosts(rotating, found[5].key, found[6].key, reason="Jubilee")
    fixed = make_series(
        [nordic["turku"]],
        freq="months",
        interval=3,
        first_date=date(2025, 1, 15),
        in_host_timezone=False,
        timezone="Europe/Helsinki",
        venue="Online",
    )
    occs = series_occurrences(fixed)
    services.move_occurrence(fixed, occs[2].key, new_date=occs[2].start.date() + timedelta(1))
    services.move_occurrence(fixed, occs[3].key, new_timezone="America/New_York")
    services.cancel_occurrence(fixed, occs[5].key, reason="Val", reason_en="Election")
    db.session.commit()
    make_meeting(far, title_en="Boston visit", start_date=date(2026, 9, 1))
    make_meeting(nordic["aarhus"], title_en="Aarhus visit", start_date=date(2027, 2, 3))
    make_meeting(nordic["bergen"], title_en="Secret visit", published=False)
    gone = make_meeting(nordic["bergen"], title_en="Called off", start_date=date(2027, 4, 4))
    services.cancel_meeting(gone, reason="Sjuk", reason_en="Ill")
    db.session.commit()
    make_exchange(nordic["aarhus"], title_en="Aarhus exchange")
    make_exchange(far, title_en="Boston exchange", direction=xm.THEY_VISIT)
    make_exchange(nordic["turku"], title_en="Draft exchange", status=xm.DRAFT)
    make_exchange(nordic["bergen"], title_en="Off exchange", status=xm.CANCELLED)
    make_agreement(nordic["turku"], starts_on=date(2026, 1, 1))
    return {"rotating": rotating, "fixed": fixed, "far": far}


def _feed_paths(private_url: str) -> list[str]:
    paths = [*FEEDS, "/calendar/partners/aarhus.ics", "/calendar/partners/boston.ics"]
    paths.append(private_url)
    return [f"{p}?lang={lang}" for p in paths for lang in ("en", "sv")]


def test_feeds_made_from_kept_events_are_the_bytes_of_plain_ones(
    client, nordic, varied, private_url
):
    paths = _feed_paths(private_url)
    for path in paths:
        client.get(path)  # every event kept
    feed_cache().clear()
    for path in paths:
        kept = client.get(path).data
        assert kept == _plain_feed(client, path), path
    everything = parse(client.get("/calendar.ics?lang=en").data)
    titles = {str(e["SUMMARY"]) for e in everything.walk("VEVENT")}
    assert {"Boston visit", "Aarhus exchange", "Nordic twin town meeting"} <= titles
    assert len({str(e["DTSTART"].params.get("TZID")) for e in everything.walk("VEVENT")}) >= 4

    # One change of each kind, then again every feed as the plain way makes it.
    services.move_occurrence(
        varied["fixed"], series_occurrences(varied["fixed"])[7].key, new_time=time(7)
    )
    meeting = db.session.scalars(sa.select(Meeting).where(Meeting.title_en == "Aarhus visit")).one()
    services.update_meeting(meeting, **_meeting_fields(meeting, title_en="Aarhus visit renamed"))
    nordic["aarhus"].name = "Aarhus Kommune"  # where its meetings and exchanges are held
    db.session.commit()
    for path in paths:
        body = client.get(path).data
        assert body == _plain_feed(client, path), path
    assert b"Aarhus Kommune" in client.get("/calendar.ics?lang=en").data
    assert b"Aarhus visit renamed" in client.get("/calendar.ics?lang=en").data


@pytest.fixture
def other_worker(app):
    """A second app on the same database with a memory of its own, as another worker."""
    from app import create_app
    from tests.conftest import _current_database

    other = create_app(_current_database[-1].config)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_change_another_worker_commits_is_in_the_next_feed(client, nordic, varied, other_worker):
    from app.exchanges.models import Exchange
    from app.meetings.models import MeetingSeries, OccurrenceChange
    from app.meetings.recurrence import MOVED

    path = "/calendar.ics?lang=en"
    before = client.get(path).data
    assert b"Aarhus visit" in before
    fixed_id = varied["fixed"].id
    moved = series_occurrences(varied["fixed"])[8]
    with other_worker.app_context():
        theirs = db.session.scalars(
            sa.select(Meeting).where(Meeting.title_en == "Aarhus visit")
        ).one()
        theirs.title_en = "Aarhus visit by another worker"
        theirs.sequence += 1
        series = db.session.get(MeetingSeries, fixed_id)
        series.changes.append(
            OccurrenceChange(original_start=moved.occurrence.original_start, new_time=time(6))
        )
        exchange = db.session.scalars(
            sa.select(Exchange).where(Exchange.title_en == "Aarhus exchange")
        ).one()
        exchange.title_en = "Aarhus exchange renamed"
        db.session.commit()

    after = client.get(path).data
    assert b"Aarhus visit by another worker" in after
    assert b"Aarhus exchange renamed" in after
    assert after == _plain_feed(client, path)
    assert after != before
    changed = series_occurrences(db.session.get(MeetingSeries, fixed_id))[8]
    assert changed.status == MOVED


def test_a_session_sees_its_own_uncommitted_change_in_a_feed(app, nordic, varied):
    year = datetime.now(UTC).year
    with app.test_request_context("/?lang=en"):
        before = feeds.public_events("all", "en", year)
        meeting = db.session.scalars(
            sa.select(Meeting).where(Meeting.title_en == "Aarhus visit")
        ).one()
        meeting.title_en = "Not yet saved"  # not even flushed
        assert "Not yet saved" in {e.title for e in feeds.public_events("all", "en", year)}
        db.session.rollback()
        assert feeds.public_events("all", "en", year) == before


def test_after_one_change_a_feed_loads_only_that_row_as_an_object(client, nordic, varied):
    from app.exchanges.models import Exchange
    from app.meetings.models import MeetingSeries

    client.get("/calendar.ics?lang=en")
    meeting = db.session.scalars(sa.select(Meeting).where(Meeting.title_en == "Aarhus visit")).one()
    meeting.title_en = "Aarhus visit moved"
    meeting.sequence += 1
    db.session.commit()
    db.session.remove()  # a new request: nothing in the session's identity map
    loaded = []

    def note(target, _context):
        loaded.append(type(target).__name__)

    for model in (Meeting, MeetingSeries, Exchange):
        sa.event.listen(model, "load", note)
    try:
        body = client.get("/calendar.ics?lang=en").data
    finally:
        for model in (Meeting, MeetingSeries, Exchange):
            sa.event.remove(model, "load", note)
    assert b"Aarhus visit moved" in body
    assert loaded == ["Meeting"]
