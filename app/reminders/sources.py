"""The events reminders may be due for, read from the areas as `Candidate`s.

`candidates(rules, since, until)` returns, for every enabled rule, the events whose
reminders fall due between `since` and `until`: those whose moment lies within
[since, until + the rule's largest offset]. Each query bounds an indexed column (the
meeting's start, the exchange's sign-up close and start, the offer's deadline, the
obligation's and the agreement's day); series are few and are expanded in memory.

Cancelled meetings and occurrences, cancelled or draft exchanges, sign-ups that are not
confirmed (or no longer offered), done obligations and renewed or ended agreements
give no candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.agreements.models import Agreement
from app.agreements.services import decision_deadlines
from app.auth.models import Coordinator
from app.dbutil import in_values
from app.emails import normalise_email
from app.exchanges import models as xm
from app.exchanges.display import title_in
from app.exchanges.models import Exchange, Signup
from app.extensions import db
from app.grants.labels import DUE_TITLES
from app.grants.models import GrantObligation
from app.i18n import LANGUAGES, localized
from app.meetings.models import REPLY_DECLINED, Delegate, Meeting
from app.meetings.occurrences import SeriesOccurrence, series_between
from app.partners.services import home_timezone
from app.reminders import rules as r
from app.reminders.models import Reminder
from app.reminders.sweep import Candidate, Recipient, Rule
from app.timeutil import localize, to_local


def _recipient(address: str, language: str | None, name: str = "", ref: object = None) -> Recipient:
    """Return a recipient with its address normalised, or marked unusable with the reason."""
    language = language if language in ("sv", "en") else current_app.config["DEFAULT_LANGUAGE"]
    try:
        return Recipient(normalise_email(address or ""), language, name, ref=ref)
    except ValueError as exc:
        raw = (address or "").strip().lower()[:254] or "?"
        return Recipient(raw, language, name, problem=str(exc)[:200] or "invalid", ref=ref)


def coordinators() -> tuple[Recipient, ...]:
    """Return every active coordinator as a recipient, in their own language."""
    rows = db.session.scalars(
        sa.select(Coordinator).where(Coordinator.active.is_(True)).order_by(Coordinator.id)
    )
    return tuple(_recipient(c.email, c.language, c.name, c) for c in rows)


@dataclass(frozen=True)
class _Days:
    """The home zone's days covering a window of moments, and each day's moments."""

    zone: str
    first: date
    last: date

    @classmethod
    def covering(cls, start: datetime, end: datetime) -> _Days:
        zone = home_timezone()
        return cls(
            zone,
            to_local(start, zone).date() - timedelta(days=1),
            to_local(end, zone).date() + timedelta(days=1),
        )

    def due_at(self, day: date) -> datetime:
        return localize(day, r.DAY_DUE_AT, self.zone).astimezone(UTC)

    def day_over(self, day: date) -> datetime:
        return localize(day + timedelta(days=1), datetime.min.time(), self.zone).astimezone(UTC)


def _within(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment <= end


# --- agreements ------------------------------------------------------------------------


def _current_terms() -> sa.Select:
    successor = sa.orm.aliased(Agreement)
    return sa.select(Agreement).where(
        Agreement.ended_on.is_(None),
        Agreement.signed_on.is_not(None),
        ~sa.exists().where(successor.renews_id == Agreement.id),
    )


def _agreement_title(agreement: Agreement) -> str:
    return f"{agreement.title} ({agreement.partner.name})"[:300]


def _on_agreement_day(
    rule: str, found: Iterable[tuple[Agreement, date]], days: _Days, start, end, people
) -> list[Candidate]:
    """Return a candidate for each (agreement, day) whose 08:00 lies in the window."""
    return [
        Candidate(
            rule,
            f"agreement:{agreement.id}",
            days.due_at(day),
            days.day_over(day),
            people(),
            _agreement_title(agreement),
            subject=agreement,
        )
        for agreement, day in found
        if _within(days.due_at(day), start, end)
    ]


def agreement_decisions(start: datetime, end: datetime, people) -> list[Candidate]:
    days = _Days.covering(start, end)
    found = decision_deadlines(days.first, days.last + timedelta(days=1))
    return _on_agreement_day(
        r.AGREEMENT_DECISION, ((a, a.decision_on) for a in found), days, start, end, people
    )


def agreement_expiries(start: datetime, end: datetime, people) -> list[Candidate]:
    days = _Days.covering(start, end)
    query = _current_terms().where(Agreement.ends_on.between(days.first, days.last))
    found = db.session.scalars(query.order_by(Agreement.ends_on, Agreement.id))
    return _on_agreement_day(
        r.AGREEMENT_EXPIRY, ((a, a.ends_on) for a in found), days, start, end, people
    )


def _titles(title_in_language) -> dict[str, str]:
    """Return an event's title in each language, for the pages that show a reminder."""
    return {language: title_in_language(language)[:300] for language in LANGUAGES}


# --- meetings --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Held:
    """One coming meeting: a series occurrence or a one-off meeting, and its delegates."""

    subject: SeriesOccurrence | Meeting
    object_key: str
    original_start: datetime | None
    start: datetime
    title: str
    delegates: tuple[Delegate, ...]
    published: bool
    titles: Mapping[str, str]


def _meetings(start: datetime, end: datetime) -> list[_Held]:
    lang = current_app.config["DEFAULT_LANGUAGE"]
    found: list[_Held] = []
    # Every series' occurrences in the window, from the per-process index by data version
    # (or expanded here while this session holds uncommitted changes).
    occurrences: list[SeriesOccurrence] = [
        o
        for o in series_between(start, end + timedelta(microseconds=1), include_unpublished=True)
        if _within(o.start, start, end)
    ]
    delegates: dict[tuple[int, datetime], list[Delegate]] = {}
    if occurrences:
        rows = db.session.scalars(
            sa.select(Delegate)
            .where(
                Delegate.series_id.in_({o.series.id for o in occurrences}),
                Delegate.original_start.in_({o.occurrence.original_start for o in occurrences}),
            )
            .order_by(Delegate.id)
        )
        for d in rows:
            delegates.setdefault((d.series_id, d.original_start), []).append(d)
    for o in occurrences:
        original = o.occurrence.original_start
        found.append(
            _Held(
                o,
                f"series:{o.series.id}",
                original,
                o.start.astimezone(UTC),
                localized(o.series, "title", lang)[:300],
                tuple(delegates.get((o.series.id, original), ())),
                o.series.published,
                _titles(lambda language, s=o.series: localized(s, "title", language)),
            )
        )
    in_window = (Meeting.starts_at.between(start, end), Meeting.cancelled_at.is_(None))
    meetings = db.session.scalars(
        sa.select(Meeting)
        .options(lazyload(Meeting.delegates))
        .where(*in_window)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    # Their delegates in one statement, however many meetings (selectinload batches them).
    of_meeting: dict[int, list[Delegate]] = {m.id: [] for m in meetings}
    for d in db.session.scalars(
        sa.select(Delegate)
        .where(Delegate.meeting_id.in_(sa.select(Meeting.id).where(*in_window)))
        .order_by(Delegate.id)
    ):
        if d.meeting_id in of_meeting:
            of_meeting[d.meeting_id].append(d)
    for m in meetings:
        set_committed_value(m, "delegates", of_meeting[m.id])
        found.append(
            _Held(
                m,
                f"meeting:{m.id}",
                None,
                m.starts_at,
                localized(m, "title", lang)[:300],
                tuple(m.delegates),
                m.published,
                _titles(lambda language, m=m: localized(m, "title", language)),
            )
        )
    return found


def _delegate(d: Delegate) -> Recipient:
    return _recipient(d.email, d.language, d.name, d)


def meeting_candidates(people, wanted: Mapping[str, tuple[datetime, datetime]]) -> list[Candidate]:
    """Return the candidates of the meeting rules asked for, from one pass over meetings."""
    windows = list(wanted.values())
    held = _meetings(min(w[0] for w in windows), max(w[1] for w in windows))
    found = []
    for h in held:
        if r.MEETING in wanted and _within(h.start, *wanted[r.MEETING]):
            # Delegates who were invited and have not declined; an unpublished meeting's
            # page is not theirs to open, so its reminders go to the coordinators only.
            attending = tuple(
                _delegate(d)
                for d in h.delegates
                if h.published and d.invited_sequence is not None and d.reply != REPLY_DECLINED
            )
            found.append(
                Candidate(
                    r.MEETING,
                    h.object_key,
                    h.start,
                    h.start,
                    attending + people(),
                    h.title,
                    h.original_start,
                    subject=h.subject,
                    titles=h.titles,
                )
            )
        if r.MEETING_UNANSWERED in wanted and _within(h.start, *wanted[r.MEETING_UNANSWERED]):
            silent = tuple(
                _delegate(d)
                for d in h.delegates
                if h.published and d.invited_sequence is not None and d.reply is None
            )
            if silent:
                found.append(
                    Candidate(
                        r.MEETING_UNANSWERED,
                        h.object_key,
                        h.start,
                        h.start,
                        silent,
                        h.title,
                        h.original_start,
                        subject=h.subject,
                    )
                )
    return found


# --- exchanges -------------------------------------------------------------------------


def signups_closing(start: datetime, end: datetime, people) -> list[Candidate]:
    lang = current_app.config["DEFAULT_LANGUAGE"]
    query = sa.select(Exchange).where(
        Exchange.signup_closes_at.between(start, end), Exchange.status == xm.OPEN
    )
    return [
        Candidate(
            r.SIGNUP_CLOSING,
            f"exchange:{e.id}",
            e.signup_closes_at,
            e.signup_closes_at,
            people(),
            title_in(e, lang)[:300],
            subject=e,
            titles=_titles(lambda language, e=e: title_in(e, language)),
        )
        for e in db.session.scalars(query.order_by(Exchange.signup_closes_at, Exchange.id))
    ]


def exchange_starts(start: datetime, end: datetime) -> list[Candidate]:
    days = _Days.covering(start, end)
    query = (
        sa.select(Signup)
        .join(Signup.exchange)
        .options(selectinload(Signup.exchange))
        .where(
            Exchange.starts_on.between(days.first, days.last),
            Exchange.status.in_((xm.OPEN, xm.CLOSED)),
            Signup.status == xm.CONFIRMED,
        )
        .order_by(Exchange.starts_on, Signup.id)
    )
    found = []
    for signup in db.session.scalars(query):
        exchange = signup.exchange
        at = days.due_at(exchange.starts_on)
        if _within(at, start, end):
            school = _recipient(signup.contact_email, signup.language, signup.contact_name, signup)
            found.append(
                Candidate(
                    r.EXCHANGE_START,
                    f"signup:{signup.id}",
                    at,
                    at,
                    (school,),
                    f"{title_in(exchange, signup.language)} ({signup.school.name})"[:300],
                    subject=signup,
                    titles=_titles(
                        lambda language, e=exchange, s=signup: (
                            f"{title_in(e, language)} ({s.school.name})"
                        )
                    ),
                )
            )
    return found


def offers_lapsing(start: datetime, end: datetime) -> list[Candidate]:
    query = (
        sa.select(Signup)
        .options(selectinload(Signup.exchange))
        .where(Signup.status == xm.OFFERED, Signup.offer_expires_at.between(start, end))
        .order_by(Signup.offer_expires_at, Signup.id)
    )
    found = []
    for signup in db.session.scalars(query):
        school = _recipient(signup.contact_email, signup.language, signup.contact_name, signup)
        deadline = signup.offer_expires_at
        # The deadline names the offer: a new offer (or a new deadline) is reminded anew.
        found.append(
            Candidate(
                r.OFFER_LAPSING,
                f"signup:{signup.id}",
                deadline,
                deadline,
                (school,),
                f"{title_in(signup.exchange, signup.language)} ({signup.school.name})"[:300],
                deadline,
                subject=signup,
                titles=_titles(
                    lambda language, s=signup: f"{title_in(s.exchange, language)} ({s.school.name})"
                ),
            )
        )
    return found


# --- grants ----------------------------------------------------------------------------


def obligations_due(start: datetime, end: datetime, people) -> list[Candidate]:
    days = _Days.covering(start, end)
    query = (
        sa.select(GrantObligation)
        .options(selectinload(GrantObligation.grant))
        .where(
            GrantObligation.due_on.between(days.first, days.last), GrantObligation.done_on.is_(None)
        )
        .order_by(GrantObligation.due_on, GrantObligation.id)
    )
    found = []
    for obligation in db.session.scalars(query):
        at = days.due_at(obligation.due_on)
        if _within(at, start, end):
            found.append(
                Candidate(
                    r.GRANT_OBLIGATION,
                    f"obligation:{obligation.id}",
                    at,
                    days.day_over(obligation.due_on),
                    people(),
                    (str(DUE_TITLES[obligation.kind]) % {"title": obligation.grant.title})[:300],
                    subject=obligation,
                )
            )
    return found


# --- all of them -----------------------------------------------------------------------


def candidates(rules: Mapping[str, Rule], since: datetime, until: datetime) -> list[Candidate]:
    """Return the events of every enabled rule whose reminders may fall due in [since, until]."""
    windows = {
        key: (since, until + timedelta(minutes=rule.largest))
        for key, rule in rules.items()
        if rule.enabled and rule.offsets
    }
    cache: list[tuple[Recipient, ...]] = []

    def people() -> tuple[Recipient, ...]:
        if not cache:
            cache.append(coordinators())
        return cache[0]

    found: list[Candidate] = []
    if r.AGREEMENT_DECISION in windows:
        found += agreement_decisions(*windows[r.AGREEMENT_DECISION], people)
    if r.AGREEMENT_EXPIRY in windows:
        found += agreement_expiries(*windows[r.AGREEMENT_EXPIRY], people)
    meeting_rules = {k: windows[k] for k in (r.MEETING, r.MEETING_UNANSWERED) if k in windows}
    if meeting_rules:
        found += meeting_candidates(people, meeting_rules)
    if r.SIGNUP_CLOSING in windows:
        found += signups_closing(*windows[r.SIGNUP_CLOSING], people)
    if r.EXCHANGE_START in windows:
        found += exchange_starts(*windows[r.EXCHANGE_START])
    if r.OFFER_LAPSING in windows:
        found += offers_lapsing(*windows[r.OFFER_LAPSING])
    if r.GRANT_OBLIGATION in windows:
        found += obligations_due(*windows[r.GRANT_OBLIGATION], people)
    return found


def keys_recorded(keys: Iterable[str]) -> set[str]:
    """Return which of these reminder keys are already recorded."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(Reminder.key).where(in_values(Reminder.key, wanted))))
