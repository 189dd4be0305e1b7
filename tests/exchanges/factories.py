"""One-line exchanges and sign-ups for tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from app.exchanges import models as m
from app.exchanges import services
from app.extensions import db
from app.partners.services import home_timezone
from app.timeutil import to_local, utcnow
from tests.factories import discard_committed_mail, make_partner

_counter = itertools.count(1)


def make_exchange(partner=None, **fields: object) -> m.Exchange:
    """Add an open exchange (committed) whose sign-up window is open now."""
    now = utcnow()
    start = fields.pop("starts_on", None) or date.today() + timedelta(days=60)
    values: dict = {
        "partner_id": (partner or make_partner(f"Exchange town {next(_counter)}")).id,
        "title_sv": "Ungdomsutbyte",
        "title_en": "Youth exchange",
        "starts_on": start,
        "ends_on": start + timedelta(days=6),
        "places": 30,
        "status": m.OPEN,
        "signup_opens_at": now - timedelta(days=1),
        "signup_closes_at": now + timedelta(days=30),
    }
    values.update(fields)
    exchange = services.create_exchange(**values)
    db.session.commit()
    return exchange


def request_for(
    school: str | None = None,
    pupils: int = 3,
    teachers: int = 1,
    email: str | None = None,
    language: str = "sv",
) -> services.SignupRequest:
    n = next(_counter)
    return services.SignupRequest(
        school_name=school or f"Skola {n}",
        contact_name="Anna Lärare",
        contact_email=email or f"school{n}@example.org",
        pupils=pupils,
        teachers=teachers,
        language=language,
    )


def make_signup(
    exchange: m.Exchange,
    school: str | None = None,
    pupils: int = 3,
    keep_mail: bool = False,
    **kw: object,
) -> m.Signup:
    """Sign a group up (committed) and return its sign-up.

    Test data, not a request: its confirmation mail is dropped unless `keep_mail`.
    """
    outcome = services.sign_up(exchange.id, request_for(school, pupils, **kw))
    db.session.commit()
    if not keep_mail:
        discard_committed_mail()
    return outcome.signup


def signup_form(
    school: str = "Hvitfeldtska gymnasiet", students: object = 4, **fields: object
) -> dict:
    data = {
        "school_name": school,
        "contact_name": "Anna Lärare",
        "contact_email": "anna@hvitfeldtska.example.org",
        "students": str(students),
        "teachers": "1",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def edit_form(exchange: m.Exchange, **overrides: object) -> dict:
    """The edit form as the page fills it in, with some fields changed."""
    zone = home_timezone()
    data = {
        "partner_id": exchange.partner_id,
        "title_sv": exchange.title_sv,
        "title_en": exchange.title_en,
        "description_sv": exchange.description_sv,
        "description_en": exchange.description_en,
        "programme_sv": exchange.programme_sv,
        "programme_en": exchange.programme_en,
        "practical_sv": exchange.practical_sv,
        "practical_en": exchange.practical_en,
        "status": exchange.status,
        "direction": exchange.direction,
        "starts_on": exchange.starts_on.isoformat(),
        "ends_on": exchange.ends_on.isoformat(),
        "places": exchange.places,
        "offer_hours": exchange.offer_hours,
        "signup_opens_at": to_local(exchange.signup_opens_at, zone).strftime("%Y-%m-%dT%H:%M"),
        "signup_closes_at": to_local(exchange.signup_closes_at, zone).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return {k: str(v) for k, v in data.items() if v is not None}
