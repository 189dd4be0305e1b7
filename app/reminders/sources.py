"""The events reminders may be due for, read from the areas as `Candidate`s.

`candidates(rules, since, until)` returns, for every enabled rule, the events whose
reminders fall due between `since` and `until`: those whose moment lies within
[since + offset, until + offset] for one of the rule's offsets (the windows merged where
they overlap, so a sweep reads what may be due, not every event up to the largest
offset ahead). Each query bounds an indexed column (the meeting's start, the exchange's
sign-up close and start, the offer's deadline, the obligation's and the agreement's day);
series are few and are expanded in memory.

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
from app.agreements.services import decision_deadlines_within
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


Window = tuple[datetime, datetime]  # [start, end], both included


def _moment_in(column: sa.ColumnElement, spans: list[Window]) -> sa.ColumnElement[bool]:
    """Return the condition that the moment `column` lies within one of the spans."""
    return sa.or_(*(column.between(start, end) for start, end in spans))


@dataclass(frozen=True)
class _Days:
    """The home zone's days covering windows of moments, and each day's moments."""

    zone: str
    ranges: tuple[tuple[date, date], ...]  # (first, last) day of each window

    @classmethod
    def covering(cls, spans: list[Window]) -> _Days:
        zone = home_timezone()
        return cls(
            zone,
            tuple(
                (
                    to_local(start, zone).date() - timedelta(days=1),
                    to_local(end, zone).date() + timedelta(days=1),
                )
                for start, end in spans
            ),
        )

    def of(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        """Return the condition that the date `column` lies on one of these days."""
        return sa.or_(*(column.between(first, last) for first, last in self.ranges))

    def due_at(self, day: date) -> datetime:
        return localize(day, r.DAY_DUE_AT, self.zone).astimezone(UTC)

    def day_over(self, day: date) -> datetime:
        return localize(day + timedelta(days=1), datetime.min.time(), self.zone).astimezone(UTC)


def _within_any(moment: datetime, windows: list[Window]) -> bool:
    return any(start <= moment <= end for start, end in windows)


def _merged(windows: Iterable[Window]) -> list[Window]:
    """Return the windows in order, those that overlap or touch made one."""
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def windows(rule: Rule, since: datetime, until: datetime) -> list[Window]:
    """Return when an event must lie for one of the rule's reminders (the event less an
    offset) to fall in [since, until]."""
    return _merged(
        (since + timedelta(minutes=m), until + timedelta(minutes=m)) for m in rule.offsets
    )


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
    rule: str, found: Iterable[tuple[Agreement, date]], days: _Days, spans, people
) -> list[Candidate]:
    """Return a candidate for each (agreement, day) whose 08:00 lies in one of the spans."""
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
        if _within_any(days.due_at(day), spans)
    ]


def agreement_decisions(spans: list[Window], people) -> list[Candidate]:
    days = _Days.covering(spans)
    found = decision_deadlines_within(
        [(first, last + timedelta(days=1)) for first, last in days.ranges]
    )
    return _on_agreement_day(
        r.AGREEMENT_DECISION, ((a, a.decision_on) for a in found), days, spans, people
    )


def agreement_expiries(spans: list[Window], people) -> list[Candidate]:
    days = _Days.covering(spans)
    query = _current_terms().where(days.of(Agreement.ends_on))
    found = db.session.scalars(query.order_by(Agreement.ends_on, Agreement.id))
    return _on_agreement_day(
        r.AGREEMENT_EXPIRY, ((a, a.ends_on) for a in found), days, spans, people
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


def _meetings(spans: list[Window]) -> list[_Held]:
    """Return the meetings and series occurrences that start within one of the spans."""
    lang = current_app.config["DEFAULT_LANGUAGE"]
    found: list[_Held] = []
    start, end = spans[0][0], spans[-1][1]
    # Every series' occurrences in the spans, from the per-process index by data version
    # (or expanded here while this session holds uncommitted changes).
    occurrences: list[SeriesOccurrence] = [
        o
        for o in series_between(start, end + timedelta(microseconds=1), include_unpublished=True)
        if _within_any(o.start, spans)
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
    in_window = (_moment_in(Meeting.starts_at, spans), Meeting.cancelled_at.is_(None))
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


def meeting_candidates(people, wanted: Mapping[str, list[Window]]) -> list[Candidate]:
    """Return the candidates of the meeting rules asked for, from one pass over meetings."""
    held = _meetings(_merged(w for spans in wanted.values() for w in spans))
    found = []
    for h in held:
        if r.MEETING in wanted and _within_any(h.start, wanted[r.MEETING]):
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
        if r.MEETING_UNANSWERED in wanted and _within_any(h.start, wanted[r.MEETING_UNANSWERED]):
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


def signups_closing(spans: list[Window], people) -> list[Candidate]:
    lang = current_app.config["DEFAULT_LANGUAGE"]
    query = sa.select(Exchange).where(
        _moment_in(Exchange.signup_closes_at, spans), Exchange.status == xm.OPEN
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


def exchange_starts(spans: list[Window]) -> list[Candidate]:
    days = _Days.covering(spans)
    query = (
        sa.select(Signup)
        .join(Signup.exchange)
        .options(selectinload(Signup.exchange))
        .where(
            days.of(Exchange.starts_on),
            Exchange.status.in_((xm.OPEN, xm.CLOSED)),
            Signup.status == xm.CONFIRMED,
        )
        .order_by(Exchange.starts_on, Signup.id)
    )
    found = []
    for signup in db.session.scalars(query):
        exchange = signup.exchange
        at = days.due_at(exchange.starts_on)
        if _within_any(at, spans):
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


def offers_lapsing(spans: list[Window]) -> list[Candidate]:
    query = (
        sa.select(Signup)
        .options(selectinload(Signup.exchange))
        .where(Signup.status == xm.OFFERED, _moment_in(Signup.offer_expires_at, spans))
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


def obligations_due(spans: list[Window], people) -> list[Candidate]:
    days = _Days.covering(spans)
    query = (
        sa.select(GrantObligation)
        .options(selectinload(GrantObligation.grant))
        .where(days.of(GrantObligation.due_on), GrantObligation.done_on.is_(None))
        .order_by(GrantObligation.due_on, GrantObligation.id)
    )
    found = []
    for obligation in db.session.scalars(query):
        at = days.due_at(obligation.due_on)
        if _within_any(at, spans):
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
    spans = {
        key: windows(rule, since, until)
        for key, rule in rules.items()
        if rule.enabled and rule.offsets
    }
    cache: list[tuple[Recipient, ...]] = []

    def people() -> tuple[Recipient, ...]:
        if not cache:
            cache.append(coordinators())
        return cache[0]

    # One query per rule, whatever the number of its windows.
    by_rule = {
        r.AGREEMENT_DECISION: lambda w: agreement_decisions(w, people),
        r.AGREEMENT_EXPIRY: lambda w: agreement_expiries(w, people),
        r.SIGNUP_CLOSING: lambda w: signups_closing(w, people),
        r.EXCHANGE_START: exchange_starts,
        r.OFFER_LAPSING: offers_lapsing,
        r.GRANT_OBLIGATION: lambda w: obligations_due(w, people),
    }
    found: list[Candidate] = []
    for key, source in by_rule.items():
        if key in spans:
            found += source(spans[key])
    meeting_rules = {k: spans[k] for k in (r.MEETING, r.MEETING_UNANSWERED) if k in spans}
    if meeting_rules:
        found += meeting_candidates(people, meeting_rules)
    return found


def keys_recorded(keys: Iterable[str]) -> set[str]:
    """Return which of these reminder keys are already recorded."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(Reminder.key).where(in_values(Reminder.key, wanted))))
