"""Exchange operations: sign-up, changes, the waiting list and its offers. They flush, never commit.

Every change to who holds places runs inside one write transaction that locks the
exchange row first (`begin_write_transaction` + `lock_for_update`), so two sign-ups at the
same moment are decided one after the other and can never both take the last places.
Refusals are `ExchangeError`s, raised before anything is changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import audit
from app.dbutil import begin_write_transaction, lock_for_update
from app.emails import normalise_email
from app.exchanges import allocation
from app.exchanges import models as m
from app.exchanges.display import office_reason
from app.exchanges.errors import ExchangeError
from app.exchanges.links import new_nonce
from app.exchanges.models import Exchange, School, Signup
from app.exchanges.notices import (
    TRAVEL_FIELDS,
    mail_school,
    plain_value,
    stamp,
    tell_cancelled,
    tell_changed,
)
from app.exchanges.queries import held_pupils, places_left, waiting_list, window_state
from app.extensions import db
from app.partners.models import Partner
from app.partners.services import home_today
from app.partners.signals import place_changed
from app.timeutil import utcnow

MAX_PUPILS = 500
MAX_TEACHERS = 50


@dataclass
class SignupRequest:
    """What a school typed into the sign-up form."""

    school_name: str
    contact_name: str
    contact_email: str
    pupils: int
    teachers: int
    language: str = "sv"
    school_kind: str = m.COMPULSORY


@dataclass
class SignupOutcome:
    """The sign-up made (or found), and whether it was a second try by the same school."""

    signup: Signup
    duplicate: bool = False


def school_key(name: str) -> str:
    """Fold a school's name so that spelling variants of case and spacing are one school."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"\s+", " ", text).strip()


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
        [allocation.Group(s.id, s.pupils) for s in queue],
    )
    offered = []
    deadline = now + timedelta(hours=exchange.offer_hours)
    for signup in queue:
        if signup.id in result.offer:
            signup.status = m.OFFERED
            signup.offer_expires_at = deadline
            offered.append(signup)
            mail_school(signup, "offer", stamp(now), deadline=deadline)
            audit.record(
                audit.UPDATE,
                signup,
                summary=audit.say(
                    "Places offered to %(school)s until %(deadline)s",
                    school=signup.school.name,
                    deadline=deadline,
                ),
            )
    db.session.flush()
    return offered


# --- a school's sign-up -------------------------------------------------------------------


def _check_group_size(exchange: Exchange, pupils: int, teachers: int) -> None:
    # The errors belong to the form fields `students` and `teachers` (the contract's names).
    if not 1 <= pupils <= MAX_PUPILS:
        raise ExchangeError("pupils_range", "students", max=MAX_PUPILS)
    if not 1 <= teachers <= MAX_TEACHERS:
        raise ExchangeError("teachers_range", "teachers", max=MAX_TEACHERS)
    if pupils > exchange.places:
        raise ExchangeError("more_than_places", "students", places=exchange.places)
    if exchange.cap_per_school is not None and pupils > exchange.cap_per_school:
        raise ExchangeError("over_cap", "students", cap=exchange.cap_per_school)


def _school(req: SignupRequest, email: str) -> School:
    key = school_key(req.school_name)
    school = db.session.scalar(sa.select(School).where(School.name_key == key))
    if school is not None:
        return school
    school = School(
        name=" ".join(req.school_name.split()),
        name_key=key,
        contact_email=email,
        kind=req.school_kind if req.school_kind in m.SCHOOL_KINDS else m.COMPULSORY,
    )
    # Another exchange's sign-up may add the same new school at the same moment.
    try:
        with db.session.begin_nested():
            db.session.add(school)
    except IntegrityError:
        school = db.session.scalar(sa.select(School).where(School.name_key == key))
    return school


def _live_signup(exchange_id: int, school_id: int, email: str) -> Signup | None:
    """Return the school's live sign-up of the exchange through this address, if any."""
    return db.session.scalar(
        sa.select(Signup).where(
            Signup.exchange_id == exchange_id,
            Signup.school_id == school_id,
            Signup.contact_email == email,
            Signup.status.in_(m.ACTIVE),
        )
    )


def sign_up(exchange_id: int, req: SignupRequest, now: datetime | None = None) -> SignupOutcome:
    """Sign a school's group up: confirmed whole if it fits, else on the waiting list whole."""
    exchange = _lock(exchange_id)
    # The queue's order is the order places are decided in: take the time inside the lock.
    now = now or utcnow()
    if exchange is None or exchange.status == m.DRAFT:
        raise ExchangeError("not_found")
    if exchange.status == m.CANCELLED:
        raise ExchangeError("cancelled")
    if exchange.status == m.CLOSED:
        raise ExchangeError("closed")
    state = window_state(exchange, now)
    if state == "over":
        raise ExchangeError("over")
    if state == "not_yet":
        raise ExchangeError("not_yet", opens=exchange.signup_opens_at)
    if state == "closed":
        raise ExchangeError("window_closed", closed=exchange.signup_closes_at)
    school_name = " ".join(req.school_name.split())
    if not school_key(school_name) or len(school_name) > 200:
        raise ExchangeError("school_name", "school_name")
    try:
        email = normalise_email(req.contact_email)
    except ValueError:
        raise ExchangeError("contact_email", "contact_email") from None
    _check_group_size(exchange, req.pupils, req.teachers)

    school = _school(req, email)
    existing = _live_signup(exchange.id, school.id, email)
    if existing is not None:
        # Whoever typed the school's name and address learns nothing on the page: the
        # link goes again to that address (at most once an hour), which the school controls.
        mail_school(existing, "reminder", now.strftime("%Y%m%d%H"), ics=False)
        return SignupOutcome(existing, duplicate=True)

    # Offers the queue is owed come first (normally none: rule 3 ran at every change).
    _reallocate(exchange, now)
    held = held_pupils(exchange.id)
    queue = [allocation.Group(s.id, s.pupils) for s in waiting_list(exchange)]
    result = allocation.allocate(
        exchange.places, [held], [*queue, allocation.Group("new", req.pupils, arriving=True)]
    )
    status = m.CONFIRMED if result.of("new") == allocation.CONFIRM else m.WAITLISTED
    # Always a row of its own: an ended sign-up (cancelled, lapsed) is never taken over.
    signup = Signup(
        exchange=exchange,
        school=school,
        contact_name=" ".join(req.contact_name.split())[:120],
        contact_email=email,
        language=req.language,
        pupils=req.pupils,
        teachers=req.teachers,
        status=status,
        queued_at=now,
        token_nonce=new_nonce(),
    )
    db.session.add(signup)
    db.session.flush()
    audit.record(
        audit.CREATE,
        signup,
        summary=audit.say(
            "%(school)s signed up (pupils: %(n)s): %(status)s",
            school=school.name,
            n=req.pupils,
            status=audit.code("signup_status", status),
        ),
    )
    mail_school(signup, "signup", f"{signup.token_nonce}:{status}")
    return SignupOutcome(signup)


def _locked_signup(signup: Signup) -> tuple[Exchange, Signup]:
    """Lock the sign-up's exchange, then read the sign-up afresh inside the lock.

    A cancelled exchange takes no more changes to its groups.
    """
    signup_id = signup.id
    exchange = _lock(signup.exchange_id)
    if exchange.status == m.CANCELLED:
        raise ExchangeError("cancelled")
    return exchange, db.session.get(Signup, signup_id, populate_existing=True)


def change_group(
    signup: Signup, pupils: int, teachers: int, now: datetime | None = None
) -> list[Signup]:
    """Change a group's numbers; a rise of a group holding places is allowed only if it fits.

    Returns the waiting groups offered places that the change freed.
    """
    now = now or utcnow()
    exchange, signup = _locked_signup(signup)
    if signup.status not in m.ACTIVE:
        raise ExchangeError("not_active")
    _check_group_size(exchange, pupils, teachers)
    if signup.holds_places and pupils > signup.pupils:
        others = held_pupils(exchange.id) - signup.pupils
        if not allocation.fits(exchange.places, [others], pupils):
            raise ExchangeError(
                "no_room",
                "students",
                left=allocation.places_left(exchange.places, [others + signup.pupils]),
            )
    before = audit.snapshot(signup)
    signup.pupils, signup.teachers = pupils, teachers
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary=audit.say("Group size changed"))
    mail_school(signup, "changed", stamp(now))
    return _reallocate(exchange, now)


def cancel_signup(
    signup: Signup,
    now: datetime | None = None,
    *,
    reason: str | None = None,
    reason_en: str = "",
) -> list[Signup]:
    """Cancel a group; its link stops working, places move on.

    A coordinator cancelling gives a `reason` (and perhaps an English one, `reason_en`):
    the school's mail, and its link page on a later visit, say the office did it and why,
    in the school's language. Without a reason the school cancelled itself.
    """
    now = now or utcnow()
    by_office = reason is not None
    exchange, signup = _locked_signup(signup)
    if signup.status == m.SIGNUP_CANCELLED:
        return []
    before = audit.snapshot(signup)
    signup.status = m.SIGNUP_CANCELLED
    signup.cancelled_at = now
    signup.offer_expires_at = None
    if by_office:
        signup.cancelled_by_office = True
        signup.cancel_reason = reason.strip()[:2000]
        signup.cancel_reason_en = (reason_en or "").strip()[:2000]
    # The link stops working by the status; a new sign-up of the school gets a new nonce.
    db.session.flush()
    summary = (
        audit.say(
            "Sign-up of %(school)s cancelled by the office: %(reason)s",
            school=signup.school.name,
            reason=reason,
        )
        if by_office
        else audit.say("Sign-up of %(school)s cancelled by the school", school=signup.school.name)
    )
    audit.record(audit.UPDATE, signup, before=before, summary=summary)
    mail_school(
        signup,
        "cancelled",
        signup.token_nonce,
        ics=False,
        by_office=by_office,
        reason=office_reason(signup, signup.language) if by_office else None,
    )
    return _reallocate(exchange, now)


def accept_offer(signup: Signup, now: datetime | None = None) -> Signup:
    """Take up offered places before the deadline."""
    now = now or utcnow()
    _, signup = _locked_signup(signup)
    if signup.status == m.CONFIRMED:
        return signup
    if signup.status != m.OFFERED:
        raise ExchangeError("no_offer")
    if signup.offer_expires_at <= now:
        raise ExchangeError("offer_lapsed")
    before = audit.snapshot(signup)
    signup.status = m.CONFIRMED
    signup.offer_expires_at = None
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary=audit.say("Offer accepted"))
    mail_school(signup, "signup", f"{signup.token_nonce}:{m.CONFIRMED}")
    return signup


def rejoin_waiting_list(signup: Signup, now: datetime | None = None) -> Signup:
    """Put a group whose offer lapsed back at the end of the waiting list."""
    exchange, signup = _locked_signup(signup)
    now = now or utcnow()  # inside the lock: the queue's order is the order of decisions
    if signup.status != m.EXPIRED:
        raise ExchangeError("not_expired")
    if exchange.status not in (m.OPEN, m.CLOSED):
        raise ExchangeError("cancelled")
    if _live_signup(exchange.id, signup.school_id, signup.contact_email) is not None:
        raise ExchangeError("signed_up_again")
    before = audit.snapshot(signup)
    signup.status = m.WAITLISTED
    signup.queued_at = now
    db.session.flush()
    audit.record(audit.UPDATE, signup, before=before, summary=audit.say("Back on the waiting list"))
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
            audit.record(audit.UPDATE, signup, before=before, summary=audit.say("Offer lapsed"))
            mail_school(signup, "lapsed", stamp(deadline), ics=False)
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


def create_exchange(**values: object) -> Exchange:
    """Add an exchange."""
    values = {k: v for k, v in values.items() if k in EXCHANGE_FIELDS}
    values.setdefault("offer_hours", m.DEFAULT_OFFER_HOURS)
    values.setdefault("status", m.DRAFT)
    values.setdefault("direction", m.WE_TRAVEL)
    _check_exchange(values)
    exchange = Exchange(**values)
    db.session.add(exchange)
    db.session.flush()
    audit.record(audit.CREATE, exchange, summary=exchange.title_sv)
    return exchange


@dataclass
class ExchangeUpdate:
    """What an edit of an exchange set off: waiting groups offered places, schools told."""

    offered: list[Signup] = field(default_factory=list)
    told: int = 0


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
    exchange = _lock(exchange.id)
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
    changed = [k for k in TRAVEL_FIELDS if plain_value(old[k]) != plain_value(merged[k])]
    cancelling = merged["status"] == m.CANCELLED and not was_cancelled
    if changed or cancelling:
        # A new version of the calendar entry: apps replace the one they have (same UID).
        exchange.sequence = (exchange.sequence or 0) + 1
    for key, value in merged.items():
        setattr(exchange, key, value)
    db.session.flush()
    if "partner_id" in changed:
        db.session.refresh(exchange, ["partner"])
    audit.record(audit.UPDATE, exchange, before=before, summary=audit.say("Exchange changed"))
    if cancelling:
        tell_cancelled(exchange, now)
        return ExchangeUpdate()
    told = 0
    if changed and exchange.status != m.CANCELLED:
        told = tell_changed(exchange, old, changed)
    return ExchangeUpdate(offered=_reallocate(exchange, now), told=told)


def confirm_group(signup: Signup) -> Signup:
    """Confirm a waiting or offered group by hand; only if its pupils fit."""
    exchange, signup = _locked_signup(signup)
    if signup.status == m.CONFIRMED:
        return signup
    if signup.status not in (m.WAITLISTED, m.EXPIRED, m.OFFERED):
        raise ExchangeError("group_not_active")
    others = held_pupils(exchange.id) - (signup.pupils if signup.holds_places else 0)
    if not allocation.fits(exchange.places, [others], signup.pupils):
        raise ExchangeError("group_no_room", left=places_left(exchange))
    before = audit.snapshot(signup)
    signup.status = m.CONFIRMED
    signup.offer_expires_at = None
    db.session.flush()
    audit.record(
        audit.UPDATE, signup, before=before, summary=audit.say("Group confirmed by a coordinator")
    )
    mail_school(signup, "signup", f"{signup.token_nonce}:{m.CONFIRMED}")
    return signup


def move_group(signup: Signup, target: Exchange, now: datetime | None = None) -> Signup:
    """Move a group to another exchange: confirmed there if it fits, else waiting there."""
    now = now or utcnow()
    if target.id == signup.exchange_id:
        raise ExchangeError("same_exchange")
    if signup.status not in m.ACTIVE:
        raise ExchangeError("group_not_active")
    signup_id, target_id = signup.id, target.id
    begin_write_transaction()
    first, second = sorted((signup.exchange_id, target_id))
    locked = {first: lock_for_update(Exchange, first), second: lock_for_update(Exchange, second)}
    source, target = locked[signup.exchange_id], locked[target_id]
    signup = db.session.get(Signup, signup_id, populate_existing=True)
    if target.status in (m.DRAFT, m.CANCELLED):
        raise ExchangeError("target_not_open")
    if signup.pupils > target.places:
        raise ExchangeError("group_no_room", left=places_left(target))
    taken = db.session.scalar(
        sa.select(Signup.id).where(
            Signup.exchange_id == target.id,
            Signup.school_id == signup.school_id,
            Signup.status.in_(m.ACTIVE),
        )
    )
    if taken is not None:
        raise ExchangeError("already_there")
    before = audit.snapshot(signup)
    fits = allocation.fits(target.places, [held_pupils(target.id)], signup.pupils)
    queue_empty = not waiting_list(target)
    signup.exchange = target
    signup.exchange_id = target.id
    signup.status = m.CONFIRMED if fits and queue_empty else m.WAITLISTED
    signup.queued_at = now
    signup.offer_expires_at = None
    signup.token_nonce = new_nonce()
    db.session.flush()
    audit.record(
        audit.UPDATE,
        signup,
        before=before,
        summary=audit.say("Group moved to exchange %(id)s", id=target.id),
    )
    mail_school(signup, "signup", f"{signup.token_nonce}:{signup.status}")
    _reallocate(source, now)
    _reallocate(target, now)
    return signup


@place_changed.connect
def _partner_renamed(partner: Partner, *, name_changed: bool, **_: object) -> None:
    """Raise the SEQUENCE of exchanges held in a partner city that was just renamed."""
    if not name_changed:
        return
    for exchange in db.session.scalars(
        sa.select(Exchange).where(
            Exchange.partner_id == partner.id, Exchange.direction == m.WE_TRAVEL
        )
    ):
        exchange.sequence = (exchange.sequence or 0) + 1
    db.session.flush()
