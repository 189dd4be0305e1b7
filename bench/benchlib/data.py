"""Bench data at a given size: partners in several zones, rotating and single-zone series
with moved and cancelled meetings, one-off meetings, exchanges with sign-ups, agreements
and grants with their deadlines.

`build(events)` fills the current app's (empty) database so that `/calendar.ics` holds
about `events` VEVENTs; it returns what it made as plain numbers and a few ids. Rows are
added as objects in bulk (no services, audit or mail): this is data, not behaviour.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from app.agreements.models import DEFAULT_LEAD_DAYS, MEMORANDUM, Agreement
from app.exchanges import models as xm
from app.extensions import db
from app.grants.models import KINDS as OBLIGATION_KINDS
from app.grants.models import Grant, GrantObligation
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange, SeriesHost
from app.meetings.occurrences import series_occurrences
from app.partners.models import HOME, NETWORK, PARTNER_CITY, TWIN_TOWN, Partner

ZONES = (
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Helsinki",
    "Europe/London",
    "America/New_York",
    "Asia/Shanghai",
    "Africa/Nairobi",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Australia/Sydney",
)
ROTATING_SHARE, SINGLE_SHARE, ONE_OFF_SHARE = 0.40, 0.20, 0.25  # the rest: exchanges
ROTATING_EACH = 24  # meetings of a rotating series in the feed (monthly, two years)
SINGLE_EACH = 3  # VEVENTs of a single-zone series: the master and two moved meetings


@dataclass
class Built:
    """What `build` made."""

    partners: int = 0
    rotating: int = 0
    single: int = 0
    meetings: int = 0
    exchanges: int = 0
    signups: int = 0
    agreements: int = 0
    obligations: int = 0
    slugs: list[str] = field(default_factory=list)
    exchange_ids: list[int] = field(default_factory=list)
    single_series_ids: list[int] = field(default_factory=list)
    meeting_ids: list[int] = field(default_factory=list)


def build(events: int, *, seed: int = 11, prefix: str = "") -> Built:
    """Fill the database with about `events` public calendar events.

    A second call adds to the first when given a `prefix` for its partners' slugs (the
    home city is made by the first call only).
    """
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    year = now.year
    out = Built()
    partners = _partners(max(8, events // 100), prefix)
    out.partners = len(partners)
    out.slugs = [p.slug for p in partners if p.kind != HOME]
    home = db.session.scalars(db.select(Partner).where(Partner.kind == HOME)).first()
    others = [p for p in partners if p.kind != HOME]

    n_rotating = max(1, round(events * ROTATING_SHARE / ROTATING_EACH))
    n_single = max(1, round(events * SINGLE_SHARE / SINGLE_EACH))
    n_meetings = max(1, round(events * ONE_OFF_SHARE))
    n_exchanges = max(1, events - n_rotating * ROTATING_EACH - n_single * SINGLE_EACH - n_meetings)

    rotating = []
    for i in range(n_rotating):
        hosts = [home, *rnd.sample(others, 2)]
        first = date(year - 1, 1, 1) + timedelta(days=rnd.randrange(0, 28))
        series = MeetingSeries(
            title_sv=f"Rullande möte {i}",
            title_en=f"Rotating meeting {i}",
            description_sv="Värdskapet går runt.",
            description_en="The host city rotates.",
            freq="months",
            interval=1,
            first_date=first,
            until_date=first + timedelta(days=ROTATING_EACH * 30 - 15),
            start_time=time(10, 0),
            duration_minutes=180,
            timezone=home.timezone,
            in_host_timezone=True,
            venue="",
            published=True,
        )
        series.hosts = [SeriesHost(position=k, partner=p) for k, p in enumerate(hosts)]
        rotating.append(series)
    single = []
    for i in range(n_single):
        host = rnd.choice(others)
        first = date(year - 1, 2, 1) + timedelta(days=rnd.randrange(0, 300))
        series = MeetingSeries(
            title_sv=f"Styrgrupp {i}",
            title_en=f"Steering group {i}",
            freq="months",
            interval=2,
            first_date=first,
            count=12,
            start_time=time(14, 0),
            duration_minutes=90,
            timezone=host.timezone,
            in_host_timezone=False,
            venue=f"{host.name} city hall",
            published=True,
        )
        series.hosts = [SeriesHost(position=0, partner=host)]
        single.append(series)
    db.session.add_all(rotating + single)
    db.session.flush()
    # Moved and cancelled meetings: two moved and one cancelled per single-zone series,
    # one cancelled per rotating series.
    for series in single:
        occs = series_occurrences(series)
        picks = rnd.sample(occs, 3)
        for k, occ in enumerate(picks):
            original = occ.occurrence.original_start
            if k < 2:
                local = occ.start.astimezone(occ.start.tzinfo)
                change = OccurrenceChange(
                    original_start=original,
                    new_date=local.date() + timedelta(days=1),
                    new_time=time(9, 0),
                    reason="Flyttat",
                    reason_en="Moved",
                )
            else:
                change = OccurrenceChange(
                    original_start=original, cancelled=True, reason="Inställt"
                )
            series.changes.append(change)
    for series in rotating:
        occ = rnd.choice(series_occurrences(series))
        series.changes.append(
            OccurrenceChange(original_start=occ.occurrence.original_start, cancelled=True)
        )
    out.rotating, out.single = len(rotating), len(single)
    out.single_series_ids = [s.id for s in single]

    meetings = []
    start = datetime(year - 1, 1, 10, 8, tzinfo=UTC)
    span = (datetime(year + 2, 1, 1, tzinfo=UTC) - start).days
    for i in range(n_meetings):
        partner = rnd.choice(others)
        begins = start + timedelta(days=rnd.randrange(span), hours=rnd.randrange(0, 8))
        cancelled = i % 10 == 9
        meetings.append(
            Meeting(
                title_sv=f"Besök {i}",
                title_en=f"Visit {i}",
                partner=partner,
                venue="Stadshuset",
                agenda="1. Välkommen\n2. Samarbete",
                timezone=partner.timezone,
                starts_at=begins,
                ends_at=begins + timedelta(hours=3),
                published=True,
                cancelled_at=now if cancelled else None,
                cancel_reason="Sjukdom" if cancelled else "",
            )
        )
    db.session.add_all(meetings)

    exchanges = []
    for i in range(n_exchanges):
        partner = rnd.choice(others)
        starts = date(year - 1, 3, 1) + timedelta(days=rnd.randrange(span))
        exchanges.append(
            xm.Exchange(
                partner=partner,
                title_sv=f"Utbyte {i}",
                title_en=f"Exchange {i}",
                description_sv="Elever reser.",
                starts_on=starts,
                ends_on=starts + timedelta(days=6),
                places=40,
                status=xm.OPEN if i % 7 else xm.CLOSED,
                signup_opens_at=now - timedelta(days=10),
                signup_closes_at=now + timedelta(days=30 + i % 60),
            )
        )
    db.session.add_all(exchanges)
    db.session.flush()
    schools = [
        xm.School(
            name=f"{prefix}Skola {k}",
            name_key=f"{prefix}skola {k}",
            contact_email=f"s{k}@example.org",
        )
        for k in range(max(5, events // 200))
    ]
    db.session.add_all(schools)
    db.session.flush()
    signups = 0
    for exchange in exchanges:
        for k in range(3):
            school = schools[(exchange.id * 3 + k) % len(schools)]
            db.session.add(
                xm.Signup(
                    exchange=exchange,
                    school=school,
                    contact_name="Anna",
                    contact_email=f"{k}.{school.contact_email}",
                    pupils=4,
                    teachers=1,
                    status=xm.CONFIRMED,
                    token_nonce=f"{prefix}n{exchange.id}x{k}",
                )
            )
            signups += 1

    agreements = []
    for i in range(max(2, events // 20)):
        partner = others[i % len(others)]
        starts = date(year - 2, 1, 1) + timedelta(days=rnd.randrange(0, 900))
        if i < 2:  # every month view shows one expiry and one decision, at every size
            today = now.date()
            ends = today if i == 0 else today + timedelta(days=DEFAULT_LEAD_DAYS)
            starts = ends - timedelta(days=3 * 365)
        agreements.append(
            Agreement(
                partner=partner,
                kind=MEMORANDUM,
                title=f"Avtal {i}",
                signed_on=starts - timedelta(days=30),
                starts_on=starts,
                ends_on=starts + timedelta(days=3 * 365),
            )
        )
    db.session.add_all(agreements)
    grants = []
    obligations = 0
    for i in range(max(1, events // 50)):
        grant = Grant(
            programme="ICLD",
            title=f"Bidrag {i}",
            partner=others[i % len(others)],
            amount=Decimal("100000"),
            currency="SEK",
        )
        base = date(year - 1, 1, 15) + timedelta(days=rnd.randrange(0, 700))
        if i == 0:  # one obligation due in every month view
            base = now.date()
        grant.obligations = [
            GrantObligation(kind=kind, due_on=base + timedelta(days=90 * k))
            for k, kind in enumerate(OBLIGATION_KINDS)
        ]
        obligations += len(OBLIGATION_KINDS)
        grants.append(grant)
    db.session.add_all(grants)
    db.session.commit()
    out.meetings, out.exchanges, out.signups = len(meetings), len(exchanges), signups
    out.agreements, out.obligations = len(agreements), obligations
    out.exchange_ids = [e.id for e in exchanges]
    out.meeting_ids = [m.id for m in meetings]
    return out


def _partners(count: int, prefix: str) -> list[Partner]:
    kinds = (PARTNER_CITY, TWIN_TOWN, NETWORK)
    partners = []
    if not prefix:
        partners.append(
            Partner(slug="goteborg", kind=HOME, name="Göteborg", country="SE", timezone=ZONES[0])
        )
    for i in range(1, count):
        partners.append(
            Partner(
                slug=f"{prefix}city-{i}",
                kind=kinds[i % len(kinds)],
                name=f"{prefix}City {i}",
                country="NO",
                timezone=ZONES[i % len(ZONES)],
                since_year=1950 + i % 70,
                description_sv="En vänort.",
                description_en="A twin town.",
            )
        )
    db.session.add_all(partners)
    db.session.flush()
    return partners
