"""Demo meetings for the seed-demo command, dated relative to the day of seeding."""

from __future__ import annotations

from datetime import date, time, timedelta

from app.meetings import delegates, documents, services
from app.meetings.calendar import invitation_calevent
from app.meetings.models import REPLY_ACCEPTED, REPLY_DECLINED, MeetingSeries
from app.meetings.occurrences import series_occurrences
from app.partners.models import Partner
from app.timeutil import local_today, utcnow

NORDIC_ROTATION = ("goteborg", "aarhus", "turku", "bergen")
# Role addresses only (example.org): never real people's contacts.
NORDIC_DELEGATION = (
    ("Internationella utskottet, ordförande", "Chair", "international.committee@example.org", "sv"),
    ("Internationella utskottet, vice ordförande", "Vice chair", "vice.chair@example.org", "sv"),
    ("Internationella avdelningen", "Coordinator", "international.office@example.org", "sv"),
    ("Kommunstyrelsens kansli", "Secretariat", "council.secretariat@example.org", "en"),
)


NORDIC_AGENDA = (
    "1. Välkommen / Welcome\n"
    "2. Rapporter från städerna / Reports from the cities\n"
    "3. Ungdomsutbyten 2029 / Youth exchanges 2029\n"
    "4. Klimat och hamnar / Climate and ports\n"
    "5. Nästa möte och värdstad / Next meeting and host city"
)


def seed_demo(city: str, partners: dict[str, Partner]) -> None:
    """Add this area's demo data for the city (flush, never commit)."""
    if city == "goteborg":
        _goteborg(partners)
    elif city == "molndal":
        _molndal(partners)


def _in_days(zone: str, days: int) -> date:
    return local_today(zone) + timedelta(days=days)


def _goteborg(p: dict[str, Partner]) -> None:
    today = local_today("Europe/Stockholm")
    nordic = services.create_series(
        host_ids=[p[slug].id for slug in NORDIC_ROTATION],
        title_sv="Nordiskt vänortsmöte",
        title_en="Nordic twin town meeting",
        description_sv=(
            "Politiker och tjänstepersoner från Göteborg, Århus, Åbo och Bergen möts vartannat "
            "år för att utbyta erfarenheter. Värdskapet går runt mellan städerna."
        ),
        description_en=(
            "Politicians and officials from Göteborg, Århus, Åbo and Bergen meet every other "
            "year to compare experience. The cities take turns to host."
        ),
        freq="years",
        interval=2,
        first_date=date(today.year - 6, 6, 10),
        start_time=time(10, 0),
        duration_minutes=7 * 60,
        timezone="Europe/Stockholm",
        in_host_timezone=True,
        published=True,
    )
    coming = [o for o in series_occurrences(nordic) if o.start.date() > today]
    # The next meeting moves a day later, to the city hall; the two after it swap hosts.
    nxt, after, later = coming[0], coming[1], coming[2]
    services.move_occurrence(
        nordic,
        nxt.key,
        new_date=nxt.start.date() + timedelta(days=1),
        venue=f"{nxt.host.name}, rådhuset / city hall",
        reason="Nationaldagsfirandet",
        reason_en="The national day celebrations",
    )
    services.swap_hosts(
        nordic,
        after.key,
        later.key,
        reason=f"{later.host.name} firar jubileum {after.start.year}",
        reason_en=f"{later.host.name} celebrates its jubilee in {after.start.year}",
    )

    _nordic_delegation(nordic, today)

    shanghai_day = _in_days("Asia/Shanghai", 45)
    shanghai = services.create_meeting(
        title_sv="Delegationsbesök från Shanghai",
        title_en="Delegation visit from Shanghai",
        partner_id=p["shanghai"].id,
        venue="Shanghai Municipal Foreign Affairs Office",
        agenda="1. Welcome\n2. Life sciences and port cooperation\n3. Youth exchange 2027",
        timezone="Asia/Shanghai",
        start_date=shanghai_day,
        start_time=time(9, 30),
        end_date=shanghai_day + timedelta(days=2),
        end_time=time(17, 0),
        published=True,
    )
    services.add_delegate(
        shanghai,
        name="International coordinator",
        role="Coordinator",
        organisation="Göteborgs Stad",
        city="Göteborg",
        email="international@example.org",
        language="sv",
    )
    services.add_delegate(
        shanghai,
        name="Foreign Affairs Office",
        role="Host",
        organisation="Shanghai Municipality",
        city="Shanghai",
        email="foreign-affairs.shanghai@example.org",
        language="en",
    )

    chicago_day = _in_days("America/Chicago", 75)
    services.create_meeting(
        title_sv="Projektmöte med Chicago: hållbara hamnar",
        title_en="Project meeting with Chicago: sustainable ports",
        partner_id=p["chicago"].id,
        venue="Chicago City Hall, 121 N LaSalle St",
        agenda="Sister Cities International: port and climate working group.",
        timezone="America/Chicago",
        start_date=chicago_day,
        start_time=time(10, 0),
        end_time=time(12, 0),
        published=True,
    )


def _molndal(p: dict[str, Partner]) -> None:
    day = _in_days("Europe/Copenhagen", 60)
    services.create_meeting(
        title_sv="Eurotowns nätverksmöte",
        title_en="Eurotowns network meeting",
        partner_id=p["eurotowns"].id,
        venue="Albertslund Rådhus",
        timezone="Europe/Copenhagen",
        start_date=day,
        start_time=time(9, 0),
        end_time=time(16, 0),
        published=True,
    )


def _nordic_delegation(nordic: MeetingSeries, today: date) -> None:
    """Give the series its standing delegation; the 2028 meeting (or the next) invites it."""
    for name, role, email, language in NORDIC_DELEGATION:
        delegates.add_standing_delegate(
            nordic,
            name=name,
            role=role,
            organisation="Göteborgs Stad",
            city="Göteborg",
            email=email,
            language=language,
        )
    coming = [o for o in series_occurrences(nordic) if o.start.date() > today]
    chosen = next((o for o in coming if o.start.year == 2028), coming[0])
    documents.set_agenda(nordic, chosen, NORDIC_AGENDA, public=True)
    invited = delegates.copy_standing_delegation(nordic, chosen.key)
    # Shown as invited, as if the invitations had gone out, but nothing is queued: the
    # addresses are example.org's, and `make run` has no mail server to deliver to.
    # Later changes to the meeting mail these delegates updates, as for any invitation.
    sequence = invitation_calevent(chosen).sequence
    now = utcnow()
    for delegate in invited:
        delegate.invited_sequence = sequence
    replies = (REPLY_ACCEPTED, REPLY_ACCEPTED, REPLY_DECLINED)
    for delegate, reply in zip(invited[: len(replies)], replies, strict=True):
        delegate.reply, delegate.replied_at = reply, now
