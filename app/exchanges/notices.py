"""Mail to schools: news of their sign-up, an exchange changed or cancelled, a coordinator's message.

Every mail is queued in the caller's transaction with a dedup key, so it goes out once,
after the commit.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa

from app import audit
from app.exchanges import models as m
from app.exchanges.calendar import exchange_ics
from app.exchanges.display import title_in
from app.exchanges.links import exchange_url, signup_url
from app.exchanges.models import Exchange, Signup
from app.extensions import db
from app.mail import queue_templated
from app.partners.services import home_timezone
from app.timeutil import utcnow

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


def mail_school(
    signup: Signup, name: str, key: str, *, ics: bool = True, **context: object
) -> None:
    """Queue the mail `exchanges/mail/<name>` to a sign-up's contact, once per `key`."""
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


def stamp(moment: datetime) -> str:
    """Return a moment as a mail key: one mail per event at that moment."""
    return moment.strftime("%Y%m%dT%H%M%S%f")


def plain_value(value: object) -> object:
    """Compare texts as a school reads them: line endings and outer spaces do not count."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _text_in(values: dict, name: str, lang: str) -> str:
    """Return a text field as a school in `lang` sees it (falling back to the other language)."""
    first, second = (f"{name}_en", f"{name}_sv") if lang == "en" else (f"{name}_sv", f"{name}_en")
    return plain_value(values.get(first) or "") or plain_value(values.get(second) or "")


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


def _taking_part(exchange: Exchange) -> sa.Select:
    return sa.select(Signup).where(Signup.exchange_id == exchange.id, Signup.status.in_(m.ACTIVE))


def tell_changed(exchange: Exchange, old: dict, changed: list[str]) -> int:
    """Mail every school with a live sign-up what changed, with the updated calendar entry.

    One mail per sign-up and exchange version (the sequence), so saving the same values
    again sends nothing. Returns the number of schools told.
    """
    told = 0
    now_values = {k: getattr(exchange, k) for k in TRAVEL_FIELDS}
    for signup in db.session.scalars(_taking_part(exchange).order_by(Signup.id)):
        changes = changes_for(exchange, old, signup.language)
        if not changes:
            continue
        mail_school(
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
        summary=audit.say("Schools told that the exchange changed: %(n)s", n=told),
    )
    return told


def tell_cancelled(exchange: Exchange, now: datetime) -> None:
    """Tell every group still taking part that the exchange is cancelled (calendar included)."""
    for signup in db.session.scalars(_taking_part(exchange)):
        mail_school(signup, "exchange_cancelled", stamp(now))


def mail_confirmed(
    exchange: Exchange, subject: str, message: str, now: datetime | None = None
) -> int:
    """Queue a coordinator's message to every confirmed school; return how many."""
    now = now or utcnow()
    # The same text sent again later goes out again; a double click within a minute does not.
    minute = now.astimezone(UTC).strftime("%Y%m%dT%H%M")
    digest = hashlib.sha256(f"{minute}\n{subject}\n{message}".encode()).hexdigest()[:16]
    signups = db.session.scalars(
        sa.select(Signup).where(
            Signup.exchange_id == exchange.id,
            Signup.status == m.CONFIRMED,
            Signup.erased_at.is_(None),  # its contact was disposed of: no one to write to
        )
    ).all()
    for signup in signups:
        mail_school(signup, "message", digest, ics=False, subject=subject, message=message)
    audit.record(
        "mail",
        exchange,
        after={"subject": subject, "recipients": len(signups)},
        summary=audit.say("Message to the confirmed schools: %(n)s", n=len(signups)),
    )
    return len(signups)
