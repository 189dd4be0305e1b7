"""Exchange operations: sign-up, waiting list, offers. Plain functions that flush, never commit.

Every change to who holds places runs inside one write transaction that locks the
exchange row first (`begin_write_transaction` + `lock_for_update`), so two sign-ups at the
same moment are decided one after the other and can never both take the last places.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from app import audit
from app.csvutil import excel_csv
from app.dbutil import begin_write_transaction, lock_for_update
from app.exchanges import allocation
from app.exchanges import models as m
from app.exchanges.models import Exchange, School, Signup
from app.extensions import db
from app.feeds.ical import CalEvent, event_to_ical
from app.feeds.uids import calendar_uid
from app.mail import queue_templated
from app.partners.models import Partner
from app.partners.services import home_timezone, home_today
from app.timeutil import utcnow

MAX_STUDENTS = 500
MAX_TEACHERS = 50
TOKEN_SALT = "vanort.exchanges.signup"  # noqa: S105 (a namespace, not a secret)
ACTIVE = (m.CONFIRMED, m.OFFERED, m.WAITLISTED)


class SignupError(Exception):
    """A sign-up or change that the rules refuse; `code` picks the message shown."""

    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


class ExchangeError(Exception):
    """A coordinator's change to an exchange that the rules refuse."""

    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


@dataclass
class SignupRequest:
    """What a school typed into the sign-up form."""

    school_name: str
    contact_name: str
    contact_email: str
    students: int
    teachers: int
    language: str = "sv"
    school_kind: str = m.COMPULSORY


@dataclass
class SignupOutcome:
    """The sign-up made (or found), and whether it was a second try by the same school."""

    signup: Signup
    duplicate: bool = False
    offered: list[Signup] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.signup.status


# --- names, addresses, zones ------------------------------------------------------------


def school_key(name: str) -> str:
    """Fold a school's name so that spelling variants of case and spacing are one school."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"\s+", " ", text).strip()


def normalise_email(address: str) -> str:
    """Return an e-mail address trimmed and lower-cased, as schools are remembered by it."""
    return address.strip().lower()


def mask_email(address: str) -> str:
    """Hide most of an address: anna.berg@skola.example.org -> a***@skola.example.org."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# --- reading ------------------------------------------------------------------------------


def held_pupils(exchange_id: int) -> int:
    """Return the pupils of confirmed and offered groups."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Signup.students), 0)).where(
                Signup.exchange_id == exchange_id, Signup.status.in_(m.HOLDING)
            )
        )
    )


def confirmed_pupils(exchange_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Signup.students), 0)).where(
                Signup.exchange_id == exchange_id, Signup.status == m.CONFIRMED
            )
        )
    )


def places_left(exchange: Exchange) -> int:
    """Return the places no group holds."""
    return allocation.places_left(exchange.places, [held_pupils(exchange.id)])


def places_left_for(exchanges: Sequence[Exchange]) -> dict[int, int]:
    """Return places left per exchange id, in one query."""
    ids = [e.id for e in exchanges]
    held: dict[int, int] = {}
    if ids:
        rows = db.session.execute(
            sa.select(Signup.exchange_id, sa.func.sum(Signup.students))
            .where(Signup.exchange_id.in_(ids), Signup.status.in_(m.HOLDING))
            .group_by(Signup.exchange_id)
        )
        held = {exchange_id: int(total or 0) for exchange_id, total in rows}
    return {e.id: allocation.places_left(e.places, [held.get(e.id, 0)]) for e in exchanges}


def window_state(exchange: Exchange, now: datetime) -> str:
    """Return 'not_yet', 'open' or 'closed' for the exchange's sign-up window."""
    if now < exchange.signup_opens_at:
        return "not_yet"
    if now >= exchange.signup_closes_at:
        return "closed"
    return "open"


def accepts_signups(exchange: Exchange, now: datetime) -> bool:
    return exchange.status == m.OPEN and window_state(exchange, now) == "open"


def public_exchange(exchange_id: int) -> Exchange | None:
    """Return an exchange the public may see (anything but a draft)."""
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None or exchange.status == m.DRAFT:
        return None
    return exchange


def open_exchanges(now: datetime | None = None) -> list[Exchange]:
    """Return the exchanges open for sign-up now or later (window not closed), soonest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Exchange)
            .where(Exchange.status == m.OPEN, Exchange.signup_closes_at > now)
            .order_by(Exchange.starts_on, Exchange.id)
        )
    )


def listed_exchanges(now: datetime | None = None) -> list[Exchange]:
    """Return every public exchange that has not ended, soonest first (for the API)."""
    today = home_today(now)
    return list(
        db.session.scalars(
            sa.select(Exchange)
            .where(Exchange.status != m.DRAFT, Exchange.ends_on >= today)
            .order_by(Exchange.starts_on, Exchange.id)
        )
    )


def waiting_list(exchange: Exchange) -> list[Signup]:
    """Return the waiting groups in queue order."""
    return list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.exchange_id == exchange.id, Signup.status == m.WAITLISTED)
            .order_by(Signup.queued_at, Signup.id)
        )
    )


def signups_of(exchange: Exchange) -> list[Signup]:
    """Return every sign-up of an exchange: holding groups, then the queue, then the rest."""
    order = {m.CONFIRMED: 0, m.OFFERED: 1, m.WAITLISTED: 2, m.EXPIRED: 3, m.SIGNUP_CANCELLED: 4}
    rows = db.session.scalars(
        sa.select(Signup)
        .where(Signup.exchange_id == exchange.id)
        .order_by(Signup.queued_at, Signup.id)
    ).all()
    return sorted(rows, key=lambda s: order[s.status])


# --- links ------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def signup_token(signup: Signup) -> str:
    """Return the signed token of a sign-up's self-service link."""
    return _serializer().dumps({"s": signup.id, "n": signup.token_nonce})


def signup_path(signup: Signup) -> str:
    return f"/signups/{signup_token(signup)}"


def signup_url(signup: Signup) -> str:
    """Return the absolute self-service link mailed to the school."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + signup_path(signup)


def exchange_url(exchange: Exchange) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/exchanges/{exchange.id}"


def signup_from_token(token: str, now: datetime | None = None) -> Signup:
    """Return the sign-up a link points to.

    Raises SignupError 'bad_link' for an altered or unknown token, 'link_revoked' for a
    cancelled sign-up (or a link replaced since), 'link_expired' once the exchange is over.
    """
    try:
        data = _serializer().loads(token)
        signup_id, nonce = int(data["s"]), str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise SignupError("bad_link")
    signup = db.session.get(Signup, signup_id)
    if signup is None or not secrets.compare_digest(signup.token_nonce, nonce):
        raise SignupError("bad_link")
    if signup.status == m.SIGNUP_CANCELLED:
        raise SignupError("link_revoked", signup=signup)
    if signup.exchange.ends_on < home_today(now):
        raise SignupError("link_expired", signup=signup)
    return signup


def _new_nonce() -> str:
    return secrets.token_hex(16)


# --- calendar -----------------------------------------------------------------------------


def title_in(exchange: Exchange, lang: str) -> str:
    if lang == "en" and exchange.title_en:
        return exchange.title_en
    return exchange.title_sv or exchange.title_en


def exchange_event(exchange: Exchange, lang: str = "sv") -> CalEvent:
    """Return an exchange as an all-day calendar event (the end day is exclusive)."""
    description = (exchange.description_en if lang == "en" else exchange.description_sv) or (
        exchange.description_sv or exchange.description_en
    )
    return CalEvent(
        uid=calendar_uid("exchange", exchange.id),
        title=title_in(exchange, lang),
        start=exchange.starts_on,
        end=exchange.ends_on + timedelta(days=1),
        description=description,
        location=exchange.partner.name if exchange.direction == m.WE_TRAVEL else "",
        url=exchange_url(exchange),
        status="CANCELLED" if exchange.status == m.CANCELLED else "CONFIRMED",
        categories=("exchange",),
        last_modified=exchange.updated_at,
        created=exchange.created_at,
        sequence=exchange.sequence or 0,
    )


def exchange_events(exchanges: Iterable[Exchange], lang: str = "sv") -> list[CalEvent]:
    """Return public exchanges as calendar events (drafts left out), for the feeds."""
    return [exchange_event(e, lang) for e in exchanges if e.status != m.DRAFT]


def exchange_ics(exchange: Exchange, lang: str) -> bytes:
    return event_to_ical(exchange_event(exchange, lang), method="PUBLISH")


# --- mail -----------------------------------------------------------------------------------


def _mail(signup: Signup, name: str, key: str, *, ics: bool = True, **context: object) -> None:
    exchange = signup.exchange
    queue_templated(
        key=f"exchanges:{name}:{signup.id}:{key}",
        to=signup.contact_email,
        template=f"exchanges/mail/{name}",
        language=signup.language,
        ics=exchange_ics(exchange, signup.language) if ics else None,
        ics_method="PUBLISH" if ics else None,
        ics_filename="exchange.ics",
        signup=signup,
        exchange=exchange,
        title=title_in(exchange, signup.language),
        link=signup_url(signup),
        exchange_link=exchange_url(exchange),
        zone=home_timezone(),
        lang=signup.language,
        **context,
    )


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S%f")


# --- allocation inside the lock -----------------------------------------------------------


def _lock(exchange_id: int) -> Exchange | None:
    begin_write_transaction()
    return lock_for_update(Exchange, exchange_id)


def _reallocate(exchange: Exchange, now: datetime) -> list[Signup]:
    """Offer free places to the first waiting groups that fit; return the groups offered."""
    if exchange.status not in (m.OPEN, m.CLOSED) or exchange.starts_on <= home_today(now):
        return []
    db.session.flush()
    queue = waiting_list(exchange)
    if not queue:
        return []
    result = allocation.allocate(
        exchange.places,
        [held_pupils(exchange.id)],
        [allocation.Group(s.id, s.students) for s in queue],
    )
    offered = []
    deadline = now + timedelta(hours=exchange.offer_hours)
    for signup in queue:
        if signup.id in result.offer:
            signup.status = m.OFFERED
            signup.offer_expires_at = deadline
            offered.append(signup)
            _mail(signup, "offer", _stamp(now), deadline=deadline)
            audit.record(
                audit.UPDATE,
                signup,
                summary=f"Places offered to {signup.school.name} until {deadline.isoformat()}",
            )
    db.session.flush()
    return offered


def _check_group_size(exchange: Exchange, students: int, teachers: int) -> None:
    if not 1 <= students <= MAX_STUDENTS:
        raise SignupError("students_range", "students", max=MAX_STUDENTS)
    if not 1 <= teachers <= MAX_TEACHERS:
        raise SignupError("teachers_range", "teachers", max=MAX_TEACHERS)
    if students > exchange.places:
        raise SignupError("more_than_places", "students", places=exchange.places)
    if exchange.cap_per_school is not None and students > exchange.cap_per_school:
        raise SignupError("over_cap", "students", cap=exchange.cap_per_school)


def _school(req: SignupRequest) -> School:
    key = school_key(req.school_name)
    school = db.session.scalar(sa.select(School).where(School.name_key == key))
    if school is not None:
        return school
    school = School(
        name=" ".join(req.school_name.split()),
        name_key=key,
        contact_email=normalise_email(req.contact_email),
        kind=req.school_kind if req.school_kind in m.SCHOOL_KINDS else m.COMPULSORY,
    )
    # Another exchange's sign-up may add the same new school at the same moment.
    try:
        with db.session.begin_nested():
            db.session.add(school)
    except IntegrityError:
        school = db.session.scalar(sa.select(School).where(School.name_key == key))
    return school


def sign_up(exchange_id: int, req: SignupRequest, now: datetime | None = None) -> SignupOutcome:
    """Sign a school's group up: confirmed whole if it fits, else on the waiting list whole."""
    now = now or utcnow()
    exchange = _lock(exchange_id)
    if exchange is None or exchange.status == m.DRAFT:
        raise SignupError("not_found")
    if exchange.status == m.CANCELLED:
        raise SignupError("cancelled")
    if exchange.status == m.CLOSED:
        raise SignupError("closed")
    state = window_state(exchange, now)
    if state == "not_yet":
        raise SignupError("not_yet", opens=exchange.signup_opens_at)
    if state == "closed":
        raise SignupError("window_closed", closed=exchange.signup_closes_at)
    school_name = " ".join(req.school_name.split())
    if not school_key(school_name) or len(school_name) > 200:
        raise SignupError("school_name", "school_name")
    _check_group_size(exchange, req.students, req.teachers)

    school = _school(req)
    existing = db.session.scalar(
        sa.select(Signup).where(Signup.exchange_id == exchange.id, Signup.school_id == school.id)
    )
    if existing is not None and existing.status in ACTIVE:
        # Point the school to its sign-up without showing it to whoever typed the name:
        # the link goes again to the address the school gave, at most once an hour.
        _mail(existing, "reminder", now.strftime("%Y%m%d%H"), ics=False)
        return SignupOutcome(existing, duplicate=True)

    # Offers the queue is owed come first (normally none: rule 3 ran at every change).
    offered = _reallocate(exchange, now)
    held = held_pupils(exchange.id)
    queue = [allocation.Group(s.id, s.students) for s in waiting_list(exchange)]
    result = allocation.allocate(
        exchange.places, [held], [*queue, allocation.Group("new", req.students, arriving=True)]
    )
    status = m.CONFIRMED if result.of("new") == allocation.CONFIRM else m.WAITLISTED
    before = audit.snapshot(existing) if existing is not None else None
    signup = existing or Signup(exchange=exchange, school=school)
    signup.contact_name = " ".join(req.contact_name.split())[:120]
    signup.contact_email = normalise_email(req.contact_email)
    signup.language = req.language
    signup.students = req.students
    signup.teachers = req.teachers
    signup.status = status
    signup.queued_at = now
    signup.offer_expires_at = None
    signup.cancelled_at = None
    signup.token_nonce = _new_nonce()
    if existing is None:
        db.session.add(signup)
    db.session.flush()
    audit.record(
        audit.UPDATE if existing is not None else audit.CREATE,
        signup,
        before=before,
        summary=f"{school.name} signed up {req.students} pupils: {status}",
    )
    _mail(signup, "signup", f"{signup.token_nonce}:{status}")
    return SignupOutcome(signup, offered=offered)


def change_group(
    signup: Signup, students: int, teachers: int, now: datetime | None = None
) -> list[Signup]:
    """Change a group's numbers; a rise of a group holding places is allowed only if it fits.

    Returns the waiting groups offered places that the change freed.
    """
    now = now or utcnow()
    signup_id = signup.id
    exchange = _lock(signup.exchange_id)
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if signup.status not in ACTIVE:
        raise SignupError("not_active")
    _check_group_size(exchange, students, teachers)
    if signup.holds_places and students > signup.students:
        others = held_pupils(exchange.id) - signup.students
        if not allocation.fits(exchange.places, [others], students):
            raise SignupError(
                "no_room",
                "students",
                left=allocation.places_left(exchange.places, [others + signup.students]),
            )
    before = audit.snapshot(signup)
    signup.students, signup.teachers = students, teachers
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary="Group size changed")
    _mail(signup, "changed", _stamp(now))
    return _reallocate(exchange, now)


def cancel_signup(signup: Signup, now: datetime | None = None) -> list[Signup]:
    """Cancel a group; its link stops working and the freed places are offered on."""
    now = now or utcnow()
    signup_id = signup.id
    exchange = _lock(signup.exchange_id)
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if signup.status == m.SIGNUP_CANCELLED:
        return []
    before = audit.snapshot(signup)
    signup.status = m.SIGNUP_CANCELLED
    signup.cancelled_at = now
    signup.offer_expires_at = None
    # The link stops working by the status; a new sign-up of the school gets a new nonce.
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary="Sign-up cancelled")
    _mail(signup, "cancelled", signup.token_nonce, ics=False)
    return _reallocate(exchange, now)


def accept_offer(signup: Signup, now: datetime | None = None) -> Signup:
    """Take up offered places before the deadline."""
    now = now or utcnow()
    signup_id = signup.id
    _lock(signup.exchange_id)
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if signup.status == m.CONFIRMED:
        return signup
    if signup.status != m.OFFERED:
        raise SignupError("no_offer")
    if signup.offer_expires_at <= now:
        raise SignupError("offer_lapsed")
    before = audit.snapshot(signup)
    signup.status = m.CONFIRMED
    signup.offer_expires_at = None
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary="Offer accepted")
    _mail(signup, "signup", f"{signup.token_nonce}:{m.CONFIRMED}")
    return signup


def rejoin_waiting_list(signup: Signup, now: datetime | None = None) -> Signup:
    """Put a group whose offer lapsed back at the end of the waiting list."""
    now = now or utcnow()
    signup_id = signup.id
    exchange = _lock(signup.exchange_id)
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if signup.status != m.EXPIRED:
        raise SignupError("not_expired")
    if exchange.status not in (m.OPEN, m.CLOSED):
        raise SignupError("cancelled")
    before = audit.snapshot(signup)
    signup.status = m.WAITLISTED
    signup.queued_at = now
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary="Back on the waiting list")
    _reallocate(exchange, now)
    return signup


def expire_offers(now: datetime | None = None) -> list[Signup]:
    """Let offers past their deadline lapse and pass the places on; safe to run repeatedly.

    Returns the sign-ups whose offer lapsed in this run. The caller commits.
    """
    now = now or utcnow()
    begin_write_transaction()
    exchange_ids = db.session.scalars(
        sa.select(Signup.exchange_id)
        .where(Signup.status == m.OFFERED, Signup.offer_expires_at <= now)
        .distinct()
        .order_by(Signup.exchange_id)  # one lock order everywhere: no deadlocks
    ).all()
    lapsed: list[Signup] = []
    for exchange_id in exchange_ids:
        exchange = lock_for_update(Exchange, exchange_id)
        due = db.session.scalars(
            sa.select(Signup)
            .where(
                Signup.exchange_id == exchange_id,
                Signup.status == m.OFFERED,
                Signup.offer_expires_at <= now,
            )
            .order_by(Signup.queued_at, Signup.id)
            .execution_options(populate_existing=True)
        ).all()
        for signup in due:
            before = audit.snapshot(signup)
            deadline = signup.offer_expires_at
            signup.status = m.EXPIRED
            signup.offer_expires_at = None
            db.session.flush()
            audit.record(audit.UPDATE, signup, before=before, summary="Offer lapsed")
            _mail(signup, "lapsed", _stamp(deadline), ics=False)
            lapsed.append(signup)
        _reallocate(exchange, now)
    return lapsed


# --- coordinators -------------------------------------------------------------------------

EXCHANGE_FIELDS = (
    "partner_id",
    "title_sv",
    "title_en",
    "description_sv",
    "description_en",
    "programme_sv",
    "programme_en",
    "practical_sv",
    "practical_en",
    "direction",
    "starts_on",
    "ends_on",
    "age_min",
    "age_max",
    "school_year_min",
    "school_year_max",
    "places",
    "cap_per_school",
    "incoming_pupils",
    "offer_hours",
    "signup_opens_at",
    "signup_closes_at",
    "status",
)


def _check_exchange(values: dict) -> None:
    if values["ends_on"] < values["starts_on"]:
        raise ExchangeError("dates", "ends_on")
    if values["signup_closes_at"] <= values["signup_opens_at"]:
        raise ExchangeError("window", "signup_closes_at")
    for low, high in (("age_min", "age_max"), ("school_year_min", "school_year_max")):
        lo, hi = values.get(low), values.get(high)
        if lo is not None and hi is not None and lo > hi:
            raise ExchangeError("range", high)
    if values["status"] not in m.EXCHANGE_STATUSES:
        raise ExchangeError("status", "status")
    if values["direction"] not in m.DIRECTIONS:
        raise ExchangeError("direction", "direction")


def create_exchange(now: datetime | None = None, **values: object) -> Exchange:
    """Add an exchange."""
    values = {k: v for k, v in values.items() if k in EXCHANGE_FIELDS}
    values.setdefault("offer_hours", m.DEFAULT_OFFER_HOURS)
    values.setdefault("status", m.DRAFT)
    values.setdefault("direction", m.WE_TRAVEL)
    _check_exchange(values)
    exchange = Exchange(**values)
    db.session.add(exchange)
    db.session.flush()
    audit.record(audit.CREATE, exchange, summary=f"Exchange {exchange.title_sv} created")
    return exchange


@dataclass
class ExchangeUpdate:
    """What an edit of an exchange set off: waiting groups offered places, schools told."""

    offered: list[Signup] = field(default_factory=list)
    told: int = 0


def update_exchange(
    exchange: Exchange, now: datetime | None = None, **values: object
) -> list[Signup]:
    """Change an exchange; return the waiting groups offered places (see change_exchange)."""
    return change_exchange(exchange, now, **values).offered


def change_exchange(
    exchange: Exchange, now: datetime | None = None, **values: object
) -> ExchangeUpdate:
    """Change an exchange.

    Fewer places than the pupils of confirmed and offered groups is refused; more places
    are offered to the waiting list. A change that matters to travellers (TRAVEL_FIELDS)
    raises the exchange's calendar sequence and mails every live sign-up what changed,
    with the updated .ics; a cancellation tells them too.
    """
    now = now or utcnow()
    exchange_id = exchange.id
    exchange = _lock(exchange_id)
    merged = {k: getattr(exchange, k) for k in EXCHANGE_FIELDS}
    merged.update({k: v for k, v in values.items() if k in EXCHANGE_FIELDS})
    _check_exchange(merged)
    held = held_pupils(exchange.id)
    if merged["places"] < held:
        raise ExchangeError("places_below_held", "places", held=held)
    before = audit.snapshot(exchange)
    was_cancelled = exchange.status == m.CANCELLED
    old = {k: getattr(exchange, k) for k in TRAVEL_FIELDS}
    old["partner_name"] = exchange.partner.name
    changed = [k for k in TRAVEL_FIELDS if _plain_value(old[k]) != _plain_value(merged[k])]
    cancelling = merged["status"] == m.CANCELLED and not was_cancelled
    if changed or cancelling:
        # A new version of the calendar entry: apps replace the one they have (same UID).
        exchange.sequence = (exchange.sequence or 0) + 1
    for key, value in merged.items():
        setattr(exchange, key, value)
    db.session.flush()
    if "partner_id" in changed:
        db.session.refresh(exchange, ["partner"])
    audit.record(audit.UPDATE, exchange, before=before, summary="Exchange changed")
    if cancelling:
        _tell_cancelled(exchange, now)
        return ExchangeUpdate()
    told = 0
    if changed and exchange.status != m.CANCELLED:
        told = _tell_changed(exchange, old, changed)
    return ExchangeUpdate(offered=_reallocate(exchange, now), told=told)


# Fields whose change matters to a school that signed up: they get a mail and a new .ics.
TRAVEL_FIELDS = (
    "partner_id",
    "title_sv",
    "title_en",
    "starts_on",
    "ends_on",
    "programme_sv",
    "programme_en",
    "practical_sv",
    "practical_en",
)


def _plain_value(value: object) -> object:
    """Compare texts as a school reads them: line endings and outer spaces do not count."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _text_in(values: dict, name: str, lang: str) -> str:
    """Return a text field as a school in `lang` sees it (falling back to the other language)."""
    first, second = (f"{name}_en", f"{name}_sv") if lang == "en" else (f"{name}_sv", f"{name}_en")
    return _plain_value(values.get(first) or "") or _plain_value(values.get(second) or "")


def changes_for(exchange: Exchange, old: dict, lang: str) -> list[str]:
    """Return what changed for a school reading in `lang`: 'dates', 'title', 'partner',
    'programme', 'practical' (in that order); empty when nothing it sees changed."""
    new = {k: getattr(exchange, k) for k in TRAVEL_FIELDS}
    found: list[str] = []
    if (old["starts_on"], old["ends_on"]) != (new["starts_on"], new["ends_on"]):
        found.append("dates")
    if _text_in(old, "title", lang) != _text_in(new, "title", lang):
        found.append("title")
    if old["partner_id"] != new["partner_id"]:
        found.append("partner")
    for name in ("programme", "practical"):
        if _text_in(old, name, lang) != _text_in(new, name, lang):
            found.append(name)
    return found


def _tell_changed(exchange: Exchange, old: dict, changed: list[str]) -> int:
    """Mail every school with a live sign-up what changed, with the updated calendar entry.

    One mail per sign-up and exchange version (the sequence), so saving the same values
    again sends nothing. Returns the number of schools told.
    """
    told = 0
    now_values = {k: getattr(exchange, k) for k in TRAVEL_FIELDS}
    for signup in db.session.scalars(
        sa.select(Signup)
        .where(Signup.exchange_id == exchange.id, Signup.status.in_(ACTIVE))
        .order_by(Signup.id)
    ):
        changes = changes_for(exchange, old, signup.language)
        if not changes:
            continue
        _mail(
            signup,
            "updated",
            str(exchange.sequence),
            changes=changes,
            old_title=_text_in(old, "title", signup.language),
            old_starts_on=old["starts_on"],
            old_ends_on=old["ends_on"],
            old_partner=old["partner_name"],
            programme=_text_in(now_values, "programme", signup.language),
            practical=_text_in(now_values, "practical", signup.language),
        )
        told += 1
    audit.record(
        "mail",
        exchange,
        after={"changed": changed, "sequence": exchange.sequence, "recipients": told},
        summary=f"{told} schools told that the exchange changed ({', '.join(changed)})",
    )
    return told


def _tell_cancelled(exchange: Exchange, now: datetime) -> None:
    """Tell every group still taking part that the exchange is cancelled (calendar included)."""
    for signup in db.session.scalars(
        sa.select(Signup).where(Signup.exchange_id == exchange.id, Signup.status.in_(ACTIVE))
    ):
        _mail(signup, "exchange_cancelled", _stamp(now))


def confirm_group(signup: Signup, now: datetime | None = None) -> Signup:
    """Confirm a waiting or offered group by hand; only if its pupils fit."""
    now = now or utcnow()
    signup_id = signup.id
    exchange = _lock(signup.exchange_id)
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if signup.status == m.CONFIRMED:
        return signup
    if signup.status not in (m.WAITLISTED, m.EXPIRED, m.OFFERED):
        raise ExchangeError("not_active")
    others = held_pupils(exchange.id) - (signup.students if signup.holds_places else 0)
    if not allocation.fits(exchange.places, [others], signup.students):
        raise ExchangeError("no_room", left=places_left(exchange))
    before = audit.snapshot(signup)
    signup.status = m.CONFIRMED
    signup.offer_expires_at = None
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary="Group confirmed by a coordinator")
    _mail(signup, "signup", f"{signup.token_nonce}:{m.CONFIRMED}")
    return signup


def move_group(signup: Signup, target: Exchange, now: datetime | None = None) -> Signup:
    """Move a group to another exchange: confirmed there if it fits, else waiting there."""
    now = now or utcnow()
    if target.id == signup.exchange_id:
        raise ExchangeError("same_exchange")
    if signup.status not in ACTIVE:
        raise ExchangeError("not_active")
    signup_id, target_id = signup.id, target.id
    begin_write_transaction()
    first, second = sorted((signup.exchange_id, target_id))
    locked = {first: lock_for_update(Exchange, first), second: lock_for_update(Exchange, second)}
    source, target = locked[signup.exchange_id], locked[target_id]
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if target.status in (m.DRAFT, m.CANCELLED):
        raise ExchangeError("target_not_open")
    if signup.students > target.places:
        raise ExchangeError("no_room", left=places_left(target))
    taken = db.session.scalar(
        sa.select(Signup).where(
            Signup.exchange_id == target.id, Signup.school_id == signup.school_id
        )
    )
    if taken is not None:
        raise ExchangeError("already_there")
    before = audit.snapshot(signup)
    fits = allocation.fits(target.places, [held_pupils(target.id)], signup.students)
    queue_empty = not waiting_list(target)
    signup.exchange = target
    signup.exchange_id = target.id
    signup.status = m.CONFIRMED if fits and queue_empty else m.WAITLISTED
    signup.queued_at = now
    signup.offer_expires_at = None
    signup.token_nonce = _new_nonce()
    db.session.flush()
    audit.record(
        audit.UPDATE, signup, before=before, summary=f"Group moved to exchange {target.id}"
    )
    _mail(signup, "signup", f"{signup.token_nonce}:{signup.status}")
    _reallocate(source, now)
    _reallocate(target, now)
    return signup


def cancel_group(signup: Signup, now: datetime | None = None) -> list[Signup]:
    """Cancel a group on a coordinator's behalf (same effect as the school cancelling)."""
    return cancel_signup(signup, now)


def mail_confirmed(
    exchange: Exchange, subject: str, message: str, now: datetime | None = None
) -> int:
    """Queue a coordinator's message to every confirmed school; return how many."""
    now = now or utcnow()
    # The same text sent again later goes out again; a double click within a minute does not.
    minute = now.astimezone(UTC).strftime("%Y%m%dT%H%M")
    digest = hashlib.sha256(f"{minute}\n{subject}\n{message}".encode()).hexdigest()[:16]
    signups = db.session.scalars(
        sa.select(Signup).where(Signup.exchange_id == exchange.id, Signup.status == m.CONFIRMED)
    ).all()
    for signup in signups:
        _mail(signup, "message", digest, ics=False, subject=subject, message=message)
    audit.record(
        "mail",
        exchange,
        after={"subject": subject, "recipients": len(signups)},
        summary=f"Message to {len(signups)} confirmed schools",
    )
    return len(signups)


# --- exports and figures --------------------------------------------------------------------


def participants_csv(exchange: Exchange, labels: dict[str, str], header: Sequence[str]) -> bytes:
    """Return the exchange's groups as Excel-safe CSV (holding groups, then the queue)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(home_timezone())
    rows = [
        (
            s.school.name,
            labels.get(s.school.kind, s.school.kind),
            s.contact_name,
            s.contact_email,
            s.students,
            s.teachers,
            labels.get(s.status, s.status),
            s.queued_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        )
        for s in signups_of(exchange)
        if s.status in ACTIVE
    ]
    return excel_csv(header, rows)


@dataclass(frozen=True)
class YearFigures:
    year: int
    sent: int
    received: int


def reciprocity() -> list[tuple[Partner, list[YearFigures]]]:
    """Return per partner, year by year, the pupils we sent and the pupils we received.

    Sent: confirmed pupils of exchanges where our pupils travel (or both ways).
    Received: the partner's visiting pupils of exchanges where they visit (or both ways).
    Cancelled and draft exchanges do not count.
    """
    exchanges = db.session.scalars(
        sa.select(Exchange).where(Exchange.status.in_((m.OPEN, m.CLOSED)))
    ).all()
    confirmed = dict(
        db.session.execute(
            sa.select(Signup.exchange_id, sa.func.sum(Signup.students))
            .where(Signup.status == m.CONFIRMED)
            .group_by(Signup.exchange_id)
        ).all()
    )
    table: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    partners: dict[int, Partner] = {}
    for e in exchanges:
        partners[e.partner_id] = e.partner
        cell = table[e.partner_id][e.starts_on.year]
        if e.direction in (m.WE_TRAVEL, m.BOTH):
            cell[0] += int(confirmed.get(e.id) or 0)
        if e.direction in (m.THEY_VISIT, m.BOTH):
            cell[1] += int(e.incoming_pupils or 0)
    result = []
    for partner_id, years in table.items():
        rows = [YearFigures(y, s, r) for y, (s, r) in sorted(years.items())]
        result.append((partners[partner_id], rows))
    return sorted(result, key=lambda item: item[0].name.casefold())
