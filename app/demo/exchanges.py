"""Demo exchanges for the seed-demo command: dated from the moment of seeding."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.exchanges import models as m
from app.exchanges.links import new_nonce
from app.exchanges.models import Exchange, School, Signup
from app.exchanges.services import create_exchange, school_key
from app.extensions import db
from app.partners.models import Partner
from app.partners.services import home_timezone
from app.timeutil import localize, utcnow

SCHOOLS = {
    "goteborg": [
        ("Hvitfeldtska gymnasiet", m.UPPER_SECONDARY, "hvitfeldtska@example.org"),
        ("Göteborgs kulturskola", m.CULTURE_SCHOOL, "kulturskolan@example.org"),
        ("Guldhedsskolan", m.COMPULSORY, "guldhedsskolan@example.org"),
        ("Hvitfeldtska gymnasiet, musik", m.UPPER_SECONDARY, "hvf-musik@example.org"),
        ("Johannebergsskolan", m.COMPULSORY, "johanneberg@example.org"),
    ],
    "molndal": [
        ("Krokslättsskolan", m.COMPULSORY, "krokslatt@example.org"),
        ("Mölndals kulturskola", m.CULTURE_SCHOOL, "kulturskolan.molndal@example.org"),
        ("Krokslätts gymnasium", m.UPPER_SECONDARY, "krokslatts-gymnasium@example.org"),
    ],
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a wall-clock moment in the home zone (sign-up windows are set in it)."""
    return localize(day, time(hour, minute), home_timezone())


def _exchange(partner: Partner, start: date, days: int, **values: object) -> Exchange:
    values.setdefault("signup_opens_at", _at(date.today() - timedelta(days=7), 8))
    values.setdefault("signup_closes_at", _at(start - timedelta(days=21), 23, 59))
    return create_exchange(
        partner_id=partner.id, starts_on=start, ends_on=start + timedelta(days=days), **values
    )


def _group(exchange: Exchange, school: School, pupils: int, teachers: int = 2) -> None:
    db.session.add(
        Signup(
            exchange=exchange,
            school=school,
            contact_name="Internationell samordnare",
            contact_email=school.contact_email,
            language="sv",
            pupils=pupils,
            teachers=teachers,
            status=m.CONFIRMED,
            queued_at=utcnow(),
            token_nonce=new_nonce(),
        )
    )


def _schools(city: str) -> list[School]:
    schools = [
        School(name=name, name_key=school_key(name), contact_email=email, kind=kind)
        for name, kind, email in SCHOOLS[city]
    ]
    db.session.add_all(schools)
    return schools


def seed_demo(city: str, partners: dict[str, Partner]) -> None:
    """Add this area's demo data for the city (flush, never commit)."""
    today = date.today()
    schools = _schools(city)
    if city == "goteborg":
        aarhus = _exchange(
            partners["aarhus"],
            today + timedelta(days=95),
            5,
            title_sv="Nordiskt ungdomsutbyte i Århus",
            title_en="Nordic youth exchange in Aarhus",
            description_sv="Elever i årskurs 8–9 bor hos värdfamiljer i Århus och arbetar med hållbar stadsutveckling tillsammans med danska elever.",
            description_en="Pupils in years 8–9 stay with host families in Aarhus and work on sustainable urban development with Danish pupils.",
            programme_sv="Dag 1: resa och välkomstmiddag.\nDag 2–4: projektarbete och studiebesök.\nDag 5: redovisning och hemresa.",
            programme_en="Day 1: travel and welcome dinner.\nDays 2–4: project work and study visits.\nDay 5: presentations and journey home.",
            practical_sv="Resan sker med tåg. Varje grupp har minst en medföljande lärare.",
            practical_en="We travel by train. Every group has at least one accompanying teacher.",
            direction=m.WE_TRAVEL,
            places=24,
            cap_per_school=10,
            school_year_min=8,
            school_year_max=9,
            status=m.OPEN,
        )
        # Nearly full: 21 of 24 places taken.
        _group(aarhus, schools[0], 8)
        _group(aarhus, schools[2], 7)
        _group(aarhus, schools[4], 6)
        lyon = _exchange(
            partners["lyon"],
            today + timedelta(days=150),
            7,
            title_sv="Språk- och kulturutbyte med Lyon",
            title_en="Language and culture exchange with Lyon",
            description_sv="Gymnasieelever som läser franska besöker Lyon, och en grupp från Lyon besöker Göteborg på hösten.",
            description_en="Upper secondary pupils learning French visit Lyon, and a group from Lyon visits Gothenburg in the autumn.",
            practical_sv="Resan sker med flyg. Kostnaden delas mellan skolan och Internationella avdelningen.",
            practical_en="We travel by air. The cost is shared between the school and the International office.",
            direction=m.BOTH,
            places=30,
            incoming_pupils=25,
            age_min=16,
            age_max=19,
            status=m.OPEN,
        )
        _group(lyon, schools[1], 6)
        _group(lyon, schools[3], 5)
        past = _exchange(
            partners["aarhus"],
            today - timedelta(days=300),
            4,
            title_sv="Århus besöker Göteborg",
            title_en="Aarhus visits Gothenburg",
            direction=m.THEY_VISIT,
            places=20,
            incoming_pupils=18,
            status=m.CLOSED,
            signup_opens_at=_at(today - timedelta(days=400), 8),
            signup_closes_at=_at(today - timedelta(days=330), 23, 59),
        )
        _group(past, schools[2], 12)
    else:
        albertslund = _exchange(
            partners["albertslund"],
            today + timedelta(days=100),
            4,
            title_sv="Vänortsutbyte med Albertslund",
            title_en="Twin-town exchange with Albertslund",
            description_sv="Elever från Mölndal och Albertslund arbetar tillsammans med klimat och natur.",
            description_en="Pupils from Mölndal and Albertslund work together on climate and nature.",
            direction=m.WE_TRAVEL,
            places=20,
            status=m.OPEN,
        )
        _group(albertslund, schools[0], 8)
        _exchange(
            partners["borken"],
            today + timedelta(days=160),
            5,
            title_sv="Kulturskolan möter Borken",
            title_en="The culture school meets Borken",
            direction=m.THEY_VISIT,
            places=15,
            incoming_pupils=15,
            status=m.OPEN,
        )
    db.session.flush()
