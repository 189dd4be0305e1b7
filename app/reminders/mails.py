"""A due reminder as an outbox mail: in the recipient's language, with a link to the page
and, where the reminder is about an event, the event as the feeds show it (.ics, same UID).

Templates: `templates/reminders/mail/<rule>.subject.txt`, `.txt` and `.html`.

`reminder_mail(due, batch)` makes one reminder's mail (a `mail.Draft`, queued by the
sweep with the others in one statement); a `MailBatch` holds what the mails of one sweep
share, worked out once: the home zone, each event's .ics in each language, the templates
and their context in each language (`mail.MailRenderer`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import force_locale

from app.agreements.models import Agreement
from app.auth.models import Coordinator
from app.calendar.feeds import agreement_event
from app.exchanges import queries as exchange_queries
from app.exchanges.calendar import exchange_ics
from app.exchanges.display import date_range, local_moment, title_in
from app.exchanges.links import exchange_url, signup_url
from app.exchanges.models import Signup
from app.feeds.events import CalEvent
from app.feeds.ical import event_to_ical
from app.grants.calendar import obligation_event
from app.grants.labels import KIND_LABELS
from app.grants.models import GrantObligation
from app.i18n import localized
from app.mail import Draft, MailRenderer
from app.meetings import display as meeting_display
from app.meetings.calendar import invitation_calevent, meeting_calevent
from app.meetings.links import absolute_url, public_path
from app.meetings.models import REPLY_ACCEPTED, REPLY_DECLINED, Delegate, Meeting
from app.meetings.occurrences import SeriesOccurrence
from app.meetings.replies import reply_url
from app.partners.services import home_timezone
from app.reminders import rules as r
from app.reminders.sweep import Due
from app.timeutil import to_local


def mail_key(reminder_key: str) -> str:
    """Return the outbox key of a reminder's mail ("reminder:" + its key; hashed if long)."""
    key = f"reminder:{reminder_key}"
    if len(key) <= 255:
        return key
    return "reminder:sha256:" + hashlib.sha256(reminder_key.encode()).hexdigest()


@dataclass
class MailBatch:
    """What the reminder mails of one sweep share, each worked out once for all of them."""

    now: datetime
    home: str = field(default_factory=home_timezone)
    renderer: MailRenderer = field(default_factory=MailRenderer)
    _ics: dict[tuple, bytes | None] = field(default_factory=dict)

    def ics(self, key: tuple, make: Callable[[], bytes | None]) -> bytes | None:
        """Return the .ics under `key` (which names the event and the language), made once."""
        if key not in self._ics:
            self._ics[key] = make()
        return self._ics[key]

    def days_left(self, day: date) -> int:
        return (day - to_local(self.now, self.home).date()).days


# --- agreements ------------------------------------------------------------------------


def _agreement(due: Due, batch: MailBatch) -> tuple[dict, bytes | None]:
    agreement: Agreement = due.candidate.subject
    which = "decision" if due.rule == r.AGREEMENT_DECISION else "expiry"
    day = agreement.decision_on if which == "decision" else agreement.ends_on
    lang = due.recipient.language
    context = {
        "agreement": agreement,
        "partner": agreement.partner.name,
        "day": meeting_display.long_date(day, lang),
        "ends_on": meeting_display.long_date(agreement.ends_on, lang),
        "days_left": batch.days_left(day),
        "link": absolute_url(f"/admin/agreements/{agreement.id}"),
    }
    ics = batch.ics(
        ("agreement", agreement.id, which, lang),
        lambda: event_to_ical(agreement_event(agreement, which), method="PUBLISH"),
    )
    return context, ics


# --- meetings --------------------------------------------------------------------------


def _meeting(due: Due, batch: MailBatch) -> tuple[dict, bytes | None]:
    subject: SeriesOccurrence | Meeting = due.candidate.subject
    lang = due.recipient.language
    person = due.recipient.ref
    now = batch.now
    if isinstance(subject, Meeting):
        item, start, end, zone = subject, subject.starts_at, subject.ends_at, subject.timezone
        place = subject.venue or subject.partner.name
        host = subject.partner.name
        admin_path = f"/admin/meetings/meeting/{subject.id}"
        public = public_path(subject)
        event_key = ("meeting", subject.id, lang)

        def event() -> CalEvent:
            return meeting_calevent(subject, lang=lang)
    else:
        item, start, end, zone = subject.series, subject.start, subject.end, subject.timezone
        place = subject.venue
        host = subject.host.name if subject.host is not None else ""
        admin_path = f"/admin/meetings/series/{subject.series.id}/occurrences/{subject.key}"
        public = public_path(subject.series, subject.key)
        event_key = ("series", subject.series.id, subject.key, lang)

        def event() -> CalEvent:
            return invitation_calevent(subject, lang=lang)

    home = batch.home
    context = {
        "title": localized(item, "title", lang),
        "span": meeting_display.span(start, end, zone, lang),
        "zone": meeting_display.zone_label(start, zone),
        "home_time": (
            None
            if meeting_display.same_wall_clock(start, zone, home)
            else meeting_display.when(start, home, lang)
        ),
        "home_zone": home,
        "place": place,
        "host": host,
        "days_left": (to_local(start, zone).date() - to_local(now, zone).date()).days,
        "link": absolute_url(admin_path if isinstance(person, Coordinator) else public),
        "delegate": person if isinstance(person, Delegate) else None,
        "accept_url": None,
        "decline_url": None,
    }
    if isinstance(person, Delegate) and (due.rule == r.MEETING_UNANSWERED or person.reply is None):
        context["accept_url"] = reply_url(person, REPLY_ACCEPTED)
        context["decline_url"] = reply_url(person, REPLY_DECLINED)
    return context, batch.ics(event_key, lambda: event_to_ical(event(), method="PUBLISH"))


# --- exchanges -------------------------------------------------------------------------


def _signup_closing(due: Due, batch: MailBatch) -> tuple[dict, bytes | None]:
    exchange = due.candidate.subject
    lang = due.recipient.language
    held = exchange_queries.held_pupils(exchange.id)
    context = {
        "exchange": exchange,
        "title": title_in(exchange, lang),
        "closes": local_moment(exchange.signup_closes_at, batch.home, lang),
        "places": exchange.places,
        "held": held,
        "confirmed": exchange_queries.confirmed_pupils(exchange.id),
        "waiting": len(exchange_queries.waiting_list(exchange)),
        "percent": round(100 * held / exchange.places) if exchange.places else 0,
        "link": absolute_url(f"/admin/exchanges/{exchange.id}"),
    }
    return context, None


def _in_language(exchange: object, name: str, lang: str) -> str:
    first, second = (f"{name}_en", f"{name}_sv") if lang == "en" else (f"{name}_sv", f"{name}_en")
    return (getattr(exchange, first) or getattr(exchange, second) or "").strip()


def _exchange_start(due: Due, batch: MailBatch) -> tuple[dict, bytes | None]:
    signup: Signup = due.candidate.subject
    exchange = signup.exchange
    lang = due.recipient.language
    context = {
        "signup": signup,
        "title": title_in(exchange, lang),
        "dates": date_range(exchange.starts_on, exchange.ends_on, lang),
        "days_left": batch.days_left(exchange.starts_on),
        "partner": exchange.partner.name,
        "programme": _in_language(exchange, "programme", lang),
        "practical": _in_language(exchange, "practical", lang),
        "link": signup_url(signup),
        "exchange_link": exchange_url(exchange),
    }
    return context, batch.ics(("exchange", exchange.id, lang), lambda: exchange_ics(exchange, lang))


def _offer(due: Due, batch: MailBatch) -> tuple[dict, bytes | None]:
    signup: Signup = due.candidate.subject
    exchange = signup.exchange
    lang = due.recipient.language
    context = {
        "signup": signup,
        "title": title_in(exchange, lang),
        "dates": date_range(exchange.starts_on, exchange.ends_on, lang),
        "deadline": local_moment(signup.offer_expires_at, batch.home, lang),
        "link": signup_url(signup),
    }
    return context, None


# --- grants ----------------------------------------------------------------------------


def _obligation(due: Due, batch: MailBatch) -> tuple[dict, bytes | None]:
    obligation: GrantObligation = due.candidate.subject
    grant = obligation.grant
    lang = due.recipient.language
    context = {
        "grant": grant,
        "what": KIND_LABELS[obligation.kind],
        "day": meeting_display.long_date(obligation.due_on, lang),
        "days_left": batch.days_left(obligation.due_on),
        "note": obligation.note,
        "link": absolute_url(f"/admin/grants/{grant.id}"),
    }
    # The obligation as the private feed shows it: the obligation and its grant are loaded.
    ics = batch.ics(
        ("obligation", obligation.id, lang),
        lambda: event_to_ical(obligation_event(obligation), method="PUBLISH"),
    )
    return context, ics


BUILDERS = {
    r.AGREEMENT_DECISION: _agreement,
    r.AGREEMENT_EXPIRY: _agreement,
    r.MEETING: _meeting,
    r.MEETING_UNANSWERED: _meeting,
    r.SIGNUP_CLOSING: _signup_closing,
    r.EXCHANGE_START: _exchange_start,
    r.OFFER_LAPSING: _offer,
    r.GRANT_OBLIGATION: _obligation,
}


def reminder_mail(due: Due, batch: MailBatch) -> Draft:
    """Make the mail of one due reminder (queued with the sweep's others, once per key)."""
    lang = due.recipient.language
    with force_locale(lang):
        context, ics = BUILDERS[due.rule](due, batch)
        return batch.renderer.render(
            key=mail_key(due.key),
            to=due.recipient.address,
            template=f"reminders/mail/{due.rule}",
            language=lang,
            ics=ics,
            ics_method="PUBLISH" if ics is not None else None,
            ics_filename="event.ics",
            lang=lang,
            name=due.recipient.name,
            offset=due.offset_label,
            **context,
        )
